import Testing
@testable import SLAMLinear
import SLAMSparse
import MixedSLAMTestSupport

@Suite struct CholmodTests {
    /// Backward-stable Cholesky: the residual of the computed solution is bounded by
    /// n · u · ||A|| ||x|| up to a modest constant, so compare with that bound.
    private func residualBound(_ a: [Double], _ x: [Double], _ n: Int) -> Double {
        let normA = a.map(abs).max()! * Double(n)
        let normX = x.map(abs).max()!
        return 16 * Double(n) * Precision.fp64.unitRoundoff * normA * normX
    }

    /// LAPACK's solution of (h + diag(shift)) y = b, with the bound CHOLMOD's must meet.
    private func lapackSolution(_ h: BlockCSRMatrix<Double>, shift: [Double], _ b: [Double]) throws -> (y: [Double], bound: Double) {
        let n = h.rowCount
        var dense = denseColumnMajor(h)
        for j in 0..<n { dense[j * n + j] += shift[j] }
        let lapack = try DenseCholesky(columnMajor: dense, dimension: n)
        var y = b
        try lapack.solve(&y)
        return (y, residualBound(dense, y, n))
    }

    /// Solves b with `cholmod`'s current factor and expects every entry within LAPACK's bound
    /// of the solution of (h + diag(shift)) y = b.
    private func expectSolveMatchesLapack(
        _ cholmod: Cholmod, _ h: BlockCSRMatrix<Double>, shift: [Double], _ b: [Double],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var x: [Double] = []
        try cholmod.solve(b, into: &x)
        let (y, bound) = try lapackSolution(h, shift: shift, b)
        for k in 0..<h.rowCount {
            #expect(abs(x[k] - y[k]) <= bound, "entry \(k)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [(3, 30, 10), (6, 20, 8), (6, 1, 0)])
    func matchesDenseLapackSolve(blockSize: Int, poses: Int, loops: Int) throws {
        let h = try poseGraphHessian(poses: poses, blockSize: blockSize, loops: loops, seed: 7)
        let n = h.rowCount
        var random = SeededGenerator(seed: 11)
        let b = (0..<n).map { _ in random.uniform() }
        let shift = (0..<n).map { _ in 0.5 + random.uniform() * 0.25 }

        let cholmod = Cholmod()
        try cholmod.factorize(h, diagonalShift: shift)
        try expectSolveMatchesLapack(cholmod, h, shift: shift, b)
    }

    /// Wider amalgamation merges more supernodes, so the supernodal factor stores more
    /// explicit zeros, and solves alike: CHOLMOD's own setting and the default one agree with
    /// each other and with LAPACK to rounding.
    @Test func amalgamationChangesTheSupernodesNotTheSolution() throws {
        let h = try poseGraphHessian(poses: 300, blockSize: 3, loops: 60, seed: 5)
        let n = h.rowCount
        var random = SeededGenerator(seed: 13)
        let b = (0..<n).map { _ in random.uniform() }
        let shift = [Double](repeating: 0.5, count: n)
        func solve(_ amalgamation: Cholmod.SupernodeAmalgamation) throws -> (x: [Double], nonzeros: Int) {
            var options = Cholmod.Options()
            options.automaticFactorKind = false
            options.amalgamation = amalgamation
            let cholmod = Cholmod(options: options)
            try cholmod.factorize(h, diagonalShift: shift)
            #expect(cholmod.statistics.isSupernodal)
            var x: [Double] = []
            try cholmod.solve(b, into: &x)
            return (x, cholmod.statistics.factorNonzeros)
        }
        let own = try solve(.cholmod), slam = try solve(.slam)
        #expect(Cholmod.Options().amalgamation == .slam)
        #expect(slam.nonzeros > own.nonzeros, "\(slam.nonzeros) vs \(own.nonzeros)")
        let (y, bound) = try lapackSolution(h, shift: shift, b)
        for k in 0..<n {
            #expect(abs(own.x[k] - y[k]) <= bound && abs(slam.x[k] - y[k]) <= bound, "entry \(k)")
        }
    }

    /// A supernodal factor is computed from the permuted lower triangle built at analysis, so
    /// the values gathered into it must follow the pattern through every later factorization:
    /// new values, a new shift, CHOLMOD's own ordering or a given one, all match LAPACK.
    @Test(arguments: [false, true])
    func supernodalRefactorizationMatchesLapack(givenOrdering: Bool) throws {
        var h = try poseGraphHessian(poses: 120, blockSize: 6, loops: 30, seed: 23)
        let n = h.rowCount
        var random = SeededGenerator(seed: 29)
        let b = (0..<n).map { _ in random.uniform() }
        var options = Cholmod.Options()
        options.automaticFactorKind = false
        let cholmod = Cholmod(options: options)
        if givenOrdering { try cholmod.analyze(h, permutation: (0..<Int32(n)).reversed()) }
        try cholmod.factorize(h, diagonalShift: [Double](repeating: 0.25, count: n))
        #expect(cholmod.statistics.isSupernodal)
        // D H D with a random diagonal D gives every entry its own new value, symmetric and SPD.
        let d = (0..<n).map { _ in 1.0 + 0.5 * random.uniform() }
        var scaled = h.values
        h.forEachEntry { row, column, k in scaled[k] *= d[row] * d[column] }
        h.values = scaled
        let shift = (0..<n).map { _ in 0.5 + random.uniform() }
        try cholmod.factorize(h, diagonalShift: shift)
        #expect(cholmod.statistics.analysisCount == 1)
        try expectSolveMatchesLapack(cholmod, h, shift: shift, b)
    }

    @Test func reusesSymbolicAnalysisAcrossValueChanges() throws {
        var h = try poseGraphHessian(poses: 40, blockSize: 6, loops: 12, seed: 3)
        let cholmod = Cholmod()
        try cholmod.factorize(h)
        for k in h.values.indices { h.values[k] *= 1.5 }
        try cholmod.factorize(h)
        #expect(cholmod.statistics.analysisCount == 1)
        #expect(cholmod.statistics.factorizationCount == 2)
        #expect(cholmod.statistics.factorNonzeros >= h.rowCount)
    }

    /// A matrix of the same dimension and entry count but another pattern (the poses numbered
    /// backwards: P H Pᵀ) is analyzed anew, not gathered through the previous map; its solve
    /// matches LAPACK. The same pattern with new values reuses the analysis.
    @Test func anotherPatternOfTheSameSizeIsAnalyzedAnew() throws {
        let h = try poseGraphHessian(poses: 40, blockSize: 3, loops: 12, seed: 3)
        let blocks = h.blockRowCount, b = h.blockSize
        var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
        for row in 0..<blocks {
            let old = blocks - 1 - row
            for k in (Int(h.blockRowPointers[old])..<Int(h.blockRowPointers[old + 1])).reversed() {
                columns.append(Int32(blocks - 1) - h.blockColumnIndices[k])
                values += h.values[(k * b * b)..<((k + 1) * b * b)]
            }
            pointers.append(Int32(columns.count))
        }
        var reversed = try BlockCSRMatrix<Double>(
            blockSize: b, blockRowCount: blocks, blockColumnCount: blocks, blockRowPointers: pointers,
            blockColumnIndices: columns, values: values)
        #expect(reversed.values.count == h.values.count)
        #expect(reversed.pattern != h.pattern)
        let n = h.rowCount, shift = [Double](repeating: 0.5, count: n)
        var random = SeededGenerator(seed: 31)
        let rhs = (0..<n).map { _ in random.uniform() }
        let cholmod = Cholmod()
        try cholmod.factorize(h, diagonalShift: shift)
        #expect(!cholmod.isAnalyzed(for: reversed))
        for k in reversed.values.indices { reversed.values[k] *= 1.25 }
        try cholmod.factorize(reversed, diagonalShift: shift)
        #expect(cholmod.statistics.analysisCount == 2)
        try expectSolveMatchesLapack(cholmod, reversed, shift: shift, rhs)
        for k in reversed.values.indices { reversed.values[k] *= 2 }
        #expect(cholmod.isAnalyzed(for: reversed))
    }

    @Test(arguments: [(5, true), (60, false)])
    func reportsIndefiniteMatrix(poses: Int, automaticFactorKind: Bool) throws {
        var h = try poseGraphHessian(poses: poses, blockSize: 3, loops: 0, seed: 5)
        let original = h.values[0]
        h.values[0] = -100
        var options = Cholmod.Options()
        options.automaticFactorKind = automaticFactorKind
        let cholmod = Cholmod(options: options)
        do {
            try cholmod.factorize(h)
            Issue.record("an indefinite matrix factorized")
        } catch {
            guard case .notPositiveDefinite = error else {
                Issue.record("expected notPositiveDefinite, got \(error)")
                return
            }
        }
        // The failed factorization leaves nothing behind: the next one, of a positive definite
        // matrix with the same pattern (LM's raised damping), solves exactly.
        h.values[0] = original
        try cholmod.factorize(h)
        #expect(cholmod.statistics.isSupernodal == !automaticFactorKind)
        let n = h.rowCount
        let b = (0..<n).map { Double($0 % 7) - 3 }
        try expectSolveMatchesLapack(cholmod, h, shift: [Double](repeating: 0, count: n), b)
    }

    @Test func exposesExactFactor() throws {
        let h = try poseGraphHessian(poses: 8, blockSize: 3, loops: 3, seed: 9)
        let cholmod = Cholmod()
        try cholmod.factorize(h)
        let (l, perm) = try cholmod.lowerFactor()
        let n = h.rowCount
        let a = denseColumnMajor(h)
        let ld = l.dense()
        for i in 0..<n {
            for j in 0...i {
                var sum = 0.0
                for k in 0...j { sum += ld[i][k] * ld[j][k] }
                let expected = a[Int(perm[j]) * n + Int(perm[i])]
                #expect(abs(sum - expected) <= 64 * Double(n) * Precision.fp64.unitRoundoff * a.map(abs).max()!)
            }
        }
    }

    @Test func givenOrderingSolvesLikeOwnOrdering() throws {
        let h = try poseGraphHessian(poses: 30, blockSize: 3, loops: 10, seed: 13)
        let n = h.rowCount
        var random = SeededGenerator(seed: 17)
        let b = (0..<n).map { _ in random.uniform() }
        let own = Cholmod()
        try own.factorize(h)
        var x: [Double] = []
        try own.solve(b, into: &x)

        // The reversed identity is a valid but poor ordering: the solve must still be exact.
        let given = Cholmod()
        try given.analyze(h, permutation: (0..<Int32(n)).reversed())
        try given.factorize(h)
        #expect(given.statistics.analysisCount == 1)
        var y: [Double] = []
        try given.solve(b, into: &y)
        let bound = residualBound(denseColumnMajor(h), x, n)
        for k in 0..<n { #expect(abs(x[k] - y[k]) <= bound, "entry \(k)") }
        #expect(given.permutation?.count == n)
        #expect(Set(given.permutation ?? []) == Set(0..<Int32(n)))

        // On a chain of dense blocks every column's parent in the elimination tree is the next
        // one in either direction, so CHOLMOD's postorder keeps a given order unchanged: the
        // factor's permutation is exactly the one given (and not CHOLMOD's own ordering).
        let chain = try poseGraphHessian(poses: 30, blockSize: 3, loops: 0, seed: 13)
        let reversed = Array((0..<Int32(chain.rowCount)).reversed())
        let chainGiven = Cholmod()
        try chainGiven.analyze(chain, permutation: reversed)
        #expect(chainGiven.permutation == reversed)
        let chainOwn = Cholmod()
        try chainOwn.analyze(chain)
        #expect(chainOwn.permutation != reversed)
    }

    @Test func rejectsInvalidOrdering() throws {
        let h = try poseGraphHessian(poses: 4, blockSize: 3, loops: 0, seed: 19)
        let cholmod = Cholmod()
        #expect(throws: LinearSolverError.invalidPermutation) {
            try cholmod.analyze(h, permutation: [Int32](repeating: 0, count: h.rowCount))
        }
        #expect(throws: LinearSolverError.dimensionMismatch(expected: h.rowCount, actual: 2)) {
            try cholmod.analyze(h, permutation: [0, 1])
        }
        #expect(cholmod.permutation == nil)
    }
}
