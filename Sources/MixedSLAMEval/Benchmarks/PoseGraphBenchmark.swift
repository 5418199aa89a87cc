import Foundation
import MixedSLAM

/// Solves one pose graph with several precision plans and compares them: costs, iterations,
/// times and the trajectory's distance (ATE, no alignment: all plans share the gauge) from the
/// fp64 CHOLMOD solution.
public enum PoseGraphBenchmark {
    /// What one plan did on one problem (medians over the repeats for times).
    public struct PlanResult: Sendable, Codable, Equatable {
        /// Plan name (`fp64`, `fp32`, `fp16`, `mixed`, `adaptive`).
        public var plan: String
        /// Linear solver the plan ended with.
        public var linearSolver: String
        /// Cost at the start (fp64 evaluation).
        public var initialCost: Double
        /// Cost at the end (fp64 evaluation).
        public var finalCost: Double
        /// Nonlinear iterations.
        public var iterations: Int
        /// Total CG iterations (1 per direct solve).
        public var linearIterations: Int
        /// Median linear-solve seconds over the repeats.
        public var linearSolveSeconds: Double
        /// Median symbolic-analysis seconds over the repeats (not part of the linear solve's).
        public var analysisSeconds: Double
        /// Median total seconds over the repeats.
        public var totalSeconds: Double
        /// RMSE of positions against the fp64 solution, metres.
        public var ateRMSE: Double
        /// Largest position difference against the fp64 solution, metres.
        public var ateMax: Double
        /// Termination reason.
        public var termination: String
        /// Precision switches (adaptive), as `iteration:component:from->to:reason`.
        public var switches: [String]
        /// Steps the direct fp64 solver computed after the plan's iterative solve failed
        /// (``LevenbergMarquardt/Options/directFallback``).
        public var directFallbacks: Int
        /// fp16 casts that overflowed / flushed.
        public var halfOverflows: Int
        /// fp16 casts flushed to zero or subnormal.
        public var halfUnderflows: Int
        /// Cost after each accepted iteration.
        public var costHistory: [Double]
    }

    /// Runs `plans` on `problem` (each from the same start), fp64 CHOLMOD first as reference.
    ///
    /// - Parameters:
    ///   - repeats: solves per plan; times are medians.
    ///   - options: LM options shared by every plan.
    ///   - trajectories: called with each plan's name and solution (e.g. to write TUM files).
    ///   - reports: called with each plan's name and the summary of its first solve (e.g. to
    ///     print its `fullReport`).
    /// - Returns: results in the order of `plans`, and the fp64 solution.
    public static func run(
        _ problem: Problem, plans: [PrecisionPlan.Preset], repeats: Int = 1,
        options: LevenbergMarquardt.Options = .init(), solverOptions: PoseGraphStepSolver.Options = .init(),
        trajectories: ((String, Problem) throws -> Void)? = nil,
        reports: ((String, Summary) -> Void)? = nil
    ) throws -> (results: [PlanResult], reference: Problem) {
        let order = [PrecisionPlan.Preset.fp64] + plans.filter { $0 != .fp64 }
        var solutions: [PrecisionPlan.Preset: (Problem, [Summary])] = [:]
        for preset in order {
            var summaries: [Summary] = []
            var solved = problem
            for _ in 0..<max(1, repeats) {
                var copy = problem
                var solver = PoseGraphStepSolver(options: solverOptions)
                summaries.append(try LevenbergMarquardt(options: options).minimize(
                    &copy, plan: .preset(preset, for: .poseGraph), stepSolver: &solver))
                solved = copy
            }
            solutions[preset] = (solved, summaries)
        }
        let reference = solutions[.fp64]!.0
        let referencePositions = positions(of: reference)
        var results: [PlanResult] = []
        for preset in plans {
            let (solved, summaries) = solutions[preset]!
            try trajectories?(preset.rawValue, solved)
            let summary = summaries[0]
            reports?(preset.rawValue, summary)
            let ate = try AbsoluteTrajectoryError(
                estimatedPositions: positions(of: solved), referencePositions: referencePositions, alignment: .none)
            results.append(PlanResult(
                plan: preset.rawValue, linearSolver: summary.linearSolver, initialCost: summary.initialCost,
                finalCost: summary.finalCost, iterations: summary.iterations, linearIterations: summary.linearIterations,
                linearSolveSeconds: try median(summaries.map(\.linearSolveSeconds)),
                analysisSeconds: try median(summaries.map(\.analysisSeconds)),
                totalSeconds: try median(summaries.map(\.totalSeconds)), ateRMSE: ate.statistics.rmse,
                ateMax: ate.statistics.maximum, termination: summary.termination.rawValue,
                switches: summary.switches.map { "\($0.iteration):\($0.component):\($0.from)->\($0.to):\($0.reason)" },
                directFallbacks: summary.directFallbacks,
                halfOverflows: summary.halfOverflowCount, halfUnderflows: summary.halfUnderflowCount,
                costHistory: summary.iterationDetails.filter(\.accepted).map(\.newCost)))
        }
        return (results, reference)
    }

    /// Positions of every pose variable in id order (SE(2) at z = 0).
    public static func positions(of problem: Problem) -> [SIMD3<Double>] {
        problem.variableIDs.sorted().compactMap { id in
            if let pose = problem.se3(id) { return pose.translation }
            if let pose = problem.se2(id) { return SIMD3(pose.translation.x, pose.translation.y, 0) }
            return nil
        }
    }

    /// Median of a sample (mean of the middle two for an even count), as
    /// ``SortedSample/median``: throws ``EvaluationError`` for an empty sample or a NaN or
    /// infinite value, which have no median.
    public static func median(_ values: [Double]) throws -> Double {
        try SortedSample(values).median
    }
}
