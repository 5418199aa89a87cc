import Testing
@testable import SLAMLinear
import SLAMSparse
import MixedSLAMTestSupport

@Suite struct IncompleteCholeskyPCGTests {
    @Test func amdOrderingIsAPermutation() throws {
        let h = try poseGraphHessian(poses: 50, blockSize: 6, loops: 15, seed: 1)
        let p = try AMDOrdering.blockPermutation(of: h)
        #expect(Set(p) == Set((0..<50).map(Int32.init)))
    }

    /// PCG with block IC(0) in fp32 and fp16 storage reaches the CHOLMOD solution to the
    /// forcing tolerance, in fewer iterations than Jacobi-preconditioned CG.
    @Test(arguments: [Precision.fp32, .fp16])
    func incompleteCholeskyPCGMatchesCholmod(storage: Precision) throws {
        let h = try poseGraphHessian(poses: 120, blockSize: 6, loops: 40, seed: 12)
        let n = h.rowCount
        var random = SeededGenerator(seed: 3)
        let b = (0..<n).map { _ in random.uniform() }
        let cholmod = Cholmod()
        try cholmod.factorize(h)
        var reference: [Double] = []
        try cholmod.solve(b, into: &reference)

        let order = try AMDOrdering.blockPermutation(of: h)
        var ic = try IncompleteCholesky(matrix: h, permutation: order, options: .init(storage: storage))
        var cg = ConjugateGradient()
        cg.options.relativeTolerance = 1e-5
        var a = BlockMatrixOperator(try h.converted(to: Float.self).matrix)
        var x: [Float] = []
        let report = try cg.solve(&a, preconditioner: &ic, rhs: b.map(Float.init), solution: &x)
        #expect(report.termination == .converged)

        let dense = h.dense()
        var jacobi = JacobiPreconditioner(diagonal: (0..<n).map { dense[$0][$0] })
        var y: [Float] = []
        let jacobiReport = try cg.solve(&a, preconditioner: &jacobi, rhs: b.map(Float.init), solution: &y)
        #expect(report.iterations < jacobiReport.iterations)

        let error = zip(x, reference).map { Double($0) - $1 }.map { $0 * $0 }.reduce(0, +).squareRoot()
        let norm = reference.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(error <= 10 * 1e-5 * norm)
    }
}
