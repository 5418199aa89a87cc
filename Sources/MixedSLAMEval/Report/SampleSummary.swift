/// Mean, median, 90th percentile and maximum of a sample: what the report tables show of a
/// distribution (ATE over a sequence's problems, solve times).
public struct SampleSummary: Sendable, Codable, Equatable {
    /// Number of values (NaN values included; they make every statistic NaN).
    public var count: Int
    /// Arithmetic mean.
    public var mean: Double
    /// Median (interpolated).
    public var median: Double
    /// 90th percentile (interpolated).
    public var p90: Double
    /// Largest value.
    public var max: Double

    /// Summarizes `values`; an empty sample or one holding NaN gives NaN statistics, so a
    /// failed solve shows up in the tables and fails every threshold on it instead of hiding.
    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty, !values.contains(where: \.isNaN),
              let sample = try? SortedSample(values), let p90 = try? sample.percentile(90)
        else {
            mean = .nan; median = .nan; p90 = .nan; max = .nan
            return
        }
        mean = values.reduce(0, +) / Double(values.count)
        median = sample.median
        self.p90 = p90
        max = sample.maximum
    }
}
