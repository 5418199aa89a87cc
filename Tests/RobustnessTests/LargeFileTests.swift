import Foundation
import MixedSLAM
import Testing

/// Large g2o files generated in a temporary directory: one pass over the bytes, memory
/// proportional to the graph. The default run loads 100,000 edges; setting
/// `MIXEDSLAM_LARGE_FILE=1` also loads 1,000,000 and prints both times and the growth of
/// the process's peak memory (measurements, not assertions: see docs/robustness.md).
@Suite("Large files", .serialized)
struct LargeFileTests {
    /// Writes an SE(2) graph of `edges` edges: a chain of edges/2 + 1 poses with vertices,
    /// then one loop closure per pose back 10 poses. Returns the path and the byte count.
    private func writeGraph(edges: Int) throws -> (path: String, bytes: Int) {
        let poses = edges / 2 + 1
        var text = ""
        text.reserveCapacity(edges * 64)
        for i in 0..<poses { text += "VERTEX_SE2 \(i) \(Double(i) * 0.5) \(Double(i % 7) * 0.01) \(Double(i % 5) * 0.1)\n" }
        for i in 0..<(poses - 1) { text += "EDGE_SE2 \(i) \(i + 1) 0.5 0 0.01 100 0 0 100 0 400\n" }
        for k in 0..<(edges - (poses - 1)) {
            let j = 10 + k % (poses - 10)
            text += "EDGE_SE2 \(j - 10) \(j) 5 0.1 -0.02 100 0 0 100 0 400\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("robust-\(edges)-\(getpid()).g2o").path
        let data = Data(text.utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: data))
        return (path, data.count)
    }

    private func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    private func load(edges: Int) throws -> (seconds: Double, bytes: Int, peakGrowth: Int) {
        let (path, bytes) = try writeGraph(edges: edges)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let before = peakResidentBytes()
        let start = ContinuousClock.now
        let (problem, report) = try G2OReader.read(contentsOf: path)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        #expect(report.edgeCount == edges && problem.factorCount == edges)
        #expect(report.vertexCount == edges / 2 + 1 && problem.variableCount == edges / 2 + 1)
        #expect(report.componentCount == 1)
        #expect(problem.cost(precision: .fp64).isFinite)
        return (seconds, bytes, peakResidentBytes() - before)
    }

    @Test("100,000 edges load with every edge and vertex accounted for")
    func hundredThousandEdges() throws {
        let r = try load(edges: 100_000)
        print("large file: 100000 edges, \(r.bytes) bytes, loaded in \(r.seconds) s, peak RSS +\(r.peakGrowth / 1_000_000) MB")
    }

    @Test(
        "1,000,000 edges load (opt-in measurement: MIXEDSLAM_LARGE_FILE=1)",
        .enabled(if: ProcessInfo.processInfo.environment["MIXEDSLAM_LARGE_FILE"] == "1"))
    func millionEdges() throws {
        let small = try load(edges: 100_000)
        let large = try load(edges: 1_000_000)
        print("large file: 1000000 edges, \(large.bytes) bytes, loaded in \(large.seconds) s "
            + "(\(large.seconds / small.seconds)× the 100k load), peak RSS +\(large.peakGrowth / 1_000_000) MB")
    }
}
