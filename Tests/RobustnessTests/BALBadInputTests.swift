import MixedSLAM
import Testing

/// Bad BAL input: header counts that disagree with the contents, forged counts, points on
/// and behind the camera, non-finite values.
@Suite("BAL bad input")
struct BALBadInputTests {
    /// One camera at the origin looking down −z (BAL's convention), f = 500.
    private static let camera = "0 0 0 0 0 0 500 0 0\n"

    private func expectError(_ text: String, line: Int, _ reason: FormatError.Reason, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try BALReader.read(text: text)
            Issue.record("accepted bad BAL input, expected \(reason)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.line == line && error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("Header counts larger or smaller than the contents name the line where they part")
    func countsDisagree() {
        let c = Self.camera
        // Two observations announced, one given: the camera's first values are read as the
        // second observation, and the camera then runs out of values.
        expectError("1 1 2\n0 0 1 2\n" + c + "0 0 -1\n", line: 4, .truncated(expected: 9, found: 8))
        // One point announced, two given.
        expectError("1 1 1\n0 0 1 2\n" + c + "0 0 -1\n0 0 -2\n", line: 5, .extraField(expected: 0, found: 1))
        // Two cameras announced, one given.
        expectError("2 1 1\n0 0 1 2\n" + c + "0 0 -1\n", line: 4, .truncated(expected: 18, found: 12))
        // Observation of a camera the header does not have.
        expectError("1 1 1\n1 0 1 2\n" + c + "0 0 -1\n", line: 2, .unknownVertex(1))
        expectError("1 1 1\n-1 0 1 2\n" + c + "0 0 -1\n", line: 2, .unknownVertex(-1))
        expectError("-1 1 1\n", line: 1, .inconsistent("negative count in header -1 1 1"))
        expectError("", line: 0, .truncated(expected: 3, found: 0))
        expectError("# only a comment\n", line: 1, .truncated(expected: 3, found: 0))
        expectError("1 1 1.5\n", line: 1, .invalidNumber("1.5"))
    }

    @Test("A forged header cannot reserve memory or overflow 4·n: rejected from the file size")
    func forgedCounts() {
        let huge = "1 1 2305843009213693952\n0 0 1 2\n"
        expectError(huge, line: 1, .inconsistent(
            "header counts 1 1 2305843009213693952 need more values than the file's 32 bytes hold"))
        expectError("9223372036854775807 1 1\n", line: 1, .inconsistent(
            "header counts 9223372036854775807 1 1 need more values than the file's 24 bytes hold"))
        expectError("1 4611686018427387904 1\n", line: 1, .inconsistent(
            "header counts 1 4611686018427387904 1 need more values than the file's 24 bytes hold"))
    }

    @Test("NaN and infinity in observations, cameras and points are typed errors on their line")
    func nonFinite() {
        let c = Self.camera
        expectError("1 1 1\n0 0 nan 2\n" + c + "0 0 -1\n", line: 2, .nonFinite("nan"))
        expectError("1 1 1\n0 0 1 2\n0 0 0 0 0 0 inf 0 0\n0 0 -1\n", line: 3, .nonFinite("inf"))
        expectError("1 1 1\n0 0 1 2\n" + c + "0 -1e999 -1\n", line: 4, .nonFinite("-1e999"))
    }

    @Test("Points behind the camera are counted and kept; a point on the image plane is an error")
    func pointsBehindCamera() throws {
        let c = Self.camera
        let text = "1 3 3\n0 0 1 2\n0 1 3 4\n0 2 0 0\n" + c + "0 0 -1\n0 0 2\n0.5 0.5 3\n"
        let dataset = try BALReader.read(text: text)
        #expect(dataset.observationsBehindCamera == 2)
        #expect(dataset.problem.factorCount == 3)
        #expect(dataset.problem.cost(precision: .fp64).isFinite)
        expectError("1 1 1\n0 0 1 2\n" + c + "1 1 0\n", line: 2, .inconsistent("point 0 has depth -0.0 in camera 0: no projection"))
    }

    @Test("Huge values load, and a solve from them keeps a finite state or refuses with a typed error")
    func hugeValues() throws {
        let text = "1 1 1\n0 0 1e300 -1e300\n0 0 0 0 0 0 500 0 0\n0 0 -1e-300\n"
        do {
            var dataset = try BALReader.read(text: text)
            var solver = BundleAdjustmentStepSolver()
            let summary = try LevenbergMarquardt().minimize(
                &dataset.problem, plan: .preset(.mixed, for: .bundleAdjustment), stepSolver: &solver)
            #expect(nonFiniteVariables(dataset.problem).isEmpty, "\(summary.termination)")
        } catch let error as FormatError {
            Issue.record("finite input rejected: \(error)")
        } catch {
            #expect(error as? OptimizerError == .nonFiniteCost)
        }
    }
}
