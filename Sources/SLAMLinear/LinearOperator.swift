import SLAMSparse

/// A symmetric positive (semi)definite operator y = A x on fp32 vectors, as Krylov solvers see it.
///
/// Implementations decide the precision of the product itself (fp16 storage, fp32, fp64);
/// the vectors crossing this boundary are fp32, as the precision plans prescribe. `mutating`
/// because implementations keep workspace to stay allocation-free.
public protocol LinearOperator {
    /// Number of rows (= columns).
    var dimension: Int { get }
    /// Writes y = A x. `y` already has ``dimension`` elements.
    mutating func apply(_ x: [Float], into y: inout [Float]) throws
}

/// An approximation M ≈ A whose inverse is cheap to apply: z = M⁻¹ r.
public protocol Preconditioner {
    /// Number of rows (= columns).
    var dimension: Int { get }
    /// Writes z = M⁻¹ r. `z` already has ``dimension`` elements.
    mutating func apply(_ r: [Float], into z: inout [Float]) throws
}

extension IncompleteCholesky: Preconditioner {}

/// M = I: plain conjugate gradients.
public struct IdentityPreconditioner: Preconditioner, Sendable {
    /// Number of rows (= columns).
    public let dimension: Int

    /// Creates the identity of the given dimension.
    public init(dimension: Int) { self.dimension = dimension }

    /// Copies r into z.
    public func apply(_ r: [Float], into z: inout [Float]) {
        for k in 0..<dimension { z[k] = r[k] }
    }
}

/// M = diag(A): the Jacobi preconditioner, from the inverse diagonal.
public struct JacobiPreconditioner: Preconditioner, Sendable {
    /// 1 / A(k,k) for each k.
    public let inverseDiagonal: [Float]
    /// Number of rows (= columns).
    public var dimension: Int { inverseDiagonal.count }

    /// Creates the preconditioner from A's diagonal; non-positive entries are treated as 1
    /// so that the preconditioner stays positive definite.
    public init(diagonal: [Double]) {
        inverseDiagonal = diagonal.map { $0 > 0 && $0.isFinite ? Float(1 / $0) : 1 }
    }

    /// z = r ./ diag(A).
    public func apply(_ r: [Float], into z: inout [Float]) {
        for k in 0..<inverseDiagonal.count { z[k] = r[k] * inverseDiagonal[k] }
    }
}

/// y = (A + diag(d)) x for a symmetric block-CSR matrix whose product runs in `Scalar`'s
/// kernel (fp16 storage, fp32 or fp64), with fp32 vectors at the boundary.
public struct BlockMatrixOperator<Scalar: SparseScalar>: LinearOperator {
    /// The matrix (both triangles stored).
    public let matrix: BlockCSRMatrix<Scalar>
    /// Diagonal added to the matrix (LM damping), or empty.
    public let diagonalShift: [Float]
    /// Kernel path and fp16 arithmetic used for the product.
    public let kernel: KernelOptions
    /// Number of rows (= columns).
    public var dimension: Int { matrix.rowCount }
    private var wideX: [Scalar.VectorScalar]
    private var wideY: [Scalar.VectorScalar]

    /// Wraps `matrix + diag(diagonalShift)`.
    public init(_ matrix: BlockCSRMatrix<Scalar>, diagonalShift: [Float] = [], kernel: KernelOptions = KernelOptions()) {
        self.matrix = matrix
        self.diagonalShift = diagonalShift
        self.kernel = kernel
        let wide = Scalar.VectorScalar.self == Float.self ? 0 : matrix.rowCount
        wideX = [Scalar.VectorScalar](repeating: 0, count: wide)
        wideY = wideX
    }

    /// y = (A + diag(d)) x; an fp64 matrix accumulates in fp64 and rounds once to fp32.
    public mutating func apply(_ x: [Float], into y: inout [Float]) throws {
        guard diagonalShift.isEmpty || diagonalShift.count == dimension else {
            throw LinearSolverError.dimensionMismatch(expected: dimension, actual: diagonalShift.count)
        }
        if Scalar.VectorScalar.self == Float.self {
            // Same element type, so the arrays are reinterpreted in place: `as!` would convert
            // element by element at run time in this unspecialized generic code (it was 60 %
            // of a PCG solve). Moving y out keeps its buffer unique (no copy).
            var out = unsafeBitCast(y, to: [Scalar.VectorScalar].self)
            y = []
            defer { y = unsafeBitCast(out, to: [Float].self) }
            try matrix.multiply(unsafeBitCast(x, to: [Scalar.VectorScalar].self), into: &out, options: kernel)
        } else {
            for k in 0..<x.count { wideX[k] = Scalar.VectorScalar(x[k]) }
            try matrix.multiply(wideX, into: &wideY, options: kernel)
            for k in 0..<x.count { y[k] = Float(wideY[k]) }
        }
        if !diagonalShift.isEmpty {
            for k in 0..<x.count { y[k] += diagonalShift[k] * x[k] }
        }
    }
}
