/// Why a linear solve failed. The optimizer reacts (raises damping, escalates precision)
/// instead of returning a bad step.
public enum LinearSolverError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The matrix is not positive definite: the factorization broke down at `column`.
    case notPositiveDefinite(column: Int)
    /// Shapes of the matrix, right-hand side or damping disagree.
    case dimensionMismatch(expected: Int, actual: Int)
    /// A value that enters the solve is NaN or infinite.
    case nonFinite(String)
    /// The matrix pattern changed since ``Cholmod/analyze(_:permutation:)`` was called for this solver.
    case patternChanged
    /// The external library reported an error.
    case library(name: String, status: Int)
    /// A given ordering is not a permutation of the matrix's rows.
    case invalidPermutation
    /// A solver option is out of its range (the message names it).
    case invalidOption(String)
    /// The system is too large for this solver: `what` needs `size` where the solver takes
    /// at most `limit` (a dense matrix's dimension, or a sparse matrix's entries for its
    /// 32-bit indices). Nothing was allocated; use a sparse or iterative solver.
    case tooLarge(what: String, size: Int, limit: Int)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let column): return "matrix not positive definite (breakdown at column \(column))"
        case .dimensionMismatch(let expected, let actual): return "dimension \(actual), expected \(expected)"
        case .nonFinite(let what): return "non-finite value in \(what)"
        case .patternChanged: return "sparsity pattern changed since the symbolic analysis"
        case .library(let name, let status): return "\(name) failed with status \(status)"
        case .invalidPermutation: return "the given ordering is not a permutation of the rows"
        case .invalidOption(let what): return "invalid option: \(what)"
        case .tooLarge(let what, let size, let limit): return "\(what) needs \(size), more than the limit \(limit)"
        }
    }
}
