import SLAMGeometry
import SLAMNonlinear

/// A pose with its timestamp, one line of a TUM trajectory.
public struct TimedPose: Sendable, Equatable {
    /// Seconds.
    public var timestamp: Double
    /// World-from-body pose.
    public var pose: SE3<Double>

    /// A timed pose.
    public init(timestamp: Double, pose: SE3<Double>) {
        self.timestamp = timestamp
        self.pose = pose
    }
}

/// TUM RGB-D trajectory files (`timestamp x y z qx qy qz qw` per line, `#` comments), the
/// format `evo_ape` reads.
public enum TUMTrajectory {
    /// The SE(3) lift of a planar pose: z = 0, rotation about the z axis.
    public static func lift(_ pose: SE2<Double>) -> SE3<Double> {
        SE3(
            rotation: .exp(SIMD3(0, 0, pose.theta)),
            translation: SIMD3(pose.translation.x, pose.translation.y, 0))
    }

    /// The poses of `problem` (SE(2) lifted with z = 0, SE(3) as is) in insertion order,
    /// stamped `timestamps[k]` or, without timestamps, k.
    ///
    /// - Throws: ``FormatError/Reason/inconsistent(_:)`` (line 0) when `timestamps` does not
    ///   hold one timestamp per pose.
    public static func poses(of problem: Problem, timestamps: [Double]? = nil) throws(FormatError) -> [TimedPose] {
        var out: [TimedPose] = []
        for id in problem.variableIDs {
            let pose: SE3<Double>
            if let x = problem.se2(id) {
                pose = lift(x)
            } else if let x = problem.se3(id) {
                pose = x
            } else {
                continue
            }
            out.append(TimedPose(timestamp: Double(out.count), pose: pose))
        }
        if let timestamps {
            guard timestamps.count == out.count else {
                throw FormatError(line: 0, .inconsistent("\(timestamps.count) timestamps for \(out.count) poses"))
            }
            for k in out.indices { out[k].timestamp = timestamps[k] }
        }
        return out
    }

    /// TUM text of `poses`.
    ///
    /// - Throws: ``FormatError/Reason/nonFinite(_:)`` at the line a NaN or infinite timestamp
    ///   or pose component would take (the reader refuses such lines).
    public static func text(of poses: [TimedPose]) throws(FormatError) -> String {
        var out = ""
        out.reserveCapacity(poses.count * 120)
        for (k, p) in poses.enumerated() {
            let t = p.pose.translation
            let q = p.pose.rotation.quaternionXYZW
            let fields = [p.timestamp, t.x, t.y, t.z, q.x, q.y, q.z, q.w]
            if let bad = fields.first(where: { !$0.isFinite }) { throw FormatError(line: k + 1, .nonFinite("\(bad)")) }
            out += fields.map(formatted).joined(separator: " ") + "\n"
        }
        return out
    }

    /// Writes `poses` to `path`; throws as ``text(of:)`` does, before the file is created.
    public static func write(_ poses: [TimedPose], to path: String) throws(FormatError) {
        try writeText(text(of: poses), to: path)
    }

    /// Reads the file at `path`.
    public static func read(contentsOf path: String) throws(FormatError) -> [TimedPose] {
        var scanner = try TextScanner.reading(path: path)
        return try read(&scanner)
    }

    /// Reads TUM text held in memory.
    public static func read(text: String) throws(FormatError) -> [TimedPose] {
        var scanner = TextScanner(bytes: Array(text.utf8), file: nil)
        return try read(&scanner)
    }

    private static func read(_ s: inout TextScanner) throws(FormatError) -> [TimedPose] {
        var out: [TimedPose] = []
        while s.nextNonBlankLine() {
            if s.isComment { continue }
            try s.expectFields(8)
            let t = try s.double(0)
            let position = SIMD3(try s.double(1), try s.double(2), try s.double(3))
            let (qx, qy, qz, qw) = (try s.double(4), try s.double(5), try s.double(6), try s.double(7))
            guard let q = SO3<Double>(normalizingW: qw, x: qx, y: qy, z: qz) else { throw s.error(.zeroQuaternion) }
            out.append(TimedPose(timestamp: t, pose: SE3(rotation: q, translation: position)))
        }
        return out
    }
}
