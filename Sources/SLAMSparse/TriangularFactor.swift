/// A lower-triangular factor in unit form L = D (I + W), ready for forward and backward
/// substitution.
///
/// W is strictly lower block CSR (block column < block row) and D is block diagonal, stored
/// as its inverse. From the usual L = D + S, W = D⁻¹ S. This form makes the forward solve
/// y_i = D_i⁻¹ b_i − Σ_j W_ij y_j, where consecutive rows wait on each other through one
/// product with W instead of a product and a diagonal solve, which is what limits a
/// triangular solve in cache. `blockSize == 1` is the scalar case (CSR kernels); 3 and 6
/// run dedicated block kernels. Each D⁻¹ block is lower triangular, `blockSize²` values,
/// row-major.
public struct TriangularFactor<Scalar: SparseScalar>: Sendable {
    /// Side of every block (1 for a scalar factor).
    public let blockSize: Int
    /// Number of block rows (= block columns).
    public let blockCount: Int
    /// Block row pointers of W, `blockCount + 1` entries.
    public let rowPointers: [Int32]
    /// Block column of each stored block of W, strictly below the diagonal, increasing.
    public let columnIndices: [Int32]
    /// Values of W = D⁻¹ S, `blockSize²` per stored block, row-major.
    public let values: [Scalar]
    /// D⁻¹ block by block: `blockSize²` values per block row, lower triangular, row-major.
    public let inverseDiagonal: [Scalar]

    /// Scalar dimension n = blockSize · blockCount.
    public var dimension: Int { blockSize * blockCount }
    /// Stored values of W and D⁻¹ together.
    public var storedValueCount: Int { values.count + inverseDiagonal.count }

    /// Creates a factor after checking that W is strictly lower, sorted and in bounds, that
    /// every D⁻¹ block is lower triangular, and that all values are finite.
    public init(
        blockSize: Int, blockCount: Int, rowPointers: [Int32], columnIndices: [Int32],
        values: [Scalar], inverseDiagonal: [Scalar]
    ) throws(SparseError) {
        try CompressedRows.checkBlockShape(blockSize: blockSize, blockRows: blockCount, blockColumns: blockCount)
        let bb = blockSize * blockSize
        guard values.count == columnIndices.count * bb else {
            throw .shapeMismatch("\(values.count) values for \(columnIndices.count) blocks")
        }
        guard inverseDiagonal.count == blockCount * bb else {
            throw .shapeMismatch("\(inverseDiagonal.count) inverse-diagonal values for \(blockCount) blocks")
        }
        // W is strictly lower: row i holds block columns below i.
        try CompressedRows.check(rows: blockCount, rowPointers: rowPointers, columnIndices: columnIndices) { $0 }
        for i in 0..<blockCount {
            for r in 0..<blockSize {
                for c in (r + 1)..<max(r + 1, blockSize) where inverseDiagonal[i * bb + r * blockSize + c] != 0 {
                    throw .invalidArgument("inverse diagonal block \(i) is not lower triangular")
                }
            }
        }
        if let k = values.firstNonFiniteIndex() { throw .nonFinite(index: k) }
        if let k = inverseDiagonal.firstNonFiniteIndex() { throw .nonFinite(index: values.count + k) }
        self.init(unchecked: blockSize, blockCount, rowPointers, columnIndices, values, inverseDiagonal)
    }

    init(unchecked blockSize: Int, _ blockCount: Int, _ rowPointers: [Int32], _ columnIndices: [Int32],
         _ values: [Scalar], _ inverseDiagonal: [Scalar]) {
        self.blockSize = blockSize
        self.blockCount = blockCount
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
        self.inverseDiagonal = inverseDiagonal
    }

    /// Solves L y = b by forward substitution (`b`, `y` of length ``dimension``; distinct).
    /// - Throws: ``SparseError/dimensionMismatch(expected:actual:)``,
    ///   ``SparseError/unsupportedKernelPath(_:)``.
    public func solveLower(
        _ b: [Scalar.VectorScalar], into y: inout [Scalar.VectorScalar],
        options: KernelOptions = KernelOptions()
    ) throws(SparseError) {
        try solve(b, into: &y, transposed: false, options: options)
    }

    /// Solves Lᵀ y = b by backward substitution. Same contract as
    /// ``solveLower(_:into:options:)``.
    public func solveLowerTransposed(
        _ b: [Scalar.VectorScalar], into y: inout [Scalar.VectorScalar],
        options: KernelOptions = KernelOptions()
    ) throws(SparseError) {
        try solve(b, into: &y, transposed: true, options: options)
    }

    private func solve(
        _ b: [Scalar.VectorScalar], into y: inout [Scalar.VectorScalar], transposed: Bool,
        options: KernelOptions
    ) throws(SparseError) {
        guard b.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: b.count) }
        guard y.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: y.count) }
        let status = rowPointers.withUnsafeBufferPointer { rp in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBytes { v in
                    inverseDiagonal.withUnsafeBytes { dinv in
                        b.withUnsafeBytes { bb in
                            y.withUnsafeMutableBytes { yb in
                                KernelBridge.triangular(
                                    Scalar.self, transposed: transposed, blockSize: blockSize,
                                    blockCount: blockCount, rowPointers: rp.baseAddress,
                                    columnIndices: ci.baseAddress, values: v.baseAddress,
                                    inverseDiagonal: dinv.baseAddress, b: bb.baseAddress,
                                    y: yb.baseAddress, options: options)
                            }
                        }
                    }
                }
            }
        }
        try KernelBridge.check(status, options)
    }

    /// The same factor stored as `T`, and what the narrowing did (W and D⁻¹ together).
    ///
    /// - Throws: ``SparseError/conversionOverflow(_:)`` when an entry exceeds `T`'s range.
    public func converted<T: SparseScalar>(
        to type: T.Type, path: KernelPath? = nil
    ) throws(SparseError) -> (factor: TriangularFactor<T>, report: ConversionReport) {
        let (v, r1) = try PrecisionConversion.convert(values, to: type, path: path)
        let (d, r2) = try PrecisionConversion.convert(inverseDiagonal, to: type, path: path)
        return (TriangularFactor<T>(unchecked: blockSize, blockCount, rowPointers, columnIndices, v, d), r1 + r2)
    }
}
