import SLAMSparse

extension Problem: LeastSquaresProblem {
    /// The variables' values: a value-type snapshot, restored to undo a rejected step.
    public var state: VariableValues {
        get { values }
        set { values = newValue }
    }

    /// x ← x ⊞ δ in fp64 (see ``retract(delta:)``).
    public mutating func retract(by delta: [Double]) {
        retract(delta: delta)
    }
}
