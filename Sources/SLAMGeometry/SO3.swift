import RealModule

/// A 3-D rotation, stored as a unit quaternion w + xi + yj + zk.
///
/// Tangent vectors are rotation vectors φ (axis · angle). Perturbations are on the right,
/// R ⊞ φ = R · Exp(φ). The quaternion is kept with either sign; ``log()`` picks w ≥ 0 so
/// angles come out in [0, π].
@frozen
public struct SO3<Scalar: GeometryScalar>: Sendable, Equatable {
    /// The scalar part w.
    public let w: Scalar
    /// The vector part (x, y, z).
    public let vector: SIMD3<Scalar>

    /// A rotation from a quaternion that is already unit length.
    @inlinable
    public init(uncheckedW w: Scalar, vector: SIMD3<Scalar>) {
        self.w = w
        self.vector = vector
    }

    /// A rotation from any nonzero quaternion, rescaled to unit length (files often store
    /// quaternions a little off unit length).
    ///
    /// Returns `nil` for a zero-length or non-finite quaternion. A quaternion whose squared
    /// length would overflow, or underflow into subnormals, is first divided by its largest
    /// component, so every finite nonzero quaternion normalizes.
    @inlinable
    public init?(normalizingW w: Scalar, x: Scalar, y: Scalar, z: Scalar) {
        guard w.isFinite, x.isFinite, y.isFinite, z.isFinite else { return nil }
        let squaredLength = w * w + x * x + y * y + z * z
        if squaredLength.isFinite, squaredLength >= Scalar.leastNormalMagnitude / Scalar.ulpOfOne {
            let length = Scalar.sqrt(squaredLength)
            self.init(uncheckedW: w / length, vector: SIMD3(x, y, z) / length)
            return
        }
        let largest = Swift.max(Swift.max(abs(w), abs(x)), Swift.max(abs(y), abs(z)))
        guard largest > 0 else { return nil }
        let (sw, sx, sy, sz) = (w / largest, x / largest, y / largest, z / largest)
        let length = Scalar.sqrt(sw * sw + sx * sx + sy * sy + sz * sz)
        self.init(uncheckedW: sw / length, vector: SIMD3(sx, sy, sz) / length)
    }

    /// The rotation with this matrix, after projecting the matrix's quaternion to unit length
    /// (Shepperd's method: it divides by the largest of the four quaternion magnitudes, so it
    /// is stable for every angle including π).
    ///
    /// Returns `nil` when the matrix is not a rotation up to rounding: a non-finite entry, MᵀM
    /// off the identity by more than 10⁻⁶ (64 ulps in `Float`) in some entry, or a reflection
    /// (det M < 0). A zero or scaled matrix would otherwise yield some rotation silently.
    @inlinable
    public init?(rotationMatrix m: Matrix3<Scalar>) {
        let gram = m.transposed * m
        var deviation: Scalar = 0
        for i in 0..<3 {
            for j in 0..<3 { deviation = Swift.max(deviation, abs(gram[i, j] - (i == j ? 1 : 0))) }
        }
        let tolerance = Swift.max(Scalar(1e-6), 64 * Scalar.ulpOfOne)
        guard deviation.isFinite, deviation <= tolerance, m.row0.dot(m.row1.cross(m.row2)) > 0 else { return nil }
        let trace = m.trace
        var q: (w: Scalar, x: Scalar, y: Scalar, z: Scalar)
        if trace >= m[0, 0], trace >= m[1, 1], trace >= m[2, 2] {
            let s = Scalar.sqrt(1 + trace) * 2
            q = (s / 4, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s)
        } else if m[0, 0] >= m[1, 1], m[0, 0] >= m[2, 2] {
            let s = Scalar.sqrt(1 + m[0, 0] - m[1, 1] - m[2, 2]) * 2
            q = ((m[2, 1] - m[1, 2]) / s, s / 4, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s)
        } else if m[1, 1] >= m[2, 2] {
            let s = Scalar.sqrt(1 + m[1, 1] - m[0, 0] - m[2, 2]) * 2
            q = ((m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, s / 4, (m[1, 2] + m[2, 1]) / s)
        } else {
            let s = Scalar.sqrt(1 + m[2, 2] - m[0, 0] - m[1, 1]) * 2
            q = ((m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, s / 4)
        }
        self.init(normalizingW: q.w, x: q.x, y: q.y, z: q.z)
    }

    /// The converted rotation.
    @inlinable
    public init<Other: GeometryScalar>(_ other: SO3<Other>) {
        self.init(uncheckedW: Scalar(other.w), vector: SIMD3(other.vector))
    }

    /// The identity.
    @inlinable
    public static var identity: SO3 { SO3(uncheckedW: 1, vector: .zero) }

    /// The quaternion as (x, y, z, w), the order of g2o and TUM files.
    @inlinable
    public var quaternionXYZW: SIMD4<Scalar> { SIMD4(vector.x, vector.y, vector.z, w) }

    /// The rotation matrix R.
    @inlinable
    public var matrix: Matrix3<Scalar> {
        let (x, y, z) = (vector.x, vector.y, vector.z)
        let (xx, yy, zz) = (x * x, y * y, z * z)
        let (xy, xz, yz) = (x * y, x * z, y * z)
        let (wx, wy, wz) = (w * x, w * y, w * z)
        return Matrix3(
            rows: SIMD3(1 - 2 * (yy + zz), 2 * (xy - wz), 2 * (xz + wy)),
            SIMD3(2 * (xy + wz), 1 - 2 * (xx + zz), 2 * (yz - wx)),
            SIMD3(2 * (xz - wy), 2 * (yz + wx), 1 - 2 * (xx + yy)))
    }

    /// The inverse (quaternion conjugate).
    @inlinable
    public var inverse: SO3 { SO3(uncheckedW: w, vector: -vector) }

    /// Composition a · b (Hamilton product).
    @inlinable
    public static func * (a: SO3, b: SO3) -> SO3 {
        SO3(
            uncheckedW: a.w * b.w - a.vector.dot(b.vector),
            vector: a.w * b.vector + b.w * a.vector + a.vector.cross(b.vector))
    }

    /// The rotated point R p.
    @inlinable
    public func act(_ p: SIMD3<Scalar>) -> SIMD3<Scalar> {
        let t = 2 * vector.cross(p)
        return p + w * t + vector.cross(t)
    }

    /// The same rotation rescaled to exactly unit length, removing drift from long chains.
    @inlinable
    public var normalized: SO3 {
        SO3(normalizingW: w, x: vector.x, y: vector.y, z: vector.z) ?? .identity
    }

    /// Adjoint Ad_R = R (R · Exp(φ) · Rᵀ = Exp(R φ)).
    @inlinable
    public var adjoint: Matrix3<Scalar> { matrix }

    /// Exp: the rotation of angle |φ| about φ/|φ|.
    @inlinable
    public static func exp(_ phi: SIMD3<Scalar>) -> SO3 {
        let theta2 = phi.squaredNorm
        let theta = Scalar.sqrt(theta2)
        let halfSinOverTheta: Scalar
        let halfCos: Scalar
        if theta < Scalar.taylorThresholdSecondOrder {
            halfSinOverTheta = Scalar.series(theta2, 1 / 2, -1 / 48, 1 / 3840, -1 / 645120)
            halfCos = Scalar.series(theta2, 1, -1 / 8, 1 / 384, -1 / 46080)
        } else {
            halfSinOverTheta = Scalar.sin(theta / 2) / theta
            halfCos = Scalar.cos(theta / 2)
        }
        return SO3(uncheckedW: halfCos, vector: halfSinOverTheta * phi)
    }

    /// Log: the rotation vector φ with |φ| in [0, π]. Uses θ = 2 atan2(|v|, w), which stays
    /// accurate near 0 and near π (where an arccos of the trace would not).
    @inlinable
    public func log() -> SIMD3<Scalar> {
        let sign: Scalar = w < 0 ? -1 : 1
        let qw = sign * w
        let qv = sign * vector
        let n = qv.norm
        // atan2 keeps full relative accuracy for small n, so only n = 0 needs its limit 2/w.
        let scale = n > 0 ? 2 * Scalar.atan2(y: n, x: qw) / n : 2 / qw
        return scale * qv
    }

    /// The rotation angle in [0, π].
    @inlinable
    public var angle: Scalar { 2 * Scalar.atan2(y: vector.norm, x: Swift.abs(w)) }

    /// (1 − cos θ)/θ² and (θ − sin θ)/θ³ for θ = |φ|, with Taylor series near zero.
    @inlinable
    static func jacobianCoefficients(_ phi: SIMD3<Scalar>) -> (d: Scalar, e: Scalar) {
        let theta2 = phi.squaredNorm
        let theta = Scalar.sqrt(theta2)
        if theta < Scalar.taylorThresholdSecondOrder {
            return (
                Scalar.series(theta2, 1 / 2, -1 / 24, 1 / 720, -1 / 40320),
                Scalar.series(theta2, 1 / 6, -1 / 120, 1 / 5040, -1 / 362880)
            )
        }
        return ((1 - Scalar.cos(theta)) / theta2, (theta - Scalar.sin(theta)) / (theta2 * theta))
    }

    /// (1 − (θ/2) cot(θ/2))/θ², the φ^² coefficient of the inverse Jacobians; finite for θ < 2π.
    @inlinable
    static func inverseJacobianCoefficient(_ phi: SIMD3<Scalar>) -> Scalar {
        let theta2 = phi.squaredNorm
        let theta = Scalar.sqrt(theta2)
        if theta < Scalar.taylorThresholdSecondOrder {
            return Scalar.series(theta2, 1 / 12, 1 / 720, 1 / 30240, 1 / 1209600)
        }
        let h = theta / 2
        return (1 - h * Scalar.cos(h) / Scalar.sin(h)) / theta2
    }

    /// Right Jacobian Jr(φ) = I − (1 − cos θ)/θ² φ^ + (θ − sin θ)/θ³ φ^²:
    /// Exp(φ + δ) ≈ Exp(φ) · Exp(Jr(φ) δ).
    @inlinable
    public static func rightJacobian(_ phi: SIMD3<Scalar>) -> Matrix3<Scalar> {
        let k = jacobianCoefficients(phi)
        let s = Matrix3<Scalar>.skew(phi)
        return .identity - k.d * s + k.e * (s * s)
    }

    /// Left Jacobian Jl(φ) = Jr(−φ) = Jr(φ)ᵀ: Exp(φ + δ) ≈ Exp(Jl(φ) δ) · Exp(φ). It is also
    /// the V(φ) of SE(3)'s exponential.
    @inlinable
    public static func leftJacobian(_ phi: SIMD3<Scalar>) -> Matrix3<Scalar> {
        rightJacobian(-phi)
    }

    /// Jr(φ)⁻¹ = I + ½ φ^ + (1 − (θ/2) cot(θ/2))/θ² φ^², the derivative of Log on the right:
    /// Log(Exp(φ) · Exp(δ)) ≈ φ + Jr(φ)⁻¹ δ. Finite for θ ≤ π.
    @inlinable
    public static func rightJacobianInverse(_ phi: SIMD3<Scalar>) -> Matrix3<Scalar> {
        let f = inverseJacobianCoefficient(phi)
        let s = Matrix3<Scalar>.skew(phi)
        return .identity + Scalar(0.5) * s + f * (s * s)
    }

    /// Jl(φ)⁻¹ = Jr(−φ)⁻¹: Log(Exp(δ) · Exp(φ)) ≈ φ + Jl(φ)⁻¹ δ.
    @inlinable
    public static func leftJacobianInverse(_ phi: SIMD3<Scalar>) -> Matrix3<Scalar> {
        rightJacobianInverse(-phi)
    }
}
