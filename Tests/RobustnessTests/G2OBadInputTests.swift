import Foundation
import MixedSLAM
import Testing

/// Bad g2o input beyond what `IOTests` covers: every case is a typed ``FormatError`` naming
/// the line (and the vertex where there is one), or a recovery the load report counts.
@Suite("g2o bad input")
struct G2OBadInputTests {
    private static let vertices = "VERTEX_SE2 0 0 0 0\nVERTEX_SE2 1 1 0 0\n"
    private static let info3 = "1 0 0 1 0 1"
    private static let info6 = "1 0 0 0 0 0 1 0 0 0 0 1 0 0 0 1 0 0 1 0 1"
    private static let se3Vertices = "VERTEX_SE3:QUAT 0 0 0 0 0 0 0 1\nVERTEX_SE3:QUAT 1 1 0 0 0 0 0 1\n"

    private func expectError(_ text: String, line: Int, _ reason: FormatError.Reason, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let (p, _) = try G2OReader.read(text: text)
            Issue.record("accepted bad input (\(p.variableCount) variables), expected \(reason)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.line == line && error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("Missing fields, trailing garbage and non-numbers on every line kind name the line")
    func malformedLines() {
        let v = Self.vertices
        expectError("VERTEX_SE2 0 0 0\n", line: 1, .missingField(expected: 5, found: 4))
        expectError("VERTEX_SE2 0 0 0 0 junk\n", line: 1, .extraField(expected: 5, found: 6))
        expectError("VERTEX_SE3:QUAT 0 0 0 0 0 0 1\n", line: 1, .missingField(expected: 9, found: 8))
        expectError("VERTEX_SE3:QUAT 0 0 0 0 0 0 0 1 0\n", line: 1, .extraField(expected: 9, found: 10))
        expectError(v + "EDGE_SE3:QUAT 0 1 0 0 0 0 0 0 1\n", line: 3, .missingField(expected: 31, found: 10))
        expectError(v + "EDGE_SE2 0 1 1 0 0 1 0 0 1 0 1abc\n", line: 3, .invalidNumber("1abc"))
        expectError(v + "EDGE_SE2 0 1 1 0 0 1 0 0 1 0 --1\n", line: 3, .invalidNumber("--1"))
        expectError("VERTEX_SE2 0 1,5 0 0\n", line: 1, .invalidNumber("1,5"))
        expectError("VERTEX_SE2 0x 0 0 0\n", line: 1, .invalidNumber("0x"))
        expectError("VERTEX_SE2 - 0 0 0\n", line: 1, .invalidNumber("-"))
        expectError(v + "FIX 1 one\n", line: 3, .invalidNumber("one"))
        expectError(v + "FIX\n", line: 3, .missingField(expected: 2, found: 1))
        expectError("\n\n   \n" + v + "\u{00}\n", line: 6, .unknownTag("\u{00}"))
    }

    @Test("Ids beyond Int's range are invalid numbers, not a trap")
    func idOverflow() {
        expectError("VERTEX_SE2 9999999999999999999 0 0 0\n", line: 1, .invalidNumber("9999999999999999999"))
        expectError("VERTEX_SE2 -9999999999999999999 0 0 0\n", line: 1, .invalidNumber("-9999999999999999999"))
        expectError("VERTEX_SE2 99999999999999999999 0 0 0\n", line: 1, .invalidNumber("99999999999999999999"))
        // The extreme representable ids are legal, and chaining across them forms no id + 1.
        let extremes = "EDGE_SE2 9223372036854775806 9223372036854775807 1 0 0 \(Self.info3)\n"
        #expect(throws: Never.self) { try G2OReader.read(text: extremes) }
        expectError(
            "EDGE_SE2 9223372036854775807 -5 1 0 0 \(Self.info3)\n", line: 1, .brokenChain(from: -5))
    }

    @Test("NaN and infinity are rejected in vertices, measurements and information")
    func nonFinite() {
        let v = Self.vertices
        for token in ["nan", "NaN", "inf", "-inf", "infinity", "1e309", "-1e309"] {
            expectError("VERTEX_SE2 0 \(token) 0 0\n", line: 1, .nonFinite(token))
            expectError(v + "EDGE_SE2 0 1 1 0 \(token) \(Self.info3)\n", line: 3, .nonFinite(token))
            expectError(v + "EDGE_SE2 0 1 1 0 0 1 0 0 \(token) 0 1\n", line: 3, .nonFinite(token))
            expectError("VERTEX_SE3:QUAT 0 0 0 0 0 0 \(token) 1\n", line: 1, .nonFinite(token))
        }
    }

    @Test("Zero, subnormal and huge quaternions: zero is an error, the rest normalize to unit length")
    func quaternions() throws {
        expectError("VERTEX_SE3:QUAT 0 0 0 0 0 0 0 0\n", line: 1, .zeroQuaternion)
        expectError(Self.se3Vertices + "EDGE_SE3:QUAT 0 1 1 0 0 0 0 0 0 \(Self.info6)\n", line: 3, .zeroQuaternion)
        expectError("VERTEX_SE3:QUAT 0 0 0 0 -0 0 0 -0\n", line: 1, .zeroQuaternion)
        // Squared, the first two underflow (4e-320 is subnormal itself) and the last two
        // overflow; all normalize, and a tiny component beside a unit one leaves it unit.
        for (scale, other) in [("1e-300", "0"), ("4e-320", "0"), ("1e300", "0"), ("1.7e308", "0"), ("1", "1e-320")] {
            let text = "VERTEX_SE3:QUAT 0 0 0 0 \(scale) \(other) 0 \(scale)\n"
            let (p, _) = try G2OReader.read(text: text)
            let q = try #require(p.se3(0)).rotation
            let norm = (q.w * q.w + q.vector.x * q.vector.x + q.vector.y * q.vector.y + q.vector.z * q.vector.z).squareRoot()
            #expect(abs(norm - 1) <= 4 * Double.ulpOfOne, "scale \(scale)")
            #expect(abs(q.angle - .pi / 2) <= 8 * Double.ulpOfOne, "scale \(scale)")
        }
    }

    @Test("Self-loops, unknown vertices and edges of the wrong kind name line and vertex")
    func badEdges() {
        let v = Self.vertices
        expectError(v + "EDGE_SE2 1 1 0 0 0 \(Self.info3)\n", line: 3, .inconsistent("factor connects variable 1 to itself"))
        expectError(v + "EDGE_SE2 0 5 1 0 0 \(Self.info3)\n", line: 3, .unknownVertex(5))
        expectError(v + "EDGE_SE2 -3 1 1 0 0 \(Self.info3)\n", line: 3, .unknownVertex(-3))
        expectError(
            v + "EDGE_SE3:QUAT 0 1 1 0 0 0 0 0 1 \(Self.info6)\n", line: 3,
            .inconsistent("variable 0 is se2, expected se3"))
        expectError("EDGE_SE2 3 3 0 0 0 \(Self.info3)\n", line: 1, .inconsistent("factor connects variable 3 to itself"))
    }

    @Test("Duplicate vertex ids are errors, also across kinds")
    func duplicateVertices() {
        expectError(Self.vertices + "VERTEX_SE3:QUAT 0 0 0 0 0 0 0 1\n", line: 3, .duplicateVertex(0))
        expectError("VERTEX_SE2 7 0 0 0\n\n# again\nVERTEX_SE2 7 0 0 0\n", line: 4, .duplicateVertex(7))
    }

    @Test("Empty and comment-only files load as an empty problem the optimizer has nothing to solve in")
    func emptyFiles() throws {
        for text in ["", "\n\n", "# only a comment\n", "   \t \r\n"] {
            let (problem, report) = try G2OReader.read(text: text)
            #expect(problem.variableCount == 0 && problem.factorCount == 0)
            #expect(report.vertexCount == 0 && report.edgeCount == 0)
            var p = problem
            let summary = try solvePoseGraph(&p, .fp64)
            #expect(summary.termination == .nothingToSolve)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("robust-empty-\(getpid()).g2o").path
        try #require(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (p, _) = try G2OReader.read(contentsOf: path)
        #expect(p.variableCount == 0)
    }

    @Test("Information matrices: indefinite projected and counted, zero accepted, 1e2…1e12 spans load exactly")
    func informationMatrices() throws {
        let v = Self.vertices
        // Indefinite (eigenvalues 3, −1, 1) twice: both projected and counted.
        let indefinite = v + "EDGE_SE2 0 1 1 0 0 1 2 0 1 0 1\nEDGE_SE2 1 0 -1 0 0 1 2 0 1 0 1\n"
        let (p, report) = try G2OReader.read(text: indefinite)
        #expect(report.projectedInformationCount == 2)
        #expect(p.cost(precision: .fp64).isFinite)
        // Negative definite: projected to zero, the edge then carries no information.
        let negative = v + "EDGE_SE2 0 1 5 0 0 -1 0 0 -1 0 -1\n"
        let (n, nReport) = try G2OReader.read(text: negative)
        #expect(nReport.projectedInformationCount == 1)
        #expect(n.cost(precision: .fp64) == 0)
        // All-zero information: PSD, legal, zero cost.
        let (z, zReport) = try G2OReader.read(text: v + "EDGE_SE2 0 1 5 0 0 0 0 0 0 0 0\n")
        #expect(zReport.projectedInformationCount == 0)
        #expect(z.cost(precision: .fp64) == 0)
        // Entries spanning 1e2…1e12: loaded as written, the cost is the closed form ½ Σ Ωᵢᵢ eᵢ².
        let (w, _) = try G2OReader.read(text: v + "EDGE_SE2 0 1 0 0 0 1e2 0 0 1e7 0 1e12\n")
        guard case .betweenSE2(let f) = w.factors[0] else { Issue.record("wrong factor"); return }
        #expect(f.information.matrix == [1e2, 0, 0, 0, 1e7, 0, 0, 0, 1e12])
        #expect(abs(w.cost(precision: .fp64) - 0.5 * 1e2) <= 1e-12 * 50)
        var options = G2OReadOptions()
        options.informationPolicy = .reject
        do {
            _ = try G2OReader.read(text: indefinite, options: options)
            Issue.record("accepted indefinite information under .reject")
        } catch {
            #expect(error.line == 3)
        }
        // Indefinite with entries near 1e160 (eigenvalues about ±1e160), where the squared
        // norms of the eigen-decomposition overflow: projected and counted too, or rejected.
        let huge = v + "EDGE_SE2 0 1 1 0 0 1e155 1e160 0 1e155 0 1\n"
        let (_, hugeReport) = try G2OReader.read(text: huge)
        #expect(hugeReport.projectedInformationCount == 1)
        do {
            _ = try G2OReader.read(text: huge, options: options)
            Issue.record("accepted huge indefinite information under .reject")
        } catch {
            #expect(error.line == 3)
        }
    }

    @Test("Load report counts every repair: reversed, duplicate, projected, skipped, chained")
    func loadReportCounts() throws {
        var options = G2OReadOptions()
        options.skipUnknownTags = true
        let text = """
            EDGE_SE2 1 0 -1 0 0 \(Self.info3)
            EDGE_SE2 0 1 1 0 0 \(Self.info3)
            PARAMS_SE2OFFSET 0 0 0 0
            EDGE_SE2 1 2 1 0 0 1 2 0 1 0 1
            EDGE_SE2 2 1 -1 0 0 \(Self.info3)
            """
        let (p, report) = try G2OReader.read(text: text, options: options)
        #expect(p.variableCount == 3)
        #expect(report.chainedInitialization)
        #expect(report.reversedEdgeCount == 2)
        #expect(report.duplicateEdgeCount == 2)
        #expect(report.projectedInformationCount == 1)
        #expect(report.skippedLines == [.init(line: 3, tag: "PARAMS_SE2OFFSET")])
    }

    @Test("A missing or unreadable path is a typed error")
    func unreadable() {
        let directory = FileManager.default.temporaryDirectory.path
        #expect(throws: FormatError(file: directory, line: 0, .unreadable("no such file or not readable"))) {
            try G2OReader.read(contentsOf: directory)
        }
    }
}
