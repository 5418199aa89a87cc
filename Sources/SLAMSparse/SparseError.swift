/// Why a sparse structure or a vector was rejected before any kernel saw it.
public enum SparseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Array lengths disagree with the declared shape.
    case shapeMismatch(String)
    /// Row pointers are not non-decreasing from 0 to the number of stored entries.
    case invalidRowPointers(row: Int)
    /// A column index is outside `0..<columnCount`.
    case indexOutOfBounds(row: Int, column: Int)
    /// Column indices of a row are not strictly increasing (unsorted or duplicate).
    case unsortedIndices(row: Int)
    /// A stored value is NaN or infinite.
    case nonFinite(index: Int)
    /// A vector passed to a product or solve has the wrong length.
    case dimensionMismatch(expected: Int, actual: Int)
    /// A kernel path was requested that this CPU cannot run.
    case unsupportedKernelPath(String)
    /// A narrowing conversion produced ±inf; the report says how many values overflowed.
    case conversionOverflow(ConversionReport)
    /// A value is outside what the operation accepts (explained in the message).
    case invalidArgument(String)
    /// A factorization met a non-positive pivot in `row` even with the largest shift tried.
    case factorizationBreakdown(row: Int, shift: Double)

    /// A one-line explanation with the offending row, column or index.
    public var description: String {
        switch self {
        case .shapeMismatch(let what): return "shape mismatch: \(what)"
        case .invalidRowPointers(let row): return "row pointers decrease or overflow at row \(row)"
        case .indexOutOfBounds(let row, let column): return "column index \(column) out of bounds in row \(row)"
        case .unsortedIndices(let row): return "column indices of row \(row) are not strictly increasing"
        case .nonFinite(let index): return "stored value \(index) is NaN or infinite"
        case .dimensionMismatch(let expected, let actual): return "vector length \(actual), expected \(expected)"
        case .unsupportedKernelPath(let path): return "kernel path \(path) is not supported on this CPU"
        case .conversionOverflow(let report): return "conversion overflowed: \(report)"
        case .invalidArgument(let what): return "invalid argument: \(what)"
        case .factorizationBreakdown(let row, let shift):
            return "factorization broke down at row \(row) with diagonal shift \(shift)"
        }
    }
}
