import MixedSLAM

/// The singular value decomposition A = U diag(σ) Vᵀ of a 3×3 matrix, computed with the
/// one-sided Jacobi method (Hestenes), so that alignment needs no LAPACK.
///
/// One-sided Jacobi orthogonalizes the columns of A V by plane rotations applied to V; at
/// convergence the column norms are the singular values. It never forms AᵀA, so small
/// singular values keep full relative accuracy (Demmel and Veselić 1992). U and V are always
/// orthogonal, also for rank-deficient A (planar or collinear point sets): the left singular
/// vectors of zero singular values are completed to an orthonormal basis.
public struct SingularValueDecomposition3x3: Sendable {
    /// Left singular vectors as columns; orthogonal, with determinant ±1.
    public let u: Matrix3<Double>
    /// Singular values in descending order, all ≥ 0.
    public let singularValues: SIMD3<Double>
    /// Right singular vectors as columns; orthogonal, with determinant ±1.
    public let v: Matrix3<Double>
    /// Number of Jacobi sweeps until every column pair was orthogonal to working precision.
    public let sweeps: Int

    /// Decomposes `a`; throws for a non-finite element or singular values beyond the `Double`
    /// range (elements near `Double.greatestFiniteMagnitude`).
    public init(_ a: Matrix3<Double>) throws {
        try requireFinite([a.row0, a.row1, a.row2], what: "3×3 matrix rows")
        // Jacobi runs on a scaled into [−2, 2]: the column dot products of elements beyond
        // ~1.3e154 overflowed (no rotation was applied and U fell back to the identity) and
        // those below ~1.5e-154 underflowed. The scaling is exact and leaves U and V unchanged;
        // the singular values are scaled back.
        let scale = PowerOfTwoScale(largest: max(abs(a.row0).max(), abs(a.row1).max(), abs(a.row2).max()))
        var columns = [column(0, of: a), column(1, of: a), column(2, of: a)].map { scale.down * $0 }
        var rightVectors = [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
        let tolerance = Double.ulpOfOne
        // Quadratic convergence makes 6 sweeps ample for 3×3; the cap only guards the loop.
        let maximumSweeps = 60
        var sweep = 0
        var rotated = true
        while rotated && sweep < maximumSweeps {
            rotated = false
            sweep += 1
            for (p, q) in [(0, 1), (0, 2), (1, 2)] {
                let alpha = dot(columns[p], columns[p])
                let beta = dot(columns[q], columns[q])
                let gamma = dot(columns[p], columns[q])
                guard gamma != 0, Swift.abs(gamma) > tolerance * (alpha * beta).squareRoot() else {
                    continue
                }
                rotated = true
                // The rotation that zeroes the (p, q) entry of the 2×2 Gram matrix, taking the
                // smaller of the two angles for stability.
                let zeta = (beta - alpha) / (2 * gamma)
                let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
                let c = 1 / (1 + t * t).squareRoot()
                let s = c * t
                let columnP = columns[p]
                columns[p] = c * columnP - s * columns[q]
                columns[q] = s * columnP + c * columns[q]
                let vectorP = rightVectors[p]
                rightVectors[p] = c * vectorP - s * rightVectors[q]
                rightVectors[q] = s * vectorP + c * rightVectors[q]
            }
        }
        var norms = columns.map(norm)
        var order = [0, 1, 2].sorted { norms[$0] > norms[$1] }
        if norms[order[0]] == norms[order[1]] && norms[order[1]] == norms[order[2]] {
            order = [0, 1, 2]
        }
        columns = order.map { columns[$0] }
        rightVectors = order.map { rightVectors[$0] }
        norms = order.map { norms[$0] }

        // A singular value below this is zero to working precision: its column of A V is
        // rounding noise and cannot be normalized into a meaningful left singular vector.
        let negligible = max(norms[0], Double.leastNormalMagnitude) * 8 * Double.ulpOfOne
        var leftVectors: [SIMD3<Double>] = []
        for index in 0..<3 where norms[index] > negligible {
            leftVectors.append(columns[index] / norms[index])
        }
        Self.completeOrthonormalBasis(&leftVectors)
        let singularValues = scale.up * SIMD3(norms[0], norms[1], norms[2])
        guard singularValues.x.isFinite else {
            throw EvaluationError.invalidArgument("the largest singular value exceeds the Double range")
        }
        u = matrix(columns: leftVectors[0], leftVectors[1], leftVectors[2])
        v = matrix(columns: rightVectors[0], rightVectors[1], rightVectors[2])
        self.singularValues = singularValues
        sweeps = sweep
    }

    /// Extends 0 to 3 orthonormal vectors to an orthonormal basis of ℝ³.
    private static func completeOrthonormalBasis(_ vectors: inout [SIMD3<Double>]) {
        if vectors.isEmpty {
            vectors.append(SIMD3(1, 0, 0))
        }
        if vectors.count == 1 {
            // Cross with the coordinate axis least aligned with the vector: well conditioned.
            let first = vectors[0]
            let magnitudes = abs(first)
            let axis: SIMD3<Double> =
                magnitudes.x <= magnitudes.y && magnitudes.x <= magnitudes.z
                ? SIMD3(1, 0, 0) : (magnitudes.y <= magnitudes.z ? SIMD3(0, 1, 0) : SIMD3(0, 0, 1))
            let second = cross(first, axis)
            vectors.append(second / norm(second))
        }
        if vectors.count == 2 {
            vectors.append(cross(vectors[0], vectors[1]))
        }
    }
}
