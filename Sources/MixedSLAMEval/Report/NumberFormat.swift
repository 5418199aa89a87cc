import Foundation

/// Number formatting shared by the report writers: `%g` with a fixed count of significant
/// digits, so tables stay narrow and comparable across runs.
enum NumberFormat {
    /// `value` with `digits` significant digits; NaN and infinities spelled out.
    static func significant(_ value: Double, _ digits: Int = 5) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)g", value)
    }

    /// Seconds as milliseconds with 4 significant digits.
    static func milliseconds(_ seconds: Double) -> String { significant(seconds * 1000, 4) }

    /// The full-precision decimal text of `value` (round-trips), for CSV.
    static func exact(_ value: Double) -> String { "\(value)" }
}
