/// fp32 vector kernels for the Krylov solvers.
public enum VectorMath {
    /// xᵀ y with fp32 products and eight fp32 partial sums (entry k goes to sum k mod 8, the
    /// tail to sum 0), added pairwise at the end.
    ///
    /// The eight sums are the lanes of one `SIMD8<Float>`: written as eight scalar
    /// accumulators, the loop was not vectorized (3.0 % of a mixed VO run against 2.0 % now).
    @inlinable
    public static func dot(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        let n = x.count
        guard n > 0, let xBase = x.baseAddress, let yBase = y.baseAddress else { return 0 }
        let xRaw = UnsafeRawPointer(xBase), yRaw = UnsafeRawPointer(yBase)
        let stride = MemoryLayout<Float>.stride
        var sums = SIMD8<Float>()
        var k = 0
        while k + 8 <= n {
            let a = xRaw.loadUnaligned(fromByteOffset: k * stride, as: SIMD8<Float>.self)
            let b = yRaw.loadUnaligned(fromByteOffset: k * stride, as: SIMD8<Float>.self)
            sums += a * b
            k += 8
        }
        while k < n {
            sums[0] += x[k] * y[k]
            k += 1
        }
        return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]))
    }

    /// y ← y + α x.
    @inlinable
    public static func axpy(_ alpha: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
        for k in 0..<x.count { y[k] += alpha * x[k] }
    }
}
