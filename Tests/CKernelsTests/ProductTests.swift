import Testing
import SLAMSparse
import MixedSLAMTestSupport

/// Checks got ≈ A x (+ yOld) componentwise within γ(len+3, u)·(|A||x| + |yOld|): each output
/// is len products summed with at most len+3 roundings of relative size ≤ u (value storage,
/// vector cast, multiply-add, final store).
func expectProduct(
    _ a: [[Double]], _ x: [Double], old: [Double]?, got: [Double], u: Double,
    _ context: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    var worst = 0.0
    for i in a.indices {
        var exact = old?[i] ?? 0, magnitude = abs(old?[i] ?? 0), length = 0
        for j in x.indices where a[i][j] != 0 {
            exact += a[i][j] * x[j]
            magnitude += abs(a[i][j] * x[j])
            length += 1
        }
        let bound = gamma(length + 3, u) * magnitude
        let error = abs(got[i] - exact)
        worst = largerError(worst, bound > 0 ? error / bound : (error == 0 ? 0 : .infinity))
    }
    #expect(worst <= 1, "\(context): error / bound = \(worst)", sourceLocation: sourceLocation)
}

func transpose(_ a: [[Double]]) -> [[Double]] {
    guard let first = a.first else { return [] }
    return first.indices.map { j in a.map { $0[j] } }
}

/// Runs `body` for each storage type of `variant` with the converted matrix.
func withStorage(
    _ variant: Variant,
    fp64: () throws -> Void, fp32: () throws -> Void, fp16: () throws -> Void
) throws {
    switch variant.storage {
    case .fp64: try fp64()
    case .fp32: try fp32()
    case .fp16: try fp16()
    }
}

func checkCSR<S: SparseScalar>(
    _ m: CSRMatrix<Double>, as _: S.Type, variant: Variant, path: KernelPath
) throws {
    let stored = try m.converted(to: S.self).matrix
    let options = KernelOptions(path: path, halfArithmetic: variant.half)
    let dense = m.dense(), denseT = transpose(dense)
    for accumulate in [false, true] {
        let x = randomVector(m.columnCount, as: S.VectorScalar.self, seed: 11)
        let old = randomVector(m.rowCount, as: S.VectorScalar.self, seed: 12)
        var y = old
        try stored.multiply(x, into: &y, accumulate: accumulate, options: options)
        expectProduct(dense, wide(x), old: accumulate ? wide(old) : nil, got: wide(y), u: variant.unitRoundoff,
                      "CSR A x \(variant) \(path) acc=\(accumulate)")
        let xt = randomVector(m.rowCount, as: S.VectorScalar.self, seed: 13)
        let oldT = randomVector(m.columnCount, as: S.VectorScalar.self, seed: 14)
        var yt = oldT
        try stored.multiplyTransposed(xt, into: &yt, accumulate: accumulate, options: options)
        expectProduct(denseT, wide(xt), old: accumulate ? wide(oldT) : nil, got: wide(yt), u: variant.unitRoundoff,
                      "CSR Aᵀ x \(variant) \(path) acc=\(accumulate)")
    }
}

func checkBSR<S: SparseScalar>(
    _ m: BlockCSRMatrix<Double>, as _: S.Type, variant: Variant, path: KernelPath
) throws {
    let stored = try m.converted(to: S.self).matrix
    let options = KernelOptions(path: path, halfArithmetic: variant.half)
    let dense = m.dense(), denseT = transpose(dense)
    for accumulate in [false, true] {
        let x = randomVector(m.columnCount, as: S.VectorScalar.self, seed: 21)
        let old = randomVector(m.rowCount, as: S.VectorScalar.self, seed: 22)
        var y = old
        try stored.multiply(x, into: &y, accumulate: accumulate, options: options)
        expectProduct(dense, wide(x), old: accumulate ? wide(old) : nil, got: wide(y), u: variant.unitRoundoff,
                      "BSR\(m.blockSize) A x \(variant) \(path) acc=\(accumulate)")
        let xt = randomVector(m.rowCount, as: S.VectorScalar.self, seed: 23)
        let oldT = randomVector(m.columnCount, as: S.VectorScalar.self, seed: 24)
        var yt = oldT
        try stored.multiplyTransposed(xt, into: &yt, accumulate: accumulate, options: options)
        expectProduct(denseT, wide(xt), old: accumulate ? wide(oldT) : nil, got: wide(yt), u: variant.unitRoundoff,
                      "BSR\(m.blockSize) Aᵀ x \(variant) \(path) acc=\(accumulate)")
    }
}

func denseJacobian(_ j: BAJacobian<Double>) -> [[Double]] {
    var a = Array(repeating: Array(repeating: 0.0, count: j.columnCount), count: j.rowCount)
    for k in 0..<j.observationCount {
        let p = Int(j.poseIndices[k]) * 6, l = 6 * j.poseCount + Int(j.landmarkIndices[k]) * 3
        for r in 0..<2 {
            for c in 0..<6 { a[2 * k + r][p + c] += j.blocks[18 * k + 9 * r + c] }
            for c in 0..<3 { a[2 * k + r][l + c] += j.blocks[18 * k + 9 * r + 6 + c] }
        }
    }
    return a
}

func checkBA<S: SparseScalar>(
    _ j: BAJacobian<Double>, as _: S.Type, variant: Variant, path: KernelPath
) throws {
    let stored = try j.converted(to: S.self).jacobian
    let options = KernelOptions(path: path, halfArithmetic: variant.half)
    let dense = denseJacobian(j), denseT = transpose(dense)
    for accumulate in [false, true] {
        let x = randomVector(j.columnCount, as: S.VectorScalar.self, seed: 31)
        let old = randomVector(j.rowCount, as: S.VectorScalar.self, seed: 32)
        var r = old
        try stored.multiply(x, into: &r, accumulate: accumulate, options: options)
        expectProduct(dense, wide(x), old: accumulate ? wide(old) : nil, got: wide(r), u: variant.unitRoundoff,
                      "BA J p \(variant) \(path) acc=\(accumulate)")
        let q = randomVector(j.rowCount, as: S.VectorScalar.self, seed: 33)
        let oldG = randomVector(j.columnCount, as: S.VectorScalar.self, seed: 34)
        var g = oldG
        try stored.multiplyTransposed(q, into: &g, accumulate: accumulate, options: options)
        expectProduct(denseT, wide(q), old: accumulate ? wide(oldG) : nil, got: wide(g), u: variant.unitRoundoff,
                      "BA Jᵀ q \(variant) \(path) acc=\(accumulate)")
    }
}

@Suite struct ProductTests {
    @Test(arguments: supportedPaths, Variant.all)
    func csrRandomRectangular(path: KernelPath, variant: Variant) throws {
        let m = try randomCSR(rows: 37, columns: 23, density: 0.3, seed: 1)
        try withStorage(variant,
            fp64: { try checkCSR(m, as: Double.self, variant: variant, path: path) },
            fp32: { try checkCSR(m, as: Float.self, variant: variant, path: path) },
            fp16: { try checkCSR(m, as: Float16.self, variant: variant, path: path) })
    }

    @Test(arguments: supportedPaths, Variant.all)
    func csrPoseGraphHessian(path: KernelPath, variant: Variant) throws {
        let m = try flatten(poseGraphHessian(poses: 12, blockSize: 3, loopStride: 5, seed: 2))
        try withStorage(variant,
            fp64: { try checkCSR(m, as: Double.self, variant: variant, path: path) },
            fp32: { try checkCSR(m, as: Float.self, variant: variant, path: path) },
            fp16: { try checkCSR(m, as: Float16.self, variant: variant, path: path) })
    }

    @Test(arguments: supportedPaths, Variant.all)
    func blockTridiagonalWithLoops(path: KernelPath, variant: Variant) throws {
        for b in [3, 6, 2] {
            let m = try poseGraphHessian(poses: 14, blockSize: b, loopStride: 6, seed: UInt64(b))
            try withStorage(variant,
                fp64: { try checkBSR(m, as: Double.self, variant: variant, path: path) },
                fp32: { try checkBSR(m, as: Float.self, variant: variant, path: path) },
                fp16: { try checkBSR(m, as: Float16.self, variant: variant, path: path) })
        }
    }

    @Test(arguments: supportedPaths, Variant.all)
    func rectangularBlockMatrixWithEmptyRows(path: KernelPath, variant: Variant) throws {
        for b in [6, 3, 5] {
            let m = try randomBSR(blockSize: b, blockRows: 9, blockColumns: 5, seed: UInt64(40 + b))
            try withStorage(variant,
                fp64: { try checkBSR(m, as: Double.self, variant: variant, path: path) },
                fp32: { try checkBSR(m, as: Float.self, variant: variant, path: path) },
                fp16: { try checkBSR(m, as: Float16.self, variant: variant, path: path) })
        }
    }

    @Test(arguments: supportedPaths, Variant.all)
    func bundleAdjustmentJacobian(path: KernelPath, variant: Variant) throws {
        let j = try randomBAJacobian(poses: 7, landmarks: 29, perLandmark: 3, seed: 3)
        try withStorage(variant,
            fp64: { try checkBA(j, as: Double.self, variant: variant, path: path) },
            fp32: { try checkBA(j, as: Float.self, variant: variant, path: path) },
            fp16: { try checkBA(j, as: Float16.self, variant: variant, path: path) })
    }

    @Test func nativeHalfArithmeticDiffersFromFloatArithmetic() throws {
        // Long rows make fp16 accumulation visibly coarser than fp32 accumulation of the same
        // fp16 values; if the two modes agreed bit for bit the native path would not be native.
        let m = try randomCSR(rows: 4, columns: 400, density: 1, seed: 9).converted(to: Float16.self).matrix
        let x = randomVector(400, as: Float.self, seed: 10)
        var y32 = [Float](repeating: 0, count: 4), y16 = y32
        try m.multiply(x, into: &y32, options: KernelOptions(path: .scalar, halfArithmetic: .float32))
        try m.multiply(x, into: &y16, options: KernelOptions(path: .scalar, halfArithmetic: .float16))
        #expect(y32 != y16)
        #expect(y16.allSatisfy { Float(Float16($0)) == $0 }, "fp16 arithmetic results are fp16 values")
    }
}
