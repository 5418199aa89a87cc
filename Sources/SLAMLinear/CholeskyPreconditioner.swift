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
    public func apply(_ r: [Float], into z: inout [Float]) throws {
        for k in 0..<dimension { rhs[k] = Double(r[k]) }
        try cholmod.solve(rhs, into: &solution)
        for k in 0..<dimension { z[k] = Float(solution[k]) }
    }
}
