/// A finite, non-empty sample kept in ascending order, so that order statistics (median,
/// percentiles, cumulative fractions) are O(1) or O(log n) after one sort.
public struct SortedSample: Sendable, Equatable {
    /// The sample values in ascending order.
    public let values: [Double]

    /// Sorts `unsorted`; throws for an empty sample or a NaN/infinite value.
    public init(_ unsorted: [Double]) throws {
        guard !unsorted.isEmpty else { throw EvaluationError.emptyInput(what: "sample") }
        try requireFinite(unsorted, what: "sample")
        values = unsorted.sorted()
    }

    /// Number of values.
    public var count: Int { values.count }

    /// The smallest value.
    public var minimum: Double { values[0] }

    /// The largest value.
    public var maximum: Double { values[values.count - 1] }

    /// The median: the 50th ``percentile(_:)``, i.e. the mean of the two middle values for an
    /// even count (the same value as `numpy.median`, which evo reports).
    public var median: Double { interpolatedOrderStatistic(atFraction: 0.5) }

    /// The `p`-th percentile, `p` in [0, 100].
    ///
    /// Interpolation rule: linear between closest ranks, the "linear" method (type 7 of
    /// Hyndman and Fan, default of NumPy's `percentile` and R's `quantile`): with the values
    /// sorted as v₀ ≤ … ≤ vₙ₋₁, the rank is h = (p / 100)(n − 1) and the result is
    /// v⌊h⌋ + (h − ⌊h⌋)(v⌊h⌋₊₁ − v⌊h⌋). So `percentile(0)` is the minimum and
    /// `percentile(100)` the maximum.
    public func percentile(_ p: Double) throws -> Double {
        guard p.isFinite, p >= 0, p <= 100 else {
            throw EvaluationError.invalidArgument("percentile \(p) is outside [0, 100]")
        }
        return interpolatedOrderStatistic(atFraction: p / 100)
    }

    /// The fraction of values less than or equal to `x`: the empirical cumulative
    /// distribution function, in [0, 1].
    public func fraction(atOrBelow x: Double) -> Double {
        Double(countAtOrBelow(x)) / Double(values.count)
    }

    /// The number of values ≤ `x`, by binary search.
    public func countAtOrBelow(_ x: Double) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] <= x { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func interpolatedOrderStatistic(atFraction q: Double) -> Double {
        let rank = q * Double(values.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        let weight = rank - Double(lower)
        let (a, b) = (values[lower], values[upper])
        let difference = b - a
        // b − a overflows for values of opposite sign beyond ~9e307 (0 · ∞ would make an exact
        // rank NaN): then the weighted sum, which cannot overflow and is a at weight 0.
        // Otherwise a + w(b − a), which, unlike the weighted sum, returns a exactly for equal
        // neighbours.
        guard difference.isFinite else { return (1 - weight) * a + weight * b }
        return a + weight * difference
    }
}
