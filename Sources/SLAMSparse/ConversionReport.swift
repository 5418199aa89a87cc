/// What a narrowing conversion (fp64 → fp32, fp64/fp32 → fp16) did to the values.
///
/// Callers report these counts in solver summaries and react to them: an overflow means the
/// matrix was not scaled enough for the target format, many flushed values mean small
/// entries were lost.
public struct ConversionReport: Sendable, Equatable, CustomStringConvertible {
    /// Values converted.
    public var valueCount: Int
    /// Finite values that became ±inf.
    public var overflowCount: Int
    /// Non-zero values that became zero or subnormal.
    public var flushedCount: Int

    /// Creates a report from counts (a conversion that did nothing has all zeros).
    public init(valueCount: Int = 0, overflowCount: Int = 0, flushedCount: Int = 0) {
        self.valueCount = valueCount
        self.overflowCount = overflowCount
        self.flushedCount = flushedCount
    }

    /// True when nothing overflowed or flushed.
    public var isClean: Bool { overflowCount == 0 && flushedCount == 0 }

    /// The counts of two conversions added.
    public static func + (lhs: ConversionReport, rhs: ConversionReport) -> ConversionReport {
        ConversionReport(
            valueCount: lhs.valueCount + rhs.valueCount,
            overflowCount: lhs.overflowCount + rhs.overflowCount,
            flushedCount: lhs.flushedCount + rhs.flushedCount)
    }

    /// `"n values, o overflowed, f flushed"`.
    public var description: String {
        "\(valueCount) values, \(overflowCount) overflowed, \(flushedCount) flushed"
    }
}
