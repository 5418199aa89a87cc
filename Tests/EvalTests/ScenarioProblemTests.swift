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
}
