import CKernels
import SLAMSparse

/// A static incomplete-Cholesky preconditioner M = A ≈ Pᵀ S⁻¹ L Lᵀ S⁻¹ P, scalar or block,
/// IC(0) or IC(1).
///
/// Built once per problem and applied in every CG iteration. The factor keeps the sparsity
/// pattern of the lower triangle of the (permuted) matrix, plus the first level of fill with
/// ``Options/fillLevel`` 1, so its cost and memory are known in advance. Before factoring,
/// the matrix is symmetrically permuted with the caller's ordering
/// (the caller computes AMD with SuiteSparse) and Jacobi scaled to unit diagonal, so factor
/// entries stay bounded and fp16 storage does not overflow. A non-positive pivot is repaired
/// by factoring Ã + α I with a growing shift α (Manteuffel's shifted IC), and α is reported.
public struct IncompleteCholesky: Sendable {
    /// Factorization choices with documented defaults.
    public struct Options: Sendable, Equatable {
        /// Storage of the factor: fp16, fp32 (default) or fp64. Vectors in ``apply(_:into:)``
        /// are fp32 whatever the storage.
        public var storage: Precision
        /// Shift of the first attempt (0: plain IC(0) of the scaled matrix).
        public var initialShift: Double
        /// First non-zero shift tried after a breakdown (the scaled diagonal is 1, so this is
        /// relative); default 1e-3.
        public var firstRetryShift: Double
        /// Factor by which the shift grows on each further breakdown; default 2.
        public var shiftGrowth: Double
        /// Attempts before giving up with ``SparseError/factorizationBreakdown(row:shift:)``;
        /// default 30 (the shift then exceeds the unit diagonal, which always factors).
        public var maximumAttempts: Int
        /// Level of fill kept beyond the matrix's own pattern: 0 (default) is IC(0); 1 also keeps
        /// every entry (i, j) that one elimination step fills, rows i and j sharing a column
        /// m < min(i, j) (IC(1)).
        public var fillLevel: Int = 0
        /// Kernel path and fp16 arithmetic for the triangular solves.
        public var kernel: KernelOptions

        /// Creates options; see each property for its default.
        public init(
            storage: Precision = .fp32, initialShift: Double = 0, firstRetryShift: Double = 1e-3,
            shiftGrowth: Double = 2, maximumAttempts: Int = 30, kernel: KernelOptions = KernelOptions()
        ) {
            self.storage = storage
            self.initialShift = initialShift
            self.firstRetryShift = firstRetryShift
            self.shiftGrowth = shiftGrowth
            self.maximumAttempts = maximumAttempts
            self.kernel = kernel
        }
    }

    /// The factor in its storage precision.
    public enum Factor: Sendable {
        /// fp16 storage.
        case fp16(TriangularFactor<Float16>)
        /// fp32 storage.
        case fp32(TriangularFactor<Float>)
        /// fp64 storage (vectors are converted to fp64 inside ``apply(_:into:)``).
        case fp64(TriangularFactor<Double>)
    }

    /// The triangular factor L of the permuted, scaled matrix.
    public let factor: Factor
    /// Options the factor was built with.
    public let options: Options
    /// Shift α of the successful attempt (Ã + α I = L Lᵀ on the pattern); 0 without breakdown.
    public let shift: Double
    /// Factorizations attempted (1 without breakdown).
    public let attempts: Int
    /// What casting the fp64 factor to its storage precision did.
    public let conversionReport: ConversionReport
    /// Scalar dimension n.
    public let dimension: Int
    /// Block side (1 for a scalar factor).
    public let blockSize: Int
    /// `permutation[i]` is the original index of permuted scalar row i (identity if none given).
    public let permutation: [Int32]
    /// Jacobi scale of permuted row i: 1/√(a_ii).
    public let scale: [Float]

    private var permuted: [Float]
    private var intermediate: [Float]
    private var wideIn: [Double]
    private var wideOut: [Double]

    /// Factors a symmetric positive (semi)definite CSR matrix.
    ///
    /// Only the lower triangle (column ≤ row) is read, so either the full symmetric matrix or
    /// its lower triangle may be passed; the diagonal must be present and positive.
    /// - Parameters:
    ///   - permutation: optional symmetric ordering, `permutation[new] = old` (e.g. AMD).
    /// - Throws: ``SparseError`` for a non-square matrix, a missing or non-positive diagonal,
    ///   an invalid permutation, a breakdown after ``Options/maximumAttempts`` shifts, or an
    ///   fp16 overflow of the factor.
    public init(
        matrix: CSRMatrix<Double>, permutation: [Int32]? = nil, options: Options = Options()
    ) throws(SparseError) {
        guard matrix.rowCount == matrix.columnCount else {
            throw .shapeMismatch("incomplete Cholesky needs a square matrix, got \(matrix.rowCount)×\(matrix.columnCount)")
        }
        try self.init(
            blockSize: 1, blockCount: matrix.rowCount, rowPointers: matrix.rowPointers,
            columnIndices: matrix.columnIndices, values: matrix.values, permutation: permutation,
            options: options)
    }

    /// Factors a symmetric positive (semi)definite block-CSR matrix with block IC(0).
    ///
    /// Only blocks with block column ≤ block row are read (full matrix or lower block
    /// triangle); diagonal blocks must be present with positive diagonal entries. Block sizes
    /// 1 to 8 are supported. `permutation` permutes *blocks*: `permutation[new] = old`.
    /// - Throws: as ``init(matrix:permutation:options:)``.
    public init(
        matrix: BlockCSRMatrix<Double>, permutation: [Int32]? = nil, options: Options = Options()
    ) throws(SparseError) {
        guard matrix.blockRowCount == matrix.blockColumnCount else {
            throw .shapeMismatch("block incomplete Cholesky needs a square matrix, got \(matrix.blockRowCount)×\(matrix.blockColumnCount) blocks")
        }
        guard (1...8).contains(matrix.blockSize) else {
            throw .invalidArgument("block size \(matrix.blockSize) outside 1...8")
        }
        try self.init(
            blockSize: matrix.blockSize, blockCount: matrix.blockRowCount,
            rowPointers: matrix.blockRowPointers, columnIndices: matrix.blockColumnIndices,
            values: matrix.values, permutation: permutation, options: options)
    }

    private init(
        blockSize b: Int, blockCount nb: Int, rowPointers: [Int32], columnIndices: [Int32],
        values: [Double], permutation blockPermutation: [Int32]?, options: Options
    ) throws(SparseError) {
        guard options.maximumAttempts >= 1, options.shiftGrowth > 1, options.firstRetryShift > 0,
              options.initialShift >= 0, (0...1).contains(options.fillLevel)
        else { throw .invalidArgument("shift or fill options \(options)") }
        let bb = b * b
        // The matrices' values are writable: their length is checked again here.
        guard values.count == columnIndices.count * bb else {
            throw .shapeMismatch("\(values.count) values for \(columnIndices.count) blocks of \(b)×\(b)")
        }
        let order = blockPermutation ?? (0..<nb).map { Int32($0) }
        guard order.count == nb else { throw .dimensionMismatch(expected: nb, actual: order.count) }
        var inverse = [Int32](repeating: -1, count: nb)
        for (new, old) in order.enumerated() {
            guard old >= 0, Int(old) < nb, inverse[Int(old)] < 0 else {
                throw .invalidArgument("permutation is not a bijection of 0..<\(nb) (entry \(new) = \(old))")
            }
            inverse[Int(old)] = Int32(new)
        }

        // Lower block triangle of P A Pᵀ: each stored block (r, c) with c ≤ r lands at
        // (max, min) of the new indices, transposed when the ordering swaps the two.
        var counts = [Int32](repeating: 0, count: nb + 1)
        for r in 0..<nb {
            for k in Int(rowPointers[r])..<Int(rowPointers[r + 1]) where Int(columnIndices[k]) <= r {
                let i = Int(inverse[r]), j = Int(inverse[Int(columnIndices[k])])
                counts[max(i, j) + 1] += 1
            }
        }
        for i in 0..<nb { counts[i + 1] += counts[i] }
        let lowerCount = Int(counts[nb])
        var next = counts
        var entryRow = [Int32](repeating: 0, count: lowerCount)
        var entryColumn = [Int32](repeating: 0, count: lowerCount)
        var entrySource = [Int](repeating: 0, count: lowerCount)
        var entryTransposed = [Bool](repeating: false, count: lowerCount)
        for r in 0..<nb {
            for k in Int(rowPointers[r])..<Int(rowPointers[r + 1]) where Int(columnIndices[k]) <= r {
                let i = Int(inverse[r]), j = Int(inverse[Int(columnIndices[k])])
                let slot = Int(next[max(i, j)])
                next[max(i, j)] += 1
                entryRow[slot] = Int32(max(i, j))
                entryColumn[slot] = Int32(min(i, j))
                entrySource[slot] = k
                entryTransposed[slot] = i < j
            }
        }
        var lowerColumns = [Int32](repeating: 0, count: lowerCount)
        var lowerValues = [Double](repeating: 0, count: lowerCount * bb)
        for i in 0..<nb {
            let range = Int(counts[i])..<Int(counts[i + 1])
            let sorted = range.sorted { entryColumn[$0] < entryColumn[$1] }
            guard let last = sorted.last, Int(entryColumn[last]) == i else {
                throw .invalidArgument("diagonal block \(order[i]) is missing")
            }
            for (offset, slot) in sorted.enumerated() {
                let dst = range.lowerBound + offset
                lowerColumns[dst] = entryColumn[slot]
                let src = entrySource[slot] * bb
                for r in 0..<b {
                    for c in 0..<b {
                        lowerValues[dst * bb + r * b + c] =
                            entryTransposed[slot] ? values[src + c * b + r] : values[src + r * b + c]
                    }
                }
            }
        }

        if options.fillLevel == 1 {
            (counts, lowerColumns, lowerValues) = Self.addLevelOneFill(
                blockSize: b, blockCount: nb, rowPointers: counts, columns: lowerColumns, values: lowerValues)
        }
        // Jacobi scaling to unit diagonal.
        let n = nb * b
        var scale64 = [Double](repeating: 0, count: n)
        for i in 0..<nb {
            let diagonal = Int(counts[i + 1]) - 1
            for r in 0..<b {
                let a = lowerValues[diagonal * bb + r * b + r]
                guard a > 0, a.isFinite else {
                    throw .invalidArgument("diagonal entry \(Int(order[i]) * b + r) is \(a), not positive")
                }
                scale64[i * b + r] = 1 / a.squareRoot()
            }
        }
        for i in 0..<nb {
            for k in Int(counts[i])..<Int(counts[i + 1]) {
                let j = Int(lowerColumns[k])
                for r in 0..<b {
                    for c in 0..<b { lowerValues[k * bb + r * b + c] *= scale64[i * b + r] * scale64[j * b + c] }
                }
            }
        }

        // IC(0) with shift retries.
        var l = [Double](repeating: 0, count: lowerValues.count)
        var shift = options.initialShift
        var attempts = 0
        var breakdownRow: Int32 = -1
        while true {
            attempts += 1
            let status: Int32 = counts.withUnsafeBufferPointer { rp in
                lowerColumns.withUnsafeBufferPointer { ci in
                    lowerValues.withUnsafeBufferPointer { a in
                        l.withUnsafeMutableBufferPointer { out in
                            b == 1
                                ? ck_ichol0_csr(Int32(nb), rp.baseAddress, ci.baseAddress, a.baseAddress, shift, out.baseAddress, &breakdownRow)
                                : ck_ichol0_bsr(Int32(b), Int32(nb), rp.baseAddress, ci.baseAddress, a.baseAddress, shift, out.baseAddress, &breakdownRow)
                        }
                    }
                }
            }
            if status == Int32(CK_OK.rawValue) { break }
            guard status == Int32(CK_ERR_BREAKDOWN.rawValue), attempts < options.maximumAttempts else {
                throw .factorizationBreakdown(row: Int(order[max(0, Int(breakdownRow))]), shift: shift)
            }
            shift = shift == 0 ? options.firstRetryShift : shift * options.shiftGrowth
        }

        // Unit form L = D (I + W): D⁻¹ block by block, then W_ij = D_i⁻¹ L_ij.
        var strictPointers = [Int32](repeating: 0, count: nb + 1)
        var strictColumns: [Int32] = []
        var strictValues: [Double] = []
        strictColumns.reserveCapacity(lowerCount - nb)
        strictValues.reserveCapacity((lowerCount - nb) * bb)
        var inverseDiagonal = [Double](repeating: 0, count: nb * bb)
        for i in 0..<nb {
            let diagonal = Int(counts[i + 1]) - 1
            let di = i * bb
            // Inverse of the lower-triangular diagonal block by forward substitution.
            for c in 0..<b {
                for r in c..<b {
                    var v = r == c ? 1.0 : 0.0
                    for t in c..<r { v -= l[diagonal * bb + r * b + t] * inverseDiagonal[di + t * b + c] }
                    inverseDiagonal[di + r * b + c] = v / l[diagonal * bb + r * b + r]
                }
            }
            for k in Int(counts[i])..<diagonal {
                strictColumns.append(lowerColumns[k])
                for r in 0..<b {
                    for c in 0..<b {
                        var v = 0.0
                        for t in 0...r { v += inverseDiagonal[di + r * b + t] * l[k * bb + t * b + c] }
                        strictValues.append(v)
                    }
                }
            }
            strictPointers[i + 1] = Int32(strictColumns.count)
        }
        let wide = try TriangularFactor<Double>(
            blockSize: b, blockCount: nb, rowPointers: strictPointers, columnIndices: strictColumns,
            values: strictValues, inverseDiagonal: inverseDiagonal)
        let factor: Factor
        let report: ConversionReport
        switch options.storage {
        case .fp16:
            let (f, r) = try wide.converted(to: Float16.self, path: options.kernel.path)
            factor = .fp16(f)
            report = r
        case .fp32:
            let (f, r) = try wide.converted(to: Float.self, path: options.kernel.path)
            factor = .fp32(f)
            report = r
        case .fp64:
            factor = .fp64(wide)
            report = ConversionReport(valueCount: wide.storedValueCount)
        }

        var fullPermutation = [Int32](repeating: 0, count: n)
        for i in 0..<nb {
            for r in 0..<b { fullPermutation[i * b + r] = order[i] * Int32(b) + Int32(r) }
        }
        self.factor = factor
        self.options = options
        self.shift = shift
        self.attempts = attempts
        self.conversionReport = report
        self.dimension = n
        self.blockSize = b
        self.permutation = fullPermutation
        self.scale = scale64.map { Float($0) }
        self.permuted = [Float](repeating: 0, count: n)
        self.intermediate = [Float](repeating: 0, count: n)
        let wideCount = options.storage == .fp64 ? n : 0
        self.wideIn = [Double](repeating: 0, count: wideCount)
        self.wideOut = [Double](repeating: 0, count: wideCount)
    }

    /// The lower block pattern of IC(1): the given pattern (rows sorted by column, diagonal
    /// last) plus every (i, j), j < i, whose rows share a column m < j, with zero blocks at the
    /// added positions.
    private static func addLevelOneFill(
        blockSize b: Int, blockCount nb: Int, rowPointers: [Int32], columns: [Int32], values: [Double]
    ) -> (rowPointers: [Int32], columns: [Int32], values: [Double]) {
        let bb = b * b
        // Rows of each column below the diagonal: column m's entries (j, m), j > m.
        var below = [[Int32]](repeating: [], count: nb)
        for i in 0..<nb {
            for k in Int(rowPointers[i])..<Int(rowPointers[i + 1]) - 1 { below[Int(columns[k])].append(Int32(i)) }
        }
        var newPointers = [Int32](repeating: 0, count: nb + 1)
        var newColumns: [Int32] = []
        var newValues: [Double] = []
        var mark = [Int](repeating: -1, count: nb)
        var row: [Int32] = []
        for i in 0..<nb {
            row.removeAll(keepingCapacity: true)
            for k in Int(rowPointers[i])..<Int(rowPointers[i + 1]) {
                mark[Int(columns[k])] = i
                row.append(columns[k])
            }
            for k in Int(rowPointers[i])..<Int(rowPointers[i + 1]) - 1 {
                for j in below[Int(columns[k])] where Int(j) < i && mark[Int(j)] != i {
                    mark[Int(j)] = i
                    row.append(j)
                }
            }
            row.sort()
            var source = Int(rowPointers[i])
            for column in row {
                newColumns.append(column)
                if source < Int(rowPointers[i + 1]) && columns[source] == column {
                    newValues.append(contentsOf: values[(source * bb)..<((source + 1) * bb)])
                    source += 1
                } else {
                    newValues.append(contentsOf: repeatElement(0, count: bb))
                }
            }
            newPointers[i + 1] = Int32(newColumns.count)
        }
        return (newPointers, newColumns, newValues)
    }

    /// z = M⁻¹ r = Pᵀ S (L Lᵀ)⁻¹ S P r: the two triangular solves in the factor's precision,
    /// fp32 vectors. Uses internal workspace, so it is allocation-free (hence `mutating`).
    /// - Throws: ``SparseError/dimensionMismatch(expected:actual:)``,
    ///   ``SparseError/unsupportedKernelPath(_:)``.
    public mutating func apply(_ r: [Float], into z: inout [Float]) throws(SparseError) {
        guard r.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: r.count) }
        guard z.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: z.count) }
        let kernel = options.kernel
        r.withUnsafeBufferPointer { r in
            scale.withUnsafeBufferPointer { scale in
                permutation.withUnsafeBufferPointer { permutation in
                    permuted.withUnsafeMutableBufferPointer { permuted in
                        Self.scaledBlockCopy(blockSize, permutation, scale, gather: true, r, permuted)
                    }
                }
            }
        }
        switch factor {
        case .fp16(let f):
            try f.solveLower(permuted, into: &intermediate, options: kernel)
            try f.solveLowerTransposed(intermediate, into: &permuted, options: kernel)
        case .fp32(let f):
            try f.solveLower(permuted, into: &intermediate, options: kernel)
            try f.solveLowerTransposed(intermediate, into: &permuted, options: kernel)
        case .fp64(let f):
            for i in 0..<dimension { wideIn[i] = Double(permuted[i]) }
            try f.solveLower(wideIn, into: &wideOut, options: kernel)
            try f.solveLowerTransposed(wideOut, into: &wideIn, options: kernel)
            for i in 0..<dimension { permuted[i] = Float(wideIn[i]) }
        }
        z.withUnsafeMutableBufferPointer { z in
            scale.withUnsafeBufferPointer { scale in
                permutation.withUnsafeBufferPointer { permutation in
                    permuted.withUnsafeBufferPointer { permuted in
                        Self.scaledBlockCopy(blockSize, permutation, scale, gather: false, permuted, z)
                    }
                }
            }
        }
    }

    /// With `gather`, `permuted[d] = scale[d] · original[permutation[d]]`; otherwise
    /// `original[permutation[d]] = scale[d] · permuted[d]`; for every permuted index d, one
    /// block at a time: a block's rows are consecutive on both sides, so only its first index
    /// is read. Blocks of 3 and 6 move as SIMD vectors (perf, mixed PCG on sphere2500: the
    /// element-wise loops with their overflow checks took 5.2 % of the run).
    @inline(__always)
    private static func scaledBlockCopy(
        _ b: Int, _ permutation: UnsafeBufferPointer<Int32>, _ scale: UnsafeBufferPointer<Float>,
        gather: Bool, _ source: UnsafeBufferPointer<Float>, _ destination: UnsafeMutableBufferPointer<Float>
    ) {
        guard let perm = permutation.baseAddress, let sc = scale.baseAddress,
              let src = source.baseAddress, let dst = destination.baseAddress else { return }
        let n = permutation.count
        @inline(__always) func indices(_ d: Int) -> (from: Int, to: Int) {
            let s = Int(perm[d])
            return gather ? (s, d) : (d, s)
        }
        switch b {
        case 6:
            for d in stride(from: 0, to: n, by: 6) {
                let (from, to) = indices(d)
                let s4 = UnsafeRawPointer(sc + d).loadUnaligned(as: SIMD4<Float>.self)
                let s2 = UnsafeRawPointer(sc + d + 4).loadUnaligned(as: SIMD2<Float>.self)
                let x4 = UnsafeRawPointer(src + from).loadUnaligned(as: SIMD4<Float>.self)
                let x2 = UnsafeRawPointer(src + from + 4).loadUnaligned(as: SIMD2<Float>.self)
                UnsafeMutableRawPointer(dst + to).storeBytes(of: s4 * x4, as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(dst + to + 4).storeBytes(of: s2 * x2, as: SIMD2<Float>.self)
            }
        case 3:
            for d in stride(from: 0, to: n, by: 3) {
                let (from, to) = indices(d)
                let s2 = UnsafeRawPointer(sc + d).loadUnaligned(as: SIMD2<Float>.self)
                let x2 = UnsafeRawPointer(src + from).loadUnaligned(as: SIMD2<Float>.self)
                UnsafeMutableRawPointer(dst + to).storeBytes(of: s2 * x2, as: SIMD2<Float>.self)
                dst[to + 2] = sc[d + 2] * src[from + 2]
            }
        default:
            for d in stride(from: 0, to: n, by: b) {
                let (from, to) = indices(d)
                for c in 0..<b { dst[to + c] = sc[d + c] * src[from + c] }
            }
        }
    }
}
