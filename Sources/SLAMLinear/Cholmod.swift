import CSuiteSparse
import SLAMSparse

/// Sparse Cholesky factorization of a symmetric positive definite matrix by CHOLMOD
/// (SuiteSparse), in fp64: the reference of record for every other solver.
///
/// The symbolic analysis (fill-reducing ordering, elimination tree, supernodes) is done once
/// by ``analyze(_:permutation:)`` and reused by every ``factorize(_:diagonalShift:)`` of a matrix with the
/// same pattern, which is what an optimizer needs: the Hessian pattern is fixed, only values
/// and damping change between iterations.
///
/// Not thread-safe: one instance owns one `cholmod_common` workspace; use one per thread.
public final class Cholmod {
    /// Configuration of the factorization.
    public struct Options: Sendable, Equatable {
        /// Let CHOLMOD choose between supernodal and simplicial factorization by flop count
        /// (its own heuristic); `false` forces supernodal. Default `true`.
        public var automaticFactorKind: Bool = true
        /// Try METIS as well as AMD when AMD's fill is poor (CHOLMOD's default policy).
        /// Default `false`: AMD only, which is faster to analyze and near-optimal for SLAM graphs.
        public var tryNestedDissection: Bool = false
        /// How far supernodes are merged. Default ``SupernodeAmalgamation/slam``.
        public var amalgamation = SupernodeAmalgamation.slam

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// CHOLMOD's relaxed supernode amalgamation (`nrelax`, with its default `zrelax`): two
    /// adjacent supernodes with ns columns in all are merged when ns ≤ ``always``, or when no
    /// zero is added, or ns ≤ ``belowEightyPercentZeros`` and under 80 % of the merged entries
    /// are zero, or ns ≤ ``belowTenPercentZeros`` and under 10 % are, or under 5 % are.
    /// Larger supernodes store and multiply some zeros, in exchange for fewer and larger dense
    /// updates.
    public struct SupernodeAmalgamation: Sendable, Equatable {
        /// Columns up to which supernodes are always merged.
        public var always: Int
        /// Columns up to which supernodes are merged while under 80 % of their entries are zero.
        public var belowEightyPercentZeros: Int
        /// Columns up to which supernodes are merged while under 10 % of their entries are zero.
        public var belowTenPercentZeros: Int

        /// Thresholds in columns, in the order of CHOLMOD's `nrelax`.
        public init(always: Int, belowEightyPercentZeros: Int, belowTenPercentZeros: Int) {
            self.always = always
            self.belowEightyPercentZeros = belowEightyPercentZeros
            self.belowTenPercentZeros = belowTenPercentZeros
        }

        /// CHOLMOD's own default, (4, 16, 48).
        public static let cholmod = SupernodeAmalgamation(always: 4, belowEightyPercentZeros: 16, belowTenPercentZeros: 48)
        /// Twice CHOLMOD's, (8, 32, 96): SLAM's 3×3 and 6×6 block patterns leave many small
        /// supernodes, whose dense updates are short BLAS calls (and, in SuiteSparse 5, each
        /// enters OpenMP regions). fp64 solves of city10000, sphere2500 and parking-garage took
        /// 10–20 % less time with it; the 808-pose MIT and 1,228-pose intel graphs showed no
        /// difference beyond noise (docs/benchmarks.md).
        public static let slam = SupernodeAmalgamation(always: 8, belowEightyPercentZeros: 32, belowTenPercentZeros: 96)
    }

    /// Timings and sizes of the last operations, for the optimizer's Summary.
    public struct Statistics: Sendable, Equatable {
        /// Number of symbolic analyses done so far (1 when the pattern never changed).
        public var analysisCount = 0
        /// Number of numeric factorizations done so far.
        public var factorizationCount = 0
        /// Nonzeros of the factor L.
        public var factorNonzeros = 0
        /// Whether the last factorization was supernodal.
        public var isSupernodal = false
    }

    /// The options this instance was created with.
    public let options: Options
    /// Counts and sizes, updated by every call.
    public private(set) var statistics = Statistics()

    private let common: UnsafeMutablePointer<cholmod_common>
    /// The matrix handed to CHOLMOD: the upper triangle for a simplicial factor, the lower
    /// triangle of P A Pᵀ for a supernodal one.
    private var input: UnsafeMutablePointer<cholmod_sparse>?
    private var factor: UnsafeMutablePointer<cholmod_factor>?
    private var rhs: UnsafeMutablePointer<cholmod_dense>?
    private var solution: UnsafeMutablePointer<cholmod_dense>?
    private var workY: UnsafeMutablePointer<cholmod_dense>?
    private var workE: UnsafeMutablePointer<cholmod_dense>?
    /// For each entry of `input`, the index of its value in the source.
    private var gather: [Int] = []
    /// For each column of the source, the position of its diagonal entry in `input` (-1 if absent).
    private var diagonalPosition: [Int] = []
    private var analyzedDimension = -1
    private var analyzedPattern: SparsePattern?
    private var analyzedValueCount = -1

    /// Creates a solver; no work is done until ``analyze(_:permutation:)``.
    public init(options: Options = Options()) {
        self.options = options
        common = .allocate(capacity: 1)
        cholmod_start(common)
        common.pointee.print = 0
        // LL' everywhere: a simplicial LDL' factor accepts indefinite matrices silently, and
        // the optimizer must learn of indefiniteness to raise the damping.
        common.pointee.final_ll = 1
        common.pointee.nmethods = options.tryNestedDissection ? 0 : 1
        if !options.tryNestedDissection {
            common.pointee.method.0.ordering = CHOLMOD_AMD
        }
        if !options.automaticFactorKind {
            common.pointee.supernodal = CHOLMOD_SUPERNODAL
        }
        let merge = options.amalgamation
        common.pointee.nrelax = (max(0, merge.always), max(0, merge.belowEightyPercentZeros), max(0, merge.belowTenPercentZeros))
    }

    deinit {
        cholmod_free_sparse(&input, common)
        cholmod_free_factor(&factor, common)
        cholmod_free_dense(&rhs, common)
        cholmod_free_dense(&solution, common)
        cholmod_free_dense(&workY, common)
        cholmod_free_dense(&workE, common)
        cholmod_finish(common)
        common.deallocate()
    }

    /// Whether a matrix has the pattern of the last analysis: the same dimension, value count
    /// and ``SymmetricMatrixSource/pattern`` (O(1) when it shares the analyzed matrix's index
    /// arrays, a comparison of the arrays otherwise).
    public func isAnalyzed(for matrix: some SymmetricMatrixSource) -> Bool {
        factor != nil && matrix.dimension == analyzedDimension && matrix.storedValues.count == analyzedValueCount
            && matrix.pattern == analyzedPattern
    }

    /// Computes the fill-reducing ordering and symbolic factor for the pattern of `matrix`.
    ///
    /// Only the upper triangle is read; `matrix` must store both triangles of a symmetric
    /// matrix with every diagonal entry present. With a `permutation` (`permutation[new] =
    /// old`) CHOLMOD skips its own ordering and uses that one: a grown problem extends the
    /// ordering of its earlier analysis instead of recomputing it.
    ///
    /// - Throws: ``LinearSolverError/dimensionMismatch(expected:actual:)`` or
    ///   ``LinearSolverError/invalidPermutation`` when `permutation` is not a permutation of
    ///   `0..<matrix.dimension`; ``LinearSolverError/dimensionMismatch(expected:actual:)`` also
    ///   when an entry lies outside the `dimension × dimension` square (a non-square matrix)
    ///   or past the stored values.
    public func analyze(_ matrix: some SymmetricMatrixSource, permutation: [Int32]? = nil) throws(LinearSolverError) {
        let n = matrix.dimension
        if let permutation {
            guard permutation.count == n else { throw .dimensionMismatch(expected: n, actual: permutation.count) }
            var seen = [Bool](repeating: false, count: n)
            for old in permutation {
                guard old >= 0, Int(old) < n, !seen[Int(old)] else { throw .invalidPermutation }
                seen[Int(old)] = true
            }
        }
        var columnCounts = [Int](repeating: 0, count: n + 1)
        var entryCount = 0
        // A non-square source (a CSR matrix with more columns than rows) or values shorter than
        // its pattern would index past these arrays: refused before anything is read through them.
        let valueCount = matrix.storedValues.count
        var mismatch: LinearSolverError?
        matrix.forEachEntry { row, column, valueIndex in
            guard column < n, valueIndex < valueCount else {
                if mismatch == nil {
                    mismatch = column < n
                        ? .dimensionMismatch(expected: valueIndex + 1, actual: valueCount)
                        : .dimensionMismatch(expected: n, actual: column + 1)
                }
                return
            }
            if row <= column {
                columnCounts[column + 1] += 1
                entryCount += 1
            }
        }
        if let mismatch { throw mismatch }
        for j in 0..<n { columnCounts[j + 1] += columnCounts[j] }

        cholmod_free_sparse(&input, common)
        cholmod_free_factor(&factor, common)
        guard let a = cholmod_allocate_sparse(n, n, entryCount, 1, 1, 1, Int32(CHOLMOD_REAL), common) else {
            throw .library(name: "cholmod_allocate_sparse", status: Int(common.pointee.status))
        }
        input = a
        let p = a.pointee.p.assumingMemoryBound(to: Int32.self)
        let i = a.pointee.i.assumingMemoryBound(to: Int32.self)
        for j in 0...n { p[j] = Int32(columnCounts[j]) }
        // Locals, not the stored properties: a class property written in the closure would
        // pay a dynamic exclusivity check per entry.
        var gather = [Int](repeating: 0, count: entryCount)
        var diagonalPosition = [Int](repeating: -1, count: n)
        var next = columnCounts
        matrix.forEachEntry { row, column, valueIndex in
            guard row <= column else { return }
            let position = next[column]
            next[column] += 1
            i[position] = Int32(row)
            gather[position] = valueIndex
            if row == column { diagonalPosition[column] = position }
        }
        self.gather = gather
        self.diagonalPosition = diagonalPosition
        if let missing = diagonalPosition.firstIndex(of: -1) {
            throw .notPositiveDefinite(column: missing)
        }
        let analyzed: UnsafeMutablePointer<cholmod_factor>?
        if var given = permutation {
            let ordering = common.pointee.method.0.ordering
            common.pointee.method.0.ordering = CHOLMOD_GIVEN
            defer { common.pointee.method.0.ordering = ordering }
            let previousMethods = common.pointee.nmethods
            common.pointee.nmethods = 1
            defer { common.pointee.nmethods = previousMethods }
            analyzed = given.withUnsafeMutableBufferPointer { cholmod_analyze_p(a, $0.baseAddress, nil, 0, common) }
        } else {
            analyzed = cholmod_analyze(a, common)
        }
        guard let l = analyzed else {
            throw .library(name: "cholmod_analyze", status: Int(common.pointee.status))
        }
        factor = l
        analyzedDimension = n
        analyzedPattern = matrix.pattern
        analyzedValueCount = matrix.storedValues.count
        statistics.analysisCount += 1
        if l.pointee.is_super != 0 { try permuteToLowerTriangle(l) }
    }

    /// The fill-reducing permutation of the current symbolic factor (`permutation[new] =
    /// old`, after CHOLMOD's postordering), or nil before the first analysis.
    public var permutation: [Int32]? {
        guard let l = factor else { return nil }
        let perm = l.pointee.Perm.assumingMemoryBound(to: Int32.self)
        return (0..<Int(l.pointee.n)).map { perm[$0] }
    }

    /// Factorizes `matrix + diag(diagonalShift)` numerically, reusing the symbolic analysis
    /// (running it first when the pattern is new).
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` when the shifted matrix is
    ///   not positive definite, so the caller can raise the damping.
    public func factorize(
        _ matrix: some SymmetricMatrixSource, diagonalShift: [Double]? = nil
    ) throws(LinearSolverError) {
        if !isAnalyzed(for: matrix) { try analyze(matrix) }
        guard let a = input, let l = factor else { throw .patternChanged }
        let n = analyzedDimension
        if let shift = diagonalShift, shift.count != n {
            throw .dimensionMismatch(expected: n, actual: shift.count)
        }
        let x = a.pointee.x.assumingMemoryBound(to: Double.self)
        if let bad = Self.copy(matrix.storedValues, through: gather, to: x) {
            throw .nonFinite("matrix entry \(bad)")
        }
        if let shift = diagonalShift {
            for j in 0..<n {
                guard shift[j].isFinite else { throw .nonFinite("diagonal shift \(j)") }
                x[diagonalPosition[j]] += shift[j]
            }
        }
        if l.pointee.is_super != 0 {
            var beta = (0.0, 0.0)
            let ok = withUnsafeMutablePointer(to: &beta) {
                $0.withMemoryRebound(to: Double.self, capacity: 2) { cholmod_super_numeric(a, nil, $0, l, common) }
            }
            guard ok != 0 else { throw .library(name: "cholmod_super_numeric", status: Int(common.pointee.status)) }
        } else {
            cholmod_factorize(a, l, common)
        }
        statistics.factorizationCount += 1
        if common.pointee.status == CHOLMOD_NOT_POSDEF || Int(l.pointee.minor) < n {
            throw .notPositiveDefinite(column: Int(l.pointee.minor))
        }
        guard common.pointee.status == CHOLMOD_OK else {
            throw .library(name: "cholmod_factorize", status: Int(common.pointee.status))
        }
        statistics.isSupernodal = l.pointee.is_super != 0
        statistics.factorNonzeros = factorNonzeros(l)
    }

    /// Solves A x = b with the last factorization. `solution` is resized to the dimension.
    public func solve(_ b: [Double], into solution: inout [Double]) throws(LinearSolverError) {
        guard let l = factor, statistics.factorizationCount > 0 else { throw .patternChanged }
        let n = analyzedDimension
        guard b.count == n else { throw .dimensionMismatch(expected: n, actual: b.count) }
        if rhs == nil {
            rhs = cholmod_allocate_dense(n, 1, n, Int32(CHOLMOD_REAL), common)
        } else if let r = rhs, r.pointee.nrow != n {
            cholmod_free_dense(&rhs, common)
            rhs = cholmod_allocate_dense(n, 1, n, Int32(CHOLMOD_REAL), common)
        }
        guard let r = rhs else { throw .library(name: "cholmod_allocate_dense", status: Int(common.pointee.status)) }
        let rx = r.pointee.x.assumingMemoryBound(to: Double.self)
        for k in 0..<n { rx[k] = b[k] }
        let ok = cholmod_solve2(CHOLMOD_A, l, r, nil, &self.solution, nil, &workY, &workE, common)
        guard ok != 0, let s = self.solution else {
            throw .library(name: "cholmod_solve2", status: Int(common.pointee.status))
        }
        let sx = s.pointee.x.assumingMemoryBound(to: Double.self)
        if solution.count != n { solution = [Double](repeating: 0, count: n) }
        for k in 0..<n { solution[k] = sx[k] }
    }

    /// The factor as a lower-triangular CSR matrix in the permuted order, with the permutation
    /// (row `k` of L is row `permutation[k]` of A): used as the exact preconditioner that
    /// incomplete factorizations are compared against.
    public func lowerFactor() throws(LinearSolverError) -> (factor: CSRMatrix<Double>, permutation: [Int32]) {
        guard let l = factor, statistics.factorizationCount > 0 else { throw .patternChanged }
        guard let copy = cholmod_copy_factor(l, common) else {
            throw .library(name: "cholmod_copy_factor", status: Int(common.pointee.status))
        }
        var handle: UnsafeMutablePointer<cholmod_factor>? = copy
        defer { cholmod_free_factor(&handle, common) }
        guard cholmod_change_factor(Int32(CHOLMOD_REAL), 1, 0, 1, 1, copy, common) != 0 else {
            throw .library(name: "cholmod_change_factor", status: Int(common.pointee.status))
        }
        guard let sparse = cholmod_factor_to_sparse(copy, common) else {
            throw .library(name: "cholmod_factor_to_sparse", status: Int(common.pointee.status))
        }
        var sparseHandle: UnsafeMutablePointer<cholmod_sparse>? = sparse
        defer { cholmod_free_sparse(&sparseHandle, common) }
        let n = Int(sparse.pointee.ncol)
        let p = sparse.pointee.p.assumingMemoryBound(to: Int32.self)
        let i = sparse.pointee.i.assumingMemoryBound(to: Int32.self)
        let x = sparse.pointee.x.assumingMemoryBound(to: Double.self)
        // CHOLMOD gives L by columns; a counting-sort transpose yields rows, sorted by column.
        var rowPointers = [Int32](repeating: 0, count: n + 1)
        for j in 0..<n {
            for k in Int(p[j])..<Int(p[j + 1]) { rowPointers[Int(i[k]) + 1] += 1 }
        }
        for r in 0..<n { rowPointers[r + 1] += rowPointers[r] }
        var next = rowPointers.map(Int.init)
        let count = Int(rowPointers[n])
        var columns = [Int32](repeating: 0, count: count)
        var values = [Double](repeating: 0, count: count)
        for j in 0..<n {
            for k in Int(p[j])..<Int(p[j + 1]) {
                let r = Int(i[k])
                columns[next[r]] = Int32(j)
                values[next[r]] = x[k]
                next[r] += 1
            }
        }
        let perm = l.pointee.Perm.assumingMemoryBound(to: Int32.self)
        let permutation = (0..<n).map { perm[$0] }
        do {
            let factor = try CSRMatrix(
                rowCount: n, columnCount: n, rowPointers: rowPointers, columnIndices: columns, values: values)
            return (factor, permutation)
        } catch {
            throw .nonFinite("CHOLMOD factor")
        }
    }

    /// x[k] = source[gather[k]] for every k; returns the index of a non-finite source value, if
    /// any. Not generic, so the loop is compiled for `[Double]` whatever the matrix type.
    private static func copy(_ source: [Double], through gather: [Int], to x: UnsafeMutablePointer<Double>) -> Int? {
        source.withUnsafeBufferPointer { source in
            gather.withUnsafeBufferPointer { gather in
                var finite = true
                for k in gather.indices {
                    let value = source[gather[k]]
                    finite = finite && value.isFinite
                    x[k] = value
                }
                if finite { return nil }
                return gather.first { !source[$0].isFinite }
            }
        }
    }

    /// Replaces the upper-triangular copy by the lower triangle of P A Pᵀ (P the analysis's
    /// permutation), with the gather map and diagonal positions to match.
    ///
    /// `cholmod_factorize` permutes and transposes its input into exactly this matrix before
    /// every supernodal factorization (a full copy of A, allocated and freed each time: about 5 %
    /// of an fp64 pose-graph solve); built once here, each factorization hands it straight to
    /// `cholmod_super_numeric`. Solves still apply P through the factor's own permutation.
    private func permuteToLowerTriangle(_ l: UnsafeMutablePointer<cholmod_factor>) throws(LinearSolverError) {
        guard let upper = input else { throw .patternChanged }
        let n = analyzedDimension, count = gather.count
        let perm = l.pointee.Perm.assumingMemoryBound(to: Int32.self)
        let upperP = upper.pointee.p.assumingMemoryBound(to: Int32.self)
        let upperI = upper.pointee.i.assumingMemoryBound(to: Int32.self)
        var position = [Int32](repeating: 0, count: n)
        for k in 0..<n { position[Int(perm[k])] = Int32(k) }
        var columnStart = [Int](repeating: 0, count: n + 1)
        for j in 0..<n {
            for k in Int(upperP[j])..<Int(upperP[j + 1]) {
                columnStart[Int(min(position[Int(upperI[k])], position[j])) + 1] += 1
            }
        }
        for j in 0..<n { columnStart[j + 1] += columnStart[j] }
        // Unsorted columns: `cholmod_super_numeric` scatters each column through a row map, so
        // the order within a column does not matter and one counting pass suffices.
        guard let lower = cholmod_allocate_sparse(n, n, count, 0, 1, -1, Int32(CHOLMOD_REAL), common) else {
            throw .library(name: "cholmod_allocate_sparse", status: Int(common.pointee.status))
        }
        let p = lower.pointee.p.assumingMemoryBound(to: Int32.self)
        let i = lower.pointee.i.assumingMemoryBound(to: Int32.self)
        for j in 0...n { p[j] = Int32(columnStart[j]) }
        // The class's arrays are copied to locals: every access to a stored property in this
        // loop would otherwise pay a dynamic exclusivity check.
        let upperGather = gather
        var lowerGather = gather, diagonal = diagonalPosition
        for j in 0..<n {
            for k in Int(upperP[j])..<Int(upperP[j + 1]) {
                let a = position[Int(upperI[k])], b = position[j]
                let column = Int(min(a, b))
                let slot = columnStart[column]
                columnStart[column] += 1
                i[slot] = max(a, b)
                lowerGather[slot] = upperGather[k]
                if a == b { diagonal[j] = slot }
            }
        }
        gather = lowerGather
        diagonalPosition = diagonal
        cholmod_free_sparse(&input, common)
        input = lower
    }

    private func factorNonzeros(_ l: UnsafeMutablePointer<cholmod_factor>) -> Int {
        if l.pointee.is_super != 0 {
            let nsuper = Int(l.pointee.nsuper)
            let super_ = l.pointee.super.assumingMemoryBound(to: Int32.self)
            let pi = l.pointee.pi.assumingMemoryBound(to: Int32.self)
            var count = 0
            for s in 0..<nsuper {
                let columns = Int(super_[s + 1] - super_[s])
                let rows = Int(pi[s + 1] - pi[s])
                count += columns * rows - columns * (columns - 1) / 2
            }
            return count
        }
        let nz = l.pointee.nz.assumingMemoryBound(to: Int32.self)
        return (0..<Int(l.pointee.n)).reduce(0) { $0 + Int(nz[$1]) }
    }
}
