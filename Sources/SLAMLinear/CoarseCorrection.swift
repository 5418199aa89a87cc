import SLAMSparse

/// The coarse-space term of a two-level preconditioner, P = Z (ZᵀAZ)⁻¹ Zᵀ, for a block
/// matrix A whose block rows are grouped into aggregates.
///
/// Block row i belongs to aggregate `aggregate[i]` and contributes the dense B×B block Zᵢ
/// (row-major) to that aggregate's B columns of Z, so Z has B columns per aggregate. For a
/// pose graph, Zᵢ = Ad(Xᵢ⁻¹ X_c) maps a rigid motion of the aggregate (expressed at its
/// first pose c) to each pose's tangent increment: the long, flat bending modes of a
/// trajectory that incomplete factorizations resolve only after many CG iterations lie
/// close to this space. The coarse matrix ZᵀAZ is formed and factored in fp64 (LAPACK).
public struct CoarseCorrection: Sendable {
    /// Rows of Z (= the dimension of A).
    public let dimension: Int
    /// Columns of Z: B per aggregate.
    public let coarseDimension: Int
    /// Z in fp32: one B×B block per block row, in the column of its aggregate.
    private let basis: BlockCSRMatrix<Float>
    private let coarse: DenseCholesky
    private let kernel: KernelOptions
    private var restricted: [Float]
    private var projected: [Double]

    /// Forms and factors ZᵀAZ.
    ///
    /// - Throws: ``LinearSolverError/dimensionMismatch(expected:actual:)`` for inconsistent
    ///   shapes, ``LinearSolverError/notPositiveDefinite(column:)`` when ZᵀAZ is singular
    ///   (an aggregate with no coupling to the rest cannot happen for a positive definite A).
    public init(
        matrix: BlockCSRMatrix<Double>, aggregate: [Int32], aggregateCount: Int, basis: [Double],
        kernel: KernelOptions = KernelOptions()
    ) throws(LinearSolverError) {
        let b = matrix.blockSize, bb = b * b, nb = matrix.blockRowCount
        guard matrix.blockColumnCount == nb else { throw .dimensionMismatch(expected: nb, actual: matrix.blockColumnCount) }
        guard matrix.values.count == matrix.blockCount * bb else {
            throw .dimensionMismatch(expected: matrix.blockCount * bb, actual: matrix.values.count)
        }
        guard aggregate.count == nb else { throw .dimensionMismatch(expected: nb, actual: aggregate.count) }
        guard basis.count == nb * bb else { throw .dimensionMismatch(expected: nb * bb, actual: basis.count) }
        guard aggregate.allSatisfy({ $0 >= 0 && Int($0) < aggregateCount }) else {
            throw .dimensionMismatch(expected: aggregateCount, actual: Int(aggregate.max() ?? 0) + 1)
        }
        let k = aggregateCount * b
        var ac = [Double](repeating: 0, count: k * k)
        var az = [Double](repeating: 0, count: bb)
        for i in 0..<nb {
            let gi = Int(aggregate[i]) * b
            for p in Int(matrix.blockRowPointers[i])..<Int(matrix.blockRowPointers[i + 1]) {
                let j = Int(matrix.blockColumnIndices[p])
                let gj = Int(aggregate[j]) * b
                // (A_ij Z_j), then Z_iᵀ (A_ij Z_j) into coarse block (g(i), g(j)), column-major.
                for r in 0..<b {
                    for c in 0..<b {
                        var sum = 0.0
                        for t in 0..<b { sum += matrix.values[p * bb + r * b + t] * basis[j * bb + t * b + c] }
                        az[r * b + c] = sum
                    }
                }
                for r in 0..<b {
                    for c in 0..<b {
                        var sum = 0.0
                        for t in 0..<b { sum += basis[i * bb + t * b + r] * az[t * b + c] }
                        ac[(gj + c) * k + gi + r] += sum
                    }
                }
            }
        }
        coarse = try DenseCholesky(columnMajor: ac, dimension: k)
        do {
            self.basis = try BlockCSRMatrix(
                blockSize: b, blockRowCount: nb, blockColumnCount: aggregateCount,
                blockRowPointers: (0...nb).map { Int32($0) }, blockColumnIndices: aggregate,
                values: basis.map { Float($0) })
        } catch {
            throw .nonFinite("coarse basis")
        }
        dimension = nb * b
        coarseDimension = k
        self.kernel = kernel
        restricted = [Float](repeating: 0, count: k)
        projected = [Double](repeating: 0, count: k)
    }

    /// z += Z (ZᵀAZ)⁻¹ Zᵀ r: Z's products in fp32, the coarse solve in fp64.
    public mutating func addCorrection(_ r: [Float], to z: inout [Float]) throws {
        try basis.multiplyTransposed(r, into: &restricted, options: kernel)
        for k in projected.indices { projected[k] = Double(restricted[k]) }
        try coarse.solve(&projected)
        for k in projected.indices { restricted[k] = Float(projected[k]) }
        try basis.multiply(restricted, into: &z, accumulate: true, options: kernel)
    }
}

/// M⁻¹ = F⁻¹ + Z (ZᵀAZ)⁻¹ Zᵀ: a fine preconditioner (incomplete Cholesky) plus the coarse
/// correction of ``CoarseCorrection`` (additive two-level Schwarz). Symmetric positive
/// definite whenever F is.
public struct TwoLevelPreconditioner<Fine: Preconditioner>: Preconditioner {
    /// The fine-level preconditioner.
    public var fine: Fine
    /// The coarse correction.
    public var coarse: CoarseCorrection
    /// Number of rows (= columns).
    public var dimension: Int { fine.dimension }

    /// Combines `fine` and `coarse` (same dimension).
    public init(fine: Fine, coarse: CoarseCorrection) throws(LinearSolverError) {
        guard fine.dimension == coarse.dimension else {
            throw .dimensionMismatch(expected: fine.dimension, actual: coarse.dimension)
        }
        self.fine = fine
        self.coarse = coarse
    }

    /// z = F⁻¹ r + Z (ZᵀAZ)⁻¹ Zᵀ r.
    public mutating func apply(_ r: [Float], into z: inout [Float]) throws {
        try fine.apply(r, into: &z)
        try coarse.addCorrection(r, to: &z)
    }
}

