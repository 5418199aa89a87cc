import SLAMGeometry

/// Sliding-window bundle adjustment for monocular visual odometry: keyframes arrive one at a
/// time (10 Hz in the reference method), the window keeps the newest ``Options/windowSize``,
/// and every new keyframe triggers one Levenberg-Marquardt solve of the window at the
/// options' precision plan.
///
/// For each new keyframe:
/// 1. its pose is the given one or, if none is given, the constant-velocity prediction
///    T_k = T_{k−1} · (T_{k−2}⁻¹ T_{k−1}) from the two previous estimates;
/// 2. the oldest keyframe leaves once the window is full (its estimate is frozen in
///    ``estimates``); its observations are dropped with it or, with
///    ``Marginalization/landmarkPriors``, marginalized into a ``LandmarkPrior`` on each
///    landmark it observed in the last solve;
/// 3. every landmark that is not yet triangulated is triangulated by the midpoint method
///    (``MidpointTriangulation``) from its first two observations in the window, or, when
///    that pair has too little parallax or puts the point behind a camera, from its first and
///    newest observations; failures are counted and retried with the next observation;
/// 4. the window problem is built: SE(3) poses T_wc, points, one ``ReprojectionFactor`` per
///    observation of a triangulated landmark that lies at least ``Options/minimumDepth`` in
///    front of that camera, landmarks with fewer than ``Options/minimumObservations`` such
///    observations left out (both counted);
/// 5. gauge and scale: the oldest ``Options/fixedKeyframes`` (two) keyframes are held fixed
///    at their previous estimates. Monocular BA leaves 7 degrees of freedom (pose and scale)
///    unobservable; two fixed poses remove all of them and carry the scale from window to
///    window; landmark priors, when kept, add ``PriorFactorPoint3`` factors;
/// 6. the window is solved with ``LevenbergMarquardt`` and one ``BundleAdjustmentStepSolver``
///    kept for the whole sequence (its workspaces are reused; the structure changes with
///    every window, so each solve has its own symbolic analysis — the summary says which of
///    the two was reused), and the estimates of the window's poses and points are replaced by
///    the solution.
///
/// The first two keyframes must come with poses (from a two-view initializer or another
/// sensor): they fix the scale of the whole trajectory.
public struct SlidingWindowBA {
    struct WindowKeyframe: Sendable {
        var id: Int
        var observations: [KeyframeObservation]
    }

    /// The options of this driver.
    public let options: Options
    /// The camera intrinsics.
    public let calibration: PinholeCalibration
    /// The latest estimate of every keyframe ever added (frozen once it left the window).
    public private(set) var estimates: [Int: SE3<Double>] = [:]
    /// Current triangulated landmark positions of the landmarks observed in the window.
    public private(set) var landmarks: [Int: SIMD3<Double>] = [:]
    /// Keyframe ids in arrival order.
    public private(set) var keyframeOrder: [Int] = []
    /// The priors left by keyframes that left the window, by landmark id
    /// (``Marginalization/landmarkPriors``; empty otherwise).
    public private(set) var landmarkPriors: [Int: LandmarkPrior] = [:]

    private var window: [WindowKeyframe] = []
    /// Landmarks of the last window problem.
    private var solvedLandmarks: Set<Int> = []
    private var stepSolver: BundleAdjustmentStepSolver
    private let information: InformationMatrix

    /// Creates an empty driver.
    ///
    /// - Throws: ``OptimizerError/invalidOption(_:)`` for options out of range or an invalid
    ///   calibration.
    public init(calibration: PinholeCalibration, options: Options = Options()) throws {
        try options.validate()
        guard calibration.isValid else { throw OptimizerError.invalidOption("invalid pinhole calibration") }
        self.calibration = calibration
        self.options = options
        stepSolver = BundleAdjustmentStepSolver(options: options.stepSolver)
        information = try InformationMatrix.isotropic(sigma: options.pixelSigma, dimension: 2)
    }

    /// Keyframe ids currently in the window, oldest first.
    public var windowKeyframes: [Int] { window.map(\.id) }

    /// Adds keyframe `id` with its observations, solves the window, and reports what happened.
    ///
    /// - Parameter pose: initial world-from-camera pose; required for the first two keyframes,
    ///   otherwise the constant-velocity prediction is used when it is nil.
    /// - Throws: ``SlidingWindowError`` for invalid input, or the optimizer's errors (such as
    ///   ``OptimizerError/nonFiniteCost``); the driver is unchanged then.
    @discardableResult
    public mutating func addKeyframe(
        id: Int, observations: [KeyframeObservation], pose: SE3<Double>? = nil
    ) throws -> SlidingWindowSummary {
        let start = ContinuousClock.now
        guard estimates[id] == nil else { throw SlidingWindowError.duplicateKeyframe(id: id) }
        var seen = Set<Int>()
        for observation in observations {
            guard observation.pixel.x.isFinite, observation.pixel.y.isFinite else {
                throw SlidingWindowError.nonFiniteObservation(keyframe: id, landmark: observation.landmark)
            }
            guard seen.insert(observation.landmark).inserted else {
                throw SlidingWindowError.duplicateObservation(keyframe: id, landmark: observation.landmark)
            }
        }
        let initial: SE3<Double>
        if let pose {
            guard pose.isFinite else {
                throw SlidingWindowError.nonFinitePose(keyframe: id)
            }
            // A zero quaternion would normalize to the identity: a pose the caller never gave.
            guard pose.withUnitRotation != nil else { throw SlidingWindowError.degenerateRotation(keyframe: id) }
            initial = pose.normalized
        } else {
            guard window.count >= 2 else { throw SlidingWindowError.missingInitialPose(keyframe: id) }
            let previous = estimates[window[window.count - 1].id]!
            let beforePrevious = estimates[window[window.count - 2].id]!
            initial = (previous * (beforePrevious.inverse * previous)).normalized
        }

        // A failed solve (e.g. a finite but absurd pixel whose cost overflows) restores the
        // driver, so the keyframe can be retried. Only window-sized state is saved: earlier
        // keyframes' estimates change only after a successful solve.
        let saved = (window, landmarks, landmarkPriors)
        estimates[id] = initial
        keyframeOrder.append(id)
        do {
            return try solveWindow(adding: WindowKeyframe(id: id, observations: observations), start: start)
        } catch {
            estimates[id] = nil
            keyframeOrder.removeLast()
            (window, landmarks, landmarkPriors) = saved
            throw error
        }
    }

    /// Steps 2 to 6 for a keyframe whose initial estimate is set: the window's solve, and the
    /// estimates it gives. Nothing after the solve throws.
    private mutating func solveWindow(
        adding keyframe: WindowKeyframe, start: ContinuousClock.Instant
    ) throws -> SlidingWindowSummary {
        var summary = SlidingWindowSummary()
        summary.keyframe = keyframe.id
        window.append(keyframe)
        if window.count > options.windowSize {
            let leaving = window.removeFirst()
            summary.removedKeyframe = leaving.id
            if options.marginalization == .landmarkPriors {
                summary.marginalizedObservations = try marginalize(leaving)
            }
        }
        let tracks = observationsByLandmark()
        landmarks = landmarks.filter { tracks[$0.key] != nil }
        landmarkPriors = landmarkPriors.filter { tracks[$0.key] != nil }
        triangulateNewLandmarks(tracks, into: &summary)

        var (problem, layout) = try buildProblem(tracks, into: &summary)
        summary.windowKeyframes = window.map(\.id)
        summary.fixedKeyframes = min(options.fixedKeyframes, window.count)
        summary.setupSeconds = (ContinuousClock.now - start).seconds
        summary.reusedStepSolver = stepSolver.symbolicAnalyses > 0
        summary.optimizer = try LevenbergMarquardt(options: options.optimizer).minimize(
            &problem, plan: options.plan, stepSolver: &stepSolver)
        summary.reusedSymbolicAnalysis = summary.reusedStepSolver && summary.optimizer.symbolicAnalyses == 0
        for (index, keyframe) in window.enumerated() {
            estimates[keyframe.id] = problem.se3(index)!
        }
        for (variable, landmark) in layout.enumerated() {
            let point = problem.point3(window.count + variable)!
            landmarks[landmark] = point
            if let prior = landmarkPriors[landmark], prior.squaredResidual(at: point) > options.priorRejectionGate {
                landmarkPriors[landmark] = nil
                summary.rejectedLandmarkPriors += 1
            }
        }
        solvedLandmarks = Set(layout)
        return summary
    }

    /// Adds the priors the (fixed) leaving keyframe leaves on the landmarks it observed in the
    /// last solve, at their current estimates; returns how many observations they hold.
    private mutating func marginalize(_ leaving: WindowKeyframe) throws -> Int {
        let pose = estimates[leaving.id]!
        let inverse = pose.inverse
        var used: [(landmark: Int, pixel: SIMD2<Double>, point: SIMD3<Double>)] = []
        for observation in leaving.observations {
            // The observations the solve had: the same depth rule as buildProblem.
            guard solvedLandmarks.contains(observation.landmark), let point = landmarks[observation.landmark],
                inverse.act(point).z >= options.minimumDepth
            else { continue }
            used.append((observation.landmark, observation.pixel, point))
        }
        let priors = try LandmarkPrior.marginalizing(
            camera: pose, observations: used, calibration: calibration, information: information,
            kernel: options.kernel, gate: options.priorObservationGate)
        var count = 0
        for (landmark, prior) in priors {
            landmarkPriors[landmark, default: LandmarkPrior()].add(prior)
            count += prior.observationCount
        }
        return count
    }

    /// For each landmark observed in the window, its observations as (window index, pixel),
    /// oldest first.
    private func observationsByLandmark() -> [Int: [(keyframe: Int, pixel: SIMD2<Double>)]] {
        var tracks: [Int: [(keyframe: Int, pixel: SIMD2<Double>)]] = [:]
        for (index, keyframe) in window.enumerated() {
            for observation in keyframe.observations {
                tracks[observation.landmark, default: []].append((index, observation.pixel))
            }
        }
        return tracks
    }

    private mutating func triangulateNewLandmarks(
        _ tracks: [Int: [(keyframe: Int, pixel: SIMD2<Double>)]], into summary: inout SlidingWindowSummary
    ) {
        // Sorted ids keep the driver deterministic (dictionary order is not).
        for landmark in tracks.keys.sorted() where landmarks[landmark] == nil {
            let track = tracks[landmark]!
            guard track.count >= 2 else { continue }
            var pairs = [(track[0], track[1])]
            if track.count > 2 { pairs.append((track[0], track[track.count - 1])) }
            var lastFailure: MidpointTriangulation.Failure?
            for (a, b) in pairs {
                let result = MidpointTriangulation.triangulate(
                    (estimates[window[a.keyframe].id]!, a.pixel), (estimates[window[b.keyframe].id]!, b.pixel),
                    calibration: calibration, minimumParallax: options.minimumParallax,
                    minimumDepth: options.minimumDepth)
                switch result {
                case .success(let point):
                    landmarks[landmark] = point
                    lastFailure = nil
                case .failure(let failure):
                    lastFailure = failure
                }
                if landmarks[landmark] != nil { break }
            }
            switch lastFailure {
            case .lowParallax: summary.lowParallaxSkips += 1
            case .behindCamera: summary.behindCameraSkips += 1
            case nil: summary.newLandmarks += 1
            }
        }
    }

    /// The window's BA problem: pose variable i is window keyframe i, point variable
    /// `window.count + j` is landmark `layout[j]`.
    private func buildProblem(
        _ tracks: [Int: [(keyframe: Int, pixel: SIMD2<Double>)]], into summary: inout SlidingWindowSummary
    ) throws -> (Problem, [Int]) {
        var problem = Problem()
        problem.gauge = .explicitOnly
        var inverses: [SE3<Double>] = []
        for (index, keyframe) in window.enumerated() {
            let pose = estimates[keyframe.id]!
            try problem.addSE3(id: index, pose)
            inverses.append(pose.inverse)
            if index < options.fixedKeyframes { try problem.setFixed(index) }
        }
        var layout: [Int] = []
        for landmark in tracks.keys.sorted() {
            guard let point = landmarks[landmark] else { continue }
            let valid = tracks[landmark]!.filter { inverses[$0.keyframe].act(point).z >= options.minimumDepth }
            summary.observationsBehindCamera += tracks[landmark]!.count - valid.count
            guard valid.count >= options.minimumObservations else {
                summary.landmarksWithTooFewObservations += 1
                continue
            }
            let variable = window.count + layout.count
            try problem.addPoint3(id: variable, point)
            layout.append(landmark)
            for observation in valid {
                try problem.add(ReprojectionFactor(
                    pose: observation.keyframe, point: variable, measurement: observation.pixel,
                    calibration: calibration, information: information, kernel: options.kernel))
            }
            summary.observations += valid.count
            if let prior = try landmarkPriors[landmark]?.factor(variable: variable) {
                try problem.add(prior)
                summary.landmarkPriors += 1
            }
        }
        summary.landmarks = layout.count
        return (problem, layout)
    }
}
