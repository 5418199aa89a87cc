import SLAMSparse

/// y = (Jᵀ J + diag(d)) x from the Jacobian J, never forming Jᵀ J: the operator of CGNR, the
/// conjugate-gradient method on the normal equations with products by J and Jᵀ.
///
/// J is a block matrix whose block rows are residual blocks (factors) and whose block columns
/// are variables; it is stored at `Scalar` precision, vectors crossing the boundary are fp32,
/// and J x is held at the product's vector precision between the two products.
public struct JacobianNormalOperator<Scalar: SparseScalar>: LinearOperator {
    /// J.
    public let jacobian: BlockCSRMatrix<Scalar>
    /// Diagonal added to JᵀJ (LM damping), or empty.
    public let diagonalShift: [Float]
    /// Kernel path and fp16 arithmetic of the products.
    public let kernel: KernelOptions
    /// Number of rows (= columns) of JᵀJ: J's column count.
    public var dimension: Int { jacobian.columnCount }
    private var residual: [Scalar.VectorScalar]
    private var wideX: [Scalar.VectorScalar]
    private var wideY: [Scalar.VectorScalar]

    /// Wraps `Jᵀ J + diag(diagonalShift)`.
    public init(_ jacobian: BlockCSRMatrix<Scalar>, diagonalShift: [Float] = [], kernel: KernelOptions = KernelOptions()) {
        self.jacobian = jacobian
        self.diagonalShift = diagonalShift
        self.kernel = kernel
        residual = [Scalar.VectorScalar](repeating: 0, count: jacobian.rowCount)
        let wide = Scalar.VectorScalar.self == Float.self ? 0 : jacobian.columnCount
        wideX = [Scalar.VectorScalar](repeating: 0, count: wide)
        wideY = wideX
    }

    /// y = (Jᵀ J + diag(d)) x.
    public mutating func apply(_ x: [Float], into y: inout [Float]) throws {
        guard diagonalShift.isEmpty || diagonalShift.count == dimension else {
            throw LinearSolverError.dimensionMismatch(expected: dimension, actual: diagonalShift.count)
        }
        if Scalar.VectorScalar.self == Float.self {
            // Reinterpreted in place, as in BlockMatrixOperator: `as!` converts element by element.
            try jacobian.multiply(unsafeBitCast(x, to: [Scalar.VectorScalar].self), into: &residual, options: kernel)
            var out = unsafeBitCast(y, to: [Scalar.VectorScalar].self)
            y = []
            defer { y = unsafeBitCast(out, to: [Float].self) }
            try jacobian.multiplyTransposed(residual, into: &out, options: kernel)
        } else {
            for k in 0..<x.count { wideX[k] = Scalar.VectorScalar(x[k]) }
            try jacobian.multiply(wideX, into: &residual, options: kernel)
            try jacobian.multiplyTransposed(residual, into: &wideY, options: kernel)
            for k in 0..<x.count { y[k] = Float(wideY[k]) }
        }
        if !diagonalShift.isEmpty {
            for k in 0..<x.count { y[k] += diagonalShift[k] * x[k] }
        }
    }
}
