import MixedSLAM
import Testing

@testable import MixedSLAMEval

/// The scenarios' noise models must agree with the nonlinear layer's factors: at the ground
/// truth, 2 · cost is a χ² variable with one degree of freedom per residual component, so its
/// mean is m and its standard deviation √(2m); noise-free scenarios have zero cost there.
@Suite("Scenario problems")
struct ScenarioProblemTests {
    @Test("pose graphs: exact data cost nothing at the truth, noisy data cost χ²(m)/2")
    func poseGraphCost() throws {
        var options = LoopClosureScenario<SE2<Double>>.Options()
        options.poseCount = 1500
        let planar = try LoopClosureScenario<SE2<Double>>(options: options)
        let problem = try planar.makeProblem(initialValues: planar.groundTruth)
        #expect(problem.variableCount == 1500)
        #expect(problem.factorCount == planar.odometry.count + planar.loopClosures.count)
        #expect(problem.isFixed(0) && !problem.isFixed(1))
        let m = Double(3 * problem.factorCount)
        #expect(abs(2 * problem.cost(precision: .fp64) - m) <= 5 * (2 * m).squareRoot())
        // The chained odometry satisfies every odometry edge exactly; only loops cost.
        let drifted = try planar.makeProblem()
        #expect(drifted.cost(precision: .fp64) > problem.cost(precision: .fp64))

        let spatial = try LoopClosureScenario<SE3<Double>>(options: options)
        let problem3D = try spatial.makeProblem(initialValues: spatial.groundTruth)
        let m3D = Double(6 * problem3D.factorCount)
        #expect(abs(2 * problem3D.cost(precision: .fp64) - m3D) <= 5 * (2 * m3D).squareRoot())

        options.perturbsMeasurements = false
        let exact = try LoopClosureScenario<SE3<Double>>(options: options)
        let exactProblem = try exact.makeProblem(initialValues: exact.groundTruth)
        // Whitened residuals are roundoff (ε · 20 m) times √Ω ≤ 1e5 (loop-closure rotation).
        let residualBound = 64 * Double.ulpOfOne * 20 * 1e5
        #expect(exactProblem.cost(precision: .fp64) <= 0.5 * m3D * residualBound * residualBound)
        #expect(throws: EvaluationError.self) { try exact.makeProblem(initialValues: []) }
    }

    @Test("BA windows: ids, gauge, and reprojection cost at the truth")
    func windowCost() throws {
        var options = VisualOdometryScenario.Options()
        options.keyframeCount = 80
        let scenario = try VisualOdometryScenario(options: options)
        let window = try scenario.window(endingAt: 79)
        let problem = try scenario.makeProblem(window: window)
        #expect(problem.variableCount == 50 + window.landmarks.count)
        #expect(problem.factorCount == window.observations.count)
        #expect(problem.isFixed(30) && problem.isFixed(31) && !problem.isFixed(32))
        #expect(problem.point3(scenario.landmarkVariableID(window.landmarks[0])) == scenario.landmarks[window.landmarks[0]])
        let m = Double(2 * window.observations.count)
        #expect(abs(2 * problem.cost(precision: .fp64) - m) <= 5 * (2 * m).squareRoot())

        let start = try scenario.perturbedInitialEstimate(
            window: window, translationSigma: 0.05, rotationSigma: 0.01, landmarkSigma: 0.1, seed: 3)
        #expect(start.poses[0] == scenario.poses[30] && start.poses[1] == scenario.poses[31])
        #expect(start.poses[2] != scenario.poses[32])
        let perturbed = try scenario.makeProblem(
            window: window, initialPoses: start.poses, initialLandmarks: start.landmarks)
        #expect(perturbed.cost(precision: .fp64) > problem.cost(precision: .fp64))

        options.pixelNoise = 0
        let exact = try VisualOdometryScenario(options: options)
        let exactProblem = try exact.makeProblem(window: try exact.window(endingAt: 79))
        // Pixel roundoff is a few ε · 500 px with σ = 1 px.
        let residualBound = 64 * Double.ulpOfOne * 500
        #expect(exactProblem.cost(precision: .fp64) <= 0.5 * m * residualBound * residualBound)
        #expect(throws: EvaluationError.self) { try scenario.makeProblem(window: window, fixedKeyframes: 51) }
        #expect(throws: EvaluationError.self) {
            try scenario.makeProblem(window: window, initialLandmarks: [])
        }
    }

    @Test("a window of another scenario is a typed error, not an index out of range")
    func foreignWindow() throws {
        var options = VisualOdometryScenario.Options()
        options.keyframeCount = 60
        let short = try VisualOdometryScenario(options: options)
        options.keyframeCount = 80
        let long = try VisualOdometryScenario(options: options)
        // Keyframes 30..<80 do not exist in the 60-keyframe scenario.
        let late = try long.window(endingAt: 79)
        let benchmark = VisualOdometryBenchmark.Options()
        #expect(throwsInvalidArgument { try short.makeProblem(window: late) })
        #expect(throwsInvalidArgument {
            try short.perturbedInitialEstimate(
                window: late, translationSigma: 0.05, rotationSigma: 0.01, landmarkSigma: 0.1, seed: 3)
        })
        #expect(throwsInvalidArgument { try VisualOdometryBenchmark.perturbedStart(short, late, options: benchmark) })
        let truth = (poses: Array(long.poses[late.keyframes]), points: late.landmarks.map { long.landmarks[$0] })
        #expect(throwsInvalidArgument {
            try VisualOdometryBenchmark.windowProblem(
                short, late, poses: truth.poses, points: truth.points, fixedKeyframes: 2)
        })

        // Same keyframes, fewer landmarks: the window's landmark indices run past them.
        options.keyframeCount = 60
        options.landmarkDensity = 1
        let sparse = try VisualOdometryScenario(options: options)
        let early = try short.window(endingAt: 59)
        try #require(early.landmarks.last! >= sparse.landmarks.count)
        #expect(throwsInvalidArgument { try sparse.makeProblem(window: early) })
        #expect(throwsInvalidArgument { try VisualOdometryBenchmark.perturbedStart(sparse, early, options: benchmark) })
        // The scenario's own window still works.
        #expect(try short.makeProblem(window: early).factorCount == early.observations.count)
    }

    @Test("the VO benchmark rejects a negative or oversized fixed-keyframe count")
    func benchmarkFixedKeyframes() throws {
        var options = VisualOdometryBenchmark.Options()
        options.scenario.keyframeCount = 20
        options.windowSize = 12
        options.windowCount = 1
        options.fixedKeyframes = -1
        // Range.prefix(-1) trapped here.
        #expect(throwsInvalidArgument { try VisualOdometryBenchmark.run(plans: [.fp64], options: options) })
        options.fixedKeyframes = 13
        #expect(throwsInvalidArgument { try VisualOdometryBenchmark.run(plans: [.fp64], options: options) })

        let scenario = try VisualOdometryScenario(options: options.scenario)
        let window = try scenario.window(endingAt: 19, size: 12)
        options.fixedKeyframes = 2
        let start = try VisualOdometryBenchmark.perturbedStart(scenario, window, options: options)
        #expect(throwsInvalidArgument {
            try VisualOdometryBenchmark.windowProblem(
                scenario, window, poses: start.poses, points: start.points, fixedKeyframes: -1)
        })
        let problem = try VisualOdometryBenchmark.windowProblem(
            scenario, window, poses: start.poses, points: start.points, fixedKeyframes: 2)
        #expect(problem.isFixed(8) && problem.isFixed(9) && !problem.isFixed(10))
        options.fixedKeyframes = 12
        let solved = try VisualOdometryBenchmark.run(plans: [.fp64], options: options)
        #expect(solved.solves.count == 1)
    }
}
