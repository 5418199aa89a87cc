/// A sparse matrix of dense square `blockSize × blockSize` blocks in block-CSR form.
///
/// This is the shape of pose-graph Hessians and factor Jacobians (3×3 for SE(2), 6×6 for
/// SE(3)). Each stored block occupies `blockSize²` consecutive values in row-major order.
public struct BlockCSRMatrix<Scalar: SparseScalar>: Sendable {
    /// Side of every block.
    public let blockSize: Int
    /// Number of block rows.
    public let blockRowCount: Int
    /// Number of block columns.
    public let blockColumnCount: Int
    /// `blockRowPointers[i]..<blockRowPointers[i+1]` are the blocks of block row `i`.
    public let blockRowPointers: [Int32]
    /// Block column of each stored block, strictly increasing within a block row.
    public let blockColumnIndices: [Int32]
    /// Block values, `blockSize²` per stored block, row-major inside a block.
    public var values: [Scalar]

    /// Number of scalar rows.
    public var rowCount: Int { blockRowCount * blockSize }
    /// Number of scalar columns.
    public var columnCount: Int { blockColumnCount * blockSize }
    /// Number of stored blocks.
    public var blockCount: Int { blockColumnIndices.count }

    /// Creates a matrix after checking its block structure and that every value is finite.
    public init(
        blockSize: Int, blockRowCount: Int, blockColumnCount: Int,
        blockRowPointers: [Int32], blockColumnIndices: [Int32], values: [Scalar]
    ) throws(SparseError) {
        guard blockSize > 0, blockRowCount >= 0, blockColumnCount >= 0 else {
            throw .shapeMismatch("block size \(blockSize), \(blockRowCount)×\(blockColumnCount) blocks")
        }
        guard blockRowPointers.count == blockRowCount + 1 else {
            throw .shapeMismatch("\(blockRowPointers.count) block row pointers for \(blockRowCount) block rows")
        }
        guard values.count == blockColumnIndices.count * blockSize * blockSize else {
            throw .shapeMismatch("\(values.count) values for \(blockColumnIndices.count) blocks of \(blockSize)×\(blockSize)")
        }
        guard blockRowPointers.first == 0, Int(blockRowPointers[blockRowCount]) == blockColumnIndices.count else {
            throw .invalidRowPointers(row: 0)
        }
        for row in 0..<blockRowCount {
            let start = Int(blockRowPointers[row]), end = Int(blockRowPointers[row + 1])
            guard start <= end else { throw .invalidRowPointers(row: row) }
            var previous: Int32 = -1
            for k in start..<end {
                let column = blockColumnIndices[k]
                guard column >= 0, Int(column) < blockColumnCount else {
                    throw .indexOutOfBounds(row: row, column: Int(column))
                }
                guard column > previous else { throw .unsortedIndices(row: row) }
                previous = column
            }
        }
        for (k, value) in values.enumerated() where !value.isFinite {
            throw .nonFinite(index: k)
        }
        self.blockSize = blockSize
        self.blockRowCount = blockRowCount
        self.blockColumnCount = blockColumnCount
        self.blockRowPointers = blockRowPointers
        self.blockColumnIndices = blockColumnIndices
        self.values = values
    }
}
