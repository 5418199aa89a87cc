import SLAMGeometry

/// A pixel observation z of a landmark X by a ``BALCamera`` (Snavely model, camera looking
/// down −z): P = R X + t, p = −(P_x, P_y)/P_z, pixel = f (1 + k₁‖p‖² + k₂‖p‖⁴) p; error
/// e = pixel − z, whitened residual S e.
///
/// Camera tangent [δφ; δt; δf; δk₁; δk₂] with R ⊞ δφ = R · Exp(δφ): ∂P/∂φ = −R X^,
/// ∂P/∂t = I, ∂P/∂X = R; the intrinsics enter additively.
public struct BALReprojectionFactor: Sendable, Equatable {
    /// The id of the BAL camera.
    public let camera: Int
    /// The id of the 3-D landmark.
    public let point: Int
    /// The observed pixel z (BAL's centered image coordinates).
    public let measurement: SIMD2<Double>
    /// Ω, 2×2 in pixels⁻² (stored inline with its square root, so the factor copies without
    /// reference counting).
    public var information: InformationMatrix { whitening.information }
    /// The robust kernel.
    public let kernel: RobustKernel

    @usableFromInline let whitening: Whitening2
    @usableFromInline var slots = (camera: -1, point: -1)

    /// A BAL observation; `information` defaults to the identity (σ = 1 pixel).
    public init(
        camera: Int, point: Int, measurement: SIMD2<Double>, information: InformationMatrix = .identity(dimension: 2),
        kernel: RobustKernel = .none
    ) throws(FactorError) {
        try FactorError.validate(information, dimension: 2, kernel: kernel)
        guard measurement.x.isFinite, measurement.y.isFinite else { throw .nonFiniteMeasurement }
        self.camera = camera
        self.point = point
        self.measurement = measurement
        self.kernel = kernel
        whitening = Whitening2(information)
    }

    /// Equal when the fields a user sets agree (the problem-assigned variable slots are ignored).
    public static func == (a: BALReprojectionFactor, b: BALReprojectionFactor) -> Bool {
        a.camera == b.camera && a.point == b.point && a.measurement == b.measurement
            && a.information == b.information && a.kernel == b.kernel
    }

    @inlinable
    func cost<S: GeometryScalar>(_ values: VariableValues, as _: S.Type) -> Double {
        let cam = values.cameras[slots.camera]
        let x = SIMD3<S>(values.points[slots.point])
        let pc = SO3<S>(cam.rotation).act(x) + SIMD3<S>(cam.translation)
        let p = SIMD2(-pc.x / pc.z, -pc.y / pc.z)
        let r2 = p.squaredNorm
        let d = 1 + r2 * (S(cam.k1) + S(cam.k2) * r2)
        let e = S(cam.focalLength) * d * p - SIMD2<S>(measurement)
        return 0.5 * kernel.evaluate(BlockStore.squaredNorm(whitening.apply(e))).rho
    }

    @inlinable
    func linearize<S: GeometryScalar>(
        _ values: VariableValues, as _: S.Type, residual: UnsafeMutablePointer<Double>,
        jacobianCamera: UnsafeMutablePointer<Double>?, jacobianPoint: UnsafeMutablePointer<Double>?
    ) -> Double {
        let cam = values.cameras[slots.camera]
        let rotation = SO3<S>(cam.rotation)
        let x = SIMD3<S>(values.points[slots.point])
        let f = S(cam.focalLength)
        let k1 = S(cam.k1)
        let k2 = S(cam.k2)
        let pc = rotation.act(x) + SIMD3<S>(cam.translation)
        let p = SIMD2(-pc.x / pc.z, -pc.y / pc.z)
        let r2 = p.squaredNorm
        let d = 1 + r2 * (k1 + k2 * r2)
        let r = whitening.apply(f * d * p - SIMD2<S>(measurement))
        let (rho, weight) = kernel.evaluate(BlockStore.squaredNorm(r))
        BlockStore.store(r, weight: weight, to: residual)
        if jacobianCamera != nil || jacobianPoint != nil {
            // ∂pixel/∂p = f (d I + g p pᵀ), g = 2(k₁ + 2k₂‖p‖²); ∂p/∂P = (1/P_z)[[−1, 0, −p_x], [0, −1, −p_y]].
            let g = 2 * (k1 + 2 * k2 * r2)
            let m00 = f * (d + g * p.x * p.x)
            let m01 = f * g * p.x * p.y
            let m11 = f * (d + g * p.y * p.y)
            let invZ = 1 / pc.z
            let dp0 = SIMD3<S>(-invZ, 0, -p.x * invZ)
            let dp1 = SIMD3<S>(0, -invZ, -p.y * invZ)
            let c0 = m00 * dp0 + m01 * dp1
            let c1 = m01 * dp0 + m11 * dp1
            let b0 = S(whitening.a) * c0 + S(whitening.b) * c1
            let b1 = S(whitening.c) * c0 + S(whitening.d) * c1
            let g0 = rotation.inverse.act(b0)
            let g1 = rotation.inverse.act(b1)
            if let q = jacobianCamera {
                let dF = whitening.apply(d * p)
                let dK1 = whitening.apply(f * r2 * p)
                let dK2 = whitening.apply(f * r2 * r2 * p)
                // Row k: [X × G_k, B_k, ∂/∂f, ∂/∂k₁, ∂/∂k₂] with G_k = Rᵀ B_k.
                BlockStore.store(x.cross(g0), weight: weight, to: q)
                BlockStore.store(b0, weight: weight, to: q + 3)
                q[6] = weight * Double(dF.x)
                q[7] = weight * Double(dK1.x)
                q[8] = weight * Double(dK2.x)
                BlockStore.store(x.cross(g1), weight: weight, to: q + 9)
                BlockStore.store(b1, weight: weight, to: q + 12)
                q[15] = weight * Double(dF.y)
                q[16] = weight * Double(dK1.y)
                q[17] = weight * Double(dK2.y)
            }
            if let q = jacobianPoint {
                BlockStore.store(g0, weight: weight, to: q)
                BlockStore.store(g1, weight: weight, to: q + 3)
            }
        }
        return 0.5 * rho
    }
}
