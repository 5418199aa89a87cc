import MixedSLAM

/// A sequence of problems solved with every plan — the loop-closure sequence (`lc`) or the
/// visual-odometry windows (`vo`) — in the one shape the report, its thresholds and its
/// figures (cumulative ATE histograms, solve time against problem size) read.
public struct SequenceResult: Sendable, Codable, Equatable {
    /// Short name used in file names and thresholds: `lc`, `vo`.
    public var name: String
    /// Heading of the report section.
    public var title: String
    /// What the sequence was (sizes, seed), one line for the report.
    public var setup: String
    /// Number of problems.
    public var problems: Int
    /// Label of the baseline trajectory (e.g. `no loop closure`), if the sequence has one.
    public var baselineLabel: String?
    /// ATE RMSE of the baseline for each problem, metres (empty without a baseline).
    public var baselineATE: [Double]
    /// Summary of `baselineATE`.
    public var baseline: SampleSummary?
    /// Per-plan summaries, in plan order.
    public var plans: [SequencePlanSummary]
    /// Every solve, problem-major.
    public var solves: [SequenceSolve]

    /// Creates a sequence result and its per-plan summaries from the raw solves.
    public init(
        name: String, title: String, setup: String, plans: [String], solves: [SequenceSolve],
        baselineLabel: String? = nil, baselineATE: [Double] = []
    ) {
        self.name = name
        self.title = title
        self.setup = setup
        self.problems = Set(solves.map(\.problem)).count
        self.baselineLabel = baselineLabel
        self.baselineATE = baselineATE
        self.baseline = baselineLabel == nil ? nil : SampleSummary(baselineATE)
        self.plans = plans.map { SequencePlanSummary(plan: $0, solves: solves) }
        self.solves = solves
    }

    /// The loop-closure sequence, with chained odometry (no loop closure) as the baseline.
    public init(loopClosure result: LoopClosureSequenceBenchmark.Result, plans: [PrecisionPlan.Preset], setup: String) {
        self.init(
            name: "lc", title: "Loop-closure sequence (synthetic house tour, SE(2))", setup: setup,
            plans: plans.map(\.rawValue),
            solves: result.solves.map {
                SequenceSolve(
                    problem: $0.problem, poses: $0.poses, plan: $0.plan, ate: $0.ate, finalCost: $0.finalCost,
                    totalSeconds: $0.totalSeconds, linearSolveSeconds: $0.linearSolveSeconds, iterations: $0.iterations)
            },
            baselineLabel: "no loop closure", baselineATE: result.ateWithoutLoopClosure)
    }

    /// The visual-odometry windows, with each window's perturbed start (before bundle
    /// adjustment) as the baseline; `windowSize` is the problem size of every window.
    public init(
        visualOdometry result: VisualOdometryBenchmark.Result, plans: [PrecisionPlan.Preset], windowSize: Int,
        setup: String
    ) {
        let windows = Array(Set(result.solves.map(\.window))).sorted()
        let index = Dictionary(uniqueKeysWithValues: windows.enumerated().map { ($0.element, $0.offset) })
        self.init(
            name: "vo", title: "Visual-odometry windows (synthetic, bundle adjustment)", setup: setup,
            plans: plans.map(\.rawValue),
            solves: result.solves.map {
                SequenceSolve(
                    problem: index[$0.window]!, poses: windowSize, plan: $0.plan, ate: $0.ate, finalCost: $0.finalCost,
                    totalSeconds: $0.totalSeconds, linearSolveSeconds: $0.linearSolveSeconds, iterations: $0.iterations)
            },
            baselineLabel: "start (before BA)", baselineATE: result.startATE)
    }

    /// The summary of `plan`, if it ran.
    public func summary(of plan: String) -> SequencePlanSummary? {
        plans.first { $0.plan == plan }
    }
}
