import MixedSLAM
import MixedSLAMTestSupport
import Testing

/// Bad shapes handed to the public linear-algebra and optimizer types: each is a typed error
/// before any kernel or array read, never a trap or an out-of-range read.
@Suite("Linear algebra bad input")
struct LinearAlgebraBadInputTests {
    /// Two observations on one camera and one point, camera size 6.
    private func smallSystem() throws -> BundleAdjustmentSystem {
        var system = try BundleAdjustmentSystem(cameraSize: 6, cameraCount: 1, pointCount: 1, cameraIndex: [0, 0], pointIndex: [0, -1])
        var random = SeededGenerator(seed: 3)
        for k in system.cameraBlocks.indices { system.cameraBlocks[k] = random.uniform() }
        for k in system.pointBlocks.indices { system.pointBlocks[k] = random.uniform() }
        for k in system.residuals.indices { system.residuals[k] = random.uniform() }
        return system
    }

    @Test("Bundle-adjustment systems: sizes out of range at creation, resized arrays before every kernel")
    func bundleAdjustmentSystemShapes() throws {
        for (residualSize, cameraSize, cameras, points) in [(2, -6, 1, 1), (0, 6, 1, 1), (2, 6, -1, 1), (2, 6, 1, -1), (2, 6, Int.max, 0)] {
            #expect(throws: LinearSolverError.self, "\(residualSize) \(cameraSize) \(cameras) \(points)") {
                try BundleAdjustmentSystem(
                    residualSize: residualSize, cameraSize: cameraSize, cameraCount: cameras, pointCount: points,
                    cameraIndex: [0], pointIndex: [0])
            }
        }
        var system = try smallSystem()
        #expect(try system.gradient().count == 9)
        system.pointBlocks.removeLast()
        let mismatch = LinearSolverError.dimensionMismatch(expected: 12, actual: 11)
        #expect(throws: mismatch) { try system.gradientAndDiagonal() }
        #expect(throws: mismatch) { try system.jacobianProductNormSquared([Double](repeating: 1, count: 9)) }
        #expect(throws: mismatch) { try BlockJacobiPreconditioner.Blocks(system, columnScale: [Double](repeating: 1, count: 9)) }
        var schur = DenseSchur()
        #expect(throws: mismatch) { try schur.solve(system, gradient: [Double](repeating: 0, count: 9), damping: [Double](repeating: 1, count: 9)) }
        var factor: [Float] = []
        #expect(throws: mismatch) { try schur.reducedCameraFactor(system, damping: [Double](repeating: 1, count: 9), into: &factor) }
        var cgnr = CGNR()
        #expect(throws: mismatch) { try cgnr.solve(system, damping: [Double](repeating: 1, count: 9), productPrecision: .fp16) }
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 9, actual: 2)) {
            try smallSystem().jacobianProductNormSquared([1, 2])
        }
    }

    @Test("Block Jacobi: column scales and vectors of the wrong length")
    func blockJacobiLengths() throws {
        let system = try smallSystem()
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 9, actual: 0)) {
            try BlockJacobiPreconditioner(system, damping: [Double](repeating: 1, count: 9), columnScale: [])
        }
        let preconditioner = try BlockJacobiPreconditioner(
            system, damping: [Double](repeating: 1, count: 9), columnScale: [Double](repeating: 1, count: 9))
        var z = [Float](repeating: 0, count: 9)
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 9, actual: 3)) { try preconditioner.apply([1, 2, 3], into: &z) }
        var short = [Float](repeating: 0, count: 2)
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 9, actual: 2)) {
            try preconditioner.apply([Float](repeating: 1, count: 9), into: &short)
        }
    }

    @Test("CG and its operators: right-hand side, preconditioner and damping of the wrong length")
    func conjugateGradientLengths() throws {
        let matrix = try BlockCSRMatrix<Double>(
            blockSize: 1, blockRowCount: 2, blockColumnCount: 2, blockRowPointers: [0, 1, 2], blockColumnIndices: [0, 1], values: [2, 3])
        var cg = ConjugateGradient()
        var solution: [Float] = []
        var operator2 = BlockMatrixOperator(matrix)
        var identity3 = IdentityPreconditioner(dimension: 3), identity2 = IdentityPreconditioner(dimension: 2)
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 2, actual: 3)) {
            try cg.solve(&operator2, preconditioner: &identity2, rhs: [1, 2, 3], solution: &solution)
        }
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 2, actual: 3)) {
            try cg.solve(&operator2, preconditioner: &identity3, rhs: [1, 2], solution: &solution)
        }
        var y = [Float](repeating: 0, count: 2)
        var shifted = BlockMatrixOperator(matrix, diagonalShift: [1])
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 2, actual: 1)) { try shifted.apply([1, 1], into: &y) }
        var normal = JacobianNormalOperator(matrix, diagonalShift: [1, 2, 3])
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 2, actual: 3)) { try normal.apply([1, 1], into: &y) }
        // The right lengths still solve: diag(2, 3) x = (2, 3).
        _ = try cg.solve(&operator2, preconditioner: &identity2, rhs: [2, 3], solution: &solution)
        #expect(solution.map { abs($0 - 1) }.max()! <= 1e-6)
    }

    @Test("CHOLMOD and the coarse correction refuse non-square matrices; CHOLMOD also values shorter than the pattern")
    func nonSquareMatrices() throws {
        let wide = try CSRMatrix<Double>(rowCount: 2, columnCount: 3, triplets: [(0, 0, 1), (0, 2, 1), (1, 1, 1)])
        let cholmod = Cholmod()
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 2, actual: 3)) { try cholmod.analyze(wide) }
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 2, actual: 3)) { try cholmod.factorize(wide) }
        var shortened = try CSRMatrix<Double>(rowCount: 2, columnCount: 2, triplets: [(0, 0, 2), (1, 1, 2)])
        shortened.values = [2]
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 2, actual: 1)) { try cholmod.analyze(shortened) }
        let blocks = try BlockCSRMatrix<Double>(
            blockSize: 1, blockRowCount: 2, blockColumnCount: 3, blockRowPointers: [0, 1, 2], blockColumnIndices: [2, 1], values: [1, 1])
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 2, actual: 3)) {
            try CoarseCorrection(matrix: blocks, aggregate: [0, 0], aggregateCount: 1, basis: [1, 1])
        }
    }

    @Test("Information projection, eigen-decomposition and BAL parameters: wrong sizes and NaN are typed")
    func smallDenseInputs() {
        #expect(throws: InformationMatrix.Defect.wrongSize(expected: 9, actual: 6)) {
            try InformationMatrix.projected([1, 0, 0, 1, 0, 1], dimension: 3)
        }
        #expect(throws: InformationMatrix.Defect.invalidDimension(-1)) { try InformationMatrix.projected([], dimension: -1) }
        #expect(throws: InformationMatrix.Defect.nonFinite) { try InformationMatrix.projected([1, .nan, .nan, 1], dimension: 2) }
        #expect(throws: InformationMatrix.Defect.invalidDimension(0)) { try SymmetricEigen(symmetric: [], dimension: 0) }
        #expect(BALCamera(parameters: [1, 2, 3]) == nil)
        #expect(BALCamera(parameters: [0, 0, 0, 1, 2, 3, 500, 0, 0])?.translation == SIMD3(1, 2, 3))
    }

    @Test("Optimizer options and step solvers: a fill level IC cannot compute, a step of the wrong length")
    func optimizerInputs() throws {
        var options = PoseGraphStepSolver.Options()
        options.preconditionerFillLevel = 2
        #expect(throws: OptimizerError.invalidOption("preconditionerFillLevel must be 0 or 1")) { try options.validate() }

        var problem = Problem()
        try problem.addSE2(id: 0, .identity)
        try problem.addSE2(id: 1, SE2(x: 1, y: 0.1, theta: 0.2))
        try problem.add(BetweenFactorSE2(from: 0, to: 1, measurement: SE2(x: 1, y: 0, theta: 0)))
        let before = problem.se2(1)
        var truncating = TruncatingStepSolver()
        #expect(throws: LinearSolverError.dimensionMismatch(expected: 3, actual: 2)) {
            try LevenbergMarquardt().minimize(&problem, plan: .preset(.fp64, for: .poseGraph), stepSolver: &truncating)
        }
        #expect(problem.se2(1) == before)
    }
}

/// A step solver that drops the last coordinate of every step: what a faulty solver written
/// outside the package could return.
private struct TruncatingStepSolver: StepSolver {
    var inner = PoseGraphStepSolver()
    func linearSolverName(for plan: PrecisionPlan) -> String { inner.linearSolverName(for: plan) }
    var symbolicAnalyses: Int { inner.symbolicAnalyses }
    mutating func linearize(_ problem: inout Problem, plan: PrecisionPlan) throws -> LinearizationResult {
        try inner.linearize(&problem, plan: plan)
    }
    mutating func solve(damping: Damping, plan: PrecisionPlan) throws -> StepResult {
        var step = try inner.solve(damping: damping, plan: plan)
        step.delta.removeLast()
        return step
    }
}
