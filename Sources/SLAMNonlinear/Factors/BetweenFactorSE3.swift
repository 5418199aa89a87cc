import SLAMGeometry

/// How an SE(3) between factor turns the error transform E = Z⁻¹ · Xᵢ⁻¹ · Xⱼ into a vector.
public enum SE3ErrorConvention: String, Sendable, Equatable, Hashable, CaseIterable {
    /// e = Log(E) = [Jl(φ)⁻¹ t; φ], the full log map: GTSAM's `BetweenFactor<Pose3>` and the
    /// reference costs in the datasets README. The default.
    case logMap
    /// e = [t_E; q_E.xyz] with q_E's sign chosen so w ≥ 0: g2o's `EdgeSE3` (`toVectorMQT`).
    /// The quaternion vector part is about half the angle, so optima differ from ``logMap``.
    case g2o
}

/// A relative-pose measurement Z between two SE(3) poses (g2o `EDGE_SE3:QUAT`).
///
/// Error per ``SE3ErrorConvention``, ordered [translation; rotation]; whitened residual S e
/// with SᵀS = Ω. Jacobians for right perturbations X ⊞ δ = X · Exp(δ): with D = ∂e/∂(E ⊞ δ)
/// (Jr(e)⁻¹ for the log map; [[R_E, 0], [0, ½(w I + v^)]] for g2o),
/// ∂e/∂δⱼ = D and ∂e/∂δᵢ = −D Ad(Xⱼ⁻¹ Xᵢ).
public struct BetweenFactorSE3: Sendable, Equatable {
    /// The id of Xᵢ.
    public let from: Int
    /// The id of Xⱼ.
    public let to: Int
    /// The measured Xᵢ⁻¹ Xⱼ.
    public let measurement: SE3<Double>
    /// Ω, 6×6 in (x, y, z, rotation) order.
    public var information: InformationMatrix { whitening.information }
    /// The robust kernel.
    public let kernel: RobustKernel
    /// The error convention.
    public let error: SE3ErrorConvention

    @usableFromInline let whitening: BlockWhitening<Matrix6<Double>>
    @usableFromInline let measurementInverse: SE3<Double>
    @usableFromInline var slots = (from: -1, to: -1)

    /// A between factor; `information` defaults to the identity, `error` to ``SE3ErrorConvention/logMap``.
    public init(
        from: Int, to: Int, measurement: SE3<Double>, information: InformationMatrix = .identity(dimension: 6),
        kernel: RobustKernel = .none, error: SE3ErrorConvention = .logMap
    ) throws(FactorError) {
        try FactorError.validate(information, dimension: 6, kernel: kernel)
        let measurement = try FactorError.checked(measurement)
        self.from = from
        self.to = to
        self.measurement = measurement
        self.kernel = kernel
        self.error = error
        whitening = BlockWhitening(information)
        measurementInverse = measurement.inverse
    }

    /// Equal when the fields a user sets agree (the problem-assigned variable slots are ignored).
    public static func == (a: BetweenFactorSE3, b: BetweenFactorSE3) -> Bool {
        a.from == b.from && a.to == b.to && a.measurement == b.measurement && a.information == b.information
            && a.kernel == b.kernel && a.error == b.error
    }

    @inlinable
    static func g2oError<S: GeometryScalar>(_ e: SE3<S>) -> (error: SE3<S>.Tangent, w: S, v: SIMD3<S>) {
        let sign: S = e.rotation.w < 0 ? -1 : 1
        let v = sign * e.rotation.vector
        return (SE3<S>.Tangent(translation: e.translation, rotation: v), sign * e.rotation.w, v)
    }

    @inlinable
    func whitenedError<S: GeometryScalar>(_ values: VariableValues, as _: S.Type) -> SE3<S>.Tangent {
        // Relative pose from the fp64 state, then cast: casting the absolute poses first
        // would cost u·‖t‖ per translation (1e-5 m at 100 m in fp32), above the residuals
        // near the optimum.
        let between = SE3<S>(values.se3[slots.from].inverse * values.se3[slots.to])
        let e = SE3<S>(measurementInverse) * between
        let vector = error == .logMap ? e.log() : Self.g2oError(e).error
        return Matrix6<S>(whitening.matrix) * vector
    }

    @inlinable
    func cost<S: GeometryScalar>(_ values: VariableValues, as type: S.Type) -> Double {
        0.5 * kernel.evaluate(BlockStore.squaredNorm(whitenedError(values, as: type))).rho
    }

    @inlinable
    func linearize<S: GeometryScalar>(
        _ values: VariableValues, as _: S.Type, residual: UnsafeMutablePointer<Double>,
        jacobianFrom: UnsafeMutablePointer<Double>?, jacobianTo: UnsafeMutablePointer<Double>?
    ) -> Double {
        // Relative pose from the fp64 state, as in whitenedError.
        let between = SE3<S>(values.se3[slots.from].inverse * values.se3[slots.to])
        let transform = SE3<S>(measurementInverse) * between
        let w = Matrix6<S>(whitening.matrix)
        let vector: SE3<S>.Tangent
        let derivative: Matrix6<S>
        switch error {
        case .logMap:
            vector = transform.log()
            derivative = SE3<S>.rightJacobianInverse(vector)
        case .g2o:
            let g = Self.g2oError(transform)
            vector = g.error
            derivative = Matrix6(
                topLeft: transform.rotation.matrix, topRight: .zero, bottomLeft: .zero,
                bottomRight: S(0.5) * (Matrix3(diagonal: SIMD3(repeating: g.w)) + Matrix3.skew(g.v)))
        }
        let r = w * vector
        let (rho, weight) = kernel.evaluate(BlockStore.squaredNorm(r))
        BlockStore.store(r.translation, weight: weight, to: residual)
        BlockStore.store(r.rotation, weight: weight, to: residual + 3)
        if jacobianFrom != nil || jacobianTo != nil {
            let wd = w * derivative
            if let p = jacobianTo { BlockStore.store(wd, weight: weight, to: p) }
            if let p = jacobianFrom { BlockStore.store(-(wd * between.inverse.adjoint), weight: weight, to: p) }
        }
        return 0.5 * rho
    }
}
