/// The result of an external tool checking our numbers (`scripts/crosscheck_evo.py`,
/// `scripts/crosscheck_gtsam.py`), as the script writes it to `<out>/crosscheck-<tool>.json`.
public struct CrossCheck: Sendable, Codable, Equatable {
    /// One compared quantity.
    public struct Row: Sendable, Codable, Equatable {
        /// What was compared, e.g. `intel.g2o` or `intel.g2o mixed`.
        public var subject: String
        /// The quantity: `ATE RMSE m` (evo) or `final cost` (GTSAM).
        public var quantity: String
        /// Our value.
        public var ours: Double
        /// The tool's value.
        public var theirs: Double
        /// |ours − theirs| / max(|ours|, |theirs|) (0 when both are 0).
        public var relativeDifference: Double
        /// Our solve seconds, when the tool timed a solve too.
        public var oursSeconds: Double?
        /// The tool's solve seconds.
        public var theirsSeconds: Double?
        /// The tool's iterations, when it solved.
        public var theirsIterations: Int?

        /// Creates a row; see each property.
        public init(
            subject: String, quantity: String, ours: Double, theirs: Double, relativeDifference: Double,
            oursSeconds: Double? = nil, theirsSeconds: Double? = nil, theirsIterations: Int? = nil
        ) {
            self.subject = subject
            self.quantity = quantity
            self.ours = ours
            self.theirs = theirs
            self.relativeDifference = relativeDifference
            self.oursSeconds = oursSeconds
            self.theirsSeconds = theirsSeconds
            self.theirsIterations = theirsIterations
        }
    }

    /// Tool name: `evo` or `gtsam`.
    public var tool: String
    /// Tool version, when known.
    public var version: String?
    /// `ok`, or `skipped` (the tool is not installed, e.g. offline) with `reason`.
    public var status: String
    /// Why the check was skipped or failed.
    public var reason: String?
    /// The comparisons.
    public var rows: [Row]

    /// Creates a cross-check; see each property.
    public init(tool: String, version: String? = nil, status: String, reason: String? = nil, rows: [Row]) {
        self.tool = tool
        self.version = version
        self.status = status
        self.reason = reason
        self.rows = rows
    }
}
