import SLAMSparse

/// The complete-Cholesky preconditioner M = P Lᵀ L Pᵀ = A from one CHOLMOD factorization, with
/// the triangular solves in fp64 (CHOLMOD's own) or with L stored in fp32 or fp16 and solved
/// by the CKernels triangular kernels (fp32 vectors).
///
/// It is the yardstick incomplete factorizations are measured against: applied to the matrix
/// it was factored from, preconditioned CG converges in one iteration. Factored once and
/// reused while the matrix drifts (a "static" preconditioner), it stays strong where IC(0)
/// loses to the ill-conditioning of long pose chains.
public struct CholeskyPreconditioner: Preconditioner {
    /// Number of rows (= columns).
    public let dimension: Int
    /// What casting L to its storage precision did (empty for fp64).
    public let conversionReport: ConversionReport
    private enum Storage {
        case fp64(Cholmod)
        case fp32(TriangularFactor<Float>)
        case fp16(TriangularFactor<Float16>)
    }

    private let storage: Storage
    private let permutation: [Int32]
    private let kernel: KernelOptions
    private var wideRHS: [Double]
    private var wideSolution: [Double] = []
    private var permuted: [Float]
    private var intermediate: [Float]

    /// Factors `matrix + diag(diagonalShift)` completely and stores L in `storage` precision.
    ///
    /// Pass the same `cholmod` for every refresh of one pattern to reuse its symbolic analysis.
    public init(
        _ matrix: some SymmetricMatrixSource, diagonalShift: [Double]? = nil, storage precision: Precision = .fp64,
        kernel: KernelOptions = KernelOptions(), cholmod: Cholmod = Cholmod()
    ) throws {
        dimension = matrix.dimension
        self.kernel = kernel
        try cholmod.factorize(matrix, diagonalShift: diagonalShift)
        wideRHS = [Double](repeating: 0, count: dimension)
        permuted = [Float](repeating: 0, count: dimension)
        intermediate = permuted
        guard precision != .fp64 else {
            storage = .fp64(cholmod)
            permutation = []
            conversionReport = ConversionReport()
            return
        }
        // L = D (I + W): W_ij = L_ij / L_ii, D⁻¹ = 1 / L_ii (TriangularFactor's unit form).
        let (lower, order) = try cholmod.lowerFactor()
        var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
        var inverseDiagonal = [Double](repeating: 0, count: dimension)
        for row in 0..<dimension {
            let start = Int(lower.rowPointers[row]), end = Int(lower.rowPointers[row + 1])
            let diagonal = lower.values[end - 1]
            inverseDiagonal[row] = 1 / diagonal
            for k in start..<(end - 1) {
                columns.append(lower.columnIndices[k])
                values.append(lower.values[k] / diagonal)
            }
            pointers.append(Int32(columns.count))
        }
        let factor = try TriangularFactor<Double>(
            blockSize: 1, blockCount: dimension, rowPointers: pointers, columnIndices: columns, values: values,
            inverseDiagonal: inverseDiagonal)
        permutation = order
        if precision == .fp32 {
            let (converted, report) = try factor.converted(to: Float.self, path: kernel.path)
            storage = .fp32(converted)
            conversionReport = report
        } else {
            let (converted, report) = try factor.converted(to: Float16.self, path: kernel.path)
            storage = .fp16(converted)
            conversionReport = report
        }
    }

    /// z = A⁻¹ r by the two triangular solves of the complete factor.
    public mutating func apply(_ r: [Float], into z: inout [Float]) throws {
        switch storage {
        case .fp64(let cholmod):
            for k in 0..<dimension { wideRHS[k] = Double(r[k]) }
            try cholmod.solve(wideRHS, into: &wideSolution)
            for k in 0..<dimension { z[k] = Float(wideSolution[k]) }
        case .fp32(let factor):
            for k in 0..<dimension { permuted[k] = r[Int(permutation[k])] }
            try factor.solveLower(permuted, into: &intermediate, options: kernel)
            try factor.solveLowerTransposed(intermediate, into: &permuted, options: kernel)
            for k in 0..<dimension { z[Int(permutation[k])] = permuted[k] }
        case .fp16(let factor):
            for k in 0..<dimension { permuted[k] = r[Int(permutation[k])] }
            try factor.solveLower(permuted, into: &intermediate, options: kernel)
            try factor.solveLowerTransposed(intermediate, into: &permuted, options: kernel)
            for k in 0..<dimension { z[Int(permutation[k])] = permuted[k] }
        }
    }
}
