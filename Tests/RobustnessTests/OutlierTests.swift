import MixedSLAM
import MixedSLAMEval
import Testing
import MixedSLAMTestSupport

/// False loop closures (wrong place recognition) against robust kernels.
@Suite("Outlier loop closures")
struct OutlierTests {
    @Test("10 % false loop closures: Cauchy ATE within 2× of the inlier-only solve, no kernel far worse")
    func falseLoopClosures() throws {
        var options = LoopClosureScenarioOptions()
        options.poseCount = 600
        let scenario = try LoopClosureScenario<SE2<Double>>(options: options)
        // False closures join random poses at least 50 apart with a random relative pose and
        // the same (tight) information as true closures, as a place recognizer's mistakes do.
        var random = SeededGenerator(seed: 5)
        let falseCount = scenario.loopClosures.count / 10
        let information = scenario.loopClosures[0].information
        let omega = try InformationMatrix((0..<3).flatMap { r in (0..<3).map { c in information[r, c] } }, dimension: 3)
        var falseClosures: [(from: Int, to: Int, measurement: SE2<Double>)] = []
        while falseClosures.count < falseCount {
            let i = Int.random(in: 0..<scenario.poseCount, using: &random)
            let j = Int.random(in: 0..<scenario.poseCount, using: &random)
            guard abs(i - j) > 50 else { continue }
            falseClosures.append((min(i, j), max(i, j), SE2(
                x: random.uniform(-3...3), y: random.uniform(-3...3), theta: random.uniform(-3...3))))
        }
        #expect(falseCount >= 30)

        func ate(kernel: RobustKernel, outliers: Bool, _ preset: PrecisionPlan.Preset) throws -> Double {
            var p = try scenario.makeProblem(loopClosureKernel: kernel)
            if outliers {
                for f in falseClosures {
                    try p.add(BetweenFactorSE2(from: f.from, to: f.to, measurement: f.measurement, information: omega, kernel: kernel))
                }
            }
            // IRLS reweights the closures every iteration, so a preconditioner factored once
            // (the static default) goes stale as the outliers lose their weight: PCG then
            // needs ~10× the iterations and LM stops at its iteration limit near 3× the ATE.
            // Robust solves refresh it adaptively.
            var solverOptions = PoseGraphStepSolver.Options()
            solverOptions.refresh = kernel == .none ? .once : .adaptive
            var solver = PoseGraphStepSolver(options: solverOptions)
            let summary = try LevenbergMarquardt().minimize(&p, plan: .preset(preset, for: .poseGraph), stepSolver: &solver)
            #expect(summary.isConverged || kernel == .none, "\(preset): \(summary.termination)")
            #expect(nonFiniteVariables(p).isEmpty)
            let estimate = try (0..<scenario.poseCount).map { try #require(p.se2($0)) }
            return try scenario.absoluteTrajectoryError(of: estimate, alignment: .se2).statistics.rmse
        }
        // Cauchy scale 3 on the whitened error: about the 95 % radius of a 3-dof χ² (√7.8),
        // so inliers keep nearly full weight and a closure 100σ off keeps 0.1 %.
        let kernel = RobustKernel.cauchy(scale: 3)
        let plain = try ate(kernel: .none, outliers: true, .fp64)
        var inliersOnly: [PrecisionPlan.Preset: Double] = [:]
        for preset in [PrecisionPlan.Preset.fp64, .mixed] {
            let inliers = try ate(kernel: .none, outliers: false, preset)
            let robust = try ate(kernel: kernel, outliers: true, preset)
            inliersOnly[preset] = inliers
            print("outliers \(preset): \(falseCount) false of \(scenario.loopClosures.count) closures, ATE rmse "
                + "inlier-only \(inliers) m, Cauchy(3) with outliers \(robust) m, no kernel (fp64) \(plain) m")
            #expect(robust <= 2 * inliers, "\(preset)")
        }
        let inliersFP64 = try #require(inliersOnly[.fp64])
        #expect(plain >= 100 * inliersFP64)
    }
}
