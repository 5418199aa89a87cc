/// One g2o file of the dataset directory solved with every plan.
public struct DatasetResult: Sendable, Codable, Equatable {
    /// File name, e.g. `intel.g2o` (the key of the thresholds' reference costs).
    public var file: String
    /// Pose vertices.
    public var vertices: Int
    /// Edges.
    public var edges: Int
    /// Whether the start was built by chaining odometry (files without vertices).
    public var chainedInitialization: Bool
    /// Seconds to read the file.
    public var loadSeconds: Double
    /// Per-plan results, fp64 first.
    public var plans: [PoseGraphBenchmark.PlanResult]

    /// Creates a dataset result; see each property.
    public init(
        file: String, vertices: Int, edges: Int, chainedInitialization: Bool, loadSeconds: Double,
        plans: [PoseGraphBenchmark.PlanResult]
    ) {
        self.file = file
        self.vertices = vertices
        self.edges = edges
        self.chainedInitialization = chainedInitialization
        self.loadSeconds = loadSeconds
        self.plans = plans
    }

    /// The result of `plan`, if it ran.
    public func result(of plan: String) -> PoseGraphBenchmark.PlanResult? {
        plans.first { $0.plan == plan }
    }
}
