import MixedSLAM

extension VisualOdometryScenario {
    /// The variable id of landmark `landmark` in problems built from this scenario:
    /// ``keyframeCount`` + `landmark`, after the keyframe ids 0..<keyframeCount. Ids are
    /// scenario-wide, so consecutive windows share the ids of shared variables.
    public func landmarkVariableID(_ landmark: Int) -> Int {
        keyframeCount + landmark
    }

    /// A window's bundle adjustment as a ``Problem``: one SE(3) pose T_wc per keyframe (id =
    /// keyframe index), one point per landmark (id ``landmarkVariableID(_:)``), one
    /// ``ReprojectionFactor`` per observation with Ω = I / σ², σ = `pixelSigma` (default the
    /// scenario's pixel noise, or 1 pixel for a noise-free scenario), and `kernel`.
    ///
    /// Initial values default to the ground truth; pass `initialPoses` (oldest keyframe first)
    /// and `initialLandmarks` (in `window.landmarks` order), e.g. from
    /// ``perturbedInitialEstimate(window:translationSigma:rotationSigma:landmarkSigma:unperturbedKeyframes:seed:)``.
    /// The oldest `fixedKeyframes` keyframes are held fixed: two (the default) fix the 7-dof
    /// gauge of monocular BA including its scale, as a sliding window's marginalized past does.
    ///
    /// Throws for a window that is not one of this scenario's, mismatched initial values,
    /// `fixedKeyframes` outside 0...window size, or a rejected factor.
    public func makeProblem(
        window: Window, initialPoses: [SE3<Double>]? = nil, initialLandmarks: [SIMD3<Double>]? = nil,
        pixelSigma: Double? = nil, fixedKeyframes: Int = 2, kernel: RobustKernel = .none
    ) throws -> Problem {
        try requireIndexable(window)
        let poses = initialPoses ?? Array(self.poses[window.keyframes])
        let points = initialLandmarks ?? window.landmarks.map { landmarks[$0] }
        guard poses.count == window.keyframes.count else {
            throw EvaluationError.lengthMismatch(estimated: poses.count, reference: window.keyframes.count)
        }
        guard points.count == window.landmarks.count else {
            throw EvaluationError.lengthMismatch(estimated: points.count, reference: window.landmarks.count)
        }
        guard (0...window.keyframes.count).contains(fixedKeyframes) else {
            throw EvaluationError.invalidArgument(
                "cannot fix \(fixedKeyframes) keyframes of a \(window.keyframes.count)-keyframe window")
        }
        let sigma = pixelSigma ?? (options.pixelNoise > 0 ? options.pixelNoise : 1)
        guard sigma > 0, sigma.isFinite else {
            throw EvaluationError.invalidArgument("pixel sigma must be positive, got \(sigma)")
        }
        let information = try InformationMatrix.isotropic(sigma: sigma, dimension: 2)
        let camera = options.camera
        let calibration = PinholeCalibration(fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy)

        var problem = Problem()
        problem.gauge = .explicitOnly
        for (keyframe, pose) in zip(window.keyframes, poses) {
            try problem.addSE3(id: keyframe, pose)
        }
        for keyframe in window.keyframes.prefix(fixedKeyframes) {
            try problem.setFixed(keyframe)
        }
        for (landmark, point) in zip(window.landmarks, points) {
            try problem.addPoint3(id: landmarkVariableID(landmark), point)
        }
        for observation in window.observations {
            try problem.add(
                ReprojectionFactor(
                    pose: observation.keyframe, point: landmarkVariableID(observation.landmark),
                    measurement: observation.pixel, calibration: calibration, information: information,
                    kernel: kernel))
        }
        return problem
    }

    /// A deterministic noisy starting point for a window's bundle adjustment: every pose is
    /// T_wc · Exp(n) with n ~ N(0, diag(σₜ² I, σᵣ² I)) except the oldest
    /// `unperturbedKeyframes` (the gauge, kept exact), and every landmark of `window.landmarks`
    /// is moved by N(0, σₗ² I).
    ///
    /// Throws for a window that is not one of this scenario's, negative or non-finite sigmas,
    /// or `unperturbedKeyframes` < 0.
    public func perturbedInitialEstimate(
        window: Window, translationSigma: Double, rotationSigma: Double, landmarkSigma: Double,
        unperturbedKeyframes: Int = 2, seed: UInt64
    ) throws -> (poses: [SE3<Double>], landmarks: [SIMD3<Double>]) {
        try requireIndexable(window)
        let sigmas = [translationSigma, rotationSigma, landmarkSigma]
        guard sigmas.allSatisfy({ $0 >= 0 && $0.isFinite }), unperturbedKeyframes >= 0 else {
            throw EvaluationError.invalidArgument("perturbation sigmas must be finite and ≥ 0")
        }
        var generator = Xoshiro256StarStar(seed: seed)
        let poses = window.keyframes.enumerated().map { offset, keyframe in
            offset < unperturbedKeyframes
                ? self.poses[keyframe]
                : self.poses[keyframe].perturbed(
                    translationSigma: translationSigma, rotationSigma: rotationSigma, generator: &generator)
        }
        let points = window.landmarks.map { landmark in
            landmarks[landmark]
                + SIMD3(
                    generator.nextGaussian(standardDeviation: landmarkSigma),
                    generator.nextGaussian(standardDeviation: landmarkSigma),
                    generator.nextGaussian(standardDeviation: landmarkSigma))
        }
        return (poses, points)
    }

    /// Throws unless the keyframes and landmarks of `window` exist in this scenario. Windows
    /// come only from ``window(endingAt:size:minimumObservations:)``, so their indices are
    /// non-negative and their landmarks ascending, but a window of a longer scenario, or of one
    /// with more landmarks, would index past this one's poses or landmarks.
    func requireIndexable(_ window: Window) throws {
        guard window.keyframes.upperBound <= keyframeCount, (window.landmarks.last ?? -1) < landmarks.count else {
            throw EvaluationError.invalidArgument(
                "window \(window.keyframes) with landmarks up to \(window.landmarks.last ?? -1) is not a window of "
                    + "this scenario (\(keyframeCount) keyframes, \(landmarks.count) landmarks)")
        }
    }
}
