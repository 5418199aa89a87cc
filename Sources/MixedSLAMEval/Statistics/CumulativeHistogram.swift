import Foundation

/// An empirical cumulative histogram: for each bin edge x, the fraction of values ≤ x.
///
/// This is how the reference method compares precisions over many problems (e.g. the ATE of
/// 1,703 VO windows): a curve that reaches 1 further left is more accurate.
public struct CumulativeHistogram: Sendable, Equatable {
    /// How edges are spaced between the first and the last.
    public enum Spacing: String, Sendable, CaseIterable {
        /// Equal differences between consecutive edges.
        case linear
        /// Equal ratios between consecutive edges; errors spanning decades (1e-4 m to 1e-1 m)
        /// need this to be readable.
        case logarithmic
    }

    /// The bin edges, strictly increasing.
    public let edges: [Double]
    /// `fractions[i]` is the fraction of values ≤ `edges[i]`, non-decreasing in [0, 1].
    public let fractions: [Double]
    /// Number of values the fractions are relative to.
    public let count: Int

    /// Evaluates the empirical distribution of `values` at the given strictly increasing,
    /// finite `edges`.
    public init(values: [Double], edges: [Double]) throws {
        guard !edges.isEmpty else { throw EvaluationError.emptyInput(what: "histogram edges") }
        try requireFinite(edges, what: "histogram edges")
        for index in 1..<edges.count where !(edges[index] > edges[index - 1]) {
            throw EvaluationError.invalidArgument(
                "histogram edges must increase strictly; edge \(index) is \(edges[index])")
        }
        let sample = try SortedSample(values)
        self.edges = edges
        fractions = edges.map { sample.fraction(atOrBelow: $0) }
        count = sample.count
    }

    /// Evaluates `values` at `binCount` edges spanning the data: from the minimum to the
    /// maximum for linear spacing; for logarithmic spacing from the smallest positive value
    /// (values ≤ 0 are still counted, they lie left of every edge) to the maximum.
    public init(values: [Double], binCount: Int, spacing: Spacing) throws {
        let sample = try SortedSample(values)
        let edges: [Double]
        switch spacing {
        case .linear:
            edges = try Self.edges(
                from: sample.minimum, to: sample.maximum, count: binCount, spacing: .linear)
        case .logarithmic:
            guard let smallestPositive = sample.values.first(where: { $0 > 0 }) else {
                throw EvaluationError.invalidArgument("logarithmic edges need a positive value")
            }
            edges = try Self.edges(
                from: smallestPositive, to: sample.maximum, count: binCount, spacing: .logarithmic)
        }
        try self.init(values: values, edges: edges)
    }

    /// `count` edges from `lower` to `upper` inclusive. Logarithmic spacing needs
    /// 0 < `lower`; edge i is lower · (upper / lower)^(i / (count − 1)). If the range is empty
    /// (`lower == upper`) a single edge is returned, whatever `count` is.
    public static func edges(
        from lower: Double, to upper: Double, count: Int, spacing: Spacing
    ) throws -> [Double] {
        guard count >= 2 else {
            throw EvaluationError.invalidArgument("need at least 2 histogram edges, got \(count)")
        }
        guard lower.isFinite, upper.isFinite, lower <= upper else {
            throw EvaluationError.invalidArgument("edge range [\(lower), \(upper)] is not valid")
        }
        if lower == upper { return [lower] }
        let last = Double(count - 1)
        switch spacing {
        case .linear:
            return (0..<count).map { index in
                index == count - 1 ? upper : lower + (upper - lower) * Double(index) / last
            }
        case .logarithmic:
            guard lower > 0 else {
                throw EvaluationError.invalidArgument("logarithmic edges need lower > 0, got \(lower)")
            }
            let ratio = log(upper / lower)
            return (0..<count).map { index in
                index == count - 1 ? upper : lower * exp(ratio * Double(index) / last)
            }
        }
    }
}
