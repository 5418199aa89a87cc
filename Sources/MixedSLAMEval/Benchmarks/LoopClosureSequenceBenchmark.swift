import MixedSLAM

/// The growing loop-closure sequence of the reference method: a robot tours a house, and
/// every time a loop closes the pose graph built so far is solved with every plan.
///
/// Each plan keeps its own running estimate, as a robot would: a new problem starts from that
/// plan's previous solution for the poses it already had and from chained odometry for the
/// new ones, and each plan keeps one step solver for the whole sequence. ATE is against
/// ground truth after SE(2) alignment (the gauge leaves the global heading uncertain).
public enum LoopClosureSequenceBenchmark {
    /// Configuration with documented defaults.
    public struct Options: Sendable {
        /// The scenario (default: 2,000 poses of the default house tour).
        public var scenario = LoopClosureScenario<SE2<Double>>.Options()
        /// Number of problems to solve, spread evenly over the loop-closure events; nil for
        /// every event. Default nil.
        public var problemCount: Int?
        /// LM options of every solve.
        public var optimizer = LevenbergMarquardt.Options()

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// One solve of one problem with one plan.
    public struct Solve: Sendable, Codable, Equatable {
        /// Index of the problem in the sequence.
        public var problem: Int
        /// Number of poses of the problem.
        public var poses: Int
        /// Number of edges of the problem.
        public var edges: Int
        /// Plan name.
        public var plan: String
        /// ATE RMSE against ground truth after SE(2) alignment, metres.
        public var ate: Double
        /// Final cost (fp64 evaluation).
        public var finalCost: Double
        /// Total solve seconds.
        public var totalSeconds: Double
        /// Linear-solve seconds.
        public var linearSolveSeconds: Double
        /// Nonlinear iterations.
        public var iterations: Int
    }

    /// The whole sequence.
    public struct Result: Sendable, Codable, Equatable {
        /// Every solve, problem-major.
        public var solves: [Solve]
        /// ATE RMSE of chained odometry (no loop closure) for each problem.
        public var ateWithoutLoopClosure: [Double]
    }

    /// Runs the sequence; `progress(done, total)` is called after each problem.
    public static func run(
        plans: [PrecisionPlan.Preset], options: Options = Options(),
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Result {
        let scenario = try LoopClosureScenario<SE2<Double>>(options: options.scenario)
        var events = scenario.loopClosureEvents
        if let count = options.problemCount, count < events.count, count > 0 {
            events = (0..<count).map { events[$0 * events.count / count] }
        }
        var estimates = [PrecisionPlan.Preset: [SE2<Double>]]()
        var result = Result(solves: [], ateWithoutLoopClosure: [])
        for (index, event) in events.enumerated() {
            let prefix = try scenario.prefix(through: event)
            result.ateWithoutLoopClosure.append(
                try prefix.absoluteTrajectoryError(of: prefix.initialEstimate, alignment: .se2).statistics.rmse)
            for plan in plans {
                var start = estimates[plan] ?? []
                if start.isEmpty { start = [prefix.initialEstimate[0]] }
                while start.count < prefix.poseCount {
                    start.append(start[start.count - 1] * prefix.odometry[start.count - 1].measurement)
                }
                var problem = try prefix.makeProblem(initialValues: start)
                // The structure grows with every problem, so each solve analyzes anew; a fresh
                // solver per problem keeps that honest in the timings.
                var solver = PoseGraphStepSolver()
                let summary = try LevenbergMarquardt(options: options.optimizer).minimize(
                    &problem, plan: .preset(plan, for: .poseGraph), stepSolver: &solver)
                let solved = (0..<prefix.poseCount).map { problem.se2($0)! }
                estimates[plan] = solved
                let ate = try prefix.absoluteTrajectoryError(of: solved, alignment: .se2)
                result.solves.append(Solve(
                    problem: index, poses: prefix.poseCount, edges: prefix.odometry.count + prefix.loopClosures.count,
                    plan: plan.rawValue, ate: ate.statistics.rmse, finalCost: summary.finalCost,
                    totalSeconds: summary.totalSeconds, linearSolveSeconds: summary.linearSolveSeconds,
                    iterations: summary.iterations))
            }
            progress(index + 1, events.count)
        }
        return result
    }
}
