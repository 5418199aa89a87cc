import MixedSLAM
import MixedSLAMEval
import Testing

@Suite struct PoseGraphBenchmarkTests {
    /// On a generated house tour every plan but naive fp16 reaches the fp64 optimum; adaptive
    /// to 1e-6 relative (the bar), and loop closure shrinks the ATE against ground
    /// truth by orders of magnitude.
    @Test func plansAgreeOnAGeneratedLoopClosureGraph() throws {
        var options = LoopClosureScenario<SE2<Double>>.Options()
        options.poseCount = 300
        let scenario = try LoopClosureScenario<SE2<Double>>(options: options)
        #expect(!scenario.loopClosures.isEmpty)
        let problem = try scenario.makeProblem()
        let (results, reference) = try PoseGraphBenchmark.run(problem, plans: [.fp64, .fp32, .mixed, .adaptive])
        let fp64 = results[0]
        #expect(fp64.termination != TerminationReason.noProgress.rawValue)
        for result in results.dropFirst() {
            #expect(abs(result.finalCost - fp64.finalCost) <= 1e-3 * fp64.finalCost, "\(result.plan)")
        }
        #expect(abs(results[3].finalCost - fp64.finalCost) <= 1e-6 * fp64.finalCost)
        let solved = reference.variableIDs.sorted().map { reference.se2($0)! }
        let before = try scenario.absoluteTrajectoryError(of: scenario.initialEstimate, alignment: .se2)
        let after = try scenario.absoluteTrajectoryError(of: solved, alignment: .se2)
        #expect(after.statistics.rmse < 0.1 * before.statistics.rmse)
    }
}
