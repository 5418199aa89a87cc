import SLAMLinear
import SLAMSparse
import Testing
import MixedSLAMTestSupport

/// CGNR's operator (Jᵀ J + diag(d)) x from J's products, against the same product formed in
/// fp64 from a dense J.
@Suite struct JacobianNormalOperatorTests {
    /// A pose-graph-shaped J: a block row per edge of a chain plus loop closures, two blocks
    /// per row, entries in [−1, 1].
    private func jacobian(poses: Int, blockSize b: Int, seed: UInt64) throws -> BlockCSRMatrix<Double> {
        var random = SeededGenerator(seed: seed)
        var pairs = (0..<(poses - 1)).map { [$0, $0 + 1] }
        for i in stride(from: 5, to: poses, by: 5) { pairs.append([i - 5, i]) }
        var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
        for pair in pairs {
            columns += pair.map(Int32.init)
            values += (0..<(2 * b * b)).map { _ in random.uniform() }
            pointers.append(Int32(columns.count))
        }
        return try BlockCSRMatrix(
            blockSize: b, blockRowCount: pairs.count, blockColumnCount: poses, blockRowPointers: pointers,
            blockColumnIndices: columns, values: values)
    }

    /// The reference is formed in fp64 from J as stored (rounded to the product precision), so
    /// the bound is the products' own rounding: each output sums ≤ 4 block rows (chain and
    /// loop edges) of b rows, each row 2 blocks of b products, so
    /// |y − ŷ| ≤ γ(6b + 3, u) (|J|ᵀ|J||x| + |d||x|) at the arithmetic's u (fp32 for fp32 and
    /// fp16 storage, fp64 for fp64), plus two fp32 roundings of the output and of + d x.
    @Test(arguments: [6, 3], [Precision.fp64, .fp32, .fp16])
    func productMatchesTheDenseNormalEquations(blockSize: Int, precision: Precision) throws {
        let j = try jacobian(poses: 40, blockSize: blockSize, seed: UInt64(blockSize))
        var random = SeededGenerator(seed: 99)
        let n = j.columnCount
        let x = (0..<n).map { _ in Float(random.uniform()) }
        let d = (0..<n).map { _ in Float(abs(random.uniform())) }
        var y = [Float](repeating: 0, count: n)
        let stored: [[Double]]
        switch precision {
        case .fp64:
            var a = JacobianNormalOperator(j, diagonalShift: d)
            try a.apply(x, into: &y)
            stored = j.dense()
        case .fp32:
            let single = try j.converted(to: Float.self).matrix
            var a = JacobianNormalOperator(single, diagonalShift: d)
            try a.apply(x, into: &y)
            stored = single.dense()
        case .fp16:
            let half = try j.converted(to: Float16.self).matrix
            var a = JacobianNormalOperator(half, diagonalShift: d)
            try a.apply(x, into: &y)
            stored = half.dense()
        }
        var reference = [Double](repeating: 0, count: n), magnitude = reference
        for row in stored {
            let t = zip(row, x).reduce(0.0) { $0 + $1.0 * Double($1.1) }
            let tMagnitude = zip(row, x).reduce(0.0) { $0 + abs($1.0 * Double($1.1)) }
            for c in 0..<n {
                reference[c] += row[c] * t
                magnitude[c] += abs(row[c]) * tMagnitude
            }
        }
        for c in 0..<n {
            reference[c] += Double(d[c]) * Double(x[c])
            magnitude[c] += abs(Double(d[c]) * Double(x[c]))
        }
        let u = precision == .fp64 ? Precision.fp64.unitRoundoff : Precision.fp32.unitRoundoff
        let g = gamma(6 * blockSize + 3, u) + gamma(2, Precision.fp32.unitRoundoff)
        var worst = 0.0
        for c in 0..<n { worst = largerError(worst, abs(Double(y[c]) - reference[c]) / (g * magnitude[c])) }
        #expect(worst <= 1, "error / bound = \(worst)")
        // The damping term is well above the bound: an operator that dropped it would fail.
        let dampingTerm = (0..<n).map { abs(Double(d[$0] * x[$0])) / (g * magnitude[$0]) }.max() ?? 0
        #expect(dampingTerm > 100)
        #expect(JacobianNormalOperator(j).dimension == n)
    }
}
