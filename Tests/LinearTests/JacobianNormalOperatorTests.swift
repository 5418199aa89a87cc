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

    @Test(arguments: [6, 3], [Precision.fp64, .fp32, .fp16])
    func productMatchesTheDenseNormalEquations(blockSize: Int, precision: Precision) throws {
        let j = try jacobian(poses: 40, blockSize: blockSize, seed: UInt64(blockSize))
        var random = SeededGenerator(seed: 99)
        let n = j.columnCount
        let x = (0..<n).map { _ in Float(random.uniform()) }
        let d = (0..<n).map { _ in Float(abs(random.uniform())) }
        let dense = j.dense()
        var reference = [Double](repeating: 0, count: n)
        for row in dense {
            let t = zip(row, x).reduce(0.0) { $0 + $1.0 * Double($1.1) }
            for c in 0..<n { reference[c] += row[c] * t }
        }
        for c in 0..<n { reference[c] += Double(d[c]) * Double(x[c]) }
        var y = [Float](repeating: 0, count: n)
        // Each output sums ≤ 3 rows × 2 blocks × b² products of magnitude ≤ 1 (plus d x), so the
        // rounding bound is a small multiple of the unit roundoff times that count; fp16 also
        // rounds J itself (relative 2⁻¹¹).
        let bound: Double
        switch precision {
        case .fp64:
            var a = JacobianNormalOperator(j, diagonalShift: d)
            try a.apply(x, into: &y)
            bound = 1e-5
        case .fp32:
            var a = JacobianNormalOperator(try j.converted(to: Float.self).matrix, diagonalShift: d)
            try a.apply(x, into: &y)
            bound = Double(6 * blockSize * blockSize) * 0x1p-23
        case .fp16:
            var a = JacobianNormalOperator(try j.converted(to: Float16.self).matrix, diagonalShift: d)
            try a.apply(x, into: &y)
            bound = Double(6 * blockSize * blockSize) * 0x1p-10
        }
        let scale = reference.map(abs).max() ?? 1
        for c in 0..<n {
            #expect(abs(Double(y[c]) - reference[c]) <= bound * scale, "entry \(c): \(y[c]) vs \(reference[c])")
        }
        #expect(JacobianNormalOperator(j).dimension == n)
    }
}
