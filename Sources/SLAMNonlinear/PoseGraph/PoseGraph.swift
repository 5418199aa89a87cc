/// A pose graph that grows while a robot runs: odometry adds poses, loop closures add edges,
/// and every ``optimize()`` starts from the current estimates (warm start) and reuses what the
/// previous solve computed.
///
/// ```swift
/// var graph = PoseGraph<SE2<Double>>()
/// try graph.addPose(0, SE2(x: 0, y: 0, theta: 0))
/// try graph.addOdometry(from: 0, to: 1, measurement: SE2(x: 1, y: 0, theta: .pi / 2))
/// // ... more odometry, then a loop closure between existing poses:
/// try graph.addEdge(from: 4, to: 0, measurement: SE2(x: 1, y: 0, theta: .pi / 2))
/// let summary = try graph.optimize()
/// print(summary.briefReport, graph.pose(3)!)
/// ```
///
/// What a re-solve reuses (``Summary`` reports it: ``Summary/symbolicAnalyses``,
/// ``Summary/extendedSymbolicAnalyses``, ``Summary/reusedSymbolicAnalysis``,
/// ``Summary/analysisSeconds``):
/// - only values changed (a re-solve after a robot's pose reset, a second plan): the
///   Hessian pattern, CHOLMOD's symbolic factor and the preconditioner's ordering, as they are;
/// - the graph grew (poses appended, edges added): the fill-reducing orderings are extended —
///   earlier poses keep their elimination order, new ones follow — and CHOLMOD's symbolic
///   factor is rebuilt on that ordering without running AMD, until the graph has grown by
///   ``PoseGraphStepSolver/Options/reorderingGrowth`` (20 %) since the last fresh ordering.
///
/// The first pose added is held fixed (``Problem/Gauge/fixFirstPose``), as g2o and the
/// benchmark datasets do; add priors with ``addPrior(_:_:information:)`` to anchor the graph
/// elsewhere in addition.
///
/// ## Thread safety
/// `PoseGraph` is a value type and `Sendable`: copies are independent. The cached analysis
/// lives in a reference the copies share until one of them optimizes; a copy that is not the
/// only owner of that cache starts a fresh one, so two copies optimized on two threads never
/// touch the same CHOLMOD workspace. One instance must not be mutated from two threads at
/// once (as with any Swift value). There is no global mutable state in the solver; the one
/// process-wide setting it depends on is OpenBLAS' thread count (see
/// `LinearAlgebraThreads`), which belongs to the BLAS library, not to a solver.
public struct PoseGraph<Pose: GraphPose>: @unchecked Sendable {
    /// Configuration with documented defaults.
    public struct Options: Sendable {
        /// The precision plan of every solve. Default ``PrecisionPlan/Preset/fp64``: on the
        /// measured CPUs CHOLMOD in fp64 is the fastest way to the optimum (docs/precision.md);
        /// `adaptive` runs the mixed-precision PCG path and still ends at the fp64 optimum.
        public var plan = PrecisionPlan.Preset.fp64
        /// Levenberg-Marquardt options: iteration limit, tolerances, time budget.
        public var optimizer = LevenbergMarquardt.Options()
        /// Linear solver options: preconditioner, refresh policy, kernel path, reordering.
        public var solver = PoseGraphStepSolver.Options()

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// The configuration used by the next ``optimize()``.
    public var options: Options
    /// The underlying least-squares problem: poses (fp64), edges and priors.
    public private(set) var problem = Problem()
    private var cache: SolverCache

    /// An empty graph.
    public init(options: Options = Options()) {
        self.options = options
        cache = SolverCache(options: options.solver)
    }

    /// Number of poses.
    public var poseCount: Int { problem.variableCount }
    /// Number of edges and priors.
    public var factorCount: Int { problem.factorCount }
    /// The pose ids in the order they were added.
    public var poseIDs: [Int] { problem.variableIDs }

    /// The current estimate of pose `id`, or nil if there is none.
    public func pose(_ id: Int) -> Pose? { Pose.value(of: id, in: problem) }

    /// Adds pose `id` with an initial estimate.
    ///
    /// - Throws: ``ProblemError/duplicateVariable(id:)``, ``ProblemError/nonFiniteValue(id:)``,
    ///   or ``ProblemError/wrongVariableKind(id:expected:actual:)``.
    public mutating func addPose(_ id: Int, _ initial: Pose) throws(ProblemError) {
        try Pose.addVariable(id: id, initial, to: &problem)
    }

    /// Adds an odometry edge `pose(from)⁻¹ * pose(to) ≈ measurement`. When pose `to` is new it
    /// is added first, initialized by dead reckoning from the current estimate of `from`
    /// (`pose(from) * measurement`), which is what makes the next solve a warm start.
    ///
    /// - Throws: ``ProblemError/unknownVariable(id:)`` when `from` does not exist,
    ///   ``FactorError`` for a non-finite measurement or a bad information matrix (the graph
    ///   is then unchanged).
    public mutating func addOdometry(
        from: Int, to: Int, measurement: Pose, information: InformationMatrix = .identity(dimension: Pose.tangentDimension)
    ) throws {
        guard let start = pose(from) else { throw ProblemError.unknownVariable(id: from) }
        var grown = problem
        if pose(to) == nil { try Pose.addVariable(id: to, start * measurement, to: &grown) }
        try Pose.addBetween(from: from, to: to, measurement: measurement, information: information, kernel: .none, to: &grown)
        problem = grown
    }

    /// Adds an edge `pose(from)⁻¹ * pose(to) ≈ measurement` between existing poses: a loop
    /// closure, or odometry to a pose added with ``addPose(_:_:)``. Use a robust `kernel` for
    /// loop closures that may be false.
    ///
    /// - Throws: ``ProblemError`` for unknown poses or a self loop, ``FactorError`` for a
    ///   non-finite measurement or a bad information matrix.
    public mutating func addEdge(
        from: Int, to: Int, measurement: Pose,
        information: InformationMatrix = .identity(dimension: Pose.tangentDimension), kernel: RobustKernel = .none
    ) throws {
        try Pose.addBetween(from: from, to: to, measurement: measurement, information: information, kernel: kernel, to: &problem)
    }

    /// Adds a prior `pose(id) ≈ measurement` (a GPS fix, a map anchor).
    ///
    /// - Throws: ``ProblemError/unknownVariable(id:)`` or ``FactorError``.
    public mutating func addPrior(
        _ id: Int, _ measurement: Pose, information: InformationMatrix = .identity(dimension: Pose.tangentDimension)
    ) throws {
        try Pose.addPrior(id: id, measurement: measurement, information: information, to: &problem)
    }

    /// Optimizes the graph from its current estimates with ``Options/plan``.
    ///
    /// On a throw (invalid options, a linear-algebra failure that no damping cures) every pose
    /// keeps the value it had before the call and the cached analysis is dropped, so the next
    /// call starts clean.
    public mutating func optimize() throws -> Summary {
        if !isKnownUniquelyReferenced(&cache) { cache = SolverCache(options: options.solver) }
        cache.stepSolver.options = options.solver
        let before = problem.values
        do {
            return try LevenbergMarquardt(options: options.optimizer).minimize(
                &problem, plan: .preset(options.plan, for: .poseGraph), stepSolver: &cache.stepSolver)
        } catch {
            try problem.restore(before)
            cache = SolverCache(options: options.solver)
            throw error
        }
    }
}

/// The step solver a ``PoseGraph`` keeps between solves, boxed so that copies of the graph can
/// tell whether they share it.
final class SolverCache {
    var stepSolver: PoseGraphStepSolver

    init(options: PoseGraphStepSolver.Options) {
        stepSolver = PoseGraphStepSolver(options: options)
    }
}
