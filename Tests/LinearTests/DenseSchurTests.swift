import Testing
@testable import SLAMLinear
import SLAMSparse
import MixedSLAMTestSupport

@Suite struct DenseSchurTests {
    @Test(arguments: [6, 9])
    func schurSolveEqualsFullCholmodSolve(cameraSize: Int) throws {
        let system = try randomBundleAdjustmentSystem(cameraSize: cameraSize, seed: UInt64(cameraSize))
        let damping = try system.hessianDiagonal().map { 1e-3 * $0 + 1e-9 }
        var schur = DenseSchur()
        let delta = try schur.solve(system, damping: damping)

        let cholmod = Cholmod()
        try cholmod.factorize(try system.normalMatrix(), diagonalShift: damping)
        var reference: [Double] = []
        try cholmod.solve(try system.gradient().map { -$0 }, into: &reference)

        let scale = reference.map(abs).max()!
        // Both are backward stable; the damped system is well conditioned (κ ≲ 1e6 here).
        for k in delta.indices {
            #expect(abs(delta[k] - reference[k]) <= 1e6 * Precision.fp64.unitRoundoff * scale * Double(delta.count))
        }
    }

    /// Past ``DenseSchur/maximumDimension`` both the solve and the lagged factor are refused
    /// with the size and the limit, before S is allocated; at the limit they run.
    @Test func refusesReducedSystemsPastItsMaximumDimension() throws {
        let system = try randomBundleAdjustmentSystem(cameraSize: 6, cameras: 3, points: 20, seed: 5)
        let damping = try system.hessianDiagonal().map { 1e-3 * $0 + 1e-9 }
        var factor: [Float] = []
        var small = DenseSchur(maximumDimension: 17)
        let refusal = LinearSolverError.tooLarge(
            what: "the dense reduced camera system (cameras × camera size)", size: 18, limit: 17)
        #expect(throws: refusal) { try small.solve(system, damping: damping) }
        #expect(throws: refusal) { try small.reducedCameraFactor(system, damping: damping, into: &factor) }
        #expect(factor.isEmpty)
        small.maximumDimension = 18
        #expect(try small.solve(system, damping: damping).count == system.columnCount)
        try small.reducedCameraFactor(system, damping: damping, into: &factor)
        #expect(factor.count == 18 * 18)
    }

    /// One camera whose first two columns are equal in every row, held apart by a damping
    /// of 1e-10: in fp32, 1 + 1e-10 rounds to 1 and the factorization of S breaks down at
    /// column 1, so the reduced camera factor is formed and factored in fp64 instead and
    /// rounded, with L₁₁ = √(2·10⁻¹⁰ + O(10⁻²⁰)).
    @Test func reducedCameraFactorFallsBackToFp64WhenFp32BreaksDown() throws {
        var system = try BundleAdjustmentSystem(
            cameraSize: 6, cameraCount: 1, pointCount: 0, cameraIndex: [0, 0, 0], pointIndex: [-1, -1, -1])
        let rows: [[Double]] = [[1, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0], [0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0],
                                [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0]]
        system.cameraBlocks = rows.flatMap { $0 }
        var schur = DenseSchur()
        var factor: [Float] = []
        let precision = try schur.reducedCameraFactor(system, damping: [Double](repeating: 1e-10, count: 6), into: &factor)
        #expect(precision == .fp64)
        #expect(abs(Double(factor[1 * 6 + 1]) - (2e-10).squareRoot()) <= 1e-6 * (2e-10).squareRoot())
        #expect(factor[0 * 6 + 1] == 1)
        // With a damping fp32 resolves, fp32 suffices.
        #expect(try schur.reducedCameraFactor(system, damping: [Double](repeating: 1e-2, count: 6), into: &factor) == .fp32)
        #expect(abs(Double(factor[1 * 6 + 1]) - (2e-2 - 1e-4 / 1.01).squareRoot()) <= 1e-5)
    }
}

@Suite struct CGNRTests {
    @Test(arguments: [(6, Precision.fp64), (6, .fp32), (6, .fp16), (9, .fp32)])
    func cgnrConvergesToTheDirectSolution(cameraSize: Int, precision: Precision) throws {
        let system = try randomBundleAdjustmentSystem(
            cameraSize: cameraSize, cameras: 5, points: 40, pairThreshold: -0.3, cameraScale: 100, seed: 77)
        let damping = try system.hessianDiagonal().map { 1e-2 * $0 }
        var schur = DenseSchur()
        let reference = try schur.solve(system, damping: damping)

        var cgnr = CGNR()
        cgnr.options.conjugateGradient.relativeTolerance = 1e-5
        let (delta, report) = try cgnr.solve(system, damping: damping, productPrecision: precision)
        #expect(report.conjugateGradient.termination == .converged || precision == .fp16)
        #expect(report.conversion.overflowCount == 0)
        // CG solves the equilibrated system to the forcing tolerance; the products' own
        // rounding (u of the product precision times the row length) bounds what CG can reach.
        // The factor 10 stands for κ of the equilibrated, damped system (small here).
        let floor = (1e-5 + Double(cameraSize + 3) * precision.unitRoundoff) * 10
        let error = zip(delta, reference).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let norm = reference.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(error <= floor * norm, "relative error \(error / norm)")
    }

    /// A system of 6-dof cameras, every camera seeing most points (camera 0 sees all).
    private func cameraChain(seed: UInt64, cameras: Int = 6, points: Int = 60) throws -> BundleAdjustmentSystem {
        try randomBundleAdjustmentSystem(
            cameras: cameras, points: points, fixedCamera: false, firstCameraSeesAll: true, pairThreshold: -0.5,
            cameraScale: 10, seed: seed)
    }

    private func relativeError(_ x: [Double], _ reference: [Double]) -> Double {
        let error = zip(x, reference).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        return error / reference.map { $0 * $0 }.reduce(0, +).squareRoot()
    }

    /// With the reduced camera system of the system being solved, the lagged-Schur
    /// preconditioner is Â⁻¹ up to fp32 rounding: CG stops after one iteration at the dense
    /// Schur step. fp32 products run the panel kernels' coupling blocks; fp64 products and
    /// native fp16 arithmetic take the full product of a masked vector.
    @Test(arguments: [(Precision.fp32, false), (.fp64, false), (.fp16, true)])
    func laggedSchurWithTheCurrentSystemConvergesInOneIteration(products: Precision, nativeHalf: Bool) throws {
        let system = try cameraChain(seed: 3)
        let damping = try system.hessianDiagonal().map { 1e-3 * $0 }
        var schur = DenseSchur()
        let reference = try schur.solve(system, damping: damping)
        var cgnr = CGNR()
        cgnr.options.preconditioning = .laggedSchur
        cgnr.options.conjugateGradient.relativeTolerance = nativeHalf ? 1e-2 : 1e-4
        if nativeHalf { cgnr.options.kernel.halfArithmetic = .float16 }
        let (delta, report) = try cgnr.solve(system, damping: damping, productPrecision: products)
        #expect(report.reducedSystemPrecision == .fp32)
        #expect(report.conjugateGradient.termination == .converged)
        #expect(report.conjugateGradient.iterations == 1)
        #expect(relativeError(delta, reference) <= (nativeHalf ? 3e-2 : 1e-3), "\(relativeError(delta, reference))")
    }

    /// A factor from another damping still preconditions well: the next solve (another λ,
    /// fp16 products) keeps it, converges to the dense Schur step in fewer CG iterations than
    /// block Jacobi needs, and a solve after one slower than `schurRefreshIterations`, or of
    /// another system, factors anew.
    @Test func laggedSchurKeepsItsFactorUntilCGSlowsDown() throws {
        let system = try cameraChain(seed: 4)
        let diagonal = try system.hessianDiagonal()
        var lagged = CGNR(), blockJacobi = CGNR()
        lagged.options.preconditioning = .laggedSchur
        lagged.options.schurRefreshIterations = 20
        lagged.options.conjugateGradient.relativeTolerance = 1e-5
        blockJacobi.options.conjugateGradient.relativeTolerance = 1e-5
        _ = try lagged.solve(system, damping: diagonal.map { 1e-1 * $0 }, productPrecision: .fp16)
        let damping = diagonal.map { 1e-4 * $0 }
        var schur = DenseSchur()
        let reference = try schur.solve(system, damping: damping)
        let (delta, report) = try lagged.solve(system, damping: damping, productPrecision: .fp16)
        let (_, plain) = try blockJacobi.solve(system, damping: damping, productPrecision: .fp16)
        #expect(!report.factoredReducedSystem)
        #expect(report.conjugateGradient.iterations < plain.conjugateGradient.iterations)
        #expect(relativeError(delta, reference) <= 3e-3, "fp16 products: \(relativeError(delta, reference))")
        lagged.options.schurRefreshIterations = report.conjugateGradient.iterations - 1
        #expect(try lagged.solve(system, damping: damping, productPrecision: .fp16).report.factoredReducedSystem)
        lagged.options.schurRefreshIterations = 1000
        let other = try cameraChain(seed: 5)
        #expect(try lagged.solve(other, damping: try other.hessianDiagonal(), productPrecision: .fp16).report.factoredReducedSystem)
    }

    /// A reduced camera system past ``CGNR/Options/maxReducedCameraDimension`` is not formed:
    /// the lagged-Schur option preconditions it by block Jacobi, with block Jacobi's CG
    /// iterations and step.
    @Test func laggedSchurPastItsDimensionUsesBlockJacobi() throws {
        let system = try cameraChain(seed: 6)
        let damping = try system.hessianDiagonal().map { 1e-3 * $0 }
        var lagged = CGNR(), blockJacobi = CGNR()
        lagged.options.preconditioning = .laggedSchur
        lagged.options.maxReducedCameraDimension = 6 * system.cameraCount - 1
        let (delta, report) = try lagged.solve(system, damping: damping, productPrecision: .fp32)
        let (plainDelta, plain) = try blockJacobi.solve(system, damping: damping, productPrecision: .fp32)
        #expect(!report.factoredReducedSystem)
        #expect(report.conjugateGradient.iterations == plain.conjugateGradient.iterations)
        #expect(delta == plainDelta)
        lagged.options.maxReducedCameraDimension = 6 * system.cameraCount
        #expect(try lagged.solve(system, damping: damping, productPrecision: .fp32).report.factoredReducedSystem)
    }

    /// One camera seeing one point three times, J = [I₆ | P] with P's columns the first three
    /// of I₆. Without damping on the point and the first three camera columns,
    /// S = I₆ − diag(1, 1, 1, 0, 0, 0) + D_c is exactly singular in fp32 and fp64, while the
    /// block-Jacobi blocks (I₆, I₃) are not. The failed refactor throws, and the next solve
    /// must factor anew rather than reuse the half-overwritten factor.
    @Test func laggedSchurFactorsAnewAfterAFailedFactorization() throws {
        var system = try BundleAdjustmentSystem(
            cameraSize: 6, cameraCount: 1, pointCount: 1, cameraIndex: [0, 0, 0], pointIndex: [0, 0, 0])
        system.cameraBlocks = (0..<36).map { $0 / 6 == $0 % 6 ? 1 : 0 }
        system.pointBlocks = (0..<18).map { $0 < 9 && $0 / 3 == $0 % 3 ? 1 : 0 }
        system.residuals = [1, 2, 3, 4, 5, 6]
        var cgnr = CGNR()
        cgnr.options.preconditioning = .laggedSchur
        let damped = [Double](repeating: 1, count: 9)
        #expect(try cgnr.solve(system, damping: damped, productPrecision: .fp32).report.reducedSystemPrecision == .fp32)
        cgnr.options.schurRefreshIterations = 0
        #expect(throws: LinearSolverError.notPositiveDefinite(column: 0)) {
            try cgnr.solve(system, damping: [0, 0, 0, 1, 1, 1, 0, 0, 0], productPrecision: .fp32)
        }
        cgnr.options.schurRefreshIterations = 1000
        let (delta, report) = try cgnr.solve(system, damping: damped, productPrecision: .fp32)
        #expect(report.factoredReducedSystem)
        // (JᵀJ + I) δ = −Jᵀr solved by hand: δ_c = −(1/3, 2/3, 1, 2, 5/2, 3), δ_l = −(1/3, 2/3, 1).
        let expected: [Double] = [-1.0 / 3, -2.0 / 3, -1, -2, -2.5, -3, -1.0 / 3, -2.0 / 3, -1]
        for k in 0..<9 { #expect(abs(delta[k] - expected[k]) <= 1e-5, "δ[\(k)] = \(delta[k])") }
    }

    /// The pose-panel layout is kept across linearizations of one system; a solver reused for
    /// a system with the same shape but other observations must lay it out anew.
    @Test func reusedSolverLaysOutAnotherPatternAnew() throws {
        func system(seed: UInt64) throws -> BundleAdjustmentSystem {
            var random = SeededGenerator(seed: seed)
            var cameraIndex: [Int32] = [], pointIndex: [Int32] = []
            for camera in 0..<5 {
                // Camera 0 sees every point, so no point column is empty.
                for point in 0..<40 where camera == 0 || random.uniform() > 0 {
                    cameraIndex.append(Int32(camera))
                    pointIndex.append(Int32(point))
                }
            }
            var system = try BundleAdjustmentSystem(
                cameraSize: 6, cameraCount: 5, pointCount: 40, cameraIndex: cameraIndex, pointIndex: pointIndex)
            for k in system.cameraBlocks.indices { system.cameraBlocks[k] = random.uniform() }
            for k in system.pointBlocks.indices { system.pointBlocks[k] = random.uniform() }
            for k in system.residuals.indices { system.residuals[k] = random.uniform() }
            return system
        }
        let first = try system(seed: 1), second = try system(seed: 2)
        #expect(first.cameraIndex != second.cameraIndex || first.pointIndex != second.pointIndex)
        let damping = try second.hessianDiagonal().map { 1e-2 * $0 }
        var reused = CGNR(), fresh = CGNR()
        _ = try reused.solve(first, damping: try first.hessianDiagonal().map { 1e-2 * $0 }, productPrecision: .fp32)
        let (delta, _) = try reused.solve(second, damping: damping, productPrecision: .fp32)
        let (expected, _) = try fresh.solve(second, damping: damping, productPrecision: .fp32)
        #expect(delta == expected)
    }
}
