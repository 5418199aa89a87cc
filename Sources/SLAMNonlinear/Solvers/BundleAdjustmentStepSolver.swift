import SLAMLinear
import SLAMSparse

/// The step solver for bundle adjustment: lays the linearization out as a
/// ``BundleAdjustmentSystem`` (camera and point blocks per observation) and solves
/// (JᵀJ + λD) δ = −Jᵀr with CGNR (products at the plan's `matrixVector` precision), the dense
/// Schur complement, or CHOLMOD on the full normal equations.
///
/// Every factor touches at most one camera (SE(3) pose or BAL camera) and at most one point:
/// reprojections, and priors on a point or a camera. The system stores two residual rows per
/// observation, so a factor of more rows (a 3-row point prior) fills several, a zero row
/// padding an odd count. Cameras and points held fixed simply have no columns.
public struct BundleAdjustmentStepSolver: StepSolver {
    /// The linear solver.
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// CGNR on J with block-Jacobi preconditioning: the mixed-precision solver.
        case cgnr
        /// Points eliminated, dense Cholesky of the reduced camera system (fp64).
        case denseSchur = "dense-schur"
        /// CHOLMOD on the full normal equations (fp64): the reference of record.
        case cholmod
    }

    /// Configuration with documented defaults.
    public struct Options: Sendable {
        /// Solver for fp64 plans. Default ``Method/denseSchur``.
        public var directMethod = Method.denseSchur
        /// Largest reduced camera system (cameras × camera size) solved by dense Schur; a
        /// larger problem given ``Method/denseSchur`` is solved by ``Method/cholmod`` instead,
        /// whose sparse factorization eliminates the points itself and needs no dense n × n
        /// matrix. Default ``DenseSchur/defaultMaximumDimension`` (8,192). On the synthetic
        /// BAL problem, whose random observations couple almost every pair of cameras, dense
        /// Schur is still the faster of the two at 600 cameras (5,400 columns: 2.0 against
        /// 2.4 s per LM iteration, half the memory); on sparsely coupled cameras (a
        /// sequence) CHOLMOD wins earlier.
        public var maxDenseSchurDimension = DenseSchur.defaultMaximumDimension
        /// Solver for every other plan. Default ``Method/cgnr``.
        public var iterativeMethod = Method.cgnr
        /// CGNR options (the CG tolerance is the inexact-Newton forcing term). Default:
        /// relative tolerance 1e-6, 500 iterations.
        public var cgnr = CGNR.Options()

        /// Creates options with the documented defaults.
        public init() {}

        /// Checks the ranges of the options: the CG options
        /// (``ConjugateGradient/Options/validate()``), a non-negative Schur refresh bound and
        /// non-negative dense Schur dimensions.
        /// ``LevenbergMarquardt/minimize(_:plan:stepSolver:)`` calls it.
        /// - Throws: ``OptimizerError/invalidOption(_:)`` naming the option.
        public func validate() throws(OptimizerError) {
            do { try cgnr.conjugateGradient.validate() } catch { throw .invalidOption("cgnr.conjugateGradient: \(error)") }
            guard cgnr.schurRefreshIterations >= 0 else { throw .invalidOption("cgnr.schurRefreshIterations must be ≥ 0") }
            guard cgnr.maxReducedCameraDimension >= 0, maxDenseSchurDimension >= 0 else {
                throw .invalidOption("cgnr.maxReducedCameraDimension and maxDenseSchurDimension must be ≥ 0")
            }
        }

    }

    /// The options of this solver.
    public var options: Options

    /// Checks ``options`` (``Options/validate()``).
    public func validateOptions() throws(OptimizerError) { try options.validate() }
    /// Symbolic analyses done (layouts built, CHOLMOD analyses).
    public private(set) var symbolicAnalyses = 0
    /// Seconds spent in symbolic analysis (layouts, CHOLMOD analyses) since creation.
    public private(set) var analysisSeconds = 0.0
    /// Seconds spent filling the layout from linearizations (with the gradient and the
    /// Hessian diagonal), preparing CGNR and forming CHOLMOD's normal matrix since creation.
    public private(set) var assemblySeconds = 0.0

    private var buildID: UInt64 = 0
    private var linearization: Linearization?
    private var system: BundleAdjustmentSystem?
    /// For each free variable, its column offset in the system's ordering (cameras, points).
    private var columnOfVariable: [Int] = []
    /// Tangent dimension of each free variable.
    private var variableSizes: [Int] = []
    /// For each observation (two rows of the system): its first residual row in the
    /// linearization, its row count (2, or 1 for the last of an odd factor), and where its
    /// rows of the camera and point Jacobian blocks start (-1 when fixed or absent).
    private var residualRowOfObservation: [Int] = []
    private var rowsOfObservation: [Int] = []
    private var cameraJacobianOfObservation: [Int] = []
    private var pointJacobianOfObservation: [Int] = []
    private var diagonal: [Double] = []
    private var gradient: [Double] = []
    /// False after a linearization whose fp16 residuals or Jacobians overflowed.
    private var linearizationIsFinite = true
    private var schur = DenseSchur()
    private var cgnr = CGNR()
    private var cholmod: Cholmod?
    /// CHOLMOD's input JᵀJ: pattern built once per structure, values once per linearization.
    private var normalMatrix: BundleAdjustmentNormalMatrix?
    private var normalMatrixIsCurrent = false

    /// Creates a solver; the layout is built on the first linearization.
    public init(options: Options = Options()) { self.options = options }

    private func method(for plan: PrecisionPlan) -> Method {
        let method = plan.matrixVector == .fp64 && plan.triangularSolve == .fp64 ? options.directMethod : options.iterativeMethod
        guard method == .denseSchur, let system else { return method }
        return system.cameraCount * system.cameraSize <= options.maxDenseSchurDimension ? method : .cholmod
    }

    /// The method's name for `plan`: after the first linearization, `cholmod` where dense
    /// Schur was asked for a reduced camera system past ``Options/maxDenseSchurDimension``.
    public func linearSolverName(for plan: PrecisionPlan) -> String { method(for: plan).rawValue }

    /// Evaluates residuals and Jacobians at `plan.residual` into the BA layout.
    public mutating func linearize(_ problem: inout Problem, plan: PrecisionPlan) throws -> LinearizationResult {
        let structure = problem.structure
        if structure.buildID != buildID {
            let t0 = ContinuousClock.now
            try analyze(structure)
            analysisSeconds += (ContinuousClock.now - t0).seconds
        }
        var lin = linearization ?? Linearization(structure: structure)
        linearization = nil
        problem.linearize(precision: plan.residual, into: &lin)
        defer { linearization = lin }
        let assemblyStart = ContinuousClock.now
        defer { assemblySeconds += (ContinuousClock.now - assemblyStart).seconds }
        guard var s = system else { throw LinearSolverError.patternChanged }
        system = nil
        defer { system = s }
        // CGNR still holds the previous linearization's arrays: release them so the copy
        // below writes in place.
        cgnr.discardPrepared()
        normalMatrixIsCurrent = false
        let c = s.cameraSize
        // Padding rows (odd row counts) stay zero from the layout.
        Self.gather(lin.residuals, at: residualRowOfObservation, rows: rowsOfObservation, width: 1, into: &s.residuals)
        Self.gather(
            lin.jacobians, at: cameraJacobianOfObservation, rows: rowsOfObservation, width: c, into: &s.cameraBlocks)
        Self.gather(
            lin.jacobians, at: pointJacobianOfObservation, rows: rowsOfObservation, width: 3, into: &s.pointBlocks)
        (gradient, diagonal) = try s.gradientAndDiagonal()
        let overflow = try LinearizationResult.overflow(
            gradient: gradient, diagonal: diagonal, plan: plan, what: "bundle-adjustment Jacobian or residual")
        linearizationIsFinite = overflow == nil
        if let overflow { return overflow }
        let maxNorm = gradient.reduce(0) { max($0, abs($1)) }
        var result = LinearizationResult(gradientMaxNorm: maxNorm)
        if method(for: plan) == .cgnr {
            // Equilibration, the cast of Ĵ and the preconditioner blocks do not depend on λ:
            // once per linearization, whatever number of dampings LM tries.
            cgnr.options = options.cgnr
            cgnr.options.equilibrateColumns = plan.scalesBeforeHalfCast
            let conversion = try cgnr.prepare(
                s, productPrecision: plan.matrixVector, gradient: gradient, diagonal: diagonal)
            result.halfOverflows = conversion.overflowCount
            result.halfUnderflows = conversion.flushedCount
        }
        return result
    }

    /// Copies observation o's `rows[o]` × `width` block from `source[offsets[o]...]` to
    /// `target[2 · width · o ...]`, skipping observations with a negative offset (fixed blocks).
    private static func gather(
        _ source: [Double], at offsets: [Int], rows: [Int], width: Int, into target: inout [Double]
    ) {
        source.withUnsafeBufferPointer { source in
            offsets.withUnsafeBufferPointer { offsets in
                rows.withUnsafeBufferPointer { rows in
                    target.withUnsafeMutableBufferPointer { target in
                        guard let from = source.baseAddress, let to = target.baseAddress else { return }
                        // Blocks of 2 to 18 values: an element loop beats a memmove call.
                        for o in 0..<offsets.count where offsets[o] >= 0 {
                            let a = from + offsets[o], b = to + 2 * width * o
                            for k in 0..<(rows[o] * width) { b[k] = a[k] }
                        }
                    }
                }
            }
        }
    }

    /// Solves (JᵀJ + λD) δ = −g and returns δ in the problem's free-variable order.
    public mutating func solve(damping: Damping, plan: PrecisionPlan) throws -> StepResult {
        guard let s = system else { throw LinearSolverError.patternChanged }
        guard linearizationIsFinite else { throw LinearSolverError.nonFinite("the linearization overflowed") }
        let damping = damping.shift(diagonal: diagonal)
        var result: StepResult
        var delta: [Double]
        switch method(for: plan) {
        case .denseSchur:
            schur.maximumDimension = options.maxDenseSchurDimension
            delta = try schur.solve(s, gradient: gradient, damping: damping)
            result = StepResult(delta: [], predictedDecrease: 0, iterations: 1, termination: "direct")
        case .cholmod:
            if normalMatrix == nil {
                let t0 = ContinuousClock.now
                normalMatrix = try BundleAdjustmentNormalMatrix(pattern: s)
                analysisSeconds += (ContinuousClock.now - t0).seconds
            }
            if !normalMatrixIsCurrent {
                let t0 = ContinuousClock.now
                try normalMatrix!.update(s)
                normalMatrixIsCurrent = true
                assemblySeconds += (ContinuousClock.now - t0).seconds
            }
            let normal = normalMatrix!.matrix
            if cholmod == nil { cholmod = Cholmod() }
            if !cholmod!.isAnalyzed(for: normal) {
                let t1 = ContinuousClock.now
                try cholmod!.analyze(normal)
                analysisSeconds += (ContinuousClock.now - t1).seconds
                symbolicAnalyses += 1
            }
            try cholmod!.factorize(normal, diagonalShift: damping)
            delta = []
            try cholmod!.solve(gradient.map { -$0 }, into: &delta)
            result = StepResult(delta: [], predictedDecrease: 0, iterations: 1, termination: "direct")
        case .cgnr:
            if !cgnr.isPrepared(for: plan.matrixVector) {
                let t0 = ContinuousClock.now
                cgnr.options = options.cgnr
                cgnr.options.equilibrateColumns = plan.scalesBeforeHalfCast
                _ = try cgnr.prepare(s, productPrecision: plan.matrixVector, gradient: gradient, diagonal: diagonal)
                assemblySeconds += (ContinuousClock.now - t0).seconds
            }
            let (d, report) = try cgnr.solvePrepared(damping: damping)
            delta = d
            result = StepResult(
                delta: [], predictedDecrease: 0, iterations: report.conjugateGradient.iterations,
                termination: report.conjugateGradient.termination.rawValue)
            result.factoredPreconditioner = report.factoredReducedSystem
            result.preconditionerFactoredInFP64 = report.reducedSystemPrecision == .fp64
            if report.conjugateGradient.termination == .nonFinite || report.conjugateGradient.termination == .indefinite {
                throw LinearSolverError.notPositiveDefinite(column: -1)
            }
        }
        result.predictedDecrease = try modelDecrease(s, delta)
        result.delta = reorder(delta)
        return result
    }

    /// δ from the system's ordering (cameras, points) to the problem's free-variable order.
    private func reorder(_ delta: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: delta.count)
        var position = 0
        for (v, column) in columnOfVariable.enumerated() {
            let size = variableSizes[v]
            for i in 0..<size { out[position + i] = delta[column + i] }
            position += size
        }
        return out
    }

    /// m(0) − m(δ) = −gᵀδ − ½ ‖J δ‖² in fp64, in the system's ordering.
    private func modelDecrease(_ s: BundleAdjustmentSystem, _ delta: [Double]) throws(LinearSolverError) -> Double {
        var gd = 0.0
        for k in delta.indices { gd += gradient[k] * delta[k] }
        return -gd - 0.5 * (try s.jacobianProductNormSquared(delta))
    }

    private mutating func analyze(_ structure: ProblemStructure) throws {
        var cameraOfVariable = [Int](repeating: -1, count: structure.freeVariableCount)
        var pointOfVariable = [Int](repeating: -1, count: structure.freeVariableCount)
        var cameraCount = 0, pointCount = 0
        var cameraSize: Int?
        for v in 0..<structure.freeVariableCount {
            switch structure.freeVariableKinds[v] {
            case .se3, .balCamera:
                let size = structure.freeVariableKinds[v].tangentDimension
                if let cameraSize, cameraSize != size {
                    throw OptimizerError.invalidOption("bundle adjustment needs one camera kind, got SE(3) poses and BAL cameras")
                }
                cameraSize = size
                cameraOfVariable[v] = cameraCount
                cameraCount += 1
            case .point3:
                pointOfVariable[v] = pointCount
                pointCount += 1
            case .se2:
                throw OptimizerError.invalidOption("bundle adjustment has no SE(2) variables")
            }
        }
        let c = cameraSize ?? 6
        var cameraIndex = [Int32](), pointIndex = [Int32]()
        residualRowOfObservation = []
        rowsOfObservation = []
        cameraJacobianOfObservation = []
        pointJacobianOfObservation = []
        for f in 0..<structure.factorCount {
            var camera: Int32 = -1, point: Int32 = -1
            var cameraBlock = -1, pointBlock = -1
            for b in structure.factorBlockOffsets[f]..<structure.factorBlockOffsets[f + 1] {
                let v = structure.blockVariables[b]
                if cameraOfVariable[v] >= 0, camera < 0 {
                    camera = Int32(cameraOfVariable[v])
                    cameraBlock = b
                } else if pointOfVariable[v] >= 0, point < 0 {
                    point = Int32(pointOfVariable[v])
                    pointBlock = b
                } else {
                    throw OptimizerError.invalidOption(
                        "factor \(f) touches two cameras or two points: bundle adjustment takes factors on one camera and one point")
                }
            }
            let rows = structure.residualDimension(ofFactor: f)
            for first in stride(from: 0, to: rows, by: 2) {
                cameraIndex.append(camera)
                pointIndex.append(point)
                residualRowOfObservation.append(structure.residualOffsets[f] + first)
                rowsOfObservation.append(min(2, rows - first))
                cameraJacobianOfObservation.append(
                    cameraBlock < 0 ? -1 : structure.blockJacobianOffsets[cameraBlock] + first * c)
                pointJacobianOfObservation.append(
                    pointBlock < 0 ? -1 : structure.blockJacobianOffsets[pointBlock] + first * 3)
            }
        }
        system = try BundleAdjustmentSystem(
            cameraSize: c, cameraCount: cameraCount, pointCount: pointCount,
            cameraIndex: cameraIndex, pointIndex: pointIndex)
        columnOfVariable = (0..<structure.freeVariableCount).map { v in
            cameraOfVariable[v] >= 0 ? cameraOfVariable[v] * c : cameraCount * c + pointOfVariable[v] * 3
        }
        variableSizes = (0..<structure.freeVariableCount).map { structure.tangentDimension(ofFreeVariable: $0) }
        buildID = structure.buildID
        linearization = Linearization(structure: structure)
        cholmod = nil
        normalMatrix = nil
        symbolicAnalyses += 1
    }
}
