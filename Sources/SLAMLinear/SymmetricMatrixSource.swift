import SLAMSparse

/// A symmetric sparse matrix stored with both triangles, seen entry by entry.
///
/// Direct solvers copy the upper triangle once into their own layout and afterwards only
/// gather values through the index map, so a re-factorization after a value change costs
/// no pattern work.
public protocol SymmetricMatrixSource {
    /// Number of rows (= columns).
    var dimension: Int { get }
    /// Calls `body(row, column, valueIndex)` for every stored entry, rows in increasing order
    /// and columns increasing within a row.
    func forEachEntry(_ body: (Int, Int, Int) -> Void)
    /// Stored values, in the order `valueIndex` refers to.
    var storedValues: [Double] { get }
    /// The arrays that fix which entries are stored and where their values sit: two sources
    /// with equal patterns visit the same `(row, column, valueIndex)` sequence.
    var pattern: SparsePattern { get }
}

/// The stored pattern of a (block) CSR matrix: ``Cholmod`` keeps the one it analyzed and
/// compares the next matrix's against it, so another pattern of the same size is analyzed
/// anew instead of being gathered through the old map. Matrices refilled in place share
/// their index arrays, which makes the comparison O(1).
public struct SparsePattern: Equatable, Sendable {
    /// Rows and columns per block (1 for a scalar CSR matrix).
    public var blockSize: Int
    /// Start of each (block) row's entries, one more than the rows.
    public var rowPointers: [Int32]
    /// (Block) column of each entry.
    public var columnIndices: [Int32]

    /// Creates a pattern from its arrays.
    public init(blockSize: Int, rowPointers: [Int32], columnIndices: [Int32]) {
        self.blockSize = blockSize
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
    }
}

extension CSRMatrix: SymmetricMatrixSource where Scalar == Double {
    /// The number of rows.
    public var dimension: Int { rowCount }
    /// Stored values in CSR order.
    public var storedValues: [Double] { values }
    /// Row pointers and column indices.
    public var pattern: SparsePattern { SparsePattern(blockSize: 1, rowPointers: rowPointers, columnIndices: columnIndices) }

    /// Visits entries in CSR order.
    public func forEachEntry(_ body: (Int, Int, Int) -> Void) {
        for row in 0..<rowCount {
            for k in Int(rowPointers[row])..<Int(rowPointers[row + 1]) {
                body(row, Int(columnIndices[k]), k)
            }
        }
    }
}

extension BlockCSRMatrix: SymmetricMatrixSource where Scalar == Double {
    /// The number of scalar rows.
    public var dimension: Int { rowCount }
    /// Stored block values.
    public var storedValues: [Double] { values }
    /// Block size, block row pointers and block column indices.
    public var pattern: SparsePattern {
        SparsePattern(blockSize: blockSize, rowPointers: blockRowPointers, columnIndices: blockColumnIndices)
    }

    /// Visits scalar entries row by row: for each scalar row of a block row, the blocks in
    /// column order and the entries inside each block.
    public func forEachEntry(_ body: (Int, Int, Int) -> Void) {
        let b = blockSize
        for blockRow in 0..<blockRowCount {
            let start = Int(blockRowPointers[blockRow]), end = Int(blockRowPointers[blockRow + 1])
            for r in 0..<b {
                for k in start..<end {
                    let base = k * b * b + r * b
                    let column0 = Int(blockColumnIndices[k]) * b
                    for c in 0..<b { body(blockRow * b + r, column0 + c, base + c) }
                }
            }
        }
    }
}
