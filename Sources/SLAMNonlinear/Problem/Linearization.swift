import SLAMSparse

/// A reusable buffer for one linearization of a ``Problem``: every factor's whitened,
/// robust-weighted residual and its dense Jacobian blocks with respect to its free
/// variables, laid out by ``ProblemStructure``.
///
/// Values are computed in the requested ``Precision`` and stored as `Double` (every fp16 and
/// fp32 value is exactly representable), so one buffer serves every plan.
public struct Linearization: Sendable {
    /// The structure the buffer is laid out for.
    public private(set) var structure: ProblemStructure
    /// Stacked whitened residuals, ``ProblemStructure/residualDimension`` entries.
    public internal(set) var residuals: [Double]
    /// Jacobian blocks, row-major, at ``ProblemStructure/blockJacobianOffsets``.
    public internal(set) var jacobians: [Double]
    /// ½ Σ ρ(‖S e‖²) at the linearization point, evaluated in ``precision``.
    public internal(set) var cost: Double = 0
    /// The precision the values were computed in.
    public internal(set) var precision: Precision = .fp64

    /// A zeroed buffer for `structure`.
    public init(structure: ProblemStructure) {
        self.structure = structure
        residuals = [Double](repeating: 0, count: structure.residualDimension)
        jacobians = [Double](repeating: 0, count: structure.jacobianValueCount)
    }

    /// Jacobian block `b` (row-major, residual dim × tangent dim).
    public func jacobianBlock(_ b: Int) -> ArraySlice<Double> {
        jacobians[structure.blockJacobianOffsets[b]..<structure.blockJacobianOffsets[b + 1]]
    }

    /// Residual rows of factor `k`.
    public func residual(ofFactor k: Int) -> ArraySlice<Double> {
        residuals[structure.residualOffsets[k]..<structure.residualOffsets[k + 1]]
    }
}
