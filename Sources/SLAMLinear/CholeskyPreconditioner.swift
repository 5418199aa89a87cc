import SLAMSparse

/// The exact preconditioner M = A from a complete CHOLMOD factorization, applied in fp64.
///
/// The yardstick incomplete factorizations are measured against: with it, preconditioned CG
/// converges in one iteration, so any extra iterations of an incomplete factor are its cost.
public final class CholeskyPreconditioner: Preconditioner {
    /// Number of rows (= columns).
    public let dimension: Int
    private let cholmod: Cholmod
    private var rhs: [Double]
    private var solution: [Double] = []

    /// Factors `matrix + diag(diagonalShift)` completely.
    public init(_ matrix: some SymmetricMatrixSource, diagonalShift: [Double]? = nil) throws(LinearSolverError) {
        dimension = matrix.dimension
        cholmod = Cholmod()
        try cholmod.factorize(matrix, diagonalShift: diagonalShift)
        rhs = [Double](repeating: 0, count: dimension)
    }

    /// z = A⁻¹ r by the two triangular solves of the complete factor.
    public func apply(_ r: UnsafeBufferPointer<Float>, into z: UnsafeMutableBufferPointer<Float>) {
        for k in 0..<dimension { rhs[k] = Double(r[k]) }
        do {
            try cholmod.solve(rhs, into: &solution)
            for k in 0..<dimension { z[k] = Float(solution[k]) }
        } catch {
            // The factorization succeeded in init, so a solve can only fail on allocation;
            // fall back to M = I, which keeps CG correct (only slower).
            for k in 0..<dimension { z[k] = r[k] }
        }
    }
}

/// y = A x for a symmetric block-CSR matrix with fp64 storage and arithmetic, fp32 vectors:
/// the reference operator in tests and the fp64 plan's iterative path.
public struct BlockMatrixOperator: LinearOperator {
    /// The matrix (both triangles stored).
    public let matrix: BlockCSRMatrix<Double>
    /// Diagonal added to the matrix (LM damping), or empty.
    public let diagonalShift: [Double]
    /// Number of rows (= columns).
    public var dimension: Int { matrix.rowCount }

    /// Wraps `matrix + diag(diagonalShift)`.
    public init(_ matrix: BlockCSRMatrix<Double>, diagonalShift: [Double] = []) {
        self.matrix = matrix
        self.diagonalShift = diagonalShift
    }

    /// y = (A + diag(d)) x accumulated in fp64, rounded once to fp32.
    public func apply(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        let b = matrix.blockSize
        for blockRow in 0..<matrix.blockRowCount {
            for r in 0..<b {
                let row = blockRow * b + r
                var sum = diagonalShift.isEmpty ? 0 : diagonalShift[row] * Double(x[row])
                for k in Int(matrix.blockRowPointers[blockRow])..<Int(matrix.blockRowPointers[blockRow + 1]) {
                    let column0 = Int(matrix.blockColumnIndices[k]) * b
                    let base = k * b * b + r * b
                    for c in 0..<b { sum += matrix.values[base + c] * Double(x[column0 + c]) }
                }
                y[row] = Float(sum)
            }
        }
    }
}
