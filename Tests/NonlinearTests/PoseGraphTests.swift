import Foundation
import MixedSLAM
import Testing
import MixedSLAMTestSupport

/// A robot driving laps of a square (one pose per metre, 90° at the corners) with noisy
/// odometry and a loop closure to the previous lap every `closureStride` poses.
private struct LapStream {
    static let side = 10, lap = 40
    var odometry: [SE2<Double>] = []
    var truth: [SE2<Double>] = [SE2(x: 0, y: 0, theta: 0)]
    var closures: [Int: SE2<Double>] = [:]
    let information = try! InformationMatrix([100, 0, 0, 0, 100, 0, 0, 0, 400], dimension: 3)

    init(poses: Int, closureStride: Int = 4, seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for k in 0..<(poses - 1) {
            let u = SE2<Double>(x: 1, y: 0, theta: k % Self.side == Self.side - 1 ? .pi / 2 : 0)
            truth.append(truth[k] * u)
            odometry.append(
                u * SE2(x: 0.05 * random.uniform(-1...1), y: 0.05 * random.uniform(-1...1), theta: 0.02 * random.uniform(-1...1)))
        }
        for j in stride(from: Self.lap, to: poses, by: closureStride) {
            closures[j] = truth[j].inverse * truth[j - Self.lap]
                * SE2(x: 0.05 * random.uniform(-1...1), y: 0.05 * random.uniform(-1...1), theta: 0.02 * random.uniform(-1...1))
        }
    }

    /// Adds poses `range` (odometry into each) and the loop closures leaving them.
    func extend(_ graph: inout PoseGraph<SE2<Double>>, _ range: Range<Int>) throws {
        for k in range {
            if k == 0 {
                try graph.addPose(0, truth[0])
                continue
            }
            try graph.addOdometry(from: k - 1, to: k, measurement: odometry[k - 1], information: information)
            if let z = closures[k] { try graph.addEdge(from: k, to: k - Self.lap, measurement: z, information: information) }
        }
    }
}

@Suite struct PoseGraphTests {
    private func maxDistance(_ a: PoseGraph<SE2<Double>>, _ b: PoseGraph<SE2<Double>>) -> Double {
        a.poseIDs.map { id in
            let d = a.pose(id)!.translation - b.pose(id)!.translation
            return (d * d).sum().squareRoot()
        }.max() ?? 0
    }

    @Test func growingGraphExtendsAnalysisAndReachesColdOptimum() throws {
        let stream = LapStream(poses: 130, seed: 21)
        var graph = PoseGraph<SE2<Double>>()
        try stream.extend(&graph, 0..<120)
        let first = try graph.optimize()
        #expect(first.isConverged)
        #expect(first.symbolicAnalyses > 0 && !first.reusedSymbolicAnalysis)

        let again = try graph.optimize()
        #expect(again.symbolicAnalyses == 0 && again.extendedSymbolicAnalyses == 0 && again.reusedSymbolicAnalysis)
        #expect(abs(again.finalCost - first.finalCost) <= 1e-9 * first.finalCost)

        // Ten more poses and a loop closure: the orderings are extended, not recomputed.
        try stream.extend(&graph, 120..<130)
        #expect(stream.closures[128] != nil)
        // The same warm values with an analysis from scratch: a copy that optimizes while it
        // shares the cache starts its own.
        var freshAnalysis = graph
        let fresh = try freshAnalysis.optimize()
        #expect(fresh.symbolicAnalyses > 0 && fresh.extendedSymbolicAnalyses == 0)
        let grown = try graph.optimize()
        #expect(grown.symbolicAnalyses == 0 && grown.extendedSymbolicAnalyses == 1 && grown.reusedSymbolicAnalysis,
            "\(grown.fullReport)")
        #expect(grown.isConverged)
        #expect(abs(fresh.finalCost - grown.finalCost) <= 1e-9 * fresh.finalCost)
        #expect(maxDistance(graph, freshAnalysis) <= 1e-7)

        // A cold solve of the whole graph from dead reckoning reaches the same optimum.
        var cold = PoseGraph<SE2<Double>>()
        try stream.extend(&cold, 0..<130)
        let coldSummary = try cold.optimize()
        #expect(coldSummary.initialCost > 10 * grown.initialCost)
        #expect(abs(coldSummary.finalCost - grown.finalCost) <= 1e-8 * coldSummary.finalCost)
        #expect(maxDistance(graph, cold) <= 1e-6)
    }

    @Test func growthBeyondReorderingLimitOrdersAfresh() throws {
        let stream = LapStream(poses: 150, seed: 5)
        var graph = PoseGraph<SE2<Double>>()
        try stream.extend(&graph, 0..<100)
        _ = try graph.optimize()
        try stream.extend(&graph, 100..<150)
        let summary = try graph.optimize()
        #expect(summary.symbolicAnalyses > 0 && summary.extendedSymbolicAnalyses == 0 && !summary.reusedSymbolicAnalysis)
    }

    @Test(arguments: [PrecisionPlan.Preset.mixed, .adaptive])
    func iterativePlansExtendTheirOrdering(plan: PrecisionPlan.Preset) throws {
        let stream = LapStream(poses: 130, seed: 8)
        var reference = PoseGraph<SE2<Double>>()
        try stream.extend(&reference, 0..<130)
        let optimum = try reference.optimize().finalCost

        var options = PoseGraph<SE2<Double>>.Options()
        options.plan = plan
        var graph = PoseGraph<SE2<Double>>(options: options)
        try stream.extend(&graph, 0..<120)
        _ = try graph.optimize()
        try stream.extend(&graph, 120..<130)
        let grown = try graph.optimize()
        #expect(grown.extendedSymbolicAnalyses == 1 && grown.symbolicAnalyses == 0)
        #expect(abs(grown.finalCost - optimum) <= 1e-6 * optimum, "\(plan): \(grown.finalCost) vs \(optimum)")
    }

    @Test func odometryDeadReckonsNewPosesAndRejectsBadInputWithoutChange() throws {
        var graph = PoseGraph<SE2<Double>>()
        let start = SE2<Double>(x: 1, y: 2, theta: 0.3), step = SE2<Double>(x: 1, y: 0.5, theta: 0.1)
        try graph.addPose(0, start)
        try graph.addOdometry(from: 0, to: 1, measurement: step)
        let predicted = start * step
        let pose = try #require(graph.pose(1))
        #expect(pose.translation == predicted.translation)
        #expect(abs(pose.theta - predicted.theta) <= 4 * Precision.fp64.unitRoundoff, "\(pose.theta) vs \(predicted.theta)")

        #expect(throws: ProblemError.unknownVariable(id: 7)) {
            try graph.addOdometry(from: 7, to: 8, measurement: step)
        }
        #expect(throws: ProblemError.nonFiniteValue(id: 2)) {
            try graph.addOdometry(from: 1, to: 2, measurement: SE2(x: .nan, y: 0, theta: 0))
        }
        #expect(throws: FactorError.self) {
            try graph.addOdometry(from: 0, to: 1, measurement: SE2(x: .nan, y: 0, theta: 0))
        }
        #expect(graph.pose(2) == nil)
        #expect(graph.poseCount == 2 && graph.factorCount == 1)
        #expect(throws: ProblemError.self) { try graph.addEdge(from: 1, to: 1, measurement: step) }
    }

    @Test func se3GraphGrowsAndMatchesColdSolve() throws {
        var random = SeededGenerator(seed: 3)
        let steps = (0..<70).map { k in
            SE3<Double>(rotation: .exp(SIMD3(0, 0, k % 10 == 9 ? .pi / 2 : 0)), translation: SIMD3(1, 0, 0.1))
                * SE3(rotation: random.rotation(angle: 0.01), translation: random.vector3(0.03))
        }
        func build(_ graph: inout PoseGraph<SE3<Double>>, _ range: Range<Int>) throws {
            for k in range {
                if k == 0 { try graph.addPose(0, .identity) } else { try graph.addOdometry(from: k - 1, to: k, measurement: steps[k - 1]) }
            }
        }
        // The square closes every 40 poses: loop closures 44 → 4 and 64 → 24 with their true relative poses.
        var truth: [SE3<Double>] = [.identity]
        for k in 0..<69 {
            truth.append(truth[k] * SE3(rotation: .exp(SIMD3(0, 0, k % 10 == 9 ? .pi / 2 : 0)), translation: SIMD3(1, 0, 0.1)))
        }
        var graph = PoseGraph<SE3<Double>>()
        try build(&graph, 0..<60)
        try graph.addEdge(from: 44, to: 4, measurement: truth[44].inverse * truth[4])
        _ = try graph.optimize()
        try build(&graph, 60..<70)
        try graph.addEdge(from: 64, to: 24, measurement: truth[64].inverse * truth[24])
        let grown = try graph.optimize()
        #expect(grown.extendedSymbolicAnalyses == 1 && grown.reusedSymbolicAnalysis)

        var cold = PoseGraph<SE3<Double>>()
        try build(&cold, 0..<60)
        try cold.addEdge(from: 44, to: 4, measurement: truth[44].inverse * truth[4])
        try build(&cold, 60..<70)
        try cold.addEdge(from: 64, to: 24, measurement: truth[64].inverse * truth[24])
        let coldSummary = try cold.optimize()
        #expect(abs(coldSummary.finalCost - grown.finalCost) <= 1e-8 * max(coldSummary.finalCost, 1e-12))
        for id in graph.poseIDs {
            let d = graph.pose(id)!.translation - cold.pose(id)!.translation
            #expect((d * d).sum().squareRoot() <= 1e-6, "pose \(id)")
        }
    }
}
