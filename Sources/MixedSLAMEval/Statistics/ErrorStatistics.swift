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
    /// Sum of squares Σ eᵢ² (evo's `sse`).
    public let sumOfSquares: Double

    /// Computes all statistics of `errors`; throws for an empty sample or a NaN/infinite value.
    public init(_ errors: [Double]) throws {
        let sample = try SortedSample(errors)
        let n = Double(errors.count)
        // Sums run over the sorted values (ascending magnitude for errors ≥ 0) to limit roundoff.
        var sum = 0.0
        var sumOfSquares = 0.0
        for value in sample.values {
            sum += value
            sumOfSquares += value * value
        }
        let mean = sum / n
        var squaredDeviations = 0.0
        for value in sample.values {
            squaredDeviations += (value - mean) * (value - mean)
        }
        count = errors.count
        self.mean = mean
        self.sumOfSquares = sumOfSquares
        rmse = (sumOfSquares / n).squareRoot()
        median = sample.median
        standardDeviation = (squaredDeviations / n).squareRoot()
        minimum = sample.minimum
        maximum = sample.maximum
    }
}
