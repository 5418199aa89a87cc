import RealModule

/// A 3-D rigid transform x ↦ R x + t.
///
/// Tangent vectors are ξ = [ρ; φ]: translation first, then rotation, the order of g2o's
/// `EDGE_SE3:QUAT` information matrix (x y z roll pitch yaw). Exp([ρ; φ]) = (Exp(φ), Jl(φ) ρ).
/// Perturbations are on the right, X ⊞ ξ = X · Exp(ξ), and every Jacobian below refers to
/// that convention.
@frozen
public struct SE3<Scalar: GeometryScalar>: Sendable, Equatable {
    /// A tangent vector [ρ; φ] of SE(3).
    @frozen
    public struct Tangent: Sendable, Equatable {
        /// The translational part ρ (first three coordinates).
        public var translation: SIMD3<Scalar>
        /// The rotational part φ, a rotation vector (last three coordinates).
        public var rotation: SIMD3<Scalar>

        /// A tangent vector from its two parts.
        @inlinable
        public init(translation: SIMD3<Scalar>, rotation: SIMD3<Scalar>) {
            self.translation = translation
            self.rotation = rotation
        }

        /// The zero vector.
        @inlinable
        public static var zero: Tangent { Tangent(translation: .zero, rotation: .zero) }

        /// Coordinate `index` in 0..<6 of [ρ; φ].
        @inlinable
        public subscript(index: Int) -> Scalar {
            get { index < 3 ? translation[index] : rotation[index - 3] }
            set {
                if index < 3 { translation[index] = newValue } else { rotation[index - 3] = newValue }
            }
        }

        /// Sum.
        @inlinable
        public static func + (a: Tangent, b: Tangent) -> Tangent {
            Tangent(translation: a.translation + b.translation, rotation: a.rotation + b.rotation)
        }

        /// Difference.
        @inlinable
        public static func - (a: Tangent, b: Tangent) -> Tangent {
            Tangent(translation: a.translation - b.translation, rotation: a.rotation - b.rotation)
        }

        /// Negation.
        @inlinable
        public static prefix func - (a: Tangent) -> Tangent {
            Tangent(translation: -a.translation, rotation: -a.rotation)
        }

        /// Scalar multiple.
        @inlinable
        public static func * (s: Scalar, a: Tangent) -> Tangent {
            Tangent(translation: s * a.translation, rotation: s * a.rotation)
        }
    }

    /// The rotation R.
    public var rotation: SO3<Scalar>
    /// The translation t.
    public var translation: SIMD3<Scalar>

    /// A transform from its parts.
    @inlinable
    public init(rotation: SO3<Scalar>, translation: SIMD3<Scalar>) {
        self.rotation = rotation
        self.translation = translation
    }

    /// The converted transform.
    @inlinable
    public init<Other: GeometryScalar>(_ other: SE3<Other>) {
        self.init(rotation: SO3(other.rotation), translation: SIMD3(other.translation))
    }

    /// The identity.
    @inlinable
    public static var identity: SE3 { SE3(rotation: .identity, translation: .zero) }

    /// Composition a · b.
    @inlinable
    public static func * (a: SE3, b: SE3) -> SE3 {
        SE3(rotation: a.rotation * b.rotation, translation: a.translation + a.rotation.act(b.translation))
    }

    /// The inverse (Rᵀ, −Rᵀ t).
    @inlinable
    public var inverse: SE3 {
        let rInv = rotation.inverse
        return SE3(rotation: rInv, translation: -rInv.act(translation))
    }

    /// The transformed point R p + t.
    @inlinable
    public func act(_ p: SIMD3<Scalar>) -> SIMD3<Scalar> { rotation.act(p) + translation }

    /// Whether every translation and quaternion component is finite. Checked per component:
    /// a translation near the top of the range (1e200) is finite although its squared norm
    /// overflows.
    @inlinable
    public var isFinite: Bool {
        let t = translation, q = rotation.vector
        return t.x.isFinite && t.y.isFinite && t.z.isFinite && rotation.w.isFinite && q.x.isFinite && q.y.isFinite
            && q.z.isFinite
    }

    /// The same transform with its rotation rescaled to unit length.
    @inlinable
    public var normalized: SE3 { SE3(rotation: rotation.normalized, translation: translation) }

    /// Exp: [ρ; φ] ↦ (Exp(φ), Jl(φ) ρ).
    @inlinable
    public static func exp(_ xi: Tangent) -> SE3 {
        SE3(
            rotation: .exp(xi.rotation),
            translation: SO3<Scalar>.leftJacobian(xi.rotation) * xi.translation)
    }

    /// Log: [Jl(φ)⁻¹ t; φ] with φ = Log(R), |φ| in [0, π]; the inverse of ``exp(_:)``.
    @inlinable
    public func log() -> Tangent {
        let phi = rotation.log()
        return Tangent(translation: SO3<Scalar>.leftJacobianInverse(phi) * translation, rotation: phi)
    }

    /// Adjoint Ad_X with X · Exp(ξ) · X⁻¹ = Exp(Ad_X ξ): [[R, t^ R], [0, R]].
    @inlinable
    public var adjoint: Matrix6<Scalar> {
        let r = rotation.matrix
        return Matrix6(
            topLeft: r, topRight: Matrix3.skew(translation) * r, bottomLeft: .zero, bottomRight: r)
    }

    /// The coupling block Q(ρ, φ) of SE(3)'s left Jacobian (Barfoot's closed form), with
    /// Taylor series for its three coefficients near zero angle.
    @inlinable
    public static func leftJacobianCoupling(_ xi: Tangent) -> Matrix3<Scalar> {
        let phi = xi.rotation
        let theta2 = phi.squaredNorm
        let theta = Scalar.sqrt(theta2)
        let c1: Scalar
        let c2: Scalar
        let c3: Scalar
        if theta < Scalar.taylorThresholdSecondOrder {
            c1 = Scalar.series(theta2, 1 / 6, -1 / 120, 1 / 5040, -1 / 362880)
        } else {
            c1 = (theta - Scalar.sin(theta)) / (theta2 * theta)
        }
        if theta < Scalar.taylorThresholdFourthOrder {
            c2 = Scalar.series(theta2, 1 / 24, -1 / 720, 1 / 40320, -1 / 3628800)
            c3 = Scalar.series(theta2, 1 / 120, -1 / 2520, 1 / 120960, -1 / 9979200)
        } else {
            let s = Scalar.sin(theta)
            let c = Scalar.cos(theta)
            let theta4 = theta2 * theta2
            c2 = (theta2 + 2 * c - 2) / (2 * theta4)
            c3 = (2 * theta - 3 * s + theta * c) / (2 * theta4 * theta)
        }
        let p = Matrix3<Scalar>.skew(phi)
        let r = Matrix3<Scalar>.skew(xi.translation)
        let pr = p * r
        let rp = r * p
        let prp = pr * p
        let pp = p * p
        return Scalar(0.5) * r + c1 * (pr + rp + prp)
            + c2 * (pp * r + rp * p - 3 * prp)
            + c3 * (prp * p + pp * r * p)
    }

    /// Left Jacobian 𝒥l(ξ) = [[Jl(φ), Q(ρ, φ)], [0, Jl(φ)]]: Exp(ξ + δ) ≈ Exp(𝒥l δ) · Exp(ξ).
    @inlinable
    public static func leftJacobian(_ xi: Tangent) -> Matrix6<Scalar> {
        let j = SO3<Scalar>.leftJacobian(xi.rotation)
        return Matrix6(topLeft: j, topRight: leftJacobianCoupling(xi), bottomLeft: .zero, bottomRight: j)
    }

    /// Right Jacobian 𝒥r(ξ) = 𝒥l(−ξ): Exp(ξ + δ) ≈ Exp(ξ) · Exp(𝒥r δ).
    @inlinable
    public static func rightJacobian(_ xi: Tangent) -> Matrix6<Scalar> { leftJacobian(-xi) }

    /// 𝒥l(ξ)⁻¹ = [[J⁻¹, −J⁻¹ Q J⁻¹], [0, J⁻¹]] with J = Jl(φ): Log(Exp(δ) · Exp(ξ)) ≈ ξ + 𝒥l⁻¹ δ.
    @inlinable
    public static func leftJacobianInverse(_ xi: Tangent) -> Matrix6<Scalar> {
        let jInv = SO3<Scalar>.leftJacobianInverse(xi.rotation)
        let q = leftJacobianCoupling(xi)
        return Matrix6(
            topLeft: jInv, topRight: -(jInv * q * jInv), bottomLeft: .zero, bottomRight: jInv)
    }

    /// 𝒥r(ξ)⁻¹ = 𝒥l(−ξ)⁻¹, the derivative of Log on the right:
    /// Log(Exp(ξ) · Exp(δ)) ≈ ξ + 𝒥r(ξ)⁻¹ δ. Finite for |φ| ≤ π.
    @inlinable
    public static func rightJacobianInverse(_ xi: Tangent) -> Matrix6<Scalar> {
        leftJacobianInverse(-xi)
    }
}
