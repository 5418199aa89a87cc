import CSuiteSparse
import SLAMSparse

/// Approximate minimum degree ordering (SuiteSparse AMD) of a symmetric block pattern.
///
/// Incomplete Cholesky keeps only the matrix's own pattern, so a fill-reducing order also
/// reduces what IC(0) drops; CHOLMOD computes its own ordering internally.
public enum AMDOrdering {
    /// The AMD permutation of the block graph of `matrix`: `permutation[new] = old` block.
    ///
    /// - Throws: ``LinearSolverError/library(name:status:)`` when AMD rejects the pattern.
    public static func blockPermutation<S: SparseScalar>(of matrix: BlockCSRMatrix<S>) throws(LinearSolverError) -> [Int32] {
        try order(dimension: matrix.blockRowCount, pointers: matrix.blockRowPointers, indices: matrix.blockColumnIndices)
    }

    /// The AMD permutation of a scalar symmetric pattern: `permutation[new] = old` row.
    public static func permutation<S: SparseScalar>(of matrix: CSRMatrix<S>) throws(LinearSolverError) -> [Int32] {
        try order(dimension: matrix.rowCount, pointers: matrix.rowPointers, indices: matrix.columnIndices)
    }

    private static func order(dimension n: Int, pointers: [Int32], indices: [Int32]) throws(LinearSolverError) -> [Int32] {
        guard n > 0 else { return [] }
        var permutation = [Int32](repeating: 0, count: n)
        let status = pointers.withUnsafeBufferPointer { p in
            indices.withUnsafeBufferPointer { i in
                permutation.withUnsafeMutableBufferPointer { out in
                    amd_order(Int32(n), p.baseAddress, i.baseAddress, out.baseAddress, nil, nil)
                }
            }
        }
        guard status == AMD_OK || status == AMD_OK_BUT_JUMBLED else {
            throw .library(name: "amd_order", status: Int(status))
        }
        return permutation
    }
}
