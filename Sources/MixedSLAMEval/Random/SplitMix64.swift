/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit generator whose only job here is to expand
/// one user seed into the 256-bit state of ``Xoshiro256StarStar``, as its authors recommend.
///
/// Scenario generators never use `SystemRandomNumberGenerator`: every data set must be
/// reproducible bit for bit from its seed on every platform and Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The running 64-bit state; advanced by the golden-ratio increment on every draw.
    public private(set) var state: UInt64

    /// Creates a generator whose first output is a function of `seed` alone.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
