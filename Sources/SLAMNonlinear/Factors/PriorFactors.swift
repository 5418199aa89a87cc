import SLAMGeometry

/// A prior Z on an SE(2) pose: e = Log(Z⁻¹ X), ∂e/∂δ = Jr(e)⁻¹ (right perturbation).
public struct PriorFactorSE2: Sendable, Equatable {
    /// The id of X.
    public let variable: Int
    /// The prior mean Z.
    public let measurement: SE2<Double>
    /// Ω, 3×3 in (x, y, θ) order.
    public var information: InformationMatrix { whitening.information }
    /// The robust kernel.
    public let kernel: RobustKernel

    @usableFromInline let whitening: BlockWhitening<Matrix3<Double>>
    @usableFromInline let measurementInverse: SE2<Double>
    @usableFromInline var slot = -1

    /// A prior; `information` defaults to the identity.
    public init(
        variable: Int, measurement: SE2<Double>, information: InformationMatrix = .identity(dimension: 3),
        kernel: RobustKernel = .none
    ) throws(FactorError) {
        try FactorError.validate(information, dimension: 3, kernel: kernel)
        let measurement = try FactorError.checked(measurement)
        self.variable = variable
        self.measurement = measurement
        self.kernel = kernel
        whitening = BlockWhitening(information)
        measurementInverse = measurement.inverse
    }

    /// Equal when the fields a user sets agree (the problem-assigned variable slots are ignored).
    public static func == (a: PriorFactorSE2, b: PriorFactorSE2) -> Bool {
        a.variable == b.variable && a.measurement == b.measurement && a.information == b.information
            && a.kernel == b.kernel
    }

    @inlinable
    func cost<S: GeometryScalar>(_ values: VariableValues, as _: S.Type) -> Double {
        let e = (SE2<S>(measurementInverse) * SE2<S>(values.se2[slot])).log()
        return 0.5 * kernel.evaluate(BlockStore.squaredNorm(Matrix3<S>(whitening.matrix) * e)).rho
    }

    @inlinable
    func linearize<S: GeometryScalar>(
        _ values: VariableValues, as _: S.Type, residual: UnsafeMutablePointer<Double>,
        jacobian: UnsafeMutablePointer<Double>?
    ) -> Double {
        let e = (SE2<S>(measurementInverse) * SE2<S>(values.se2[slot])).log()
        let w = Matrix3<S>(whitening.matrix)
        let r = w * e
        let (rho, weight) = kernel.evaluate(BlockStore.squaredNorm(r))
        BlockStore.store(r, weight: weight, to: residual)
        if let p = jacobian { BlockStore.store(w * SE2<S>.rightJacobianInverse(e), weight: weight, to: p) }
        return 0.5 * rho
    }
}

/// A prior Z on an SE(3) pose: e = Log(Z⁻¹ X) = [ρ; φ], ∂e/∂δ = Jr(e)⁻¹ (right perturbation).
public struct PriorFactorSE3: Sendable, Equatable {
    /// The id of X.
    public let variable: Int
    /// The prior mean Z.
    public let measurement: SE3<Double>
    /// Ω, 6×6 in [translation; rotation] order.
    public var information: InformationMatrix { whitening.information }
    /// The robust kernel.
    public let kernel: RobustKernel

    @usableFromInline let whitening: BlockWhitening<Matrix6<Double>>
    @usableFromInline let measurementInverse: SE3<Double>
    @usableFromInline var slot = -1

    /// A prior; `information` defaults to the identity.
    public init(
        variable: Int, measurement: SE3<Double>, information: InformationMatrix = .identity(dimension: 6),
        kernel: RobustKernel = .none
    ) throws(FactorError) {
        try FactorError.validate(information, dimension: 6, kernel: kernel)
        let measurement = try FactorError.checked(measurement)
        self.variable = variable
        self.measurement = measurement
        self.kernel = kernel
        whitening = BlockWhitening(information)
        measurementInverse = measurement.inverse
    }

    /// Equal when the fields a user sets agree (the problem-assigned variable slots are ignored).
    public static func == (a: PriorFactorSE3, b: PriorFactorSE3) -> Bool {
        a.variable == b.variable && a.measurement == b.measurement && a.information == b.information
            && a.kernel == b.kernel
    }

    @inlinable
    func cost<S: GeometryScalar>(_ values: VariableValues, as _: S.Type) -> Double {
        let e = (SE3<S>(measurementInverse) * SE3<S>(values.se3[slot])).log()
        return 0.5 * kernel.evaluate(BlockStore.squaredNorm(Matrix6<S>(whitening.matrix) * e)).rho
    }

    @inlinable
    func linearize<S: GeometryScalar>(
        _ values: VariableValues, as _: S.Type, residual: UnsafeMutablePointer<Double>,
        jacobian: UnsafeMutablePointer<Double>?
    ) -> Double {
        let e = (SE3<S>(measurementInverse) * SE3<S>(values.se3[slot])).log()
        let w = Matrix6<S>(whitening.matrix)
        let r = w * e
        let (rho, weight) = kernel.evaluate(BlockStore.squaredNorm(r))
        BlockStore.store(r.translation, weight: weight, to: residual)
        BlockStore.store(r.rotation, weight: weight, to: residual + 3)
        if let p = jacobian { BlockStore.store(w * SE3<S>.rightJacobianInverse(e), weight: weight, to: p) }
        return 0.5 * rho
    }
}

/// A prior z on a 3-D point: e = p − z, ∂e/∂δ = I.
public struct PriorFactorPoint3: Sendable, Equatable {
    /// The id of p.
    public let variable: Int
    /// The prior mean z.
    public let measurement: SIMD3<Double>
    /// Ω, 3×3.
    public var information: InformationMatrix { whitening.information }
    /// The robust kernel.
    public let kernel: RobustKernel

    @usableFromInline let whitening: BlockWhitening<Matrix3<Double>>
    @usableFromInline var slot = -1

    /// A prior; `information` defaults to the identity.
    public init(
        variable: Int, measurement: SIMD3<Double>, information: InformationMatrix = .identity(dimension: 3),
        kernel: RobustKernel = .none
    ) throws(FactorError) {
        try FactorError.validate(information, dimension: 3, kernel: kernel)
        guard measurement.allFinite else { throw .nonFiniteMeasurement }
        self.variable = variable
        self.measurement = measurement
        self.kernel = kernel
        whitening = BlockWhitening(information)
    }

    /// Equal when the fields a user sets agree (the problem-assigned variable slots are ignored).
    public static func == (a: PriorFactorPoint3, b: PriorFactorPoint3) -> Bool {
        a.variable == b.variable && a.measurement == b.measurement && a.information == b.information
            && a.kernel == b.kernel
    }

    @inlinable
    func cost<S: GeometryScalar>(_ values: VariableValues, as _: S.Type) -> Double {
        let e = SIMD3<S>(values.points[slot]) - SIMD3<S>(measurement)
        return 0.5 * kernel.evaluate(BlockStore.squaredNorm(Matrix3<S>(whitening.matrix) * e)).rho
    }

    @inlinable
    func linearize<S: GeometryScalar>(
        _ values: VariableValues, as _: S.Type, residual: UnsafeMutablePointer<Double>,
        jacobian: UnsafeMutablePointer<Double>?
    ) -> Double {
        let w = Matrix3<S>(whitening.matrix)
        let r = w * (SIMD3<S>(values.points[slot]) - SIMD3<S>(measurement))
        let (rho, weight) = kernel.evaluate(BlockStore.squaredNorm(r))
        BlockStore.store(r, weight: weight, to: residual)
        if let p = jacobian { BlockStore.store(w, weight: weight, to: p) }
        return 0.5 * rho
    }
}
