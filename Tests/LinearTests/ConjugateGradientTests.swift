import Testing
@testable import SLAMLinear
import SLAMSparse
import MixedSLAMTestSupport

@Suite struct ConjugateGradientTests {
    /// The complete factor stored in fp32 / fp16 is exact up to its storage rounding, so CG
    /// converges in a handful of iterations (one in fp64).
    @Test(arguments: [(Precision.fp64, 1), (.fp32, 3), (.fp16, 8)])
    func completeCholeskyPreconditionerInEachPrecision(storage: Precision, maxIterations: Int) throws {
        let h = try poseGraphHessian(poses: 60, blockSize: 6, loops: 20, seed: 21)
        var random = SeededGenerator(seed: 4)
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
        var random = SeededGenerator(seed: 4)
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
        var random = SeededGenerator(seed: 5)
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

    /// With ``ConjugateGradient/Options/energyTolerance`` alone, CG stops once its estimate of
    /// the relative energy error (the decrease of q over the last 10 iterations) is below the
    /// tolerance; the true gap q(x) − q(x*) against CHOLMOD's solution is within two orders
    /// of it (the estimate is a lower bound), and q's decrease is reported.
    @Test func energyToleranceBoundsTheEnergyError() throws {
        let h = try poseGraphHessian(poses: 200, blockSize: 3, loops: 15, seed: 9)
        let n = h.rowCount
        var random = SeededGenerator(seed: 6)
        let b = (0..<n).map { _ in random.uniform() }
        let cholmod = Cholmod()
        try cholmod.factorize(h)
        var reference: [Double] = []
        try cholmod.solve(b, into: &reference)
        func q(_ x: [Double]) throws -> Double {
            var hx = [Double](repeating: 0, count: n)
            try h.multiply(x, into: &hx)
            return (0..<n).reduce(0) { $0 + 0.5 * x[$1] * hx[$1] - b[$1] * x[$1] }
        }
        let optimum = try q(reference)
        for tolerance in [1e-4, 1e-8] {
            var cg = ConjugateGradient()
            cg.options.relativeTolerance = 0
            cg.options.energyTolerance = tolerance
            var x: [Float] = []
            var a = BlockMatrixOperator(h)
            var m = IdentityPreconditioner(dimension: n)
            let report = try cg.solve(&a, preconditioner: &m, rhs: b.map(Float.init), solution: &x)
            #expect(report.termination == .converged)
            let value = try q(x.map(Double.init))
            #expect((value - optimum) / abs(optimum) <= 100 * tolerance, "tolerance \(tolerance)")
            #expect(abs(report.energyDecrease + value) <= 1e-4 * abs(optimum))
        }
    }

    /// Energy stagnation: without any tolerance, CG stops as stagnated once q no longer falls
    /// by more than fp32 rounding over the window, long before the iteration limit, with the
    /// residual at fp32's attainable level (κ · u₃₂ for this well-conditioned matrix).
    @Test func energyStagnationStopsAtTheFloatFloor() throws {
        let h = try poseGraphHessian(poses: 200, blockSize: 3, loops: 15, seed: 9)
        var random = SeededGenerator(seed: 7)
        let b = (0..<h.rowCount).map { _ in Float(random.uniform()) }
        var cg = ConjugateGradient()
        cg.options.relativeTolerance = 0
        cg.options.maxIterations = 100_000
        cg.options.stagnationTest = .energy
        var x: [Float] = []
        var a = BlockMatrixOperator(h)
        var m = IdentityPreconditioner(dimension: h.rowCount)
        let report = try cg.solve(&a, preconditioner: &m, rhs: b, solution: &x)
        #expect(report.termination == .stagnated)
        #expect(report.iterations < 1000)
        #expect(report.relativeResidual <= 1e3 * Double(Float.ulpOfOne))
    }
}
