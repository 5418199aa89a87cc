import Testing
import SLAMSparse
@testable import SLAMLinear
import MixedSLAMTestSupport

/// Block-tridiagonal SPD matrix (a pose chain): IC(0) has no fill to drop, so it is the exact
/// Cholesky factor and M⁻¹ = A⁻¹.
private func chainHessian(poses: Int, blockSize b: Int, loops: Bool) throws -> BlockCSRMatrix<Double> {
    var blocks: [Int: [Double]] = [:]
    var seed: UInt64 = 12345
    func next() -> Double {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return Double(seed >> 11) / Double(1 << 53) - 0.5
    }
    func add(_ r: Int, _ c: Int, _ v: [Double]) {
        var cur = blocks[r * poses + c] ?? .init(repeating: 0, count: b * b)
        for t in 0..<(b * b) { cur[t] += v[t] }
        blocks[r * poses + c] = cur
    }
    var edges = (0..<(poses - 1)).map { ($0, $0 + 1) }
    if loops { edges += stride(from: 0, to: poses - 4, by: 3).map { ($0, $0 + 4) } }
    for (p, q) in edges {
        var off = [Double](repeating: 0, count: b * b), offT = off
        for r in 0..<b { for c in 0..<b { let v = 0.4 * next(); off[r * b + c] = v; offT[c * b + r] = v } }
        add(p, q, off); add(q, p, offT)
    }
    // Diagonal blocks dominate their rows (strictly), with entries spread over 1e-2…1e2 so the
    // Jacobi scaling has work to do.
    for i in 0..<poses {
        var d = [Double](repeating: 0, count: b * b)
        for r in 0..<b { d[r * b + r] = Double(b * 3) * 0.5 * Double(i % 5 + 1) }
        for r in 0..<b { for c in 0..<r { let v = 0.1 * next(); d[r * b + c] = v; d[c * b + r] = v } }
        add(i, i, d)
    }
    let scales = (0..<(poses * b)).map { [0.01, 0.1, 1, 10, 100][$0 % 5] }
    var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
    for r in 0..<poses {
        for c in 0..<poses {
            guard var m = blocks[r * poses + c] else { continue }
            for i in 0..<b { for j in 0..<b { m[i * b + j] *= (scales[r * b + i] * scales[c * b + j]).squareRoot() } }
            columns.append(Int32(c)); values += m
        }
        pointers.append(Int32(columns.count))
    }
    return try BlockCSRMatrix(blockSize: b, blockRowCount: poses, blockColumnCount: poses,
                              blockRowPointers: pointers, blockColumnIndices: columns, values: values)
}

private func denseMultiply(_ a: [[Double]], _ x: [Double]) -> [Double] {
    a.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
}

@Suite struct IncompleteCholeskyTests {
    /// On a chain, IC(0) is exact: apply(A x) returns x up to the factor's storage precision.
    /// The error of one solve pair is bounded by κ(Ã)·γ(m, u) with Ã the scaled matrix; Ã is
    /// diagonally dominant with unit diagonal, so κ(Ã) ≤ (1 + δ)/(1 − δ) for δ the largest
    /// off-diagonal row sum, computed here.
    @Test(arguments: [Precision.fp16, .fp32, .fp64], [1, 3, 6])
    func exactOnAChain(storage: Precision, blockSize: Int) throws {
        let h = try chainHessian(poses: 10, blockSize: blockSize == 1 ? 6 : blockSize, loops: false)
        let dense = h.dense()
        let n = h.rowCount
        var delta = 0.0
        for i in 0..<n {
            var s = 0.0
            for j in 0..<n where j != i { s += abs(dense[i][j]) / (dense[i][i] * dense[j][j]).squareRoot() }
            delta = max(delta, s)
        }
        #expect(delta < 1)
        let kappa = (1 + delta) / (1 - delta)
        var ic: IncompleteCholesky
        let permutation = (0..<h.blockRowCount).reversed().map { Int32($0) }
        if blockSize == 1 {
            let flat = try CSRMatrix<Double>(rowCount: n, columnCount: n, triplets: (0..<n).flatMap { i in (0..<n).compactMap { j in dense[i][j] != 0 ? (i, j, dense[i][j]) : nil } })
            // The scalar lower pattern of a block chain is an envelope (each row is contiguous
            // from its first entry to the diagonal), where Cholesky makes no fill either.
            ic = try IncompleteCholesky(matrix: flat, options: .init(storage: storage))
        } else {
            ic = try IncompleteCholesky(matrix: h, permutation: permutation, options: .init(storage: storage))
        }
        #expect(ic.shift == 0)
        #expect(ic.attempts == 1)
        let x = (0..<n).map { Float(($0 * 7) % 11 - 5) / 4 }
        let b = denseMultiply(dense, x.map(Double.init)).map { Float($0) }
        var z = [Float](repeating: 0, count: n)
        try ic.apply(b, into: &z)
        // In scaled coordinates w = S⁻¹ x the solve pair has forward error ≤ κ γ_m ‖w‖∞, with
        // m = 2 (row length + B + 3) roundings (storage of L, products, stores, both solves).
        let u = max(storage.unitRoundoff, Precision.fp32.unitRoundoff)
        var s = [Double](repeating: 0, count: n)
        for i in 0..<n { s[Int(ic.permutation[i])] = Double(ic.scale[i]) }
        let wNorm = (0..<n).map { abs(Double(x[$0]) / s[$0]) }.max()!
        let rowLength = dense.map { $0.filter { $0 != 0 }.count }.max()!
        let g = gamma(2 * (rowLength + 6 + 3), u)
        var worst = 0.0
        for i in 0..<n { worst = largerError(worst, abs(Double(z[i]) - Double(x[i])) / (s[i] * kappa * g * wNorm)) }
        #expect(worst <= 1, "\(storage) B=\(blockSize): error / bound = \(worst)")
    }

    @Test func breakdownIsRepairedByAShiftAndReported() throws {
        // The 3×3 matrix with unit diagonal and off-diagonals −0.9 is PSD-indefinite after
        // dropping nothing: [[1,-.9,-.9],[-.9,1,-.9],[-.9,-.9,1]] has eigenvalue 1 − 1.8 < 0,
        // so any Cholesky-type factorization without a shift breaks down.
        let v = -0.9
        let a = try CSRMatrix<Double>(rowCount: 3, columnCount: 3, triplets: [
            (0, 0, 1), (1, 0, v), (1, 1, 1), (2, 0, v), (2, 1, v), (2, 2, 1),
        ])
        let ic = try IncompleteCholesky(matrix: a, options: .init(storage: .fp32))
        #expect(ic.shift > 0)
        #expect(ic.attempts > 1)
        #expect(throws: SparseError.factorizationBreakdown(row: 2, shift: 0)) {
            try IncompleteCholesky(matrix: a, options: .init(storage: .fp32, maximumAttempts: 1))
        }
    }

    /// A star whose centre is eliminated first: that elimination fills every pair of leaves
    /// (level 1) and nothing else fills, so IC(1) is the complete factor while IC(0) drops
    /// the leaves' coupling. Checked through M⁻¹ A x = x in fp64 storage.
    @Test(arguments: [1, 3])
    func levelOneFillIsExactOnAStar(blockSize b: Int) throws {
        let nodes = 6
        var seed: UInt64 = 99
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53) - 0.5
        }
        var triplets: [(Int, Int, Double)] = []
        for leaf in 1..<nodes {
            for r in 0..<b {
                for c in 0..<b {
                    let v = next()
                    triplets += [(leaf * b + r, c, v), (c, leaf * b + r, v)]
                }
            }
        }
        for i in 0..<(nodes * b) { triplets.append((i, i, Double(nodes * b))) }
        let n = nodes * b
        let flat = try CSRMatrix<Double>(rowCount: n, columnCount: n, triplets: triplets)
        var dense = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for (r, c, v) in triplets { dense[r][c] += v }
        let x = (0..<n).map { Float(($0 * 5) % 9 - 4) / 4 }
        let ax = denseMultiply(dense, x.map(Double.init)).map { Float($0) }

        func worstError(fillLevel: Int) throws -> Double {
            var options = IncompleteCholesky.Options(storage: .fp64)
            options.fillLevel = fillLevel
            var ic: IncompleteCholesky
            if b == 1 {
                ic = try IncompleteCholesky(matrix: flat, options: options)
            } else {
                var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
                for bi in 0..<nodes {
                    for bj in 0..<nodes {
                        let block = (0..<(b * b)).map { dense[bi * b + $0 / b][bj * b + $0 % b] }
                        guard block.contains(where: { $0 != 0 }) else { continue }
                        columns.append(Int32(bj))
                        values += block
                    }
                    pointers.append(Int32(columns.count))
                }
                let block = try BlockCSRMatrix(
                    blockSize: b, blockRowCount: nodes, blockColumnCount: nodes, blockRowPointers: pointers,
                    blockColumnIndices: columns, values: values)
                ic = try IncompleteCholesky(matrix: block, options: options)
            }
            var z = [Float](repeating: 0, count: n)
            try ic.apply(ax, into: &z)
            return zip(z, x).map { abs(Double($0) - Double($1)) }.reduce(0, largerError)
        }
        // fp32 vectors: the exact factor leaves only their rounding (κ ≤ 3 here).
        #expect(try worstError(fillLevel: 1) <= 1e-5)
        #expect(try worstError(fillLevel: 0) >= 1e-3)
    }

    @Test func rejectsBadInput() throws {
        let a = try CSRMatrix<Double>(rowCount: 2, columnCount: 2, triplets: [(0, 0, 1), (1, 0, 0.5), (1, 1, -1)])
        #expect(throws: SparseError.invalidArgument("diagonal entry 1 is -1.0, not positive")) {
            try IncompleteCholesky(matrix: a)
        }
        let b = try CSRMatrix<Double>(rowCount: 2, columnCount: 2, triplets: [(0, 0, 1), (1, 1, 1)])
        #expect(throws: SparseError.invalidArgument("permutation is not a bijection of 0..<2 (entry 1 = 0)")) {
            try IncompleteCholesky(matrix: b, permutation: [0, 0])
        }
        var fill2 = IncompleteCholesky.Options()
        fill2.fillLevel = 2
        let refusal = #expect(throws: SparseError.self) { try IncompleteCholesky(matrix: b, options: fill2) }
        guard case .invalidArgument(let reason) = refusal else {
            Issue.record("expected invalidArgument, got \(String(describing: refusal))")
            return
        }
        #expect(reason.contains("fillLevel: 2"), "\(reason)")
        var ic = try IncompleteCholesky(matrix: b)
        var z = [Float](repeating: 0, count: 3)
        #expect(throws: SparseError.dimensionMismatch(expected: 2, actual: 3)) { try ic.apply([1, 2, 3], into: &z) }
    }
}

private func gamma(_ k: Int, _ u: Double) -> Double { Double(k) * u / (1 - Double(k) * u) }
