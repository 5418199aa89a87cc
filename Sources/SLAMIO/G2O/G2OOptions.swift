import SLAMNonlinear

/// How the g2o reader treats questionable input. Defaults follow what users of g2o and
/// GTSAM expect from public benchmark files.
public struct G2OReadOptions: Sendable, Equatable {
    /// What to do with an indefinite information matrix.
    public enum InformationPolicy: Sendable, Equatable {
        /// Replace it by the nearest PSD matrix (negative eigenvalues clamped to zero) and
        /// count it in ``G2OLoadReport/projectedInformationCount``.
        case project
        /// Throw ``FormatError/Reason/indefiniteInformation(smallestEigenvalue:)``.
        case reject
    }

    /// Indefinite information matrices: ``InformationPolicy/project`` by default.
    public var informationPolicy: InformationPolicy = .project
    /// Lines with an unknown tag: throw (false, the default) or skip and list them in
    /// ``G2OLoadReport/skippedLines`` (true).
    public var skipUnknownTags = false
    /// Error convention of `EDGE_SE3:QUAT` factors: ``SE3ErrorConvention/logMap`` by default.
    public var se3Error: SE3ErrorConvention = .logMap
    /// Gauge of the loaded problem; `FIX` lines fix their vertices in addition.
    public var gauge: Problem.Gauge = .fixFirstPose

    /// The defaults.
    public init() {}
}

/// What the g2o reader found and repaired.
public struct G2OLoadReport: Sendable, Equatable {
    /// Number of `VERTEX_*` lines.
    public var vertexCount = 0
    /// Number of `EDGE_*` lines (each becomes one factor).
    public var edgeCount = 0
    /// Information matrices projected to PSD.
    public var projectedInformationCount = 0
    /// Edges whose vertex pair (in either direction) already had an edge.
    public var duplicateEdgeCount = 0
    /// Edges stored from the higher to the lower id.
    public var reversedEdgeCount = 0
    /// Whether the file had no vertices and poses were chained from odometry edges.
    public var chainedInitialization = false
    /// Connected components of the graph (vertices joined by edges; a vertex without edges
    /// is a component of its own). More than one means the file holds maps whose relative
    /// placement nothing observes: the default gauge fixes only the first pose, the other
    /// components float, and Levenberg-Marquardt's damping keeps their steps finite and
    /// minimum-norm in those directions, so each component still reaches its own optimum.
    public var componentCount = 0
    /// Vertex ids fixed by `FIX` lines.
    public var fixedVertexIDs: [Int] = []
    /// Skipped lines (line number, tag) when unknown tags are allowed.
    public var skippedLines: [SkippedLine] = []

    /// A line the reader skipped.
    public struct SkippedLine: Sendable, Equatable {
        /// 1-based line number.
        public var line: Int
        /// The unknown tag.
        public var tag: String

        /// A skipped line record.
        public init(line: Int, tag: String) {
            self.line = line
            self.tag = tag
        }
    }

    /// Empty report.
    public init() {}
}
