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

    public var description: String {
        switch self {
        case .shapeMismatch(let what): return "shape mismatch: \(what)"
        case .invalidRowPointers(let row): return "row pointers decrease or overflow at row \(row)"
        case .indexOutOfBounds(let row, let column): return "column index \(column) out of bounds in row \(row)"
        case .unsortedIndices(let row): return "column indices of row \(row) are not strictly increasing"
        case .nonFinite(let index): return "stored value \(index) is NaN or infinite"
        case .dimensionMismatch(let expected, let actual): return "vector length \(actual), expected \(expected)"
        }
    }
}
