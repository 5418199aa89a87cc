/// fp32 vector kernels for the Krylov solvers, written so the compiler vectorizes them:
/// eight independent accumulators break the serial dependency of a reduction.
public enum VectorMath {
    /// xᵀ y with fp32 products and eight fp32 partial sums.
    @inlinable
    public static func dot(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        let n = x.count
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        var s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        var k = 0
        while k + 8 <= n {
            s0 += x[k] * y[k]; s1 += x[k + 1] * y[k + 1]
            s2 += x[k + 2] * y[k + 2]; s3 += x[k + 3] * y[k + 3]
            s4 += x[k + 4] * y[k + 4]; s5 += x[k + 5] * y[k + 5]
            s6 += x[k + 6] * y[k + 6]; s7 += x[k + 7] * y[k + 7]
            k += 8
        }
        while k < n {
            s0 += x[k] * y[k]
            k += 1
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    }

    /// y ← y + α x.
    @inlinable
    public static func axpy(_ alpha: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
        for k in 0..<x.count { y[k] += alpha * x[k] }
    }
}
