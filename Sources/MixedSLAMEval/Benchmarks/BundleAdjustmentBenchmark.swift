import Foundation
import MixedSLAM

/// Solves one bundle-adjustment problem (a BAL file or ``SyntheticBAL``) with every requested
/// combination of precision plan and linear solver, each from the same start, and reports
/// costs, iterations and times, so the solvers can be checked to reach the same optimum.
public enum BundleAdjustmentBenchmark {
    /// One plan with one linear solver.
    public struct Configuration: Sendable, Equatable {
        /// The precision plan.
        public var plan: PrecisionPlan.Preset
        /// The linear solver, used whatever the plan (dense Schur and CHOLMOD are fp64 solves of
        /// the plan's linearization; CGNR runs its products at the plan's precision).
        public var method: BundleAdjustmentStepSolver.Method

        /// Creates a configuration.
        public init(plan: PrecisionPlan.Preset, method: BundleAdjustmentStepSolver.Method) {
            self.plan = plan
            self.method = method
        }
    }

    /// What one configuration did.
    public struct Result: Sendable, Codable, Equatable {
        /// Plan name.
        public var plan: String
        /// Linear solver.
        public var linearSolver: String
        /// Cost at the start (fp64 evaluation).
        public var initialCost: Double
        /// Cost at the end (fp64 evaluation).
        public var finalCost: Double
        /// Nonlinear iterations.
        public var iterations: Int
        /// CG iterations (1 per direct solve).
        public var linearIterations: Int
        /// Seconds in the linear solver.
        public var linearSolveSeconds: Double
        /// Seconds of the whole solve.
        public var totalSeconds: Double
        /// Termination reason.
        public var termination: String
    }

    /// Runs every configuration on `problem`; `progress(done, total)` after each.
    public static func run(
        _ problem: Problem, configurations: [Configuration], optimizer: LevenbergMarquardt.Options = .init(),
        cgnr: CGNR.Options = .init(), progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> [Result] {
        var results: [Result] = []
        for (index, configuration) in configurations.enumerated() {
            var options = BundleAdjustmentStepSolver.Options()
            options.directMethod = configuration.method
            options.iterativeMethod = configuration.method
            options.cgnr = cgnr
            var solver = BundleAdjustmentStepSolver(options: options)
            var solved = problem
            let summary = try LevenbergMarquardt(options: optimizer).minimize(
                &solved, plan: .preset(configuration.plan, for: .bundleAdjustment), stepSolver: &solver)
            results.append(Result(
                plan: configuration.plan.rawValue, linearSolver: summary.linearSolver, initialCost: summary.initialCost,
                finalCost: summary.finalCost, iterations: summary.iterations, linearIterations: summary.linearIterations,
                linearSolveSeconds: summary.linearSolveSeconds, totalSeconds: summary.totalSeconds,
                termination: summary.termination.rawValue))
            progress(index + 1, configurations.count)
        }
        return results
    }
}
