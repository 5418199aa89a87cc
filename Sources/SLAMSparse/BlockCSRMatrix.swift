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
        try CompressedRows.checkBlockShape(blockSize: blockSize, blockRows: blockRowCount, blockColumns: blockColumnCount)
        guard values.count == blockColumnIndices.count * blockSize * blockSize else {
            throw .shapeMismatch("\(values.count) values for \(blockColumnIndices.count) blocks of \(blockSize)×\(blockSize)")
        }
        try CompressedRows.check(
            rows: blockRowCount, rowPointers: blockRowPointers, columnIndices: blockColumnIndices) { _ in blockColumnCount }
        if let k = values.firstNonFiniteIndex() { throw .nonFinite(index: k) }
        self.blockSize = blockSize
        self.blockRowCount = blockRowCount
        self.blockColumnCount = blockColumnCount
        self.blockRowPointers = blockRowPointers
        self.blockColumnIndices = blockColumnIndices
        self.values = values
    }
}

extension BlockCSRMatrix {
    /// Creates a matrix from parts the caller has already validated (conversions, factors).
    init(unchecked blockSize: Int, _ blockRowCount: Int, _ blockColumnCount: Int,
         _ blockRowPointers: [Int32], _ blockColumnIndices: [Int32], _ values: [Scalar]) {
        self.blockSize = blockSize
        self.blockRowCount = blockRowCount
        self.blockColumnCount = blockColumnCount
        self.blockRowPointers = blockRowPointers
        self.blockColumnIndices = blockColumnIndices
        self.values = values
    }

    /// ``values`` is writable (solvers refill it in place): a caller that changed its length
    /// gets an error before any kernel reads it by the block row pointers.
    func checkValueCount() throws(SparseError) {
        guard values.count == blockCount * blockSize * blockSize else {
            throw .shapeMismatch("\(values.count) values for \(blockCount) blocks of \(blockSize)×\(blockSize)")
        }
    }

    /// y = A x, or y += A x when `accumulate` is true.
    ///
    /// Allocation-free: `y` is written in place and must already have `rowCount` entries.
    /// Block sizes 3 and 6 (SE(2)/SE(3) poses) run dedicated unrolled kernels.
    /// - Throws: ``SparseError/dimensionMismatch(expected:actual:)`` for wrong vector lengths,
    ///   ``SparseError/shapeMismatch(_:)`` when ``values`` no longer has `blockSize²` values
    ///   per stored block, ``SparseError/unsupportedKernelPath(_:)`` if `options.path` cannot
    ///   run here.
    public func multiply(
        _ x: [Scalar.VectorScalar], into y: inout [Scalar.VectorScalar], accumulate: Bool = false,
        options: KernelOptions = KernelOptions()
    ) throws(SparseError) {
        try product(x, into: &y, transposed: false, accumulate: accumulate, options: options)
    }

    /// y = Aᵀ x, or y += Aᵀ x when `accumulate` is true (`x` has `rowCount` entries, `y` has
    /// `columnCount`). Same errors as ``multiply(_:into:accumulate:options:)``.
    public func multiplyTransposed(
        _ x: [Scalar.VectorScalar], into y: inout [Scalar.VectorScalar], accumulate: Bool = false,
        options: KernelOptions = KernelOptions()
    ) throws(SparseError) {
        try product(x, into: &y, transposed: true, accumulate: accumulate, options: options)
    }

    private func product(
        _ x: [Scalar.VectorScalar], into y: inout [Scalar.VectorScalar], transposed: Bool,
        accumulate: Bool, options: KernelOptions
    ) throws(SparseError) {
        try checkValueCount()
        let (inCount, outCount) = transposed ? (rowCount, columnCount) : (columnCount, rowCount)
        guard x.count == inCount else { throw .dimensionMismatch(expected: inCount, actual: x.count) }
        guard y.count == outCount else { throw .dimensionMismatch(expected: outCount, actual: y.count) }
        let status = blockRowPointers.withUnsafeBufferPointer { rp in
            blockColumnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBytes { v in
                    x.withUnsafeBytes { xb in
                        y.withUnsafeMutableBytes { yb in
                            KernelBridge.bsr(
                                Scalar.self, transposed: transposed, accumulate: accumulate,
                                blockSize: blockSize, blockRows: blockRowCount,
                                blockColumns: blockColumnCount, rowPointers: rp.baseAddress,
                                columnIndices: ci.baseAddress, values: v.baseAddress,
                                x: xb.baseAddress, y: yb.baseAddress, options: options)
                        }
                    }
                }
            }
        }
        try KernelBridge.check(status, options)
    }

    /// The same matrix with values stored as `T`, and what the narrowing did.
    ///
    /// - Throws: ``SparseError/conversionOverflow(_:)`` when a value exceeds `T`'s range.
    public func converted<T: SparseScalar>(
        to type: T.Type, path: KernelPath? = nil
    ) throws(SparseError) -> (matrix: BlockCSRMatrix<T>, report: ConversionReport) {
        try checkValueCount()
        let (converted, report) = try PrecisionConversion.convert(values, to: type, path: path)
        return (BlockCSRMatrix<T>(
            unchecked: blockSize, blockRowCount, blockColumnCount, blockRowPointers,
            blockColumnIndices, converted), report)
    }

    /// The matrix as a dense row-major array (tests and small problems only).
    public func dense() -> [[Double]] {
        var result = Array(repeating: Array(repeating: 0.0, count: columnCount), count: rowCount)
        let b = blockSize
        for i in 0..<blockRowCount {
            for k in Int(blockRowPointers[i])..<Int(blockRowPointers[i + 1]) {
                let j = Int(blockColumnIndices[k])
                for r in 0..<b {
                    for c in 0..<b { result[i * b + r][j * b + c] = Double(values[k * b * b + r * b + c]) }
                }
            }
        }
        return result
    }
}
