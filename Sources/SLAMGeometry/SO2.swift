import RealModule

/// A planar rotation, stored as the unit complex number (cos θ, sin θ).
///
/// The Lie algebra is ℝ (the angle); the group is commutative, so its adjoint and both
/// Jacobians are 1.
@frozen
public struct SO2<Scalar: GeometryScalar>: Sendable, Equatable {
    /// cos θ.
    public let cosine: Scalar
    /// sin θ.
    public let sine: Scalar

    /// A rotation from a (cos, sin) pair that is already unit length.
    @inlinable
    public init(uncheckedCosine cosine: Scalar, sine: Scalar) {
        self.cosine = cosine
        self.sine = sine
    }

    /// A rotation from any nonzero (cos, sin) direction, rescaled to unit length.
    ///
    /// Returns `nil` when the pair is zero or not finite. A pair whose squared length would
    /// overflow, or underflow into subnormals, is first divided by its larger component, so
    /// every finite nonzero pair normalizes.
    @inlinable
    public init?(normalizingCosine cosine: Scalar, sine: Scalar) {
        guard cosine.isFinite, sine.isFinite else { return nil }
        let squaredLength = cosine * cosine + sine * sine
        if squaredLength.isFinite, squaredLength >= Scalar.leastNormalMagnitude / Scalar.ulpOfOne {
            let length = Scalar.sqrt(squaredLength)
            self.init(uncheckedCosine: cosine / length, sine: sine / length)
            return
        }
        let largest = Swift.max(abs(cosine), abs(sine))
        guard largest > 0 else { return nil }
        let (c, s) = (cosine / largest, sine / largest)
        let length = Scalar.sqrt(c * c + s * s)
        self.init(uncheckedCosine: c / length, sine: s / length)
    }

    /// The rotation by `angle` radians.
    @inlinable
    public init(angle: Scalar) {
        self.init(uncheckedCosine: Scalar.cos(angle), sine: Scalar.sin(angle))
    }

    /// The converted rotation.
    @inlinable
    public init<Other: GeometryScalar>(_ other: SO2<Other>) {
        self.init(uncheckedCosine: Scalar(other.cosine), sine: Scalar(other.sine))
    }

    /// The identity.
    @inlinable
    public static var identity: SO2 { SO2(uncheckedCosine: 1, sine: 0) }

    /// Exp: the rotation of angle θ.
    @inlinable
    public static func exp(_ theta: Scalar) -> SO2 { SO2(angle: theta) }

    /// Log: the angle in (−π, π].
    @inlinable
    public func log() -> Scalar { Scalar.atan2(y: sine, x: cosine) }

    /// The angle in (−π, π].
    @inlinable
    public var angle: Scalar { log() }

    /// The inverse rotation, −θ.
    @inlinable
    public var inverse: SO2 { SO2(uncheckedCosine: cosine, sine: -sine) }

    /// Composition a · b (angles add).
    @inlinable
    public static func * (a: SO2, b: SO2) -> SO2 {
        SO2(
            uncheckedCosine: a.cosine * b.cosine - a.sine * b.sine,
            sine: a.sine * b.cosine + a.cosine * b.sine)
    }

    /// The rotated point R p.
    @inlinable
    public func act(_ p: SIMD2<Scalar>) -> SIMD2<Scalar> {
        SIMD2(cosine * p.x - sine * p.y, sine * p.x + cosine * p.y)
    }

    /// The same rotation rescaled to exactly unit length, removing drift from long chains.
    @inlinable
    public var normalized: SO2 {
        SO2(normalizingCosine: cosine, sine: sine) ?? .identity
    }
}
