import Testing
import SLAMSparse

/// A random well-conditioned lower factor with the block pattern of a pose-graph Hessian:
/// strictly lower blocks in [-0.5, 0.5], diagonal blocks lower triangular with diagonal in
/// [1, 2], stored through their inverses.
func randomFactor(blockSize b: Int, blocks: Int, seed: UInt64) throws -> TriangularFactor<Double> {
    let h = try poseGraphHessian(poses: blocks, blockSize: b, loopStride: 5, seed: seed)
    var rng = SplitMix(seed: seed &+ 100)
    var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
    var inverse = [Double](repeating: 0, count: blocks * b * b)
    for i in 0..<blocks {
        for k in Int(h.blockRowPointers[i])..<Int(h.blockRowPointers[i + 1]) where Int(h.blockColumnIndices[k]) < i {
            columns.append(h.blockColumnIndices[k])
            for _ in 0..<(b * b) { values.append(0.5 * rng.uniform()) }
        }
        pointers.append(Int32(columns.count))
        var d = [Double](repeating: 0, count: b * b)
        for r in 0..<b { for c in 0...r { d[r * b + c] = r == c ? 1.5 + 0.5 * rng.uniform() : 0.3 * rng.uniform() } }
        let dinv = lowerInverse(d, b)
        for t in 0..<(b * b) { inverse[i * b * b + t] = dinv[t] }
    }
    return try TriangularFactor(
        blockSize: b, blockCount: blocks, rowPointers: pointers, columnIndices: columns,
        values: values, inverseDiagonal: inverse)
}

/// Inverse of a lower-triangular b×b row-major matrix (forward substitution, fp64).
func lowerInverse(_ d: [Double], _ b: Int) -> [Double] {
    var x = [Double](repeating: 0, count: b * b)
    for c in 0..<b {
        for r in c..<b {
            var v = r == c ? 1.0 : 0.0
            for t in c..<r { v -= d[r * b + t] * x[t * b + c] }
            x[r * b + c] = v / d[r * b + r]
        }
    }
    return x
}

/// Checks the residual of a computed solution of L y = b (or Lᵀ y = b) with the *stored*
/// factor (strict part S and D⁻¹ as stored, D = (stored D⁻¹)⁻¹ in fp64):
/// ŷ_i = fl(D_i⁻¹ fl(t_i)), t = b − S ŷ, so |t − D ŷ| ≤ γ_m (|b| + |S||ŷ|) + γ_m |D||D⁻¹| (|b| + |S||ŷ|)
/// with m = (longest row or column of S) + B + 3 roundings of size ≤ u.
func expectSolve(
    _ f: TriangularFactor<Double>, transposed: Bool, b: [Double], y: [Double], u: Double,
    _ context: String
) {
    let B = f.blockSize, n = f.dimension
    var s = Array(repeating: Array(repeating: 0.0, count: n), count: n)
    for i in 0..<f.blockCount {
        for k in Int(f.rowPointers[i])..<Int(f.rowPointers[i + 1]) {
            let j = Int(f.columnIndices[k])
            for r in 0..<B { for c in 0..<B { s[i * B + r][j * B + c] = f.values[k * B * B + r * B + c] } }
        }
    }
    if transposed { s = transpose(s) }
    var longest = 0
    for row in s { longest = max(longest, row.filter { $0 != 0 }.count) }
    for col in transpose(s) { longest = max(longest, col.filter { $0 != 0 }.count) }
    let m = longest * B + B + 3
    var worst = 0.0
    for i in 0..<f.blockCount {
        var dinv = Array(f.inverseDiagonal[(i * B * B)..<((i + 1) * B * B)])
        if transposed {
            var t = dinv
            for r in 0..<B { for c in 0..<B { t[r * B + c] = dinv[c * B + r] } }
            dinv = t
        }
        // D of the transposed solve is Dᵀ, whose inverse is (D⁻¹)ᵀ; both are inverted in fp64.
        let d = transposed ? transposeBlock(lowerInverse(transposeBlock(dinv, B), B), B) : lowerInverse(dinv, B)
        var t = [Double](repeating: 0, count: B), tMagnitude = t
        for r in 0..<B {
            let row = i * B + r
            t[r] = b[row]
            tMagnitude[r] = abs(b[row])
            for j in 0..<n where s[row][j] != 0 {
                t[r] -= s[row][j] * y[j]
                tMagnitude[r] += abs(s[row][j] * y[j])
            }
        }
        for r in 0..<B {
            var residual = t[r], chain = 0.0
            for c in 0..<B {
                residual -= d[r * B + c] * y[i * B + c]
                for e in 0..<B { chain += abs(d[r * B + c]) * abs(dinv[c * B + e]) * tMagnitude[e] }
            }
            let bound = gamma(m, u) * (tMagnitude[r] + chain)
            worst = max(worst, abs(residual) / bound)
        }
    }
    #expect(worst <= 1, "\(context): residual / bound = \(worst)")
}

func transposeBlock(_ a: [Double], _ b: Int) -> [Double] {
    var t = a
    for r in 0..<b { for c in 0..<b { t[r * b + c] = a[c * b + r] } }
    return t
}

func checkSolve<S: SparseScalar>(
    _ f: TriangularFactor<Double>, as _: S.Type, variant: Variant, path: KernelPath
) throws {
    let stored = try f.converted(to: S.self).factor
    let back = try stored.converted(to: Double.self).factor
    let options = KernelOptions(path: path, halfArithmetic: variant.half)
    let b = randomVector(f.dimension, as: S.VectorScalar.self, seed: 41)
    var y = [S.VectorScalar](repeating: 0, count: f.dimension)
    try stored.solveLower(b, into: &y, options: options)
    expectSolve(back, transposed: false, b: wide(b), y: wide(y), u: variant.unitRoundoff,
                "L y = b, B=\(f.blockSize) \(variant) \(path)")
    try stored.solveLowerTransposed(b, into: &y, options: options)
    expectSolve(back, transposed: true, b: wide(b), y: wide(y), u: variant.unitRoundoff,
                "Lᵀ y = b, B=\(f.blockSize) \(variant) \(path)")
}

@Suite struct TriangularSolveTests {
    @Test(arguments: supportedPaths, Variant.all)
    func scalarAndBlockSolves(path: KernelPath, variant: Variant) throws {
        for b in [1, 3, 6, 4] {
            let f = try randomFactor(blockSize: b, blocks: 15, seed: UInt64(7 + b))
            try withStorage(variant,
                fp64: { try checkSolve(f, as: Double.self, variant: variant, path: path) },
                fp32: { try checkSolve(f, as: Float.self, variant: variant, path: path) },
                fp16: { try checkSolve(f, as: Float16.self, variant: variant, path: path) })
        }
    }

    @Test func solveUndoesMultiplyInDoublePrecision() throws {
        // Independent of the residual bound: with y = L⁻¹ b, forming L y by hand returns b.
        let f = try randomFactor(blockSize: 6, blocks: 10, seed: 5)
        let b = randomVector(f.dimension, as: Double.self, seed: 6)
        var y = [Double](repeating: 0, count: f.dimension)
        try f.solveLower(b, into: &y, options: KernelOptions(path: .scalar))
        expectSolve(f, transposed: false, b: b, y: y, u: Precision.fp64.unitRoundoff, "fp64 reference")
        #expect(throws: SparseError.dimensionMismatch(expected: 60, actual: 3)) {
            try f.solveLower([1, 2, 3], into: &y)
        }
    }
}
