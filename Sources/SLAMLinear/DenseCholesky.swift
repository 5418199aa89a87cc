import CLapack

/// Dense Cholesky factorization A = L Lᵀ by LAPACK (`dpotrf`/`dpotrs`, OpenBLAS), in fp64.
///
/// The reference for small systems and the solver of the reduced camera system in
/// ``DenseSchur``. Storage is column-major `n × n`; only the lower triangle is referenced.
public struct DenseCholesky: Sendable {
    /// Dimension of the factored matrix.
    public let dimension: Int
    /// The factor L in column-major order (upper triangle is garbage).
    public private(set) var factor: [Double]

    /// Factors the column-major symmetric matrix `matrix` (`dimension²` values).
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` naming the first column
    ///   whose pivot is not positive.
    public init(columnMajor matrix: [Double], dimension: Int) throws(LinearSolverError) {
        guard matrix.count == dimension * dimension else {
            throw .dimensionMismatch(expected: dimension * dimension, actual: matrix.count)
        }
        guard matrix.allSatisfy(\.isFinite) else { throw .nonFinite("dense matrix") }
        self.dimension = dimension
        factor = matrix
        guard dimension > 0 else { return }
        let n = Int32(dimension)
        let info = factor.withUnsafeMutableBufferPointer {
            LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), n, $0.baseAddress, n)
        }
        if info > 0 { throw .notPositiveDefinite(column: Int(info) - 1) }
        if info < 0 { throw .library(name: "LAPACKE_dpotrf", status: Int(info)) }
    }

    /// Factors the column-major `matrix` in place (it becomes L, upper triangle untouched)
    /// and overwrites `b` with A⁻¹ b: the allocation-free path of solvers that keep their
    /// workspace, such as ``DenseSchur``. The caller checks finiteness of the result (LAPACK's
    /// NaN scan of the whole matrix is skipped).
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` as ``init(columnMajor:dimension:)``.
    static func factorAndSolve(_ matrix: inout [Double], dimension: Int, _ b: inout [Double]) throws(LinearSolverError) {
        precondition(matrix.count == dimension * dimension && b.count == dimension, "dense Cholesky shapes")
        guard dimension > 0 else { return }
        try factorInPlace(&matrix, dimension: dimension)
        let n = Int32(dimension)
        let solved = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), n, 1, matrix, n, &b, n)
        if solved != 0 { throw .library(name: "LAPACKE_dpotrs_work", status: Int(solved)) }
    }

    /// Factors the column-major `matrix` in place (it becomes L, upper triangle untouched),
    /// without LAPACKE's NaN scan.
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` as ``init(columnMajor:dimension:)``.
    static func factorInPlace(_ matrix: inout [Double], dimension: Int) throws(LinearSolverError) {
        let n = Int32(dimension)
        let info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), n, &matrix, n)
        if info > 0 { throw .notPositiveDefinite(column: Int(info) - 1) }
        if info < 0 { throw .library(name: "LAPACKE_dpotrf_work", status: Int(info)) }
    }

    /// Solves A X = B in place for `columns` right-hand sides stored column-major in `b`.
    ///
    /// One right-hand side goes through two BLAS-2 triangular solves (`dtrsv`): OpenBLAS'
    /// `dpotrs` takes its BLAS-3 path and copies the factor on every call, which dominated a
    /// preconditioner applying it once per CG iteration. Several go through `dpotrs`, without
    /// LAPACKE's NaN scan of the factor (finite by construction). A non-finite `b` gives a
    /// non-finite solution.
    public func solve(_ b: inout [Double], columns: Int = 1) throws(LinearSolverError) {
        guard b.count == dimension * columns else {
            throw .dimensionMismatch(expected: dimension * columns, actual: b.count)
        }
        guard dimension > 0 else { return }
        let n = Int32(dimension)
        if columns == 1 {
            factor.withUnsafeBufferPointer { l in
                b.withUnsafeMutableBufferPointer { x in
                    cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, n, l.baseAddress, n, x.baseAddress, 1)
                    cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, n, l.baseAddress, n, x.baseAddress, 1)
                }
            }
            return
        }
        let info = factor.withUnsafeBufferPointer { l in
            b.withUnsafeMutableBufferPointer {
                LAPACKE_dpotrs_work(
                    LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), n, Int32(columns), l.baseAddress, n,
                    $0.baseAddress, n)
            }
        }
        if info != 0 { throw .library(name: "LAPACKE_dpotrs_work", status: Int(info)) }
    }
}
