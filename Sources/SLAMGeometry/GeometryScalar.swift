import RealModule

/// A floating-point type the Lie-group code can be evaluated in: `Double` for the state,
/// `Float` for fp32 residual plans, `Float16` for the naive fp16 plan.
///
/// Besides the arithmetic of `Real & BinaryFloatingPoint`, each type carries the angle
/// thresholds below which closed-form coefficients such as (1 − cos θ)/θ² switch to their
/// four-term Taylor series. Each threshold is where the closed form's cancellation error
/// (≈ u/θ² or ≈ u/θ⁴ relative, for unit roundoff u) meets the series' truncation error
/// (≈ θ⁸ times the next coefficient; the bounds below were set for three terms, so the
/// fourth term leaves margin), so the thresholds grow as the precision drops.
public protocol GeometryScalar: Real, BinaryFloatingPoint, SIMDScalar, Sendable, Codable
where SIMD2Storage: Sendable, SIMD4Storage: Sendable {
    /// Below this angle, coefficients whose closed form cancels to order θ² use Taylor series.
    static var taylorThresholdSecondOrder: Self { get }
    /// Below this angle, coefficients whose closed form cancels to order θ⁴ use Taylor series.
    static var taylorThresholdFourthOrder: Self { get }
}

extension Double: GeometryScalar {
    /// Balance point of u/θ² and θ⁶/20160 for u = 2⁻⁵³.
    public static var taylorThresholdSecondOrder: Double { 0.04 }
    /// Balance point of 24u/θ⁴ and θ⁶/151200 for u = 2⁻⁵³.
    public static var taylorThresholdFourthOrder: Double { 0.12 }
}

extension Float: GeometryScalar {
    /// Balance point of u/θ² and θ⁶/20160 for u = 2⁻²⁴.
    public static var taylorThresholdSecondOrder: Float { 0.45 }
    /// Balance point of 24u/θ⁴ and θ⁶/151200 for u = 2⁻²⁴.
    public static var taylorThresholdFourthOrder: Float { 0.9 }
}

extension Float16: GeometryScalar {
    /// Capped below the balance point so the series stays within fp16 roundoff.
    public static var taylorThresholdSecondOrder: Float16 { 1.0 }
    /// Capped below the balance point so the series stays within fp16 roundoff.
    public static var taylorThresholdFourthOrder: Float16 { 1.5 }
}

extension SIMD3 where Scalar: GeometryScalar {
    /// Cross product `self × other`.
    @inlinable
    public func cross(_ other: SIMD3<Scalar>) -> SIMD3<Scalar> {
        SIMD3(y * other.z - z * other.y, z * other.x - x * other.z, x * other.y - y * other.x)
    }

    /// Dot product.
    @inlinable
    public func dot(_ other: SIMD3<Scalar>) -> Scalar {
        x * other.x + y * other.y + z * other.z
    }

    /// Squared Euclidean norm.
    @inlinable
    public var squaredNorm: Scalar { x * x + y * y + z * z }

    /// Euclidean norm.
    @inlinable
    public var norm: Scalar { Scalar.sqrt(squaredNorm) }
}

extension SIMD2 where Scalar: GeometryScalar {
    /// Dot product.
    @inlinable
    public func dot(_ other: SIMD2<Scalar>) -> Scalar { x * other.x + y * other.y }

    /// Squared Euclidean norm.
    @inlinable
    public var squaredNorm: Scalar { x * x + y * y }
}

extension GeometryScalar {
    /// c₀ + c₁x + c₂x² + c₃x³ by Horner's rule: the four-term Taylor series of the
    /// small-angle branches, in x = θ².
    @inlinable
    static func series(_ x: Self, _ c0: Self, _ c1: Self, _ c2: Self, _ c3: Self) -> Self {
        c0 + x * (c1 + x * (c2 + x * c3))
    }
}
