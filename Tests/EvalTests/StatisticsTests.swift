import Foundation
import Testing

@testable import MixedSLAMEval

@Suite("Statistics")
struct StatisticsTests {
    @Test("percentiles interpolate linearly between closest ranks (NumPy's default)")
    func percentileLinearRule() throws {
        let sample = try SortedSample([4, 1, 3, 2])
        // Rank h = p/100 · (n − 1) = 0.25 · 3 = 0.75 → 1 + 0.75 · (2 − 1).
        #expect(try sample.percentile(25) == 1.75)
        #expect(try sample.percentile(0) == 1)
        #expect(try sample.percentile(100) == 4)
        #expect(sample.median == 2.5)
        #expect(try SortedSample([5, 1, 3]).median == 3)
        #expect(throws: EvaluationError.self) { try sample.percentile(100.5) }
    }

    @Test("percentiles of values near ±Double.greatestFiniteMagnitude stay finite")
    func percentileOfHugeValues() throws {
        let sample = try SortedSample([-1e308, 1e308])
        // b − a overflows here; the exact ranks must still be the values themselves.
        #expect(try sample.percentile(0) == -1e308)
        #expect(try sample.percentile(100) == 1e308)
        #expect(sample.median == 0)
        #expect(abs(try sample.percentile(75) - 5e307) <= 4 * Double.ulpOfOne * 1e308)
    }

    @Test("error statistics match evo's definitions on a hand-computed sample")
    func errorStatistics() throws {
        let statistics = try ErrorStatistics([3, 4, 0, 5])
        #expect(statistics.count == 4)
        #expect(statistics.sumOfSquares == 50)
        #expect(statistics.rmse == (50.0 / 4).squareRoot())
        #expect(statistics.mean == 3)
        #expect(statistics.median == 3.5)
        // Population standard deviation: deviations 0, 1, −3, 2 → √(14 / 4).
        #expect(statistics.standardDeviation == (14.0 / 4).squareRoot())
        #expect(statistics.minimum == 0)
        #expect(statistics.maximum == 5)
    }

    @Test("statistics of errors whose squares overflow or underflow are the scaled statistics")
    func extremeErrorStatistics() throws {
        // Powers of two scale exactly: every statistic but the sum of squares scales with the
        // errors. At 2⁶⁰⁰ (4e180) the squares overflowed and the RMSE was +∞; at 2⁻⁶⁰⁰ they
        // underflowed to 0.
        let reference = try ErrorStatistics([3, 4, 0, 5])
        for factor in [0x1p600, 0x1p-600] {
            let statistics = try ErrorStatistics([3, 4, 0, 5].map { $0 * factor })
            #expect(statistics.rmse == reference.rmse * factor)
            #expect(statistics.mean == reference.mean * factor)
            #expect(statistics.standardDeviation == reference.standardDeviation * factor)
            #expect(statistics.median == reference.median * factor)
        }
        // Σ eᵢ² = 50 · 2¹²⁰⁰ itself is beyond the Double range, 50 · 2⁻¹²⁰⁰ below it.
        #expect(try ErrorStatistics([3, 4, 0, 5].map { $0 * 0x1p600 }).sumOfSquares == .infinity)
        #expect(try ErrorStatistics([3, 4, 0, 5].map { $0 * 0x1p-600 }).sumOfSquares == 0)
        #expect(try ErrorStatistics([0, 0]).rmse == 0)
    }

    @Test("empty and non-finite samples are typed errors")
    func badSamples() {
        #expect(throws: EvaluationError.emptyInput(what: "sample")) { try ErrorStatistics([]) }
        #expect(throws: EvaluationError.nonFiniteValue(what: "sample", index: 1)) {
            try ErrorStatistics([1, .nan])
        }
    }

    @Test("the benchmarks' median throws for a sample without a median instead of returning NaN")
    func benchmarkMedian() throws {
        #expect(try PoseGraphBenchmark.median([3, 1, 2]) == 2)
        #expect(try PoseGraphBenchmark.median([4, 1, 3, 2]) == 2.5)
        #expect(throws: EvaluationError.emptyInput(what: "sample")) { try PoseGraphBenchmark.median([]) }
        #expect(throws: EvaluationError.nonFiniteValue(what: "sample", index: 1)) {
            try PoseGraphBenchmark.median([1, .nan, 2])
        }
    }

    @Test("cumulative histogram counts values at or below each edge")
    func cumulativeHistogram() throws {
        let histogram = try CumulativeHistogram(values: [0.5, 1, 1, 2, 10], edges: [0, 1, 1.5, 10])
        #expect(histogram.fractions == [0, 0.6, 0.6, 1])
        #expect(histogram.count == 5)
        #expect(throws: EvaluationError.self) {
            try CumulativeHistogram(values: [1], edges: [1, 1])
        }
    }

    @Test("logarithmic edges have a constant ratio and hit both ends exactly")
    func logarithmicEdges() throws {
        let edges = try CumulativeHistogram.edges(from: 1e-4, to: 1e-1, count: 4, spacing: .logarithmic)
        #expect(edges.first == 1e-4)
        #expect(edges.last == 1e-1)
        for (edge, expected) in zip(edges, [1e-4, 1e-3, 1e-2, 1e-1]) {
            #expect(abs(edge - expected) <= 8 * Double.ulpOfOne * expected)
        }
        let automatic = try CumulativeHistogram(values: [0, 1e-3, 1e-2], binCount: 3, spacing: .logarithmic)
        #expect(automatic.edges.first == 1e-3)
        #expect(automatic.fractions == [2.0 / 3, 2.0 / 3, 1])
        #expect(throws: EvaluationError.self) {
            try CumulativeHistogram.edges(from: 0, to: 1, count: 3, spacing: .logarithmic)
        }
    }

    @Test("edges of ranges whose width or ratio overflows are finite and increasing")
    func extremeEdgeRanges() throws {
        // upper − lower = ∞ here: the edges were NaN, ∞, 1e308.
        #expect(try CumulativeHistogram.edges(from: -1e308, to: 1e308, count: 3, spacing: .linear) == [-1e308, 0, 1e308])
        // upper / lower = ∞ for a subnormal lower end: the edges were NaN or ∞.
        let subnormal = 0x1p-1063  // ≈ 1.0e-320
        let logarithmic = try CumulativeHistogram.edges(from: subnormal, to: 1, count: 100, spacing: .logarithmic)
        #expect(logarithmic.first == subnormal && logarithmic.last == 1)
        #expect(logarithmic.allSatisfy { $0.isFinite })
        #expect(zip(logarithmic, logarithmic.dropFirst()).allSatisfy { $0 < $1 })
        // Edge 50 of 100 is (2⁻¹⁰⁶³)^(49/99).
        #expect(abs(log2(logarithmic[50]) - (-1063.0 * 49 / 99)) < 1e-9)
    }

    @Test("edge counts beyond maximumEdgeCount are typed errors, not a hang")
    func edgeCountBound() throws {
        #expect(throwsInvalidArgument {
            try CumulativeHistogram.edges(from: 0, to: 1, count: .max, spacing: .linear)
        })
        #expect(throwsInvalidArgument {
            try CumulativeHistogram.edges(
                from: 1, to: 2, count: CumulativeHistogram.maximumEdgeCount + 1, spacing: .logarithmic)
        })
        #expect(throwsInvalidArgument { try CumulativeHistogram(values: [1, 2], binCount: .max, spacing: .linear) })
        let largest = try CumulativeHistogram.edges(
            from: 0, to: 1, count: CumulativeHistogram.maximumEdgeCount, spacing: .linear)
        #expect(largest.count == CumulativeHistogram.maximumEdgeCount)
    }
}
