import MixedSLAM

/// What a robot's backend does online: a pose graph grows by a few poses at a time, loop
/// closures arrive, and the graph is re-optimized after each step. Each step is solved three
/// ways, so the saving of the incremental ``PoseGraph`` is measured in one run:
/// - **warm**: the growing graph re-solves from its previous optimum (new poses dead-reckoned)
///   with its cached analysis extended to the grown graph;
/// - **fresh analysis**: the same graph and the same warm values, with a new solver that
///   analyzes from scratch (isolates the reuse of the analysis);
/// - **cold**: a batch solve of the graph so far from the file's initial values with a new
///   solver, as a batch tool (g2o, a one-shot GTSAM script) does.
public enum IncrementalPoseGraphBenchmark {
    /// Configuration with documented defaults.
    public struct Options: Sendable {
        /// Poses added per step. Default 10.
        public var posesPerStep = 10
        /// Steps measured; the graph starts with all but `steps × posesPerStep` poses. Default 10.
        public var steps = 10
        /// The plan of every solve. Default ``PrecisionPlan/Preset/fp64``.
        public var plan = PrecisionPlan.Preset.fp64
        /// Levenberg-Marquardt options of every solve.
        public var optimizer = LevenbergMarquardt.Options()

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// One step: the graph after it, and the three solves.
    public struct Step: Sendable, Codable, Equatable {
        /// Poses in the graph after the step.
        public var poseCount: Int
        /// Edges and priors in the graph after the step.
        public var factorCount: Int
        /// Edges of this step that are not odometry (they join poses more than one id apart).
        public var loopClosures: Int
        /// Warm re-solve: total seconds, iterations, analyses from scratch, extended analyses,
        /// whether the earlier analysis was reused, seconds of analysis, final cost.
        public var warmSeconds: Double
        /// See ``warmSeconds``.
        public var warmIterations: Int
        /// See ``warmSeconds``.
        public var warmSymbolicAnalyses: Int
        /// See ``warmSeconds``.
        public var warmExtendedAnalyses: Int
        /// See ``warmSeconds``.
        public var warmReusedAnalysis: Bool
        /// See ``warmSeconds``.
        public var warmAnalysisSeconds: Double
        /// See ``warmSeconds``.
        public var warmFinalCost: Double
        /// Same values, analysis from scratch: total seconds and seconds of analysis.
        public var freshSeconds: Double
        /// See ``freshSeconds``.
        public var freshAnalysisSeconds: Double
        /// Batch solve from the file's initial values: seconds, iterations, final cost.
        public var coldSeconds: Double
        /// See ``coldSeconds``.
        public var coldIterations: Int
        /// See ``coldSeconds``.
        public var coldFinalCost: Double
    }

    /// The measured steps and their medians.
    public struct Result: Sendable, Codable, Equatable {
        /// Name of the graph (file name or scenario).
        public var name: String
        /// `se2` or `se3`.
        public var kind: String
        /// The plan of every solve.
        public var plan: String
        /// Poses before the first step.
        public var startPoseCount: Int
        /// Every step in order.
        public var steps: [Step]
        /// Medians over the steps with at least one loop closure (all steps if none has one).
        public var warmSecondsMedian: Double
        /// See ``warmSecondsMedian``.
        public var freshSecondsMedian: Double
        /// See ``warmSecondsMedian``.
        public var coldSecondsMedian: Double
        /// Median over those steps of warm / cold seconds, step by step.
        public var warmOverCold: Double
        /// Median over those steps of warm / fresh-analysis seconds, step by step.
        public var warmOverFresh: Double
        /// Whether every warm re-solve reused (as is or extended) the earlier analysis.
        public var reusedInEveryStep: Bool
        /// Largest relative difference between warm and cold final costs.
        public var maxRelativeCostDifference: Double
    }

    /// Runs the benchmark on the poses (all SE(2) or all SE(3)) and pose factors of `problem`,
    /// adding poses in id order; each factor arrives with the later of its poses.
    ///
    /// - Throws: ``EvaluationError/invalidArgument(_:)`` for mixed pose kinds, non-pose
    ///   variables or factors, or too few poses for the steps; optimizer errors.
    public static func run(_ problem: Problem, name: String, options: Options = Options()) throws -> Result {
        let ids = problem.variableIDs.sorted()
        if ids.allSatisfy({ problem.kind(of: $0) == .se2 }) {
            return try replay(problem, ids: ids, name: name, kind: "se2", options: options) { factor in
                switch factor {
                case .betweenSE2(let f): return .between(f.from, f.to, f.measurement, f.information, f.kernel)
                case .priorSE2(let f): return .prior(f.variable, f.measurement, f.information)
                default: return nil
                }
            }
        }
        if ids.allSatisfy({ problem.kind(of: $0) == .se3 }) {
            return try replay(problem, ids: ids, name: name, kind: "se3", options: options) { factor in
                switch factor {
                case .betweenSE3(let f): return .between(f.from, f.to, f.measurement, f.information, f.kernel)
                case .priorSE3(let f): return .prior(f.variable, f.measurement, f.information)
                default: return nil
                }
            }
        }
        throw EvaluationError.invalidArgument("incremental benchmark needs a graph of only SE(2) or only SE(3) poses")
    }

    private enum Edge<Pose: GraphPose> {
        case between(Int, Int, Pose, InformationMatrix, RobustKernel)
        case prior(Int, Pose, InformationMatrix)
    }

    private static func replay<Pose: GraphPose>(
        _ problem: Problem, ids: [Int], name: String, kind: String, options: Options, edge: (Factor) -> Edge<Pose>?
    ) throws -> Result {
        let (growth, overflow) = options.steps.multipliedReportingOverflow(by: options.posesPerStep)
        guard options.steps > 0, options.posesPerStep > 0, !overflow, ids.count - 2 >= growth else {
            throw EvaluationError.invalidArgument("\(ids.count) poses cannot grow \(options.steps) × \(options.posesPerStep)")
        }
        var index: [Int: Int] = [:]
        for (k, id) in ids.enumerated() { index[id] = k }
        let initial = ids.map { Pose.value(of: $0, in: problem)! }
        // Factors grouped by the pose whose arrival completes them.
        var arriving = [[Edge<Pose>]](repeating: [], count: ids.count)
        for factor in problem.factors {
            guard let e = edge(factor) else {
                throw EvaluationError.invalidArgument("incremental benchmark takes pose-graph factors only")
            }
            switch e {
            case .between(let a, let b, _, _, _): arriving[max(index[a]!, index[b]!)].append(e)
            case .prior(let a, _, _): arriving[index[a]!].append(e)
            }
        }
        func add(_ e: Edge<Pose>, to graph: inout PoseGraph<Pose>) throws {
            switch e {
            case .between(let a, let b, let z, let information, let kernel):
                try graph.addEdge(from: a, to: b, measurement: z, information: information, kernel: kernel)
            case .prior(let a, let z, let information):
                try graph.addPrior(a, z, information: information)
            }
        }
        var graphOptions = PoseGraph<Pose>.Options()
        graphOptions.plan = options.plan
        graphOptions.optimizer = options.optimizer

        /// The first `count` poses at the file's initial values, with their factors.
        func batchGraph(_ count: Int) throws -> PoseGraph<Pose> {
            var graph = PoseGraph<Pose>(options: graphOptions)
            for k in 0..<count { try graph.addPose(ids[k], initial[k]) }
            for k in 0..<count { for e in arriving[k] { try add(e, to: &graph) } }
            return graph
        }

        let start = ids.count - growth
        var graph = try batchGraph(start)
        _ = try graph.optimize()

        var steps: [Step] = []
        for s in 0..<options.steps {
            let range = (start + s * options.posesPerStep)..<(start + (s + 1) * options.posesPerStep)
            var loopClosures = 0
            for k in range {
                // Dead reckoning from the previous pose's estimate with the file's relative guess.
                let previous = graph.pose(ids[k - 1])!
                try graph.addPose(ids[k], previous * (initial[k - 1].inverse * initial[k]))
                for e in arriving[k] {
                    try add(e, to: &graph)
                    if case .between(let a, let b, _, _, _) = e, abs(index[a]! - index[b]!) > 1 { loopClosures += 1 }
                }
            }
            // The copy optimizes first while it shares the cache, so it gets a new solver.
            var freshCopy = graph
            let fresh = try freshCopy.optimize()
            let warm = try graph.optimize()

            var cold = try batchGraph(range.upperBound)
            let coldSummary = try cold.optimize()

            steps.append(Step(
                poseCount: graph.poseCount, factorCount: graph.factorCount, loopClosures: loopClosures,
                warmSeconds: warm.totalSeconds, warmIterations: warm.iterations,
                warmSymbolicAnalyses: warm.symbolicAnalyses, warmExtendedAnalyses: warm.extendedSymbolicAnalyses,
                warmReusedAnalysis: warm.reusedSymbolicAnalysis, warmAnalysisSeconds: warm.analysisSeconds,
                warmFinalCost: warm.finalCost, freshSeconds: fresh.totalSeconds,
                freshAnalysisSeconds: fresh.analysisSeconds, coldSeconds: coldSummary.totalSeconds,
                coldIterations: coldSummary.iterations, coldFinalCost: coldSummary.finalCost))
        }
        let withClosures = steps.filter { $0.loopClosures > 0 }
        let measured = withClosures.isEmpty ? steps : withClosures
        let median = PoseGraphBenchmark.median
        return Result(
            name: name, kind: kind, plan: options.plan.rawValue, startPoseCount: start, steps: steps,
            warmSecondsMedian: try median(measured.map(\.warmSeconds)),
            freshSecondsMedian: try median(measured.map(\.freshSeconds)),
            coldSecondsMedian: try median(measured.map(\.coldSeconds)),
            warmOverCold: try median(measured.map { $0.warmSeconds / $0.coldSeconds }),
            warmOverFresh: try median(measured.map { $0.warmSeconds / $0.freshSeconds }),
            reusedInEveryStep: steps.allSatisfy(\.warmReusedAnalysis),
            maxRelativeCostDifference: steps.map {
                abs($0.warmFinalCost - $0.coldFinalCost) / max(abs($0.coldFinalCost), .leastNormalMagnitude)
            }.max() ?? 0)
    }
}
