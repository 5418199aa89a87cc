/// A symmetric positive (semi)definite operator y = A x on fp32 vectors, as Krylov solvers see it.
///
/// Implementations decide the precision of the product itself (fp16 storage, fp32, fp64);
/// the vectors crossing this boundary are fp32, as the precision plans prescribe.
public protocol LinearOperator {
    /// Number of rows (= columns).
    var dimension: Int { get }
    /// Writes y = A x. Both buffers have ``dimension`` elements and do not alias.
    func apply(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>)
}

/// An approximation M ≈ A whose inverse is cheap to apply: z = M⁻¹ r.
public protocol Preconditioner {
    /// Number of rows (= columns).
    var dimension: Int { get }
    /// Writes z = M⁻¹ r. Both buffers have ``dimension`` elements and do not alias.
    func apply(_ r: UnsafeBufferPointer<Float>, into z: UnsafeMutableBufferPointer<Float>)
}

/// M = I: plain conjugate gradients.
public struct IdentityPreconditioner: Preconditioner, Sendable {
    /// Number of rows (= columns).
    public let dimension: Int

    /// Creates the identity of the given dimension.
    public init(dimension: Int) { self.dimension = dimension }

    /// Copies r into z.
    public func apply(_ r: UnsafeBufferPointer<Float>, into z: UnsafeMutableBufferPointer<Float>) {
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
    public func apply(_ r: UnsafeBufferPointer<Float>, into z: UnsafeMutableBufferPointer<Float>) {
        inverseDiagonal.withUnsafeBufferPointer { d in
            for k in 0..<d.count { z[k] = r[k] * d[k] }
        }
    }
}
