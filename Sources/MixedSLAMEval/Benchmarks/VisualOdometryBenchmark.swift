import Foundation
import MixedSLAM

/// The visual-odometry evaluation of the reference method: many 50-keyframe bundle-adjustment
/// windows of a ``VisualOdometryScenario``, each solved with every precision plan, compared by
/// the distribution (cumulative histogram) of their ATE against ground truth and by solve time.
///
/// Windows are solved independently, each from a perturbed start (the reference evaluates
/// 1,703 VO windows): the oldest ``Options/fixedKeyframes`` poses are the ground truth (the
/// gauge and scale a sliding window inherits from its past), the other poses are
/// T_wc · Exp(n) with n ~ N(0, diag(σₜ² I, σᵣ² I)) and the landmarks are moved by N(0, σₗ² I),
/// deterministically from ``Options/seed`` and the window. Every plan starts from the same
/// values. The window's ATE is the RMSE of its camera centres after Sim(3) alignment
/// (`evo_ape --align --correct_scale`, the monocular convention): the two fixed keyframes are
/// only 0.1 m apart, so the window's scale is its flattest cost direction and solvers stop at
/// slightly different points along it; Sim(3) measures the shape every plan must get right. ``sequence(plan:options:progress:)`` runs the
/// ``SlidingWindowBA`` driver over the tour instead, where scale drifts and the whole
/// trajectory is aligned with Sim(3).
public enum VisualOdometryBenchmark {
    /// Configuration with documented defaults.
    public struct Options: Sendable {
        /// The scenario. Default: the default scenario with 1,752 keyframes (1,703 windows of
        /// 50).
        public var scenario: VisualOdometryScenario.Options = {
            var options = VisualOdometryScenario.Options()
            options.keyframeCount = 1752
            return options
        }()
        /// Keyframes per window. Default 50.
        public var windowSize = 50
        /// Windows to solve, spread evenly over the tour; nil for every window. Default nil.
        public var windowCount: Int?
        /// Oldest keyframes of each window held fixed at the ground truth. Default 2.
        public var fixedKeyframes = 2
        /// σₜ of the start's pose perturbation, metres. Default 0.05.
        public var startTranslationSigma = 0.05
        /// σᵣ of the start's pose perturbation, radians. Default 0.02 (1.1°).
        public var startRotationSigma = 0.02
        /// σₗ of the start's landmark perturbation, metres. Default 0.1.
        public var startLandmarkSigma = 0.1
        /// Seed of the start perturbations. Default 7.
        public var seed: UInt64 = 7
        /// LM options of every window solve. Default: at most 20 iterations, relative cost
        /// tolerance 1e-4, λ ≥ 1e-6, as ``SlidingWindowBA/Options/optimizer``.
        public var optimizer = SlidingWindowBA.Options().optimizer
        /// Step-solver options (fp64 plans: dense Schur; others: CGNR with forcing term 1e-2),
        /// as ``SlidingWindowBA/Options/stepSolver``.
        public var stepSolver = SlidingWindowBA.Options().stepSolver
        /// What the ``SlidingWindowBA`` driver of ``sequence(plan:keyframes:options:progress:)``
        /// does with a leaving keyframe's observations. Default
        /// ``SlidingWindowBA/Marginalization/landmarkPriors``, as the driver.
        public var marginalization = SlidingWindowBA.Options().marginalization
        /// Robust kernel of the driver's reprojection factors in
        /// ``sequence(plan:keyframes:options:progress:)``. Default Huber 2, as the driver.
        public var kernel = SlidingWindowBA.Options().kernel

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// One plan's solve of one window.
    public struct WindowSolve: Sendable, Codable, Equatable {
        /// Newest keyframe of the window.
        public var window: Int
        /// Plan name.
        public var plan: String
        /// Linear solver the plan used.
        public var linearSolver: String
        /// ATE RMSE of the solution after Sim(3) alignment, metres.
        public var ate: Double
        /// Cost at the start (fp64 evaluation).
        public var initialCost: Double
        /// Cost at the end (fp64 evaluation).
        public var finalCost: Double
        /// Nonlinear iterations.
        public var iterations: Int
        /// CG iterations (1 per direct solve).
        public var linearIterations: Int
        /// Seconds of the whole window solve.
        public var totalSeconds: Double
        /// Seconds in the linear solver.
        public var linearSolveSeconds: Double
        /// Observations (reprojection factors).
        public var observations: Int
        /// Landmarks.
        public var landmarks: Int
        /// Termination reason.
        public var termination: String
        /// Steps the direct fp64 solver computed after the plan's CGNR solve failed
        /// (``LevenbergMarquardt/Options/directFallback``).
        public var directFallbacks: Int
    }

    /// All windows.
    public struct Result: Sendable, Codable, Equatable {
        /// Every solve, window-major, plans in the requested order.
        public var solves: [WindowSolve]
        /// ATE RMSE of each window's start (Sim(3) alignment), metres.
        public var startATE: [Double]

        /// (final cost − `reference`'s final cost) / `reference`'s final cost for every window
        /// both plans solved, in window order: how far above the reference's optimum `plan`
        /// stopped (negative where it went lower; see ``CostExcess/relative(_:over:)``). ATE alone cannot say which plan converged
        /// further: the windows start from perturbed ground truth, and a less converged
        /// solution keeps some of that truth, so accuracy is compared by this excess.
        public func finalCostExcess(of plan: String, over reference: String = "fp64") -> [Double] {
            var referenceCost: [Int: Double] = [:]
            for solve in solves where solve.plan == reference { referenceCost[solve.window] = solve.finalCost }
            return CostExcess.relative(
                solves.filter { $0.plan == plan }.map { (problem: $0.window, cost: $0.finalCost) }, over: referenceCost)
        }
    }

    /// Solves the windows with every plan; `progress(done, total)` after each window, and
    /// `reports(window, plan, summary)` after each solve when given (e.g. to print its
    /// `fullReport`).
    ///
    /// Throws for scenario options out of range, a scenario too short for one window, or
    /// ``Options/fixedKeyframes`` outside 0...``Options/windowSize``.
    public static func run(
        plans: [PrecisionPlan.Preset], options: Options = Options(), progress: (Int, Int) -> Void = { _, _ in },
        reports: ((Int, String, Summary) -> Void)? = nil
    ) throws -> Result {
        // Before the scenario is generated, which takes seconds for the default tour.
        guard options.fixedKeyframes >= 0, options.fixedKeyframes <= options.windowSize else {
            throw EvaluationError.invalidArgument(
                "cannot fix \(options.fixedKeyframes) keyframes of a \(options.windowSize)-keyframe window")
        }
        let scenario = try VisualOdometryScenario(options: options.scenario)
        let available = scenario.windowCount(size: options.windowSize)
        guard available > 0 else {
            throw EvaluationError.invalidArgument(
                "\(scenario.keyframeCount) keyframes hold no window of \(options.windowSize)")
        }
        var lasts = Array((options.windowSize - 1)..<scenario.keyframeCount)
        if let count = options.windowCount, count > 0, count < available {
            lasts = (0..<count).map { lasts[$0 * available / count] }
        }
        var result = Result(solves: [], startATE: [])
        var solvers = [PrecisionPlan.Preset: BundleAdjustmentStepSolver]()
        for (index, last) in lasts.enumerated() {
            let window = try scenario.window(endingAt: last, size: options.windowSize)
            let start = try perturbedStart(scenario, window, options: options)
            let problem = try windowProblem(
                scenario, window, poses: start.poses, points: start.points, fixedKeyframes: options.fixedKeyframes)
            result.startATE.append(
                try scenario.absoluteTrajectoryError(of: start.poses, window: window, alignment: .sim3).statistics.rmse)
            for plan in plans {
                var solved = problem
                // One solver per plan for the whole run, as a VO system keeps one.
                var solver = solvers[plan] ?? BundleAdjustmentStepSolver(options: options.stepSolver)
                let summary = try LevenbergMarquardt(options: options.optimizer).minimize(
                    &solved, plan: .preset(plan, for: .bundleAdjustment), stepSolver: &solver)
                solvers[plan] = solver
                reports?(last, plan.rawValue, summary)
                let poses = window.keyframes.map { solved.se3($0)! }
                let ate = try scenario.absoluteTrajectoryError(of: poses, window: window, alignment: .sim3)
                result.solves.append(WindowSolve(
                    window: last, plan: plan.rawValue, linearSolver: summary.linearSolver,
                    ate: ate.statistics.rmse, initialCost: summary.initialCost, finalCost: summary.finalCost,
                    iterations: summary.iterations, linearIterations: summary.linearIterations,
                    totalSeconds: summary.totalSeconds, linearSolveSeconds: summary.linearSolveSeconds,
                    observations: window.observations.count, landmarks: window.landmarks.count,
                    termination: summary.termination.rawValue, directFallbacks: summary.directFallbacks))
            }
            progress(index + 1, lasts.count)
        }
        return result
    }

    /// A window's bundle adjustment: SE(3) pose T_wc per keyframe (id = keyframe index), one
    /// point per landmark (id = keyframe count + landmark index), one ``ReprojectionFactor``
    /// per observation with Ω = I / σ² (σ = the scenario's pixel noise, 1 pixel if it is
    /// noise-free); the oldest `fixedKeyframes` poses fixed. The scenario's
    /// ``VisualOdometryScenario/makeProblem(window:initialPoses:initialLandmarks:pixelSigma:fixedKeyframes:kernel:)``
    /// with these initial values and its defaults.
    ///
    /// Throws for a window that is not one of the scenario's, `poses`/`points` not matching the
    /// window, or `fixedKeyframes` outside 0...window size.
    public static func windowProblem(
        _ scenario: VisualOdometryScenario, _ window: VisualOdometryScenario.Window,
        poses: [SE3<Double>], points: [SIMD3<Double>], fixedKeyframes: Int
    ) throws -> Problem {
        try scenario.makeProblem(
            window: window, initialPoses: poses, initialLandmarks: points, fixedKeyframes: fixedKeyframes)
    }

    /// The window's deterministic perturbed start (see the type's documentation): the
    /// scenario's
    /// ``VisualOdometryScenario/perturbedInitialEstimate(window:translationSigma:rotationSigma:landmarkSigma:unperturbedKeyframes:seed:)``
    /// with the options' sigmas and a seed drawn from ``Options/seed`` and the window.
    ///
    /// Throws for a window that is not one of the scenario's, negative or non-finite sigmas,
    /// or a negative ``Options/fixedKeyframes``.
    public static func perturbedStart(
        _ scenario: VisualOdometryScenario, _ window: VisualOdometryScenario.Window, options: Options
    ) throws -> (poses: [SE3<Double>], points: [SIMD3<Double>]) {
        var seeds = SplitMix64(seed: options.seed ^ UInt64(window.keyframes.upperBound) &* 0x9E37_79B9_7F4A_7C15)
        let start = try scenario.perturbedInitialEstimate(
            window: window, translationSigma: options.startTranslationSigma,
            rotationSigma: options.startRotationSigma, landmarkSigma: options.startLandmarkSigma,
            unperturbedKeyframes: options.fixedKeyframes, seed: seeds.next())
        return (start.poses, start.landmarks)
    }
}

extension VisualOdometryBenchmark {
    /// What the ``SlidingWindowBA`` driver did over a tour with one plan.
    public struct SequenceResult: Sendable, Codable, Equatable {
        /// Plan name.
        public var plan: String
        /// The driver's ``SlidingWindowBA/Marginalization`` (raw value).
        public var marginalization: String
        /// Landmark priors discarded for contradicting a window, summed over windows.
        public var rejectedLandmarkPriors: Int
        /// Keyframes processed.
        public var keyframes: Int
        /// ATE RMSE of the whole trajectory (every keyframe's last estimate) after Sim(3)
        /// alignment: monocular scale drifts along the tour, metres.
        public var trajectoryATE: Double
        /// ATE RMSE of the whole trajectory after SE(3) alignment, metres.
        public var trajectoryATESE3: Double
        /// ATE RMSE of each full window right after its solve (Sim(3) alignment), metres.
        public var windowATE: [Double]
        /// Seconds of each window solve.
        public var solveSeconds: [Double]
        /// Linear-solve seconds of each window solve.
        public var linearSolveSeconds: [Double]
        /// Triangulations refused for low parallax, summed over windows.
        public var lowParallaxSkips: Int
        /// Triangulations refused behind a camera, summed over windows.
        public var behindCameraSkips: Int
        /// Observations left out behind their camera, summed over windows.
        public var observationsBehindCamera: Int
    }

    /// Runs ``SlidingWindowBA`` with `plan` over the first `keyframes` keyframes of the
    /// scenario (all by default): the first two keyframes get their ground-truth poses (the
    /// monocular initialization), every later one the driver's constant-velocity prediction.
    public static func sequence(
        plan: PrecisionPlan.Preset, keyframes: Int? = nil, options: Options = Options(),
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> SequenceResult {
        let scenario = try VisualOdometryScenario(options: options.scenario)
        return try sequence(scenario, plan: plan, keyframes: keyframes, options: options, progress: progress)
    }

    /// ``sequence(plan:keyframes:options:progress:)`` on an existing scenario.
    public static func sequence(
        _ scenario: VisualOdometryScenario, plan: PrecisionPlan.Preset, keyframes: Int? = nil,
        options: Options = Options(), progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> SequenceResult {
        let count = min(keyframes ?? scenario.keyframeCount, scenario.keyframeCount)
        guard count >= 2 else { throw EvaluationError.invalidArgument("a sequence needs at least 2 keyframes") }
        var driverOptions = SlidingWindowBA.Options()
        driverOptions.windowSize = options.windowSize
        driverOptions.fixedKeyframes = options.fixedKeyframes
        driverOptions.pixelSigma = scenario.options.pixelNoise > 0 ? scenario.options.pixelNoise : 1
        driverOptions.plan = .preset(plan, for: .bundleAdjustment)
        driverOptions.optimizer = options.optimizer
        driverOptions.stepSolver = options.stepSolver
        driverOptions.marginalization = options.marginalization
        driverOptions.kernel = options.kernel
        let camera = scenario.camera
        var driver = try SlidingWindowBA(
            calibration: PinholeCalibration(fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy),
            options: driverOptions)
        var result = SequenceResult(
            plan: plan.rawValue, marginalization: options.marginalization.rawValue, rejectedLandmarkPriors: 0,
            keyframes: count, trajectoryATE: 0, trajectoryATESE3: 0, windowATE: [],
            solveSeconds: [], linearSolveSeconds: [], lowParallaxSkips: 0, behindCameraSkips: 0,
            observationsBehindCamera: 0)
        for keyframe in 0..<count {
            let observations = try scenario.observations(inKeyframe: keyframe).map {
                KeyframeObservation(landmark: $0.landmark, pixel: $0.pixel)
            }
            let summary = try driver.addKeyframe(
                id: keyframe, observations: observations, pose: keyframe < 2 ? scenario.poses[keyframe] : nil)
            result.solveSeconds.append(summary.solveSeconds)
            result.linearSolveSeconds.append(summary.optimizer.linearSolveSeconds)
            result.lowParallaxSkips += summary.lowParallaxSkips
            result.behindCameraSkips += summary.behindCameraSkips
            result.observationsBehindCamera += summary.observationsBehindCamera
            result.rejectedLandmarkPriors += summary.rejectedLandmarkPriors
            if summary.windowKeyframes.count == options.windowSize {
                let estimate = summary.windowKeyframes.map { driver.estimates[$0]! }
                let reference = summary.windowKeyframes.map { scenario.poses[$0] }
                result.windowATE.append(
                    try AbsoluteTrajectoryError(estimated: estimate, reference: reference, alignment: .sim3)
                        .statistics.rmse)
            }
            progress(keyframe + 1, count)
        }
        let estimate = (0..<count).map { driver.estimates[$0]! }
        let reference = Array(scenario.poses[0..<count])
        result.trajectoryATE = try AbsoluteTrajectoryError(estimated: estimate, reference: reference, alignment: .sim3)
            .statistics.rmse
        result.trajectoryATESE3 = try AbsoluteTrajectoryError(
            estimated: estimate, reference: reference, alignment: .se3).statistics.rmse
        return result
    }
}
