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
    public static func poses(of problem: Problem, timestamps: [Double]? = nil) -> [TimedPose] {
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
            let k = out.count
            out.append(TimedPose(timestamp: timestamps.map { k < $0.count ? $0[k] : Double(k) } ?? Double(k), pose: pose))
        }
        return out
    }

    /// TUM text of `poses`.
    public static func text(of poses: [TimedPose]) -> String {
        var out = ""
        out.reserveCapacity(poses.count * 120)
        for p in poses {
            let t = p.pose.translation
            let q = p.pose.rotation.quaternionXYZW
            out += [p.timestamp, t.x, t.y, t.z, q.x, q.y, q.z, q.w].map(formatted).joined(separator: " ") + "\n"
        }
        return out
    }

    /// Writes `poses` to `path`.
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
