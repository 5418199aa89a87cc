import SLAMGeometry

/// A relative-pose measurement Z between two SE(2) poses (g2o `EDGE_SE2`).
///
/// Error e = Log(Z⁻¹ · Xᵢ⁻¹ · Xⱼ) = (V(θ)⁻¹ t, θ), the full SE(2) log map, ordered
/// [translation; rotation]; whitened residual S e with SᵀS = Ω. Jacobians for right
/// perturbations X ⊞ δ = X · Exp(δ): ∂e/∂δⱼ = Jr(e)⁻¹ and ∂e/∂δᵢ = −Jr(e)⁻¹ Ad(Xⱼ⁻¹ Xᵢ).
public struct BetweenFactorSE2: Sendable, Equatable {
    /// The id of Xᵢ.
    public let from: Int
    /// The id of Xⱼ.
    public let to: Int
    /// The measured Xᵢ⁻¹ Xⱼ.
    public let measurement: SE2<Double>
    /// Ω, 3×3 in (x, y, θ) order.
    public var information: InformationMatrix { whitening.information }
    /// The robust kernel.
    public let kernel: RobustKernel

    @usableFromInline let whitening: BlockWhitening<Matrix3<Double>>
    @usableFromInline let measurementInverse: SE2<Double>
    @usableFromInline var slots = (from: -1, to: -1)

    /// A between factor; `information` defaults to the identity.
    public init(
        from: Int, to: Int, measurement: SE2<Double>, information: InformationMatrix = .identity(dimension: 3),
        kernel: RobustKernel = .none
    ) throws(FactorError) {
        try FactorError.validate(information, dimension: 3, kernel: kernel)
        let measurement = try FactorError.checked(measurement)
        self.from = from
        self.to = to
        self.measurement = measurement
        self.kernel = kernel
        whitening = BlockWhitening(information)
        measurementInverse = measurement.inverse
    }

    /// Equal when the fields a user sets agree (the problem-assigned variable slots are ignored).
    public static func == (a: BetweenFactorSE2, b: BetweenFactorSE2) -> Bool {
        a.from == b.from && a.to == b.to && a.measurement == b.measurement && a.information == b.information
            && a.kernel == b.kernel
    }

    @inlinable
    func whitenedError<S: GeometryScalar>(_ values: VariableValues, as _: S.Type) -> SIMD3<S> {
        // Relative pose from the fp64 state, then cast: casting the absolute poses first
        // would cost u·‖t‖ per translation (1e-5 m at 100 m in fp32), above the residuals
        // near the optimum.
        let between = SE2<S>(values.se2[slots.from].inverse * values.se2[slots.to])
        return Matrix3<S>(whitening.matrix) * (SE2<S>(measurementInverse) * between).log()
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
        let between = SE2<S>(values.se2[slots.from].inverse * values.se2[slots.to])
        let e = (SE2<S>(measurementInverse) * between).log()
        let w = Matrix3<S>(whitening.matrix)
        let r = w * e
        let (rho, weight) = kernel.evaluate(BlockStore.squaredNorm(r))
        BlockStore.store(r, weight: weight, to: residual)
        if jacobianFrom != nil || jacobianTo != nil {
            let wj = w * SE2<S>.rightJacobianInverse(e)
            if let p = jacobianTo { BlockStore.store(wj, weight: weight, to: p) }
            if let p = jacobianFrom { BlockStore.store(-(wj * between.inverse.adjoint), weight: weight, to: p) }
        }
        return 0.5 * rho
    }
}
