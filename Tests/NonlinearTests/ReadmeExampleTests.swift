import Foundation
import MixedSLAM
import Testing

/// The README's Swift example, verbatim between the markers (file name aside), run on a
/// generated SE(3) g2o file.
@Suite struct ReadmeExampleTests {
    @Test func readmeSwiftExampleRuns() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readme-example.g2o").path
        var text = ""
        let information = "100 0 0 0 0 0 100 0 0 0 0 100 0 0 0 400 0 0 400 0 400"
        for i in 0..<50 { text += "VERTEX_SE3:QUAT \(i) \(Double(i) * 1.01) 0.02 0 0 0 0.001 1\n" }
        for i in 0..<49 { text += "EDGE_SE3:QUAT \(i) \(i + 1) 1 0 0 0 0 0 1 \(information)\n" }
        text += "EDGE_SE3:QUAT 0 49 49 0 0 0 0 0 1 \(information)\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        // README example begin
        var (problem, _) = try G2OReader.read(contentsOf: path)
        var solver = PoseGraphStepSolver()
        let summary = try LevenbergMarquardt().minimize(
            &problem, plan: .preset(.mixed, for: .poseGraph), stepSolver: &solver)
        print(summary.fullReport)
        print(problem.se3(42)!)
        // README example end

        // A consistent graph: the optimum has zero cost; fp32 residuals resolve it to about
        // (n · u₃₂ · 50 m · √Ω)² per factor.
        #expect(summary.finalCost < 1e-6)
        #expect(abs(problem.se3(42)!.translation.x - 42) < 1e-4)
    }

    @Test func readmeGrowingGraphExampleRuns() throws {
        // README growing example begin
        var graph = PoseGraph<SE2<Double>>()
        try graph.addPose(0, SE2(x: 0, y: 0, theta: 0))
        for k in 1...8 {  // odometry around a 2 m square; every 90° turn over-reads by 1.7°
            try graph.addOdometry(from: k - 1, to: k, measurement: SE2(x: 1, y: 0, theta: k % 2 == 0 ? 1.6 : 0))
        }
        try graph.addEdge(from: 8, to: 0, measurement: SE2(x: 0, y: 0, theta: 0))  // loop closure
        var summary = try graph.optimize()
        try graph.addOdometry(from: 8, to: 9, measurement: SE2(x: 1, y: 0, theta: 0))
        summary = try graph.optimize()  // warm start; the analysis is extended, not redone
        print(summary.briefReport, summary.reusedSymbolicAnalysis, graph.pose(9)!)
        // README growing example end

        #expect(summary.reusedSymbolicAnalysis && summary.extendedSymbolicAnalyses == 1 && summary.symbolicAnalyses == 0)
        // The loop closure pulls pose 8 back to the origin; pose 9 is one metre ahead of it.
        let p8 = graph.pose(8)!.translation, p9 = graph.pose(9)!.translation
        #expect(abs(p8.x) < 0.05 && abs(p8.y) < 0.05)
        #expect(abs(((p9 - p8) * (p9 - p8)).sum().squareRoot() - 1) < 1e-6)
    }

    /// The code between each pair of markers above must be what the README shows, line for
    /// line and in order (indentation and blank lines aside, the example's file path aside),
    /// so the README cannot drift.
    @Test func readmeShowsTheTestedCode() throws {
        let here = URL(fileURLWithPath: #filePath)
        let readme = try String(
            contentsOf: here.deletingLastPathComponent().appendingPathComponent("../../README.md"), encoding: .utf8)
        let readmeLines = readme.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let source = try String(contentsOf: here, encoding: .utf8)
        for marker in ["README example", "README growing example"] {
            guard let begin = source.range(of: "// \(marker) begin\n"),
                let end = source.range(of: "// \(marker) end", range: begin.upperBound..<source.endIndex)
            else {
                Issue.record("markers of \(marker) not found")
                continue
            }
            let shown = source[begin.upperBound..<end.lowerBound].split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .map { $0.replacingOccurrences(of: "contentsOf: path", with: "contentsOf: \"sphere2500.g2o\"") }
            #expect(shown.count >= 5)
            let found = readmeLines.indices.contains { start in
                start + shown.count <= readmeLines.count && Array(readmeLines[start..<(start + shown.count)]) == shown
            }
            #expect(found, "README lacks the \(marker) as one run of lines:\n\(shown.joined(separator: "\n"))")
        }
    }
}
