/// One rule of the thresholds applied to one number of the report.
public struct ThresholdCheck: Sendable, Codable, Equatable {
    /// The rule, e.g. `fp64 final cost ≤ reference × (1 + 1e-4)`.
    public var rule: String
    /// What it was applied to, e.g. `intel.g2o` or `lc adaptive`.
    public var subject: String
    /// The measured value.
    public var value: Double
    /// The limit the value had to respect.
    public var limit: Double
    /// Whether it held (NaN values never do).
    public var passed: Bool
    /// For a failed check listed in the thresholds' known gaps: the documented reason. Such a
    /// check is reported but is not a breach.
    public var knownGap: String?

    /// Whether the check failed and is not a documented known gap.
    public var isBreach: Bool { !passed && knownGap == nil }

    /// Creates a check; see each property.
    public init(rule: String, subject: String, value: Double, limit: Double, passed: Bool) {
        self.rule = rule
        self.subject = subject
        self.value = value
        self.limit = limit
        self.passed = passed
    }

    /// One line naming the breach or the pass, for the terminal and the report.
    public var description: String {
        let verdict = passed ? "ok" : knownGap.map { "KNOWN GAP (\($0))" } ?? "BREACH"
        return "\(verdict) \(subject): \(rule) (value \(value), limit \(limit))"
    }
}
