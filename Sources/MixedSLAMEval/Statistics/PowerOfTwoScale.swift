/// Exact power-of-two factors that bring a set of values whose largest magnitude is
/// `largest` into [−2, 2], so that sums of their squares neither overflow (squares of values
/// beyond ~1.3e154 are infinite) nor underflow (squares below ~1.5e-154 lose their digits).
///
/// Multiplying by ``down`` or ``up`` is exact while the result stays a normal number, so
/// values of ordinary magnitude give bit-identical results through a scaled computation.
struct PowerOfTwoScale {
    /// 2⁻ᵉ with 2ᵉ ≤ `largest` < 2ᵉ⁺¹ (e ≥ −1022: a subnormal or zero largest is scaled as
    /// 2⁻¹⁰²², whose reciprocal is the largest representable power of two).
    let down: Double
    /// 2ᵉ, which undoes ``down``.
    let up: Double

    /// The factors for values of magnitude at most `largest` (finite, ≥ 0).
    init(largest: Double) {
        let exponent = max(largest.exponent, Double.leastNormalMagnitude.exponent)
        down = Double(sign: .plus, exponent: -exponent, significand: 1)
        up = Double(sign: .plus, exponent: exponent, significand: 1)
    }
}
