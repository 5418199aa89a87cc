import CKernels

/// fp32 vector operations for conjugate-gradient recurrences, on the kernel paths.
///
/// Allocation-free: results go into the caller's arrays.
public enum VectorKernels {
    /// Σ xᵢ yᵢ in fp32 with eight partial sums (the lanes of one AVX register).
    /// - Throws: ``SparseError/dimensionMismatch(expected:actual:)``.
    public static func dot(_ x: [Float], _ y: [Float], path: KernelPath? = nil) throws(SparseError) -> Float {
        guard x.count == y.count else { throw .dimensionMismatch(expected: x.count, actual: y.count) }
        if let path, !path.isSupported { throw .unsupportedKernelPath(path.description) }
        let cPath = path?.cValue ?? CK_PATH_AUTO
        return x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in ck_dot_f32(cPath, Int64(x.count), xb.baseAddress, yb.baseAddress) }
        }
    }

    /// y ← y + a x.
    /// - Throws: ``SparseError/dimensionMismatch(expected:actual:)``,
    ///   ``SparseError/unsupportedKernelPath(_:)``.
    public static func axpy(_ a: Float, _ x: [Float], _ y: inout [Float], path: KernelPath? = nil) throws(SparseError) {
        guard x.count == y.count else { throw .dimensionMismatch(expected: x.count, actual: y.count) }
        let status = x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                ck_axpy_f32(path?.cValue ?? CK_PATH_AUTO, Int64(xb.count), a, xb.baseAddress, yb.baseAddress)
            }
        }
        try KernelBridge.check(status, KernelOptions(path: path))
    }

    /// y ← x + b y (the CG search-direction update p ← z + β p).
    /// - Throws: ``SparseError/dimensionMismatch(expected:actual:)``,
    ///   ``SparseError/unsupportedKernelPath(_:)``.
    public static func xpby(_ x: [Float], _ b: Float, _ y: inout [Float], path: KernelPath? = nil) throws(SparseError) {
        guard x.count == y.count else { throw .dimensionMismatch(expected: x.count, actual: y.count) }
        let status = x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                ck_xpby_f32(path?.cValue ?? CK_PATH_AUTO, Int64(xb.count), xb.baseAddress, b, yb.baseAddress)
            }
        }
        try KernelBridge.check(status, KernelOptions(path: path))
    }
}
