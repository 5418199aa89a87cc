import SLAMGeometry
import SLAMNonlinear

/// Writes SE(2)/SE(3) pose graphs as g2o text: vertices in insertion order, then edges in
/// factor order (information as its upper triangle, row-major), then `FIX` for explicitly
/// fixed vertices. Numbers use the shortest round-trip decimal form.
public enum G2OWriter {
    /// The g2o text of `problem`. Throws ``FormatError/Reason/unsupported(_:)`` for variables
    /// or factors g2o's four tags cannot express (points, cameras, priors, projections).
    public static func text(of problem: Problem) throws(FormatError) -> String {
        var out = ""
        out.reserveCapacity(problem.variableCount * 60 + problem.factorCount * 120)
        for id in problem.variableIDs {
            if let x = problem.se2(id) {
                out += "VERTEX_SE2 \(id) \(formatted(x.translation.x)) \(formatted(x.translation.y)) \(formatted(x.theta))\n"
            } else if let x = problem.se3(id) {
                out += "VERTEX_SE3:QUAT \(id) \(vector(x))\n"
            } else {
                throw FormatError(line: 0, .unsupported("variable \(id) is not a pose"))
            }
        }
        for (k, factor) in problem.factors.enumerated() {
            switch factor {
            case .betweenSE2(let f):
                let z = f.measurement
                out += "EDGE_SE2 \(f.from) \(f.to) \(formatted(z.translation.x)) \(formatted(z.translation.y)) \(formatted(z.theta)) "
                out += upperTriangle(f.information) + "\n"
            case .betweenSE3(let f):
                out += "EDGE_SE3:QUAT \(f.from) \(f.to) \(vector(f.measurement)) " + upperTriangle(f.information) + "\n"
            default:
                throw FormatError(line: 0, .unsupported("factor \(k) has no g2o edge type"))
            }
        }
        let fixed = problem.variableIDs.filter { problem.isExplicitlyFixed($0) }
        if !fixed.isEmpty { out += "FIX " + fixed.map(String.init).joined(separator: " ") + "\n" }
        return out
    }

    /// Writes `problem` to `path`.
    public static func write(_ problem: Problem, to path: String) throws(FormatError) {
        try writeText(try text(of: problem), to: path)
    }

    private static func vector(_ x: SE3<Double>) -> String {
        let q = x.rotation.quaternionXYZW
        return [x.translation.x, x.translation.y, x.translation.z, q.x, q.y, q.z, q.w].map(formatted).joined(separator: " ")
    }

    private static func upperTriangle(_ info: InformationMatrix) -> String {
        let n = info.dimension
        var values: [String] = []
        for i in 0..<n { for j in i..<n { values.append(formatted(info.matrix[i * n + j])) } }
        return values.joined(separator: " ")
    }
}
