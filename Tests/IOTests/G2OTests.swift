import Testing
import MixedSLAM
import MixedSLAMTestSupport

@Suite("g2o reader and writer")
struct G2OTests {
    private func rng(_ seed: UInt64) -> SeededGenerator { SeededGenerator(seed: seed) }

    @Test("SE2 and SE3 graphs round-trip write → read exactly, with off-diagonal information and FIX")
    func roundTrip() throws {
        var r = rng(61)
        var p = Problem()
        for i in 0..<5 { try p.addSE2(id: i, SE2(x: r.uniform(-9...9), y: r.uniform(-9...9), theta: r.uniform(-3...3))) }
        for i in 0..<4 {
            try p.add(BetweenFactorSE2(from: i, to: i + 1, measurement: SE2(x: r.uniform(-1...1), y: 0.3, theta: 0.1), information: r.information(3)))
        }
        try p.add(BetweenFactorSE2(from: 4, to: 0, measurement: SE2(x: 1e-7, y: -3.25e5, theta: 3.1)))
        try p.setFixed(3)
        let text = try G2OWriter.text(of: p)
        let (back, report) = try G2OReader.read(text: text)
        #expect(report.vertexCount == 5 && report.edgeCount == 5)
        #expect(report.fixedVertexIDs == [3])
        #expect(back.variableIDs == p.variableIDs)
        for id in p.variableIDs {
            let a = try #require(p.se2(id))
            let b = try #require(back.se2(id))
            #expect((a.inverse * b).log().norm <= 4 * Double.ulpOfOne * 10)
        }
        #expect(back.factors.count == p.factors.count)
        for (f, g) in zip(p.factors, back.factors) {
            guard case .betweenSE2(let a) = f, case .betweenSE2(let b) = g else {
                Issue.record("factor kind changed")
                continue
            }
            #expect(a.information == b.information)
            #expect((a.measurement.inverse * b.measurement).log().norm <= 1e-15 * 10)
        }
        #expect(abs(back.cost(precision: .fp64) - p.cost(precision: .fp64)) <= 1e-12 * p.cost(precision: .fp64))

        var p3 = Problem()
        for i in 0..<4 { try p3.addSE3(id: 100 + i, r.pose3(translation: 5)) }
        for i in 0..<3 { try p3.add(BetweenFactorSE3(from: 100 + i, to: 101 + i, measurement: r.pose3(translation: 5), information: r.information(6))) }
        let (back3, _) = try G2OReader.read(text: try G2OWriter.text(of: p3))
        for id in p3.variableIDs {
            let a = try #require(p3.se3(id))
            let b = try #require(back3.se3(id))
            #expect(a.translation == b.translation)
            #expect((a.rotation.inverse * b.rotation).angle <= 4 * Double.ulpOfOne)
        }
        #expect(abs(back3.cost(precision: .fp64) - p3.cost(precision: .fp64)) <= 1e-12 * p3.cost(precision: .fp64))
    }

    @Test("Information upper triangle maps to the symmetric matrix row-major; cost matches by hand")
    func informationLayout() throws {
        let text = """
            VERTEX_SE2 0 0 0 0
            VERTEX_SE2 1 1 2 0
            EDGE_SE2 0 1 0 0 0 11 12 13 22 23 33
            """
        // Ω = [[11,12,13],[12,22,23],[13,23,33]] is indefinite; use a PD one instead.
        let pd = text.replacingOccurrences(of: "11 12 13 22 23 33", with: "4 1 0.5 3 -0.25 2")
        let (p, report) = try G2OReader.read(text: pd)
        #expect(report.projectedInformationCount == 0)
        guard case .betweenSE2(let f) = p.factors[0] else { Issue.record("wrong factor"); return }
        #expect(f.information.matrix == [4, 1, 0.5, 1, 3, -0.25, 0.5, -0.25, 2])
        // e = Log(X1) = (1, 2, 0) for θ = 0: ½ eᵀΩe = ½(4 + 2·2·1 + 3·4) = 10.
        #expect(abs(p.cost(precision: .fp64) - 10) <= 1e-14)

        let se3 = """
            VERTEX_SE3:QUAT 0 0 0 0 0 0 0 1
            VERTEX_SE3:QUAT 1 1 2 3 0 0 0 1
            EDGE_SE3:QUAT 0 1 0 0 0 0 0 0 1 10 1 2 0 0 0 10 3 0 0 0 10 0 0 0 10 0 0 10 0 10
            """
        let (q, _) = try G2OReader.read(text: se3)
        guard case .betweenSE3(let g) = q.factors[0] else { Issue.record("wrong factor"); return }
        #expect(g.information.matrix[0 * 6 + 1] == 1 && g.information.matrix[1 * 6 + 0] == 1)
        #expect(g.information.matrix[0 * 6 + 2] == 2 && g.information.matrix[1 * 6 + 2] == 3)
        // e = (1, 2, 3, 0, 0, 0): ½(10·(1+4+9) + 2·(1·2 + 2·3 + 3·6)) = ½(140 + 52) = 96.
        #expect(abs(q.cost(precision: .fp64) - 96) <= 1e-12)
    }

    @Test("Blank lines, tabs, repeated spaces, comments, reversed and duplicate edges are accepted")
    func tolerantInput() throws {
        let text = "\n# a comment\nVERTEX_SE2   0 0 0 0\n\n\tVERTEX_SE2 1\t1 0 0   \r\nVERTEX_SE2 2 2 0 0\n"
            + "EDGE_SE2 1 0 -1 0 0 1 0 0 1 0 1\nEDGE_SE2 0 1 1 0 0 1 0 0 1 0 1\nEDGE_SE2 1 2 1 0 0 1 0 0 1 0 1\n\n"
        let (p, report) = try G2OReader.read(text: text)
        #expect(report.vertexCount == 3 && report.edgeCount == 3)
        #expect(report.reversedEdgeCount == 1)
        #expect(report.duplicateEdgeCount == 1)
        #expect(abs(p.cost(precision: .fp64)) <= 1e-28)
    }

    @Test("Files without vertices are initialized by chaining odometry, including reversed edges")
    func chaining() throws {
        let text = """
            EDGE_SE2 0 1 1 0 1.5707963267948966 1 0 0 1 0 1
            EDGE_SE2 2 1 0 -2 0 1 0 0 1 0 1
            EDGE_SE2 0 2 5 5 0 1 0 0 1 0 1
            """
        let (p, report) = try G2OReader.read(text: text)
        #expect(report.chainedInitialization)
        let x1 = try #require(p.se2(1))
        let x2 = try #require(p.se2(2))
        #expect(abs(x1.translation.x - 1) <= 1e-15 && abs(x1.theta - .pi / 2) <= 1e-15)
        // X2 = X1 · Z(2→1)⁻¹ = X1 · (0, 2, 0): (1, 0) + R(π/2)(0, 2) = (−1, 0).
        #expect(abs(x2.translation.x + 1) <= 1e-15 && abs(x2.translation.y) <= 1e-15)
        #expect(p.isFixed(0))

        let broken = "EDGE_SE2 0 1 1 0 0 1 0 0 1 0 1\nEDGE_SE2 2 3 1 0 0 1 0 0 1 0 1\n"
        #expect(throws: FormatError(line: 1, .brokenChain(from: 1))) { try G2OReader.read(text: broken) }
    }

    @Test("Malformed input: typed errors naming the line")
    func malformed() throws {
        let vertices = "VERTEX_SE2 0 0 0 0\nVERTEX_SE2 1 1 0 0\n"
        let cases: [(String, FormatError)] = [
            (vertices + "EDGE_SE2 0 1 1 0 0 1 0 0 1 0\n", FormatError(line: 3, .missingField(expected: 12, found: 11))),
            (vertices + "EDGE_SE2 0 1 1 0 0 1 0 0 1 0 1 7\n", FormatError(line: 3, .extraField(expected: 12, found: 13))),
            (vertices + "EDGE_SE2 0 1 1 x 0 1 0 0 1 0 1\n", FormatError(line: 3, .invalidNumber("x"))),
            (vertices + "EDGE_SE2 0 1 1 0 0 nan 0 0 1 0 1\n", FormatError(line: 3, .nonFinite("nan"))),
            (vertices + "EDGE_SE2 0 7 1 0 0 1 0 0 1 0 1\n", FormatError(line: 3, .unknownVertex(7))),
            (vertices + "EDGE_SE2 0.5 1 1 0 0 1 0 0 1 0 1\n", FormatError(line: 3, .invalidNumber("0.5"))),
            (vertices + "EDGE_FOO 0 1\n", FormatError(line: 3, .unknownTag("EDGE_FOO"))),
            ("VERTEX_SE3:QUAT 0 1 2 3 0 0 0 0\n", FormatError(line: 1, .zeroQuaternion)),
            (vertices + "VERTEX_SE2 1 0 0 0\n", FormatError(line: 3, .duplicateVertex(1))),
            (vertices + "FIX 9\n", FormatError(line: 3, .unknownVertex(9))),
            (vertices + "VERTEX_SE2 1e400 0 0 0\n", FormatError(line: 3, .invalidNumber("1e400"))),
        ]
        for (text, expected) in cases {
            do {
                _ = try G2OReader.read(text: text)
                Issue.record("accepted malformed input, expected \(expected)")
            } catch {
                #expect(error.line == expected.line && error.reason == expected.reason, "\(error)")
            }
        }
    }

    @Test("Unknown tags can be skipped with a report entry")
    func skipUnknown() throws {
        var options = G2OReadOptions()
        options.skipUnknownTags = true
        let (p, report) = try G2OReader.read(text: "VERTEX_SE2 0 0 0 0\nPARAMS_FOO 1 2\nVERTEX_SE2 1 1 0 0\n", options: options)
        #expect(p.variableCount == 2)
        #expect(report.skippedLines == [.init(line: 2, tag: "PARAMS_FOO")])
    }

    @Test("Indefinite information is projected and counted by default, rejected on request")
    func indefiniteInformation() throws {
        let text = "VERTEX_SE2 0 0 0 0\nVERTEX_SE2 1 1 0 0\nEDGE_SE2 0 1 1 0 0 1 2 0 1 0 1\n"
        let (p, report) = try G2OReader.read(text: text)
        #expect(report.projectedInformationCount == 1)
        guard case .betweenSE2(let f) = p.factors[0] else { Issue.record("wrong factor"); return }
        // [[1,2,0],[2,1,0],[0,0,1]] has eigenvalues 3, −1, 1: projection gives [[1.5,1.5,0],[1.5,1.5,0],[0,0,1]].
        let expected = [1.5, 1.5, 0, 1.5, 1.5, 0, 0, 0, 1]
        #expect(zip(f.information.matrix, expected).allSatisfy { abs($0 - $1) <= 1e-14 })
        var options = G2OReadOptions()
        options.informationPolicy = .reject
        do {
            _ = try G2OReader.read(text: text, options: options)
            Issue.record("accepted indefinite information")
        } catch {
            guard case .indefiniteInformation(let smallest) = error.reason else { Issue.record("\(error)"); return }
            #expect(error.line == 3)
            #expect(abs(smallest + 1) <= 1e-12)
        }
    }

    @Test("A missing file is a typed error naming the path")
    func missingFile() {
        #expect(throws: FormatError(file: "/nonexistent/x.g2o", line: 0, .unreadable("no such file or not readable"))) {
            try G2OReader.read(contentsOf: "/nonexistent/x.g2o")
        }
    }
}
