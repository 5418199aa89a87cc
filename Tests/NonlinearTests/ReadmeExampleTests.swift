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
}
