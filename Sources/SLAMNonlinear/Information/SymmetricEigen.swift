/// Eigen-decomposition A = V diag(λ) Vᵀ of a small dense symmetric matrix by cyclic Jacobi
/// rotations: the information matrices of factors (2×2 to 9×9), where robustness matters
/// more than speed.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, in the order of the columns of ``eigenvectors``.
    public let eigenvalues: [Double]
    /// Eigenvectors as the columns of an n×n row-major matrix.
    public let eigenvectors: [Double]
    /// The dimension n.
    public let dimension: Int

    /// Decomposes the symmetric part ½(A + Aᵀ) of the row-major n×n matrix `matrix`.
    ///
    /// Sweeps until the off-diagonal mass is below 10⁻¹⁵ of the Frobenius norm (at most 64
    /// sweeps; Jacobi converges quadratically, so small matrices need fewer than 10). The
    /// matrix is first scaled by a power of two that brings its largest entry near 1, which
    /// changes no rounding but keeps the squared norms finite: with entries above ~1e154 they
    /// overflowed, the convergence test compared ∞ with ∞ and no rotation ran.
    ///
    /// - Throws: ``InformationMatrix/Defect/invalidDimension(_:)`` unless n is in 1...64,
    ///   ``InformationMatrix/Defect/wrongSize(expected:actual:)`` unless `matrix` has n²
    ///   entries, ``InformationMatrix/Defect/nonFinite`` for a NaN or infinite entry.
    public init(symmetric matrix: [Double], dimension n: Int) throws(InformationMatrix.Defect) {
        guard (1...64).contains(n) else { throw .invalidDimension(n) }
        guard matrix.count == n * n else { throw .wrongSize(expected: n * n, actual: matrix.count) }
        guard matrix.allSatisfy(\.isFinite) else { throw .nonFinite }
        let largest = matrix.reduce(0) { max($0, abs($1)) }
        let exponent = largest.isFinite && largest > 0 ? Int(largest.exponent) : 0
        var a = matrix.map { Double(sign: .plus, exponent: -exponent, significand: $0) }
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let m = 0.5 * (a[i * n + j] + a[j * n + i])
                a[i * n + j] = m
                a[j * n + i] = m
            }
        }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<64 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where j != i { off += a[i * n + j] * a[i * n + j] } }
            if off <= 1e-30 * total || off == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where a[p * n + q] != 0 {
                    let apq = a[p * n + q]
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p]
                        let akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k]
                        let aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p]
                        let vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        eigenvalues = (0..<n).map { Double(sign: .plus, exponent: exponent, significand: a[$0 * n + $0]) }
        eigenvectors = v
        dimension = n
    }

    /// V diag(f(λ)) Vᵀ, row-major.
    public func reconstructed(mapping f: (Double) -> Double) -> [Double] {
        let n = dimension
        var out = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            let lambda = f(eigenvalues[k])
            if lambda == 0 { continue }
            for i in 0..<n {
                let vik = eigenvectors[i * n + k] * lambda
                for j in 0..<n { out[i * n + j] += vik * eigenvectors[j * n + k] }
            }
        }
        return out
    }
}
