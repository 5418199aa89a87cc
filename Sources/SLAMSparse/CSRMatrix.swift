/// A sparse matrix in compressed sparse row form with values stored as `Scalar`.
///
/// Indices are `Int32` because the kernels are bandwidth-bound and SLAM matrices stay far
/// below 2³¹ entries. A value of this type has always passed the structural checks of its
/// initializer, so kernels can trust it.
public struct CSRMatrix<Scalar: SparseScalar>: Sendable {
    /// Number of rows.
    public let rowCount: Int
    /// Number of columns.
    public let columnCount: Int
    /// `rowPointers[i]..<rowPointers[i+1]` are the entries of row `i`; `rowCount + 1` long.
    public let rowPointers: [Int32]
    /// Column of each stored entry, strictly increasing within a row.
    public let columnIndices: [Int32]
    /// Value of each stored entry.
    public var values: [Scalar]

    /// Number of stored entries.
    public var nonzeroCount: Int { columnIndices.count }

    /// Creates a matrix after checking its structure (bounds, sorted indices) and values (finite).
    public init(
        rowCount: Int, columnCount: Int, rowPointers: [Int32], columnIndices: [Int32], values: [Scalar]
    ) throws(SparseError) {
        guard rowCount >= 0, columnCount >= 0, rowCount < Int(Int32.max), columnCount < Int(Int32.max) else {
            throw .shapeMismatch("negative or too large dimensions \(rowCount)×\(columnCount)")
        }
        guard columnIndices.count == values.count else {
            throw .shapeMismatch("\(columnIndices.count) column indices but \(values.count) values")
        }
        try CompressedRows.check(rows: rowCount, rowPointers: rowPointers, columnIndices: columnIndices) { _ in columnCount }
        if let k = values.firstNonFiniteIndex() { throw .nonFinite(index: k) }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
    }

    /// Creates a matrix from (row, column, value) triplets; duplicates are summed.
    @inlinable
    public init(
        rowCount: Int, columnCount: Int, triplets: [(row: Int, column: Int, value: Scalar)]
    ) throws(SparseError) {
        guard rowCount >= 0, columnCount >= 0, rowCount < Int(Int32.max), columnCount < Int(Int32.max) else {
            throw .shapeMismatch("negative or too large dimensions \(rowCount)×\(columnCount)")
        }
        for t in triplets {
            guard t.row >= 0, t.row < rowCount, t.column >= 0, t.column < columnCount else {
                throw .indexOutOfBounds(row: t.row, column: t.column)
            }
        }
        // Bucketed by row, then each row's keys (column << 32 | triplet index) sorted: integer
        // sorts instead of a comparison sort of generic tuples (seconds for the millions of
        // triplets of a BA normal matrix), and duplicates still summed in input order.
        var start = [Int](repeating: 0, count: rowCount + 1)
        for t in triplets { start[t.row + 1] += 1 }
        for row in 0..<rowCount { start[row + 1] += start[row] }
        var keys = [UInt64](repeating: 0, count: triplets.count)
        var next = start
        for (index, t) in triplets.enumerated() {
            keys[next[t.row]] = UInt64(t.column) << 32 | UInt64(index)
            next[t.row] += 1
        }
        var pointers = [Int32](repeating: 0, count: rowCount + 1)
        var columns: [Int32] = []
        var values: [Scalar] = []
        columns.reserveCapacity(triplets.count)
        values.reserveCapacity(triplets.count)
        keys.withUnsafeMutableBufferPointer { keys in
            for row in 0..<rowCount {
                var slice = UnsafeMutableBufferPointer(rebasing: keys[start[row]..<start[row + 1]])
                slice.sort()
            }
        }
        for row in 0..<rowCount {
            var lastColumn = -1
            for key in keys[start[row]..<start[row + 1]] {
                let column = Int(key >> 32), value = triplets[Int(key & 0xFFFF_FFFF)].value
                if column == lastColumn {
                    values[values.count - 1] += value
                } else {
                    columns.append(Int32(column))
                    values.append(value)
                    pointers[row + 1] += 1
                    lastColumn = column
                }
            }
        }
        for row in 0..<rowCount { pointers[row + 1] += pointers[row] }
        try self.init(
            rowCount: rowCount, columnCount: columnCount, rowPointers: pointers,
            columnIndices: columns, values: values)
    }

    /// The matrix as a dense row-major array (tests and small problems only).
    public func dense() -> [[Double]] {
        var result = Array(repeating: Array(repeating: 0.0, count: columnCount), count: rowCount)
        for row in 0..<rowCount {
            for k in Int(rowPointers[row])..<Int(rowPointers[row + 1]) {
                result[row][Int(columnIndices[k])] = Double(values[k])
            }
        }
        return result
    }
}

extension CSRMatrix {
    /// Creates a matrix from parts the caller has already validated (conversions, factors).
    init(unchecked rowCount: Int, _ columnCount: Int, _ rowPointers: [Int32], _ columnIndices: [Int32], _ values: [Scalar]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
    }

    /// ``values`` is writable (solvers refill it in place): a caller that changed its length
    /// gets an error before any kernel reads it by the row pointers.
    private func checkValueCount() throws(SparseError) {
        guard values.count == nonzeroCount else {
            throw .shapeMismatch("\(values.count) values for \(nonzeroCount) stored entries")
        }
    }

    /// y = A x, or y += A x when `accumulate` is true.
    ///
    /// Allocation-free: `y` is written in place and must already have `rowCount` entries.
    /// - Throws: ``SparseError/dimensionMismatch(expected:actual:)`` for wrong vector lengths,
    ///   ``SparseError/shapeMismatch(_:)`` when ``values`` no longer has one value per stored
    ///   entry, ``SparseError/unsupportedKernelPath(_:)`` if `options.path` cannot run here.
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
        let status = rowPointers.withUnsafeBufferPointer { rp in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBytes { v in
                    x.withUnsafeBytes { xb in
                        y.withUnsafeMutableBytes { yb in
                            KernelBridge.csr(
                                Scalar.self, transposed: transposed, accumulate: accumulate,
                                rows: rowCount, columns: columnCount, rowPointers: rp.baseAddress,
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
    /// - Throws: ``SparseError/conversionOverflow(_:)`` when a value exceeds `T`'s range
    ///   (scale the matrix first, or keep a wider precision).
    public func converted<T: SparseScalar>(
        to type: T.Type, path: KernelPath? = nil
    ) throws(SparseError) -> (matrix: CSRMatrix<T>, report: ConversionReport) {
        try checkValueCount()
        let (converted, report) = try PrecisionConversion.convert(values, to: type, path: path)
        return (CSRMatrix<T>(unchecked: rowCount, columnCount, rowPointers, columnIndices, converted), report)
    }
}
