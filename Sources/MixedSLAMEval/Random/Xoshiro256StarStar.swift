import Foundation

/// xoshiro256** (Blackman and Vigna 2018): the deterministic generator behind every synthetic
/// scenario, with uniform and Gaussian draws whose bit patterns do not depend on the standard
/// library's (unspecified) `random(in:using:)` algorithms.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    /// Box-Muller produces normal deviates in pairs; the second one is kept for the next call.
    private var spareGaussian: Double?

    /// Creates a generator whose state is expanded from `seed` with ``SplitMix64``, so that
    /// nearby seeds (0, 1, 2, ...) give unrelated streams and the all-zero state cannot occur.
    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next()
        s1 = expander.next()
        s2 = expander.next()
        s3 = expander.next()
        spareGaussian = nil
    }

    /// Returns the next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniform draw from [0, 1) with 53 random bits (every representable multiple of 2⁻⁵³).
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform draw from [`lower`, `upper`).
    public mutating func nextUniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUnitInterval()
    }

    /// A uniform integer in 0..<`count`; `count` must be positive.
    ///
    /// Uses the multiply-shift reduction (Lemire); its bias is below 2⁻³² for any count a
    /// scenario uses, which is irrelevant next to the modelled sensor noise. Internal: every
    /// caller draws from a collection it has checked to be non-empty, so the precondition
    /// cannot be reached through the module's public API.
    mutating func nextIndex(below count: Int) -> Int {
        precondition(count > 0, "nextIndex(below:) needs a positive count")
        return Int(next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// A normal deviate with the given mean and standard deviation (Box-Muller transform).
    public mutating func nextGaussian(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return mean + standardDeviation * spare
        }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let radius = (-2 * log(1 - nextUnitInterval())).squareRoot()
        let angle = 2 * Double.pi * nextUnitInterval()
        spareGaussian = radius * sin(angle)
        return mean + standardDeviation * radius * cos(angle)
    }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
