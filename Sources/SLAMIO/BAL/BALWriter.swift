import SLAMGeometry
import SLAMNonlinear

/// Writes BAL files: cameras are the problem's BAL cameras in insertion order, points its
/// 3-D points in insertion order, observations its ``BALReprojectionFactor``s in factor
/// order; one value per line after the observations, as the public files do.
public enum BALWriter {
    /// The BAL text of `problem`. Throws ``FormatError/Reason/unsupported(_:)`` if the problem
    /// holds other variables or factors.
    public static func text(of problem: Problem) throws(FormatError) -> String {
        var cameraIndex: [Int: Int] = [:]
        var pointIndex: [Int: Int] = [:]
        var cameras: [BALCamera] = []
        var points: [SIMD3<Double>] = []
        for id in problem.variableIDs {
            if let c = problem.balCamera(id) {
                cameraIndex[id] = cameras.count
                cameras.append(c)
            } else if let p = problem.point3(id) {
                pointIndex[id] = points.count
                points.append(p)
            } else {
                throw FormatError(line: 0, .unsupported("variable \(id) is neither a BAL camera nor a point"))
            }
        }
        var lines: [String] = []
        let factors = problem.factors
        lines.reserveCapacity(1 + factors.count + 9 * cameras.count + 3 * points.count)
        lines.append("\(cameras.count) \(points.count) \(factors.count)")
        for (k, factor) in factors.enumerated() {
            guard case .balReprojection(let f) = factor, let c = cameraIndex[f.camera], let p = pointIndex[f.point] else {
                throw FormatError(line: 0, .unsupported("factor \(k) is not a BAL observation"))
            }
            lines.append("\(c) \(p) \(formatted(f.measurement.x)) \(formatted(f.measurement.y))")
        }
        for c in cameras { lines += c.parameters.map(formatted) }
        for p in points { lines += [p.x, p.y, p.z].map(formatted) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `problem` to `path`.
    public static func write(_ problem: Problem, to path: String) throws(FormatError) {
        try writeText(try text(of: problem), to: path)
    }
}
