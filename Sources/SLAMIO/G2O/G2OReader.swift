import SLAMGeometry
import SLAMNonlinear

/// Reads g2o pose-graph files: `VERTEX_SE2`, `EDGE_SE2`, `VERTEX_SE3:QUAT`, `EDGE_SE3:QUAT`,
/// `FIX`, blank lines and `#` comments.
///
/// Edges carry the upper triangle of their information matrix row-major (6 values for SE(2)
/// in (x, y, θ) order, 21 for SE(3) in (x, y, z, rotation) order). Quaternions are
/// normalized. A file without vertices gets its initial poses by chaining odometry edges
/// i → i+1 from the smallest id (held at the identity). Loading is one pass over the bytes
/// plus a linear build of the problem.
public enum G2OReader {
    /// Reads the file at `path`.
    public static func read(
        contentsOf path: String, options: G2OReadOptions = G2OReadOptions()
    ) throws(FormatError) -> (problem: Problem, report: G2OLoadReport) {
        var scanner = try TextScanner.reading(path: path)
        return try read(&scanner, options: options)
    }

    /// Reads g2o text held in memory.
    public static func read(
        text: String, options: G2OReadOptions = G2OReadOptions()
    ) throws(FormatError) -> (problem: Problem, report: G2OLoadReport) {
        var scanner = TextScanner(bytes: Array(text.utf8), file: nil)
        return try read(&scanner, options: options)
    }

    private enum Vertex {
        case se2(SE2<Double>)
        case se3(SE3<Double>)
    }

    private struct Edge {
        var line: Int
        var from: Int
        var to: Int
        var factor: Factor
    }

    private static func read(
        _ s: inout TextScanner, options: G2OReadOptions
    ) throws(FormatError) -> (problem: Problem, report: G2OLoadReport) {
        var report = G2OLoadReport()
        var vertexOrder: [(id: Int, line: Int, value: Vertex)] = []
        var vertexLine: [Int: Int] = [:]
        var edges: [Edge] = []
        var fixed: [(id: Int, line: Int)] = []
        var seenPairs = Set<Int64>()

        while s.nextNonBlankLine() {
            if s.tokens.isEmpty { continue }
            if s.token(0, is: "VERTEX_SE2") {
                try s.expectFields(5)
                let id = try s.integer(1)
                let x = SE2(x: try s.double(2), y: try s.double(3), theta: try s.double(4))
                if vertexLine[id] != nil { throw s.error(.duplicateVertex(id)) }
                vertexLine[id] = s.line
                vertexOrder.append((id, s.line, .se2(x)))
            } else if s.token(0, is: "VERTEX_SE3:QUAT") {
                try s.expectFields(9)
                let id = try s.integer(1)
                let x = SE3(rotation: try quaternion(s, at: 5), translation: SIMD3(try s.double(2), try s.double(3), try s.double(4)))
                if vertexLine[id] != nil { throw s.error(.duplicateVertex(id)) }
                vertexLine[id] = s.line
                vertexOrder.append((id, s.line, .se3(x)))
            } else if s.token(0, is: "EDGE_SE2") {
                try s.expectFields(12)
                let from = try s.integer(1)
                let to = try s.integer(2)
                let z = SE2(x: try s.double(3), y: try s.double(4), theta: try s.double(5))
                let info = try information(s, from: 6, dimension: 3, options: options, report: &report)
                let factor: BetweenFactorSE2
                do { factor = try BetweenFactorSE2(from: from, to: to, measurement: z, information: info) } catch {
                    throw s.error(.inconsistent(error.description))
                }
                note(from, to, &seenPairs, &report)
                edges.append(Edge(line: s.line, from: from, to: to, factor: .betweenSE2(factor)))
            } else if s.token(0, is: "EDGE_SE3:QUAT") {
                try s.expectFields(31)
                let from = try s.integer(1)
                let to = try s.integer(2)
                let z = SE3(rotation: try quaternion(s, at: 6), translation: SIMD3(try s.double(3), try s.double(4), try s.double(5)))
                let info = try information(s, from: 10, dimension: 6, options: options, report: &report)
                let factor: BetweenFactorSE3
                do {
                    factor = try BetweenFactorSE3(from: from, to: to, measurement: z, information: info, error: options.se3Error)
                } catch {
                    throw s.error(.inconsistent(error.description))
                }
                note(from, to, &seenPairs, &report)
                edges.append(Edge(line: s.line, from: from, to: to, factor: .betweenSE3(factor)))
            } else if s.token(0, is: "FIX") {
                guard s.tokens.count >= 2 else { throw s.error(.missingField(expected: 2, found: s.tokens.count)) }
                for k in 1..<s.tokens.count { fixed.append((try s.integer(k), s.line)) }
            } else if s.isComment {
                continue
            } else if options.skipUnknownTags {
                report.skippedLines.append(.init(line: s.line, tag: s.text(0)))
            } else {
                throw s.error(.unknownTag(s.text(0)))
            }
        }

        report.vertexCount = vertexOrder.count
        report.edgeCount = edges.count
        var problem = Problem()
        problem.gauge = options.gauge
        if vertexOrder.isEmpty, !edges.isEmpty {
            try chain(edges, into: &problem, file: s.file)
            report.chainedInitialization = true
        } else {
            for v in vertexOrder {
                do {
                    switch v.value {
                    case .se2(let x): try problem.addSE2(id: v.id, x)
                    case .se3(let x): try problem.addSE3(id: v.id, x)
                    }
                } catch {
                    throw FormatError(file: s.file, line: v.line, .inconsistent(error.description))
                }
            }
        }
        for e in edges {
            do { try problem.add(e.factor) } catch {
                switch error {
                case .unknownVariable(let id): throw FormatError(file: s.file, line: e.line, .unknownVertex(id))
                default: throw FormatError(file: s.file, line: e.line, .inconsistent(error.description))
                }
            }
        }
        report.componentCount = componentCount(problem.variableIDs, edges)
        for f in fixed {
            do { try problem.setFixed(f.id) } catch {
                throw FormatError(file: s.file, line: f.line, .unknownVertex(f.id))
            }
            report.fixedVertexIDs.append(f.id)
        }
        return (problem, report)
    }

    /// Number of connected components, by union-find over the edges (path halving).
    private static func componentCount(_ ids: [Int], _ edges: [Edge]) -> Int {
        var index: [Int: Int] = [:]
        index.reserveCapacity(ids.count)
        for (k, id) in ids.enumerated() { index[id] = k }
        var parent = Array(0..<ids.count)
        func root(_ v: Int) -> Int {
            var v = v
            while parent[v] != v {
                parent[v] = parent[parent[v]]
                v = parent[v]
            }
            return v
        }
        var components = ids.count
        for e in edges {
            guard let a = index[e.from], let b = index[e.to] else { continue }
            let (ra, rb) = (root(a), root(b))
            if ra != rb {
                parent[ra] = rb
                components -= 1
            }
        }
        return components
    }

    private static func note(_ from: Int, _ to: Int, _ seen: inout Set<Int64>, _ report: inout G2OLoadReport) {
        if from > to { report.reversedEdgeCount += 1 }
        let key = Int64(min(from, to)) << 32 ^ Int64(max(from, to))
        if !seen.insert(key).inserted { report.duplicateEdgeCount += 1 }
    }

    /// The unit quaternion from tokens qx qy qz qw at `k`...`k+3`.
    private static func quaternion(_ s: TextScanner, at k: Int) throws(FormatError) -> SO3<Double> {
        let (x, y, z, w) = (try s.double(k), try s.double(k + 1), try s.double(k + 2), try s.double(k + 3))
        guard let q = SO3<Double>(normalizingW: w, x: x, y: y, z: z) else { throw s.error(.zeroQuaternion) }
        return q
    }

    /// The information matrix from its upper triangle at tokens `k`..., validated or projected.
    private static func information(
        _ s: TextScanner, from k: Int, dimension n: Int, options: G2OReadOptions, report: inout G2OLoadReport
    ) throws(FormatError) -> InformationMatrix {
        var m = [Double](repeating: 0, count: n * n)
        var t = k
        for i in 0..<n {
            for j in i..<n {
                let v = try s.double(t)
                m[i * n + j] = v
                m[j * n + i] = v
                t += 1
            }
        }
        do {
            return try InformationMatrix(m, dimension: n)
        } catch {
            guard case .indefinite(let smallest) = error else { throw s.error(.inconsistent(error.description)) }
            guard options.informationPolicy == .project else { throw s.error(.indefiniteInformation(smallestEigenvalue: smallest)) }
            report.projectedInformationCount += 1
            do {
                return try InformationMatrix(try InformationMatrix.projected(m, dimension: n), dimension: n)
            } catch {
                throw s.error(.inconsistent(error.description))
            }
        }
    }

    /// Initial poses for a file without vertices: the smallest id at the identity, then
    /// X_{i+1} = X_i · Z_{i→i+1} (or Z⁻¹ for an edge stored as i+1 → i) over consecutive ids.
    private static func chain(_ edges: [Edge], into problem: inout Problem, file: String?) throws(FormatError) {
        var odometry: [Int: Factor] = [:]
        var ids = Set<Int>()
        var is3D = false
        for e in edges {
            ids.insert(e.from)
            ids.insert(e.to)
            if case .betweenSE3 = e.factor { is3D = true }
            // Ids near Int.max have no successor: compare without forming id + 1.
            if e.from < e.to, e.to - 1 == e.from, odometry[e.from] == nil {
                odometry[e.from] = e.factor
            } else if e.to < e.from, e.from - 1 == e.to, odometry[e.to] == nil {
                odometry[e.to] = e.factor
            }
        }
        let sorted = ids.sorted()
        var pose2 = SE2<Double>.identity
        var pose3 = SE3<Double>.identity
        for (k, id) in sorted.enumerated() {
            if k > 0 {
                let previous = sorted[k - 1]
                guard previous + 1 == id, let factor = odometry[previous] else {
                    let line = edges.first { $0.from == previous || $0.to == previous }?.line ?? 0
                    throw FormatError(file: file, line: line, .brokenChain(from: previous))
                }
                switch factor {
                case .betweenSE2(let f):
                    pose2 = (pose2 * (f.from == previous ? f.measurement : f.measurement.inverse)).normalized
                case .betweenSE3(let f):
                    pose3 = (pose3 * (f.from == previous ? f.measurement : f.measurement.inverse)).normalized
                default:
                    break
                }
            }
            do {
                if is3D { try problem.addSE3(id: id, pose3) } else { try problem.addSE2(id: id, pose2) }
            } catch {
                throw FormatError(file: file, line: 0, .inconsistent(error.description))
            }
        }
    }
}
