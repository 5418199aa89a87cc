import SLAMGeometry

/// A pixel observation z of a 3-D landmark by a calibrated pinhole camera.
///
/// The pose variable is **world-from-camera** T_wc (the camera's pose in the world, as in
/// GTSAM's `PinholeCamera`): the landmark in the camera frame is P = T_wc⁻¹ p_w =
/// Rᵀ(p_w − t). Error e = π(P) − z with π(P) = (fx P_x/P_z + cx, fy P_y/P_z + cy); whitened
/// residual S e. For the right perturbation T ⊞ δ = T · Exp([ρ; φ]),
/// ∂P/∂ρ = −I, ∂P/∂φ = P^, and ∂P/∂p_w = Rᵀ.
///
/// Points at P_z = 0 have no projection; the factor is evaluated as is (the caller keeps
/// landmarks in front of the camera, as every BA front end does).
public struct ReprojectionFactor: Sendable, Equatable {
    /// The id of the SE(3) camera pose T_wc.
    public let pose: Int
    /// The id of the 3-D landmark.
    public let point: Int
    /// The observed pixel z.
    public let measurement: SIMD2<Double>
    /// The intrinsics.
    public let calibration: PinholeCalibration
    /// Ω, 2×2 in pixels⁻² (stored inline with its square root, so the factor copies without
    /// reference counting).
    public var information: InformationMatrix { whitening.information }
    /// The robust kernel.
    public let kernel: RobustKernel

    @usableFromInline let whitening: Whitening2
    @usableFromInline var slots = (pose: -1, point: -1)

    /// A reprojection factor; `information` defaults to the identity (σ = 1 pixel).
    public init(
        pose: Int, point: Int, measurement: SIMD2<Double>, calibration: PinholeCalibration,
        information: InformationMatrix = .identity(dimension: 2), kernel: RobustKernel = .none
    ) throws(FactorError) {
        try FactorError.validate(information, dimension: 2, kernel: kernel)
        guard measurement.x.isFinite, measurement.y.isFinite else { throw .nonFiniteMeasurement }
        guard calibration.isValid else { throw .invalidCalibration }
        self.pose = pose
        self.point = point
        self.measurement = measurement
        self.calibration = calibration
        self.kernel = kernel
        whitening = Whitening2(information)
    }

    /// Equal when the fields a user sets agree (the problem-assigned variable slots are ignored).
    public static func == (a: ReprojectionFactor, b: ReprojectionFactor) -> Bool {
        a.pose == b.pose && a.point == b.point && a.measurement == b.measurement
            && a.calibration == b.calibration && a.information == b.information && a.kernel == b.kernel
    }

    /// A pose's rotation Rᵀ (world to camera) and position t at the evaluation precision,
    /// computed once per evaluation pass for all the factors that observe through that pose:
    /// each pose has many observations, and a rotation by matrix costs less than one by
    /// quaternion (the quaternion rotations were 3.5 % of the VO benchmark's time).
    @usableFromInline
    struct CameraFrame<S: GeometryScalar> {
        @usableFromInline let worldToCamera: Matrix3<S>
        @usableFromInline let position: SIMD3<S>

        /// The frame of `pose` (T_wc), R computed in fp64 and rounded to S.
        @inlinable
        init(_ pose: SE3<Double>) {
            worldToCamera = Matrix3(pose.rotation.matrix.transposed)
            position = SIMD3(pose.translation)
        }
    }

    /// The camera's frame and the landmark in it, P = Rᵀ(p_w − t).
    @inlinable @inline(__always)
    func cameraPoint<S: GeometryScalar>(
        _ frames: UnsafeBufferPointer<CameraFrame<S>>, _ values: VariableValues
    ) -> (CameraFrame<S>, SIMD3<S>) {
        let frame = frames[slots.pose]
        return (frame, frame.worldToCamera * (SIMD3<S>(values.points[slots.point]) - frame.position))
    }

    @inlinable
    func error<S: GeometryScalar>(_ pc: SIMD3<S>) -> SIMD2<S> {
        let u = S(calibration.fx) * pc.x / pc.z + S(calibration.cx) - S(measurement.x)
        let v = S(calibration.fy) * pc.y / pc.z + S(calibration.cy) - S(measurement.y)
        return SIMD2(u, v)
    }

    @inlinable @inline(__always)
    func cost<S: GeometryScalar>(_ frames: UnsafeBufferPointer<CameraFrame<S>>, _ values: VariableValues) -> Double {
        let (_, pc) = cameraPoint(frames, values)
        return 0.5 * kernel.evaluate(BlockStore.squaredNorm(whitening.apply(error(pc)))).rho
    }

    @inlinable @inline(__always)
    func linearize<S: GeometryScalar>(
        _ frames: UnsafeBufferPointer<CameraFrame<S>>, _ values: VariableValues, residual: UnsafeMutablePointer<Double>,
        jacobianPose: UnsafeMutablePointer<Double>?, jacobianPoint: UnsafeMutablePointer<Double>?
    ) -> Double {
        let (frame, pc) = cameraPoint(frames, values)
        let r = whitening.apply(error(pc))
        let (rho, weight) = kernel.evaluate(BlockStore.squaredNorm(r))
        BlockStore.store(r, weight: weight, to: residual)
        if jacobianPose != nil || jacobianPoint != nil {
            let invZ = 1 / pc.z
            let fx = S(calibration.fx)
            let fy = S(calibration.fy)
            // Rows of ∂π/∂P, then whitened: B = S_w · ∂π/∂P.
            let a0 = SIMD3(fx * invZ, 0, -fx * pc.x * invZ * invZ)
            let a1 = SIMD3(0, fy * invZ, -fy * pc.y * invZ * invZ)
            let b0 = S(whitening.a) * a0 + S(whitening.b) * a1
            let b1 = S(whitening.c) * a0 + S(whitening.d) * a1
            if let p = jacobianPose {
                // Row k: [−B_k, B_k P^] and B_k P^ = B_k × P.
                BlockStore.store(-b0, weight: weight, to: p)
                BlockStore.store(b0.cross(pc), weight: weight, to: p + 3)
                BlockStore.store(-b1, weight: weight, to: p + 6)
                BlockStore.store(b1.cross(pc), weight: weight, to: p + 9)
            }
            if let p = jacobianPoint {
                // Row k: B_k Rᵀ = (R B_kᵀ)ᵀ.
                let rotation = frame.worldToCamera.transposed
                BlockStore.store(rotation * b0, weight: weight, to: p)
                BlockStore.store(rotation * b1, weight: weight, to: p + 3)
            }
        }
        return 0.5 * rho
    }
}
