/// Why an evaluation (statistics, alignment, trajectory error) or a scenario could not be
/// computed. Every public entry point of this module reports bad input with one of these
/// instead of trapping or returning NaN.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A sample, trajectory or edge list that must not be empty was empty.
    case emptyInput(what: String)
    /// A value that must be finite was NaN or infinite; `index` locates it in its input.
    case nonFiniteValue(what: String, index: Int)
    /// Two trajectories that are compared pose by pose have different lengths.
    case lengthMismatch(estimated: Int, reference: Int)
    /// A parameter was outside its documented range.
    case invalidArgument(String)
    /// The points do not determine the requested alignment (too few, or all coincident).
    case degenerateAlignment(String)

    /// A one-line human-readable explanation.
    public var description: String {
        switch self {
        case .emptyInput(let what):
            return "empty input: \(what)"
        case .nonFiniteValue(let what, let index):
            return "non-finite value in \(what) at index \(index)"
        case .lengthMismatch(let estimated, let reference):
            return "trajectory lengths differ: estimated \(estimated), reference \(reference)"
        case .invalidArgument(let message):
            return "invalid argument: \(message)"
        case .degenerateAlignment(let message):
            return "degenerate alignment: \(message)"
        }
    }
}

/// Throws ``EvaluationError`` for the first non-finite element of `values`.
func requireFinite(_ values: [Double], what: String) throws {
    if let index = values.firstIndex(where: { !$0.isFinite }) {
        throw EvaluationError.nonFiniteValue(what: what, index: index)
    }
}

/// Throws ``EvaluationError`` for the first point with a non-finite coordinate.
func requireFinite(_ points: [SIMD3<Double>], what: String) throws {
    if let index = points.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
        throw EvaluationError.nonFiniteValue(what: what, index: index)
    }
}
