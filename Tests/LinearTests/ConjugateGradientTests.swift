import Testing
@testable import SLAMLinear
import SLAMSparse

@Suite struct ConjugateGradientTests {
    /// The complete factor stored in fp32 / fp16 is exact up to its storage rounding, so CG
    /// converges in a handful of iterations (one in fp64).
    @Test(arguments: [(Precision.fp64, 1), (.fp32, 3), (.fp16, 8)])
    func completeCholeskyPreconditionerInEachPrecision(storage: Precision, maxIterations: Int) throws {
        let h = try poseGraphHessian(poses: 60, blockSize: 6, loops: 20, seed: 21)
        var random = TestRandom(seed: 4)
        let b = (0..<h.rowCount).map { _ in Float(random.uniform()) }
        var cg = ConjugateGradient()
        cg.options.relativeTolerance = 1e-5
        var x: [Float] = []
        var a = BlockMatrixOperator(h)
        var m = try CholeskyPreconditioner(h, storage: storage)
        let report = try cg.solve(&a, preconditioner: &m, rhs: b, solution: &x)
        #expect(report.termination == .converged)
        #expect(report.iterations <= maxIterations)
        #expect(m.conversionReport.overflowCount == 0)
    }

    @Test func exactCholeskyPreconditionerConvergesInOneIteration() throws {
        let h = try poseGraphHessian(poses: 60, blockSize: 6, loops: 20, seed: 21)
        var random = TestRandom(seed: 4)
        let b = (0..<h.rowCount).map { _ in Float(random.uniform()) }
        var cg = ConjugateGradient()
        cg.options.relativeTolerance = 1e-5
        var x: [Float] = []
        var a = BlockMatrixOperator(h)
        var m = try CholeskyPreconditioner(h)
        let report = try cg.solve(&a, preconditioner: &m, rhs: b, solution: &x)
        #expect(report.termination == .converged)
        #expect(report.iterations == 1)
    }

    @Test func jacobiPreconditionedSolveMatchesCholmod() throws {
        let h = try poseGraphHessian(poses: 80, blockSize: 3, loops: 30, seed: 8)
        let n = h.rowCount
        var random = TestRandom(seed: 5)
        let b = (0..<n).map { _ in random.uniform() }
        let cholmod = Cholmod()
        try cholmod.factorize(h)
        var reference: [Double] = []
        try cholmod.solve(b, into: &reference)

        var cg = ConjugateGradient()
        cg.options.relativeTolerance = 1e-5
        var x: [Float] = []
        var diagonal = [Double](repeating: 0, count: n)
        h.forEachEntry { r, c, k in if r == c { diagonal[r] = h.values[k] } }
        var a = BlockMatrixOperator(h)
        var m = JacobiPreconditioner(diagonal: diagonal)
        let report = try cg.solve(&a, preconditioner: &m, rhs: b.map(Float.init), solution: &x)
        #expect(report.termination == .converged)
        #expect(report.iterations > 1)
        // ‖x − x*‖ ≤ κ(A) · tolerance · ‖x*‖; this diagonally dominant A has κ well below 10.
        let error = zip(x, reference).map { Double($0) - $1 }.map { $0 * $0 }.reduce(0, +).squareRoot()
        let norm = reference.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(error <= 10 * 1e-5 * norm)
    }

    @Test func reportsIndefiniteOperator() throws {
        var h = try poseGraphHessian(poses: 10, blockSize: 3, loops: 2, seed: 2)
        for k in h.values.indices { h.values[k] = -h.values[k] }
        var cg = ConjugateGradient()
        var x: [Float] = []
        var a = BlockMatrixOperator(h)
        var m = IdentityPreconditioner(dimension: h.rowCount)
        let report = try cg.solve(&a, preconditioner: &m, rhs: [Float](repeating: 1, count: h.rowCount), solution: &x)
        #expect(report.termination == .indefinite)
        #expect(x.allSatisfy { $0.isFinite })
    }
}
