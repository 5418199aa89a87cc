/// Why a variable or factor could not be added to a ``Problem``, or a step not applied.
public enum ProblemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A variable with this id already exists.
    case duplicateVariable(id: Int)
    /// No variable has this id.
    case unknownVariable(id: Int)
    /// The variable exists but is of another kind than the factor or accessor needs.
    case wrongVariableKind(id: Int, expected: VariableKind, actual: VariableKind)
    /// A value has a NaN or infinite component.
    case nonFiniteValue(id: Int)
    /// A factor connects a variable to itself.
    case selfLoop(id: Int)
    /// A pose's rotation is zero: a (cos, sin) pair or quaternion of length 0, which no
    /// rescaling turns into a rotation.
    case degenerateRotation(id: Int)
    /// A step δ for ``Problem/retract(delta:)`` whose length is not the free variables'
    /// tangent dimension.
    case stepLength(expected: Int, actual: Int)
    /// A step δ for ``Problem/retract(delta:)`` with a NaN or infinite entry at `index`, or
    /// one that would move a variable to a non-finite value.
    case nonFiniteStep(index: Int)
    /// A snapshot for ``Problem/restore(_:)`` with another number of variables of some kind.
    case snapshotLayout

    /// A one-line explanation for logs and error messages.
    public var description: String {
        switch self {
        case .duplicateVariable(let id): return "variable \(id) already exists"
        case .unknownVariable(let id): return "unknown variable \(id)"
        case .wrongVariableKind(let id, let e, let a): return "variable \(id) is \(a.rawValue), expected \(e.rawValue)"
        case .nonFiniteValue(let id): return "variable \(id) has a NaN or infinite component"
        case .selfLoop(let id): return "factor connects variable \(id) to itself"
        case .degenerateRotation(let id): return "variable \(id) has a zero rotation (quaternion or cos/sin of length 0)"
        case .stepLength(let expected, let actual): return "step of length \(actual), expected \(expected)"
        case .nonFiniteStep(let index): return "step entry \(index) is NaN or infinite, or moves its variable to infinity"
        case .snapshotLayout: return "the snapshot holds another number of variables than the problem"
        }
    }
}
