/// Whether a · b, multiplied without overflow, is below 2³¹: a row, column or value count
/// that the kernels' `int32_t` indices can address. Shared by the shape checks of the sparse
/// types and of the bundle-adjustment system.
package func fitsKernelIndex(_ a: Int, times b: Int) -> Bool {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return !overflow && product < Int(Int32.max)
}

/// The structural checks every compressed-row type (``CSRMatrix``, ``BlockCSRMatrix``,
/// ``TriangularFactor``) runs before kernels may trust it.
enum CompressedRows {
    /// Checks that `rowPointers` (`rows + 1` long) start at 0, never decrease, end at
    /// `columnIndices.count` and never point past it, and that each row's column indices are
    /// strictly increasing and in `0..<columnLimit(row)`. Every pointer is bounded before
    /// its row is read, so a malformed middle pointer is an error, not an out-of-range read.
    static func check(
        rows: Int, rowPointers: [Int32], columnIndices: [Int32], columnLimit: (Int) -> Int
    ) throws(SparseError) {
        guard rowPointers.count == rows + 1 else {
            throw .shapeMismatch("\(rowPointers.count) row pointers for \(rows) rows")
        }
        guard rowPointers[0] == 0, Int(rowPointers[rows]) == columnIndices.count else {
            throw .invalidRowPointers(row: 0)
        }
        for row in 0..<rows {
            let start = Int(rowPointers[row]), end = Int(rowPointers[row + 1])
            guard start <= end, end <= columnIndices.count else { throw .invalidRowPointers(row: row) }
            let limit = columnLimit(row)
            var previous: Int32 = -1
            for k in start..<end {
                let column = columnIndices[k]
                guard column >= 0, Int(column) < limit else { throw .indexOutOfBounds(row: row, column: Int(column)) }
                guard column > previous else { throw .unsortedIndices(row: row) }
                previous = column
            }
        }
    }

    /// Checks a block shape: `blockSize` ≥ 1, counts ≥ 0, and `blockRows · blockSize`,
    /// `blockColumns · blockSize` and `blockSize²` below 2³¹ (the kernels' `int32_t`), with
    /// overflow-checked products.
    static func checkBlockShape(blockSize: Int, blockRows: Int, blockColumns: Int) throws(SparseError) {
        guard blockSize >= 1, blockRows >= 0, blockColumns >= 0, fitsKernelIndex(blockSize, times: blockSize),
              fitsKernelIndex(blockRows, times: blockSize), fitsKernelIndex(blockColumns, times: blockSize)
        else { throw .shapeMismatch("block size \(blockSize), \(blockRows)×\(blockColumns) blocks") }
    }
}
