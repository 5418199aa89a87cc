import RealModule

/// A planar rigid transform x ↦ R x + t.
///
/// Tangent vectors are ξ = (ρx, ρy, θ): translation first, then rotation, the order of g2o's
/// `EDGE_SE2` information matrix. Perturbations are on the right, X ⊞ ξ = X · Exp(ξ), and
/// every Jacobian below refers to that convention.
@frozen
public struct SE2<Scalar: GeometryScalar>: Sendable, Equatable {
    /// The rotation R.
    public var rotation: SO2<Scalar>
    /// The translation t.
    public var translation: SIMD2<Scalar>

    /// A transform from its parts.
    @inlinable
    public init(rotation: SO2<Scalar>, translation: SIMD2<Scalar>) {
        self.rotation = rotation
        self.translation = translation
    }

    /// The transform (x, y, θ) as written in g2o's `VERTEX_SE2` and `EDGE_SE2`.
    @inlinable
    public init(x: Scalar, y: Scalar, theta: Scalar) {
        self.init(rotation: SO2(angle: theta), translation: SIMD2(x, y))
    }

    /// The converted transform.
    @inlinable
    public init<Other: GeometryScalar>(_ other: SE2<Other>) {
        self.init(rotation: SO2(other.rotation), translation: SIMD2(other.translation))
    }

    /// The identity.
    @inlinable
    public static var identity: SE2 { SE2(rotation: .identity, translation: .zero) }

    /// The heading angle θ in (−π, π].
    @inlinable
    public var theta: Scalar { rotation.log() }

    /// Composition a · b.
    @inlinable
    public static func * (a: SE2, b: SE2) -> SE2 {
        SE2(rotation: a.rotation * b.rotation, translation: a.translation + a.rotation.act(b.translation))
    }

    /// The inverse (Rᵀ, −Rᵀ t).
    @inlinable
    public var inverse: SE2 {
        let rInv = rotation.inverse
        return SE2(rotation: rInv, translation: -rInv.act(translation))
    }

    /// The transformed point R p + t.
    @inlinable
    public func act(_ p: SIMD2<Scalar>) -> SIMD2<Scalar> { rotation.act(p) + translation }

    /// Whether every translation and rotation component is finite (per component, as
    /// ``SE3/isFinite``).
    @inlinable
    public var isFinite: Bool {
        translation.x.isFinite && translation.y.isFinite && rotation.cosine.isFinite && rotation.sine.isFinite
    }

    /// The same transform with its rotation rescaled to unit length.
    @inlinable
    public var normalized: SE2 { SE2(rotation: rotation.normalized, translation: translation) }

    /// sin θ/θ, (1 − cos θ)/θ, (θ − sin θ)/θ², (1 − cos θ)/θ²: the coefficients of V(θ) and of
    /// the Jacobians, with four-term Taylor series near zero.
    @inlinable
    static func coefficients(_ theta: Scalar) -> (a: Scalar, b: Scalar, c: Scalar, d: Scalar) {
        let t2 = theta * theta
        if Swift.abs(theta) < Scalar.taylorThresholdSecondOrder {
            let a = Scalar.series(t2, 1, -1 / 6, 1 / 120, -1 / 5040)
            let d = Scalar.series(t2, 1 / 2, -1 / 24, 1 / 720, -1 / 40320)
            let c = theta * Scalar.series(t2, 1 / 6, -1 / 120, 1 / 5040, -1 / 362880)
            return (a, theta * d, c, d)
        }
        let s = Scalar.sin(theta)
        let oneMinusCos = 1 - Scalar.cos(theta)
        return (s / theta, oneMinusCos / theta, (theta - s) / t2, oneMinusCos / t2)
    }

    /// (θ/2) cot(θ/2), the diagonal of V(θ)⁻¹, finite on [−π, π].
    @inlinable
    static func halfCotangent(_ theta: Scalar) -> Scalar {
        let h = theta / 2
        if Swift.abs(theta) < Scalar.taylorThresholdSecondOrder {
            let h2 = h * h
            return Scalar.series(h2, 1, -1 / 3, -1 / 45, -2 / 945)
        }
        return h * Scalar.cos(h) / Scalar.sin(h)
    }

    /// Exp: (ρ, θ) ↦ (R(θ), V(θ) ρ) with V(θ) = [[sin θ, cos θ − 1], [1 − cos θ, sin θ]] / θ.
    @inlinable
    public static func exp(_ xi: SIMD3<Scalar>) -> SE2 {
        let k = coefficients(xi.z)
        let t = SIMD2(k.a * xi.x - k.b * xi.y, k.b * xi.x + k.a * xi.y)
        return SE2(rotation: SO2(angle: xi.z), translation: t)
    }

    /// Log: the tangent (V(θ)⁻¹ t, θ) with θ in (−π, π]; inverse of ``exp(_:)``.
    @inlinable
    public func log() -> SIMD3<Scalar> {
        let theta = rotation.log()
        let hc = Self.halfCotangent(theta)
        let h = theta / 2
        return SIMD3(
            hc * translation.x + h * translation.y, -h * translation.x + hc * translation.y, theta)
    }

    /// Adjoint Ad_X with X · Exp(ξ) · X⁻¹ = Exp(Ad_X ξ): [[R, (t_y, −t_x)ᵀ], [0, 1]].
    @inlinable
    public var adjoint: Matrix3<Scalar> {
        let c = rotation.cosine
        let s = rotation.sine
        return Matrix3(
            rows: SIMD3(c, -s, translation.y), SIMD3(s, c, -translation.x), SIMD3(0, 0, 1))
    }

    /// Right Jacobian Jr(ξ): Exp(ξ + δ) ≈ Exp(ξ) · Exp(Jr(ξ) δ).
    @inlinable
    public static func rightJacobian(_ xi: SIMD3<Scalar>) -> Matrix3<Scalar> {
        let k = coefficients(xi.z)
        return Matrix3(
            rows: SIMD3(k.a, k.b, k.c * xi.x - k.d * xi.y),
            SIMD3(-k.b, k.a, k.d * xi.x + k.c * xi.y),
            SIMD3(0, 0, 1))
    }

    /// Left Jacobian Jl(ξ) = Jr(−ξ): Exp(ξ + δ) ≈ Exp(Jl(ξ) δ) · Exp(ξ).
    @inlinable
    public static func leftJacobian(_ xi: SIMD3<Scalar>) -> Matrix3<Scalar> {
        rightJacobian(-xi)
    }

    /// Jr(ξ)⁻¹, the derivative of Log: Log(Exp(ξ) · Exp(δ)) ≈ ξ + Jr(ξ)⁻¹ δ. Finite for |θ| ≤ π.
    @inlinable
    public static func rightJacobianInverse(_ xi: SIMD3<Scalar>) -> Matrix3<Scalar> {
        let k = coefficients(xi.z)
        let hc = halfCotangent(xi.z)
        let h = xi.z / 2
        // Jr = [[A, u], [0, 1]] with A = [[a, b], [−b, a]]; A⁻¹ = [[hc, −h], [h, hc]].
        let u = SIMD2(k.c * xi.x - k.d * xi.y, k.d * xi.x + k.c * xi.y)
        let w = SIMD2(hc * u.x - h * u.y, h * u.x + hc * u.y)
        return Matrix3(rows: SIMD3(hc, -h, -w.x), SIMD3(h, hc, -w.y), SIMD3(0, 0, 1))
    }

    /// Jl(ξ)⁻¹ = Jr(−ξ)⁻¹: Log(Exp(δ) · Exp(ξ)) ≈ ξ + Jl(ξ)⁻¹ δ.
    @inlinable
    public static func leftJacobianInverse(_ xi: SIMD3<Scalar>) -> Matrix3<Scalar> {
        rightJacobianInverse(-xi)
    }
}
