/// Summary statistics of a set of non-negative errors, with the names and definitions of evo's
/// `evo_ape` / `evo_rpe` result table, so numbers can be compared with it field by field.
public struct ErrorStatistics: Sendable, Equatable {
    /// Number of errors.
    public let count: Int
    /// Root mean square: √(Σ eᵢ² / n).
    public let rmse: Double
    /// Arithmetic mean: Σ eᵢ / n.
    public let mean: Double
    /// Median (mean of the two middle values for an even count), as `numpy.median`.
    public let median: Double
    /// Population standard deviation √(Σ (eᵢ − mean)² / n), as `numpy.std` (evo's `std`).
    public let standardDeviation: Double
    /// Smallest error.
    public let minimum: Double
    /// Largest error.
    public let maximum: Double
    /// Sum of squares Σ eᵢ² (evo's `sse`); +∞ if it exceeds the `Double` range (errors beyond
    /// ~1e154), which the other statistics do not.
    public let sumOfSquares: Double

    /// Computes all statistics of `errors`; throws for an empty sample or a NaN/infinite value.
    public init(_ errors: [Double]) throws {
        let sample = try SortedSample(errors)
        let n = Double(errors.count)
        // The sums run over the values scaled into [−2, 2], so that the squares of errors
        // beyond ~1.3e154 do not overflow (the RMSE was +∞) nor those below ~1.5e-154
        // underflow; the scaling is exact and undone below.
        let scale = PowerOfTwoScale(largest: Swift.max(Swift.abs(sample.minimum), Swift.abs(sample.maximum)))
        // Sums run over the sorted values (ascending magnitude for errors ≥ 0) to limit roundoff.
        var sum = 0.0
        var sumOfSquares = 0.0
        for value in sample.values {
            let scaled = value * scale.down
            sum += scaled
            sumOfSquares += scaled * scaled
        }
        let mean = sum / n
        var squaredDeviations = 0.0
        for value in sample.values {
            let deviation = value * scale.down - mean
            squaredDeviations += deviation * deviation
        }
        count = errors.count
        self.mean = mean * scale.up
        self.sumOfSquares = sumOfSquares * scale.up * scale.up
        rmse = (sumOfSquares / n).squareRoot() * scale.up
        median = sample.median
        standardDeviation = (squaredDeviations / n).squareRoot() * scale.up
        minimum = sample.minimum
        maximum = sample.maximum
    }
}
