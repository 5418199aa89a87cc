/// The block structure of a ``Problem`` that the linear solvers need, built once and reused
/// across iterations until a variable, factor or fixed flag changes.
///
/// Free variables are numbered 0..<``freeVariableCount`` in insertion order; free variable
/// `v` occupies rows `tangentOffsets[v] ..< tangentOffsets[v + 1]` of the stacked tangent
/// vector δ. Factor `k` (insertion order) owns residual rows
/// `residualOffsets[k] ..< residualOffsets[k + 1]` and Jacobian blocks
/// `factorBlockOffsets[k] ..< factorBlockOffsets[k + 1]`; block `b` is the dense row-major
/// (residual dim × tangent dim of `blockVariables[b]`) derivative stored at
/// `blockJacobianOffsets[b]` in ``Linearization/jacobians``. Blocks exist only for free
/// variables.
public struct ProblemStructure: Sendable {
    /// Identity of this build, so a ``Linearization`` can tell whether it matches.
    public let buildID: UInt64
    /// Variable id of each free variable.
    public let freeVariableIDs: [Int]
    /// Kind of each free variable.
    public let freeVariableKinds: [VariableKind]
    /// Offset of each free variable in δ; `freeVariableCount + 1` entries, the last is the total.
    public let tangentOffsets: [Int]
    /// Offset of each factor's residual rows; `factorCount + 1` entries.
    public let residualOffsets: [Int]
    /// First Jacobian block of each factor; `factorCount + 1` entries.
    public let factorBlockOffsets: [Int]
    /// Free variable index of each Jacobian block.
    public let blockVariables: [Int]
    /// Offset of each block's values in ``Linearization/jacobians``; `blockCount + 1` entries.
    public let blockJacobianOffsets: [Int]
    /// Upper-triangular block pattern of JᵀJ (diagonal included for every free variable),
    /// CSR over free variable indices: row `i` has columns
    /// `hessianColumns[hessianRowOffsets[i] ..< hessianRowOffsets[i + 1]]`, sorted, all ≥ i.
    public let hessianRowOffsets: [Int]
    /// Column indices of the block pattern (see ``hessianRowOffsets``).
    public let hessianColumns: [Int]

    let freeIndexByID: [Int: Int]
    /// The problem's record index of each free variable (the retraction's lookup).
    let freeVariableRecords: [Int]
    let placements: FactorPlacements

    /// Number of free variables.
    public var freeVariableCount: Int { freeVariableIDs.count }
    /// Length of δ.
    public var tangentDimension: Int { tangentOffsets.last ?? 0 }
    /// Tangent dimension of free variable `v`.
    public func tangentDimension(ofFreeVariable v: Int) -> Int { tangentOffsets[v + 1] - tangentOffsets[v] }
    /// Number of factors.
    public var factorCount: Int { residualOffsets.count - 1 }
    /// Total residual rows.
    public var residualDimension: Int { residualOffsets.last ?? 0 }
    /// Residual rows of factor `k`.
    public func residualDimension(ofFactor k: Int) -> Int { residualOffsets[k + 1] - residualOffsets[k] }
    /// Free variable indices factor `k` touches, in block order.
    public func freeVariables(ofFactor k: Int) -> ArraySlice<Int> {
        blockVariables[factorBlockOffsets[k]..<factorBlockOffsets[k + 1]]
    }
    /// Number of Jacobian blocks.
    public var blockCount: Int { blockVariables.count }
    /// Number of stored Jacobian values.
    public var jacobianValueCount: Int { blockJacobianOffsets.last ?? 0 }
    /// Number of stored blocks in the upper block pattern of JᵀJ.
    public var hessianBlockCount: Int { hessianColumns.count }
    /// Free variable index of variable `id`, or nil if it is fixed or unknown.
    public func freeIndex(ofVariable id: Int) -> Int? { freeIndexByID[id] }
}

/// Where each factor of one kind writes: residual offset and Jacobian offsets of its (up to
/// two) variables, −1 when the variable is fixed.
@usableFromInline
struct Placement: Sendable {
    @usableFromInline var residual: Int
    @usableFromInline var first: Int
    @usableFromInline var second: Int
}

/// Placements per factor kind, aligned with the factor arrays of ``Problem``.
@usableFromInline
struct FactorPlacements: Sendable {
    var betweenSE2: [Placement] = []
    var betweenSE3: [Placement] = []
    var priorSE2: [Placement] = []
    var priorSE3: [Placement] = []
    var priorPoint3: [Placement] = []
    var reprojection: [Placement] = []
    var balReprojection: [Placement] = []
}
