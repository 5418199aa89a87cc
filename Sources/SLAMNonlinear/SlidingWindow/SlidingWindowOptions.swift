extension SlidingWindowBA {
    /// Configuration with documented defaults.
    /// What happens to the observations of the keyframe that leaves the window.
    public enum Marginalization: String, Sendable, CaseIterable, Codable {
        /// They are dropped with it: the window forgets what the keyframe saw.
        case drop
        /// They are marginalized into one ``LandmarkPrior`` per landmark, linearized at the
        /// last estimates: exact elimination (up to linearization) of a keyframe that is held
        /// fixed, as the oldest of the window is, so it needs ``Options/fixedKeyframes`` ≥ 1.
        /// A landmark's prior is dropped when no keyframe of the window observes it any more
        /// (it is then independent of the window), and when a solve contradicts it
        /// (``Options/priorRejectionGate``). Needs a robust ``Options/kernel``: measured on the
        /// 1,752-keyframe synthetic tour without one, hard windows (sharp turns, poor new
        /// triangulations) that the driver recovers from when it drops observations wrote their
        /// errors into the priors, and the trajectory diverged.
        case landmarkPriors
    }

    public struct Options: Sendable {
        /// Keyframes kept in the window. Default 50 (5 s at 10 Hz, as in the reference method).
        public var windowSize = 50
        /// Oldest keyframes of the window held fixed at their previous estimates. Default 2:
        /// two poses fix the 7-dof gauge of monocular BA, scale included (the distance between
        /// them), as a marginalization prior on the past would.
        public var fixedKeyframes = 2
        /// Fate of the leaving keyframe's observations. Default
        /// ``Marginalization/landmarkPriors``: over the 1,752-keyframe synthetic tour (three
        /// seeds; fp64, fp32 and mixed; Huber 2) it lowered the window ATE median by 14–20 %
        /// against ``Marginalization/drop``, and the trajectory's Sim(3) ATE in eight of the
        /// nine runs (docs/benchmarks.md).
        public var marginalization = Marginalization.landmarkPriors
        /// Largest whitened squared residual of an observation marginalized into a landmark
        /// prior; larger ones are dropped (``LandmarkPrior/marginalizing(camera:observations:calibration:information:kernel:gate:)``).
        /// Default 9.21, the 99 % quantile of χ² with 2 degrees of freedom.
        public var priorObservationGate = 9.21
        /// A landmark prior whose whitened squared residual ‖S (p − z)‖² exceeds this after a
        /// window solve is discarded: the window's data contradict it, and a prior is never
        /// relinearized. Default 11.34, the 99 % quantile of χ² with 3 degrees of freedom.
        public var priorRejectionGate = 11.34
        /// Observations a landmark needs inside the window to enter the BA. Default 2.
        public var minimumObservations = 2
        /// Smallest angle between the two rays a landmark is triangulated from, radians.
        /// Default 0.5° (1 pixel of noise at f = 500 is 0.11°).
        public var minimumParallax = 0.5 * Double.pi / 180
        /// Smallest depth in front of a camera for a triangulated point or an observation used
        /// in the BA, in the trajectory's units. Default 0.05.
        public var minimumDepth = 0.05
        /// Standard deviation of the pixel measurements (Ω = I / σ²). Default 1 pixel.
        public var pixelSigma = 1.0
        /// Robust kernel of the reprojection factors. Default Huber with threshold 2 (whitened
        /// residual, so 2σ): landmark priors need one, and without it hard windows (sharp
        /// turns, poor new triangulations) went astray — final cost above 5 per observation —
        /// in 12 of 10,200 window solves with dropped keyframes (two seeds, three plans), and in
        /// none with Huber; on a third seed the trajectory diverged without it.
        public var kernel = RobustKernel.huber(threshold: 2)
        /// Precision plan of every window solve. Default `mixed` for bundle adjustment.
        public var plan = PrecisionPlan.preset(.mixed, for: .bundleAdjustment)
        /// Levenberg-Marquardt options of every window solve. Default: the optimizer's
        /// defaults with Marquardt damping D = diag(JᵀJ) (Ceres' choice for BA: pose and point
        /// columns differ in scale by orders of magnitude, and the weakly observed scale
        /// direction converges in a few steps instead of dozens), at most 20 iterations and a
        /// relative cost tolerance of 1e-4: a window's cost is ½χ² of thousands of pixel
        /// residuals, whose noise alone is ≈ √(2/m) relative (1.6 % for m = 8,000 rows), so
        /// decreases below 1e-4 only crawl along the flat scale and depth directions; a window
        /// solve must fit the 100 ms between keyframes, and the next window refines again.
        /// λ stays ≥ 1e-6 (``LevenbergMarquardt/Options/minLambda``): damping of 1e-6 ·
        /// diag(JᵀJ) leaves the Gauss-Newton step in well-observed directions unchanged to
        /// about 1e-6, but keeps the flat scale and depth directions from dominating it once λ
        /// has decayed (to 1e-8…1e-14 otherwise), where steps computed with fp32 or fp16
        /// products were rejected several times in a row.
        public var optimizer: LevenbergMarquardt.Options = {
            var options = LevenbergMarquardt.Options()
            options.damping = .marquardt
            options.maxIterations = 20
            options.functionTolerance = 1e-4
            options.minLambda = 1e-6
            return options
        }()
        /// Step-solver options. Default: the solver's defaults with a CGNR forcing term
        /// (relative CG tolerance) of 1e-2 — an inexact Newton step, as Ceres' truncated-Newton
        /// `eta`: tighter tolerances are below what fp32 or fp16 products resolve (CG then
        /// runs into its stagnation window), and each LM iteration relinearizes anyway.
        public var stepSolver: BundleAdjustmentStepSolver.Options = {
            var options = BundleAdjustmentStepSolver.Options()
            options.cgnr.conjugateGradient.relativeTolerance = 1e-2
            return options
        }()

        /// Creates options with the documented defaults.
        public init() {}

        /// Checks every option's range.
        public func validate() throws(OptimizerError) {
            guard windowSize >= 2 else { throw .invalidOption("windowSize must be ≥ 2") }
            guard (0..<windowSize).contains(fixedKeyframes) else {
                throw .invalidOption("fixedKeyframes must be in 0..<windowSize")
            }
            if marginalization == .landmarkPriors {
                guard fixedKeyframes >= 1 else {
                    throw .invalidOption("landmark priors marginalize a fixed keyframe: fixedKeyframes must be ≥ 1")
                }
                guard kernel != .none else {
                    throw .invalidOption("landmark priors need a robust kernel (e.g. Huber 2): a window that goes astray without one writes its error into priors that are never relinearized")
                }
            }
            guard minimumObservations >= 2 else { throw .invalidOption("minimumObservations must be ≥ 2") }
            guard minimumParallax >= 0, minimumParallax < Double.pi, minimumDepth > 0, minimumDepth.isFinite else {
                throw .invalidOption("need 0 ≤ minimumParallax < π and a finite minimumDepth > 0")
            }
            guard priorObservationGate > 0, priorRejectionGate > 0 else {
                throw .invalidOption("priorObservationGate and priorRejectionGate must be > 0")
            }
            guard pixelSigma > 0, pixelSigma.isFinite else { throw .invalidOption("pixelSigma must be finite and > 0") }
            guard kernel.isValid else { throw .invalidOption("kernel \(kernel) needs a finite positive parameter") }
            try optimizer.validate()
            try stepSolver.validate()
        }
    }
}
