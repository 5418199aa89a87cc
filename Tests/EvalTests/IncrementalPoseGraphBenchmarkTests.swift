import MixedSLAM
import MixedSLAMEval
import Testing

@Suite struct IncrementalPoseGraphBenchmarkTests {
    private static func scenarioProblem(poses: Int) throws -> Problem {
        var options = LoopClosureScenario<SE2<Double>>.Options()
        options.poseCount = poses
        options.seed = 3
        return try LoopClosureScenario<SE2<Double>>(options: options).makeProblem()
    }

    @Test func warmReSolvesExtendTheAnalysisAndReachTheColdOptimum() throws {
        let problem = try Self.scenarioProblem(poses: 600)
        var options = IncrementalPoseGraphBenchmark.Options()
        options.steps = 4
        let result = try IncrementalPoseGraphBenchmark.run(problem, name: "house", options: options)
        #expect(result.startPoseCount == 560 && result.steps.count == 4)
        #expect(result.steps.map(\.poseCount) == [570, 580, 590, 600])
        #expect(result.steps.last?.factorCount == problem.factorCount)
        #expect(result.reusedInEveryStep)
        for step in result.steps {
            #expect(step.warmSymbolicAnalyses == 0 && step.warmExtendedAnalyses == 1)
            #expect(step.warmIterations <= step.coldIterations)
        }
        #expect(result.steps.contains { $0.loopClosures > 0 })
        #expect(result.maxRelativeCostDifference <= 1e-8)
    }

    @Test func rejectsTooSmallGraphsAndMixedKinds() throws {
        let problem = try Self.scenarioProblem(poses: 60)
        #expect(throws: EvaluationError.self) { try IncrementalPoseGraphBenchmark.run(problem, name: "small") }
        // steps × posesPerStep beyond Int's range is refused, not a multiplication trap.
        for (steps, posesPerStep) in [(Int.max, 10), (10, Int.max), (1 << 32, 1 << 31)] {
            var options = IncrementalPoseGraphBenchmark.Options()
            options.steps = steps
            options.posesPerStep = posesPerStep
            #expect(throws: EvaluationError.invalidArgument("60 poses cannot grow \(steps) × \(posesPerStep)")) {
                try IncrementalPoseGraphBenchmark.run(problem, name: "huge", options: options)
            }
        }
        var mixed = Problem()
        try mixed.addSE2(id: 0, SE2(x: 0, y: 0, theta: 0))
        try mixed.addSE3(id: 1, .identity)
        #expect(throws: EvaluationError.self) { try IncrementalPoseGraphBenchmark.run(mixed, name: "mixed") }
    }
}
