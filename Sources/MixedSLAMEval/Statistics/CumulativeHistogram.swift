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

    /// The most edges ``edges(from:to:count:spacing:)`` and ``init(values:binCount:spacing:)``
    /// generate: far more than a plot or table can show. Larger counts would only exhaust
    /// memory (or run for ever) while the edges are listed.
    public static let maximumEdgeCount = 1_000_000

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
    ///
    /// Throws as ``edges(from:to:count:spacing:)`` does, and for edges that do not increase
    /// strictly (a range too narrow for `binCount` distinct doubles).
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

    /// `count` edges from `lower` to `upper` inclusive. With t = i / (count − 1), edge i is
    /// (1 − t) · lower + t · upper for linear spacing; logarithmic spacing needs 0 < `lower`,
    /// and edge i is lower · (upper / lower)^t, computed as exp((1 − t) ln lower + t ln upper).
    /// If the range is empty (`lower == upper`) a single edge is returned, whatever `count` is.
    ///
    /// Throws unless 2 ≤ `count` ≤ ``maximumEdgeCount`` and `lower` ≤ `upper` are finite.
    public static func edges(
        from lower: Double, to upper: Double, count: Int, spacing: Spacing
    ) throws -> [Double] {
        guard (2...maximumEdgeCount).contains(count) else {
            throw EvaluationError.invalidArgument(
                "need 2 to \(maximumEdgeCount) histogram edges, got \(count)")
        }
        guard lower.isFinite, upper.isFinite, lower <= upper else {
            throw EvaluationError.invalidArgument("edge range [\(lower), \(upper)] is not valid")
        }
        if lower == upper { return [lower] }
        // The weighted sums stay within [lower, upper] where upper − lower or upper / lower
        // would overflow (a range across ±1e308, or a subnormal lower end).
        let interpolate: (Double) -> Double
        switch spacing {
        case .linear:
            interpolate = { t in (1 - t) * lower + t * upper }
        case .logarithmic:
            guard lower > 0 else {
                throw EvaluationError.invalidArgument("logarithmic edges need lower > 0, got \(lower)")
            }
            let (logLower, logUpper) = (log(lower), log(upper))
            interpolate = { t in exp((1 - t) * logLower + t * logUpper) }
        }
        let last = Double(count - 1)
        let edges = (0..<count).map { index in
            index == 0 ? lower : index == count - 1 ? upper : interpolate(Double(index) / last)
        }
        // Rounding can still carry an edge next to ±Double.greatestFiniteMagnitude past it.
        guard edges.allSatisfy(\.isFinite) else {
            throw EvaluationError.invalidArgument("edges from \(lower) to \(upper) are not all representable")
        }
        return edges
    }
}
