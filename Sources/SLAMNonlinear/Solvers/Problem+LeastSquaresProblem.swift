import SLAMSparse

extension Problem: LeastSquaresProblem {
    /// The variables' values: a value-type snapshot, restored to undo a rejected step.
    public var snapshot: VariableValues { values }

    /// Length of δ: the free variables' tangent dimensions summed.
    public var freeDimension: Int {
        mutating get { structure.tangentDimension }
    }

    /// x ← x ⊞ δ in fp64 (see ``retract(delta:)``, whose errors it throws).
    public mutating func retract(by delta: [Double]) throws {
        try retract(delta: delta)
    }
}
