import Testing
import SLAMSparse
import MixedSLAMTestSupport

/// A random well-conditioned factor L = D (I + W) with the block pattern of a pose-graph
/// Hessian: W blocks in [-0.5, 0.5], D blocks lower triangular with diagonal in [1, 2],
/// stored through their inverses.
func randomFactor(blockSize b: Int, blocks: Int, seed: UInt64) throws -> TriangularFactor<Double> {
    let h = try poseGraphHessian(poses: blocks, blockSize: b, loopStride: 5, seed: seed)
    var rng = SeededGenerator(seed: seed &+ 100)
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
/// factor L = D (I + W) (W and D⁻¹ as stored, evaluated in fp64), m = (longest row or column
/// of W)·B + B + 3 roundings of size ≤ u:
/// - L y = b is computed as ŷ = fl(D⁻¹ b − W ŷ), so with c = D⁻¹ b,
///   |c − (I + W) ŷ| ≤ γ_m (|D⁻¹||b| + |ŷ| + |W||ŷ|);
/// - Lᵀ y = b is computed as (I + Wᵀ) w = b, then ŷ = fl(D⁻ᵀ w); with ŵ = Dᵀ ŷ (D = stored
///   D⁻¹ inverted in fp64), |b − (I + Wᵀ) ŵ| ≤ γ_m (|b| + |ŵ| + |Wᵀ||ŵ| + (I + |Wᵀ|)|Dᵀ||D⁻ᵀ||ŵ|),
///   the last term carrying the rounding of the final D⁻ᵀ product.
func expectSolve(
    _ f: TriangularFactor<Double>, transposed: Bool, b: [Double], y: [Double], u: Double,
    _ context: String
) {
    let B = f.blockSize, n = f.dimension
    var w = Array(repeating: Array(repeating: 0.0, count: n), count: n)
    var dinv = w
    for i in 0..<f.blockCount {
        for k in Int(f.rowPointers[i])..<Int(f.rowPointers[i + 1]) {
            let j = Int(f.columnIndices[k])
            for r in 0..<B { for c in 0..<B { w[i * B + r][j * B + c] = f.values[k * B * B + r * B + c] } }
        }
        for r in 0..<B { for c in 0..<B { dinv[i * B + r][i * B + c] = f.inverseDiagonal[i * B * B + r * B + c] } }
    }
    var longest = 0
    for row in w { longest = max(longest, row.filter { $0 != 0 }.count) }
    for col in transpose(w) { longest = max(longest, col.filter { $0 != 0 }.count) }
    let g = gamma(longest * B + B + 3, u)
    func times(_ a: [[Double]], _ x: [Double]) -> [Double] { a.map { zip($0, x).reduce(0) { $0 + $1.0 * $1.1 } } }
    func absolute(_ a: [[Double]]) -> [[Double]] { a.map { $0.map(abs) } }
    var worst = 0.0
    if !transposed {
        let c = times(dinv, b)
        let wy = times(w, y)
        let bound = zip(zip(times(absolute(dinv), b.map(abs)), y.map(abs)), times(absolute(w), y.map(abs)))
            .map { g * ($0.0 + $0.1 + $1) }
        for i in 0..<n { worst = largerError(worst, abs(c[i] - y[i] - wy[i]) / bound[i]) }
    } else {
        var d = dinv
        for i in 0..<f.blockCount {
            let block = lowerInverse(Array(f.inverseDiagonal[(i * B * B)..<((i + 1) * B * B)]), B)
            for r in 0..<B { for c in 0..<B { d[i * B + r][i * B + c] = block[r * B + c] } }
        }
        let dT = transpose(d), dinvT = transpose(dinv), wT = transpose(w)
        let wHat = times(dT, y)
        let aw = wHat.map(abs)
        let residual = zip(zip(b, wHat), times(wT, wHat)).map { $0.0 - $0.1 - $1 }
        let chain = times(absolute(dT), times(absolute(dinvT), aw))
        let chainBound = zip(chain, times(absolute(wT), chain)).map { $0 + $1 }
        let waw = times(absolute(wT), aw)
        for i in 0..<n {
            let bound = g * (abs(b[i]) + aw[i] + waw[i] + chainBound[i])
            worst = largerError(worst, abs(residual[i]) / bound)
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
        // 40 block rows: the 6×6 Lᵀ kernel prefetches the row 16 ahead of the one it solves.
        for b in [1, 3, 6, 4] {
            let f = try randomFactor(blockSize: b, blocks: 40, seed: UInt64(7 + b))
            try withStorage(variant,
                fp64: { try checkSolve(f, as: Double.self, variant: variant, path: path) },
                fp32: { try checkSolve(f, as: Float.self, variant: variant, path: path) },
                fp16: { try checkSolve(f, as: Float16.self, variant: variant, path: path) })
        }
    }

    /// b = L x₀ multiplied out densely in fp64 from the stored factor (L = D (I + W), D the
    /// inverse of the stored D⁻¹ blocks), then solved on the scalar fp64 path: y returns x₀ to
    /// a backward-stable solve's forward-error bound κ∞(L) γ_m ‖x₀‖∞ (κ∞ from L⁻¹ formed by
    /// dense forward substitution).
    @Test func solveUndoesMultiplyInDoublePrecision() throws {
        let f = try randomFactor(blockSize: 6, blocks: 10, seed: 5)
        let B = f.blockSize, n = f.dimension
        var l = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<f.blockCount {
            let d = lowerInverse(Array(f.inverseDiagonal[(i * B * B)..<((i + 1) * B * B)]), B)
            var rowsOfIPlusW: [(column: Int, block: [Double])] = [(i, (0..<(B * B)).map { $0 / B == $0 % B ? 1 : 0 })]
            for k in Int(f.rowPointers[i])..<Int(f.rowPointers[i + 1]) {
                rowsOfIPlusW.append((Int(f.columnIndices[k]), Array(f.values[(k * B * B)..<((k + 1) * B * B)])))
            }
            for (j, block) in rowsOfIPlusW {
                for r in 0..<B {
                    for c in 0..<B {
                        l[i * B + r][j * B + c] = (0..<B).reduce(0.0) { $0 + d[r * B + $1] * block[$1 * B + c] }
                    }
                }
            }
        }
        let x0 = randomVector(n, as: Double.self, seed: 6)
        let b = l.map { zip($0, x0).reduce(0.0) { $0 + $1.0 * $1.1 } }
        var y = [Double](repeating: 0, count: n)
        try f.solveLower(b, into: &y, options: KernelOptions(path: .scalar))
        // L⁻¹ column by column: forward substitution with the dense L.
        var inverse = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for c in 0..<n {
            for r in c..<n {
                var v = r == c ? 1.0 : 0.0
                for t in c..<r { v -= l[r][t] * inverse[t][c] }
                inverse[r][c] = v / l[r][r]
            }
        }
        func normInf(_ a: [[Double]]) -> Double { a.map { $0.reduce(0) { $0 + abs($1) } }.max() ?? 0 }
        let kappa = normInf(l) * normInf(inverse)
        let error = zip(y, x0).map { abs($0 - $1) }.max() ?? 0, scale = x0.map(abs).max() ?? 0
        let longest = (0..<f.blockCount).map { Int(f.rowPointers[$0 + 1] - f.rowPointers[$0]) }.max() ?? 0
        let bound = kappa * gamma(longest * B + B + 3, Precision.fp64.unitRoundoff) * scale
        #expect(error <= bound, "‖y − x₀‖∞ = \(error), bound \(bound), κ∞ = \(kappa)")
        #expect(throws: SparseError.dimensionMismatch(expected: 60, actual: 3)) {
            try f.solveLower([1, 2, 3], into: &y)
        }
    }
}
