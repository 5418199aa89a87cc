import Foundation
import MixedSLAM
import MixedSLAMEval
import Testing

@Suite struct SlidingWindowBATests {
    private let calibration = PinholeCalibration(fx: 500, fy: 500, cx: 320, cy: 240)

    private func pixel(_ pose: SE3<Double>, _ point: SIMD3<Double>) -> SIMD2<Double> {
        let p = pose.inverse.act(point)
        return SIMD2(500 * p.x / p.z + 320, 500 * p.y / p.z + 240)
    }

    @Test func midpointTriangulationRecoversAnExactPoint() {
        let first = SE3<Double>.identity
        let second = SE3(rotation: .exp(SIMD3(0, 0.05, 0)), translation: SIMD3(0.3, 0, 0))
        let point = SIMD3(0.4, -0.2, 3.0)
        let result = MidpointTriangulation.triangulate(
            (first, pixel(first, point)), (second, pixel(second, point)), calibration: calibration,
            minimumParallax: 0.01, minimumDepth: 0.05)
        guard case .success(let estimate) = result else {
            Issue.record("triangulation failed: \(result)")
            return
        }
        // Exact rays intersect: rounding of a few dozen operations, amplified by 1 / parallax
        // (the triangulation's condition number).
        let parallax = 0.3 / 3 + 0.05
        #expect((estimate - point).norm <= 100 * Precision.fp64.unitRoundoff * point.norm / parallax)
    }

    @Test func triangulationRefusesParallelRaysAndPointsBehind() {
        let first = SE3<Double>.identity
        let ahead = SE3(rotation: .identity, translation: SIMD3(0, 0, 0.01))
        let point = SIMD3(0.0, 0.0, 5.0)
        let parallel = MidpointTriangulation.triangulate(
            (first, pixel(first, point)), (ahead, pixel(ahead, point)), calibration: calibration,
            minimumParallax: 0.01, minimumDepth: 0.05)
        guard case .failure(.lowParallax) = parallel else {
            Issue.record("expected low parallax, got \(parallel)")
            return
        }
        // Rays that diverge: their closest points lie behind the cameras.
        let right = SE3(rotation: .identity, translation: SIMD3(1, 0, 0))
        let behind = MidpointTriangulation.triangulate(
            (first, SIMD2(320 - 100, 240)), (right, SIMD2(320 + 100, 240)), calibration: calibration,
            minimumParallax: 0.01, minimumDepth: 0.05)
        #expect(behind == .failure(.behindCamera))
    }

    /// With a minimum parallax of 0, rays 1e-9 rad apart pass the parallax test but round the
    /// normal equations' determinant to exactly 0: the depths come out infinite, and the
    /// result is a failure rather than a point at infinity.
    @Test func triangulationWithoutParallaxBoundRefusesInfiniteDepths() {
        let first = SE3<Double>.identity
        let right = SE3(rotation: .identity, translation: SIMD3(1, 0, 0))
        let result = MidpointTriangulation.triangulate(
            (first, SIMD2(calibration.cx, calibration.cy)), (right, SIMD2(calibration.cx + 1e-9 * calibration.fx, calibration.cy)),
            calibration: calibration, minimumParallax: 0, minimumDepth: 0.05)
        guard case .failure(.lowParallax(let parallax)) = result else {
            Issue.record("expected low parallax, got \(result)")
            return
        }
        #expect(parallax > 0 && parallax < 1e-8)
    }

    @Test func invalidKeyframesAreRejectedWithoutChangingTheDriver() throws {
        var driver = try SlidingWindowBA(calibration: calibration)
        #expect(throws: SlidingWindowError.missingInitialPose(keyframe: 0)) {
            try driver.addKeyframe(id: 0, observations: [])
        }
        try driver.addKeyframe(id: 0, observations: [], pose: .identity)
        #expect(throws: SlidingWindowError.duplicateKeyframe(id: 0)) {
            try driver.addKeyframe(id: 0, observations: [], pose: .identity)
        }
        #expect(throws: SlidingWindowError.nonFiniteObservation(keyframe: 1, landmark: 4)) {
            try driver.addKeyframe(id: 1, observations: [KeyframeObservation(landmark: 4, pixel: SIMD2(.nan, 1))])
        }
        let twice = [KeyframeObservation(landmark: 2, pixel: SIMD2(1, 1)), KeyframeObservation(landmark: 2, pixel: SIMD2(3, 1))]
        #expect(throws: SlidingWindowError.duplicateObservation(keyframe: 1, landmark: 2)) {
            try driver.addKeyframe(id: 1, observations: twice, pose: .identity)
        }
        #expect(driver.windowKeyframes == [0])
        var options = SlidingWindowBA.Options()
        options.fixedKeyframes = options.windowSize
        #expect(throws: OptimizerError.self) { try SlidingWindowBA(calibration: calibration, options: options) }
    }

    /// A keyframe whose solve throws (one finite but absurd pixel of a triangulated landmark
    /// overflows the cost) leaves the driver exactly as it was, after the window was full and
    /// landmark priors were kept, so the same keyframe can be retried: the sequence then ends
    /// bit for bit where an undisturbed one does.
    @Test func aFailedSolveLeavesTheDriverUnchanged() throws {
        let scenario = try BundleAdjustmentFixture.scenario()
        let camera = scenario.camera
        var options = SlidingWindowBA.Options()
        options.windowSize = 8
        options.plan = .preset(.fp64, for: .bundleAdjustment)
        let calibration = PinholeCalibration(fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy)
        var undisturbed = try SlidingWindowBA(calibration: calibration, options: options)
        var disturbed = undisturbed
        let failing = 12
        var failures = 0
        for keyframe in 0..<scenario.keyframeCount {
            let observations = try scenario.observations(inKeyframe: keyframe).map {
                KeyframeObservation(landmark: $0.landmark, pixel: $0.pixel)
            }
            let pose = keyframe < 2 ? scenario.poses[keyframe] : nil
            if keyframe == failing {
                #expect(disturbed.landmarkPriors.count > 0 && disturbed.keyframeOrder.count > options.windowSize)
                let tracked = try #require(observations.firstIndex { disturbed.landmarks[$0.landmark] != nil })
                var absurd = observations
                absurd[tracked].pixel = SIMD2(1e200, 1e200)
                #expect(throws: OptimizerError.nonFiniteCost) {
                    try disturbed.addKeyframe(id: keyframe, observations: absurd, pose: pose)
                }
                failures += 1
                #expect(differences() == [])
            }
            try undisturbed.addKeyframe(id: keyframe, observations: observations, pose: pose)
            try disturbed.addKeyframe(id: keyframe, observations: observations, pose: pose)
        }
        #expect(failures == 1)
        #expect(differences() == [])

        /// The parts of the drivers' state that differ (names only: the values are large).
        func differences() -> [String] {
            var names: [String] = []
            if disturbed.estimates != undisturbed.estimates { names.append("estimates") }
            if disturbed.landmarks != undisturbed.landmarks { names.append("landmarks") }
            if disturbed.landmarkPriors != undisturbed.landmarkPriors { names.append("landmarkPriors") }
            if disturbed.keyframeOrder != undisturbed.keyframeOrder { names.append("keyframeOrder") }
            if disturbed.windowKeyframes != undisturbed.windowKeyframes { names.append("windowKeyframes") }
            return names
        }
    }

    private func run(
        _ scenario: VisualOdometryScenario, keyframes: Int, windowSize: Int, plan: PrecisionPlan.Preset,
        tight: Bool = false, configure: (inout SlidingWindowBA.Options) -> Void = { _ in },
        inspect: (SlidingWindowBA, SlidingWindowSummary, [Int: SE3<Double>]) -> Void
    ) throws -> SlidingWindowBA {
        var options = SlidingWindowBA.Options()
        options.windowSize = windowSize
        configure(&options)
        if tight {
            options.optimizer.functionTolerance = 1e-6
            options.stepSolver.cgnr.conjugateGradient.relativeTolerance = 1e-6
        }
        options.plan = .preset(plan, for: .bundleAdjustment)
        let camera = scenario.camera
        var driver = try SlidingWindowBA(
            calibration: PinholeCalibration(fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy),
            options: options)
        for keyframe in 0..<keyframes {
            let before = driver.estimates
            let observations = try scenario.observations(inKeyframe: keyframe).map {
                KeyframeObservation(landmark: $0.landmark, pixel: $0.pixel)
            }
            let summary = try driver.addKeyframe(
                id: keyframe, observations: observations, pose: keyframe < 2 ? scenario.poses[keyframe] : nil)
            inspect(driver, summary, before)
        }
        return driver
    }

    /// Noise-free pixels and exact first two poses: every window converges to the ground
    /// truth, so the whole trajectory's unaligned error is at the solver's tolerance. LM stops
    /// at relative cost decrease 1e-4 of a cost that falls quadratically to ~0; positions of
    /// 1e-6 m are 1e-4 pixel at 5 m, far below any error a wrong window setup would leave
    /// (the constant-velocity prediction alone is off by centimetres at every turn).
    @Test func noiseFreeSequenceFollowsTheGroundTruth() throws {
        let scenario = try BundleAdjustmentFixture.scenario(pixelNoise: 0)
        let windowSize = 10
        var largestWindow = 0
        var analyzedBefore = false
        let driver = try run(scenario, keyframes: scenario.keyframeCount, windowSize: windowSize, plan: .fp64) {
            driver, summary, before in
            largestWindow = max(largestWindow, summary.windowKeyframes.count)
            // One step solver for the sequence; every keyframe changes the structure.
            #expect(summary.reusedStepSolver == analyzedBefore)
            #expect(!summary.reusedSymbolicAnalysis)
            analyzedBefore = analyzedBefore || summary.optimizer.symbolicAnalyses > 0
            #expect(summary.windowKeyframes == Array(driver.keyframeOrder.suffix(windowSize)))
            #expect(summary.behindCameraSkips == 0)
            // The gauge: the two oldest keyframes keep the estimates they had before the solve.
            for id in summary.windowKeyframes.prefix(2) where before[id] != nil {
                #expect(driver.estimates[id]! == before[id]!)
            }
            if summary.windowKeyframes.count > 2 {
                #expect(summary.landmarks > 10)
                #expect(summary.optimizer.finalCost <= 1e-6 * max(summary.optimizer.initialCost, 1))
            }
        }
        #expect(largestWindow == windowSize)
        let estimate = (0..<scenario.keyframeCount).map { driver.estimates[$0]! }
        let ate = try AbsoluteTrajectoryError(estimated: estimate, reference: scenario.poses, alignment: .none)
        #expect(ate.statistics.maximum <= 1e-6, "max error \(ate.statistics.maximum) m")
    }

    @Test func landmarkPriorsNeedAFixedKeyframeAndARobustKernel() throws {
        var options = SlidingWindowBA.Options()
        #expect(options.marginalization == .landmarkPriors && options.kernel == .huber(threshold: 2))
        _ = try SlidingWindowBA(calibration: calibration, options: options)
        options.kernel = .none
        #expect(throws: OptimizerError.self) { try SlidingWindowBA(calibration: calibration, options: options) }
        options.marginalization = .drop
        _ = try SlidingWindowBA(calibration: calibration, options: options)
        options.marginalization = .landmarkPriors
        options.kernel = .huber(threshold: 2)
        options.fixedKeyframes = 0
        #expect(throws: OptimizerError.self) { try SlidingWindowBA(calibration: calibration, options: options) }
    }

    /// Noise-free pixels: the priors of leaving keyframes are taken at the ground truth (zero
    /// residual), so the trajectory still follows it to the solver's tolerance, and no prior
    /// contradicts a later window.
    @Test func noiseFreeSequenceWithLandmarkPriorsFollowsTheGroundTruth() throws {
        let scenario = try BundleAdjustmentFixture.scenario(pixelNoise: 0)
        var marginalized = 0, priors = 0, rejected = 0, departures = 0
        let driver = try run(scenario, keyframes: scenario.keyframeCount, windowSize: 10, plan: .fp64) {
            $0.marginalization = .landmarkPriors
            $0.kernel = .huber(threshold: 2)
        } inspect: { driver, summary, _ in
            if summary.removedKeyframe != nil {
                departures += 1
                #expect(summary.marginalizedObservations > 0)
            }
            marginalized += summary.marginalizedObservations
            priors += summary.landmarkPriors
            rejected += summary.rejectedLandmarkPriors
            #expect(driver.landmarkPriors.values.allSatisfy { $0.observationCount > 0 })
        }
        #expect(departures == scenario.keyframeCount - 10)
        #expect(priors > 0 && marginalized >= priors / departures)
        #expect(rejected == 0)
        let estimate = (0..<scenario.keyframeCount).map { driver.estimates[$0]! }
        let ate = try AbsoluteTrajectoryError(estimated: estimate, reference: scenario.poses, alignment: .none)
        #expect(ate.statistics.maximum <= 1e-6, "max error \(ate.statistics.maximum) m")
    }

    /// With 1-pixel noise, what the leaving keyframes saw keeps constraining the window:
    /// landmark priors lower the fp64 trajectory's error against dropping them.
    @Test func landmarkPriorsLowerTheTrajectoryError() throws {
        let scenario = try BundleAdjustmentFixture.scenario()
        var ates: [SlidingWindowBA.Marginalization: Double] = [:]
        for marginalization in SlidingWindowBA.Marginalization.allCases {
            let driver = try run(scenario, keyframes: scenario.keyframeCount, windowSize: 8, plan: .fp64) {
                $0.marginalization = marginalization
                $0.kernel = .huber(threshold: 2)
            } inspect: { _, _, _ in }
            let ids = 0..<scenario.keyframeCount
            ates[marginalization] = try AbsoluteTrajectoryError(
                estimated: ids.map { driver.estimates[$0]! }, reference: scenario.poses, alignment: .sim3
            ).statistics.rmse
        }
        // 24 keyframes, windows of 8: 0.0036 m against 0.0050 m.
        #expect(ates[.landmarkPriors]! < 0.9 * ates[.drop]!, "\(ates)")
    }

    /// With 1-pixel noise the mixed plan's trajectory matches fp64's to 1 % of fp64's own ATE
    /// when both solve every window tightly (relative cost tolerance and CG forcing term
    /// 1e-6, not the driver's real-time defaults): the plans then reach the same optimum,
    /// instead of stopping at different points along the flat scale direction.
    @Test func mixedSequenceMatchesFP64() throws {
        let scenario = try BundleAdjustmentFixture.scenario()
        let windowSize = 10
        let reference = try run(
            scenario, keyframes: scenario.keyframeCount, windowSize: windowSize, plan: .fp64, tight: true) { _, _, _ in }
        let mixed = try run(
            scenario, keyframes: scenario.keyframeCount, windowSize: windowSize, plan: .mixed, tight: true) {
            _, summary, _ in
            #expect(summary.optimizer.linearSolver == "cgnr")
        }
        let ids = 0..<scenario.keyframeCount
        let ate = try AbsoluteTrajectoryError(
            estimated: ids.map { reference.estimates[$0]! }, reference: scenario.poses, alignment: .sim3).statistics.rmse
        #expect(ate > 0)
        for id in ids {
            let d = (mixed.estimates[id]!.translation - reference.estimates[id]!.translation).norm
            #expect(d <= 0.01 * ate, "keyframe \(id): \(d) m, fp64 ATE \(ate) m")
        }
    }
}
