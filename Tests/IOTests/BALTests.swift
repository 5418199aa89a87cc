import Foundation
import Testing
import MixedSLAM
import MixedSLAMTestSupport

@Suite("BAL reader and writer")
struct BALTests {
    private func sample() throws -> Problem {
        var r = SeededGenerator(seed: 71)
        var p = Problem()
        p.gauge = .explicitOnly
        for c in 0..<2 {
            let camera = BALCamera(
                rotation: .exp(r.vector3(1)), translation: r.vector3(2), focalLength: r.uniform(400...600),
                k1: r.uniform(-0.1...0.1), k2: r.uniform(-0.01...0.01))
            try p.addBALCamera(id: c, camera)
        }
        for k in 0..<3 { try p.addPoint3(id: 2 + k, r.vector3(3)) }
        for (c, k) in [(0, 0), (0, 1), (1, 1), (1, 2), (0, 2)] {
            try p.add(BALReprojectionFactor(camera: c, point: 2 + k, measurement: SIMD2(r.uniform(-300...300), r.uniform(-300...300))))
        }
        return p
    }

    @Test("write → read reproduces cameras, points, observations and cost")
    func roundTrip() throws {
        let p = try sample()
        let dataset = try BALReader.read(text: try BALWriter.text(of: p))
        #expect(dataset.cameraCount == 2 && dataset.pointCount == 3)
        #expect(dataset.problem.factors == p.factors)
        for c in 0..<2 {
            let a = try #require(p.balCamera(c))
            let b = try #require(dataset.problem.balCamera(dataset.cameraID(c)))
            #expect((a.rotation.inverse * b.rotation).angle <= 8 * Double.ulpOfOne)
            #expect(a.translation == b.translation && a.focalLength == b.focalLength && a.k1 == b.k1 && a.k2 == b.k2)
        }
        for k in 0..<3 { #expect(p.point3(2 + k) == dataset.problem.point3(dataset.pointID(k))) }
        let cost = p.cost(precision: .fp64)
        #expect(abs(dataset.problem.cost(precision: .fp64) - cost) <= 1e-12 * cost)
    }

    @Test("Malformed BAL input: typed errors naming the line")
    func malformed() {
        let cases: [(String, FormatError.Reason, Int)] = [
            ("1 1 1\n0 0 1.0 2.0\n0 0 0 0 0 0 1 0 0\n1 2\n", .truncated(expected: 3, found: 2), 4),
            ("1 1 1\n0 3 1.0 2.0\n", .unknownVertex(3), 2),
            ("1 1 1\n0 0 1.0 abc\n", .invalidNumber("abc"), 2),
            ("1 1 1\n0 0 1.0 2.0\n0 0 0 0 0 0 nan 0 0\n1 2 3\n", .nonFinite("nan"), 3),
            ("1 1\n", .truncated(expected: 3, found: 2), 1),
        ]
        for (text, reason, line) in cases {
            do {
                _ = try BALReader.read(text: text)
                Issue.record("accepted malformed BAL input \(text)")
            } catch {
                #expect(error.reason == reason && error.line == line, "\(error)")
            }
        }
    }

    @Test("Public dubrovnik sample loads with its counts", .enabled(if: datasetDirectory != nil))
    func dubrovnik() throws {
        let dataset = try BALReader.read(contentsOf: datasetDirectory! + "/dubrovnik-3-7-pre.txt")
        #expect(dataset.cameraCount == 3 && dataset.pointCount == 7)
        #expect(dataset.problem.factorCount == 19)
        let cost = dataset.problem.cost(precision: .fp64)
        #expect(cost.isFinite && cost > 0)
        print("dataset dubrovnik-3-7-pre.txt: initial cost \(cost)")
    }
}

@Suite("TUM trajectories")
struct TUMTests {
    @Test("write → read round-trips SE3 poses; SE2 poses are written with z = 0")
    func roundTrip() throws {
        var r = SeededGenerator(seed: 81)
        let poses = (0..<5).map { TimedPose(timestamp: 1.5 + Double($0) * 0.1, pose: r.pose3(translation: 5)) }
        let back = try TUMTrajectory.read(text: "# timestamp x y z qx qy qz qw\n" + (try TUMTrajectory.text(of: poses)))
        #expect(back.count == 5)
        for (a, b) in zip(poses, back) {
            #expect(a.timestamp == b.timestamp && a.pose.translation == b.pose.translation)
            #expect((a.pose.rotation.inverse * b.pose.rotation).angle <= 8 * Double.ulpOfOne)
        }
        var p = Problem()
        try p.addSE2(id: 4, SE2(x: 1, y: 2, theta: 0.5))
        let lifted = try TUMTrajectory.poses(of: p, timestamps: [10])
        let text = try TUMTrajectory.text(of: lifted)
        let fields = text.split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        #expect(fields[0] == 10 && fields[1] == 1 && fields[2] == 2 && fields[3] == 0)
        #expect(fields[4] == 0 && fields[5] == 0)
        #expect(abs(fields[6] - sin(0.25)) <= 1e-15 && abs(fields[7] - cos(0.25)) <= 1e-15)
    }

    @Test("Malformed TUM lines: typed errors naming the line")
    func malformed() {
        #expect(throws: FormatError(line: 2, .missingField(expected: 8, found: 7))) {
            try TUMTrajectory.read(text: "0 0 0 0 0 0 0 1\n1 0 0 0 0 0 1\n")
        }
        #expect(throws: FormatError(line: 1, .zeroQuaternion)) { try TUMTrajectory.read(text: "0 1 2 3 0 0 0 0\n") }
    }

    @Test("Writing refuses what reading would: non-finite fields, timestamps that do not match the poses")
    func unwritable() throws {
        let good = TimedPose(timestamp: 0, pose: .identity)
        #expect(throws: FormatError(line: 2, .nonFinite("nan"))) {
            try TUMTrajectory.text(of: [good, TimedPose(timestamp: .nan, pose: .identity)])
        }
        let far = SE3<Double>(rotation: .identity, translation: SIMD3(0, -Double.infinity, 0))
        #expect(throws: FormatError(line: 1, .nonFinite("-inf"))) { try TUMTrajectory.text(of: [TimedPose(timestamp: 1, pose: far)]) }
        var p = Problem()
        try p.addSE2(id: 0, .identity)
        try p.addSE2(id: 1, .identity)
        #expect(throws: FormatError(line: 0, .inconsistent("1 timestamps for 2 poses"))) {
            try TUMTrajectory.poses(of: p, timestamps: [3])
        }
        #expect(try TUMTrajectory.poses(of: p, timestamps: [3, 4]).map(\.timestamp) == [3, 4])
        #expect(try TUMTrajectory.poses(of: p).map(\.timestamp) == [0, 1])
    }
}
