import SLAMSparse

/// Solves the damped bundle-adjustment normal equations (JᵀJ + diag(d)) δ = −Jᵀ r by
/// eliminating the points (Schur complement) and factoring the dense reduced camera system
/// with LAPACK: the classic BA solver, in fp64.
///
/// Points are independent given the cameras, so their 3×3 blocks are inverted one by one;
/// the reduced system S = Hcc − Hcp Hpp⁻¹ Hpc is only (cameras × cameraSize)² and dense.
public struct DenseSchur: Sendable {
    /// Seconds spent forming S and eliminating points in the last solve.
    public private(set) var eliminationSeconds = 0.0
    /// Seconds spent factoring and solving S in the last solve.
    public private(set) var factorSeconds = 0.0

    /// Creates a solver.
    public init() {}

    /// Returns δ (cameras then points) solving (JᵀJ + diag(damping)) δ = −Jᵀ r.
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` when a point block or the
    ///   reduced camera system is not positive definite (raise the damping).
    public mutating func solve(_ system: BundleAdjustmentSystem, damping: [Double]) throws(LinearSolverError) -> [Double] {
        let start = ContinuousClock.now
        let c = system.cameraSize, m = system.residualSize, p = BundleAdjustmentSystem.pointSize
        let cameraColumns = system.cameraCount * c
        guard damping.count == system.columnCount else {
            throw .dimensionMismatch(expected: system.columnCount, actual: damping.count)
        }
        let g = system.gradient()
        var observationsOfPoint = [[Int]](repeating: [], count: system.pointCount)
        for k in 0..<system.observationCount where system.pointIndex[k] >= 0 {
            observationsOfPoint[Int(system.pointIndex[k])].append(k)
        }

        // S starts as Hcc + D_c and rhs as −g_c; each point then subtracts its coupling.
        var s = [Double](repeating: 0, count: cameraColumns * cameraColumns)
        var rhs = (0..<cameraColumns).map { -g[$0] }
        for k in 0..<system.observationCount where system.cameraIndex[k] >= 0 {
            let camera = Int(system.cameraIndex[k])
            for i in 0..<c {
                for j in 0..<c {
                    var sum = 0.0
                    for row in 0..<m {
                        sum += system.cameraBlocks[(k * m + row) * c + i] * system.cameraBlocks[(k * m + row) * c + j]
                    }
                    s[(camera * c + j) * cameraColumns + camera * c + i] += sum
                }
            }
        }
        for i in 0..<cameraColumns { s[i * cameraColumns + i] += damping[i] }

        var pointInverses = [Double](repeating: 0, count: system.pointCount * p * p)
        for point in 0..<system.pointCount {
            var hpp = [Double](repeating: 0, count: p * p)
            for k in observationsOfPoint[point] {
                accumulateTransposeProduct(system.pointBlocks, k, p, system.pointBlocks, k, p, m, into: &hpp)
            }
            for i in 0..<p { hpp[i * p + i] += damping[cameraColumns + point * p + i] }
            let inverse = try invertSymmetric3(hpp, column: cameraColumns + point * p)
            for i in 0..<(p * p) { pointInverses[point * p * p + i] = inverse[i] }
            let gp = (0..<p).map { g[cameraColumns + point * p + $0] }
            // W_k = Hc_k,p Hpp⁻¹ (c × 3) for each observation of the point.
            let observations = observationsOfPoint[point].filter { system.cameraIndex[$0] >= 0 }
            var couplings: [[Double]] = []
            for k in observations {
                var hcp = [Double](repeating: 0, count: c * p)
                accumulateTransposeProduct(system.cameraBlocks, k, c, system.pointBlocks, k, p, m, into: &hcp)
                var w = [Double](repeating: 0, count: c * p)
                for i in 0..<c {
                    for j in 0..<p {
                        var sum = 0.0
                        for l in 0..<p { sum += hcp[i * p + l] * inverse[l * p + j] }
                        w[i * p + j] = sum
                    }
                }
                let camera = Int(system.cameraIndex[k])
                for i in 0..<c {
                    var sum = 0.0
                    for l in 0..<p { sum += w[i * p + l] * gp[l] }
                    rhs[camera * c + i] += sum
                }
                couplings.append(hcp)
                couplings.append(w)
            }
            for (a, ka) in observations.enumerated() {
                let wa = couplings[2 * a + 1]
                let ca = Int(system.cameraIndex[ka])
                for (b, kb) in observations.enumerated() {
                    let hb = couplings[2 * b]
                    let cb = Int(system.cameraIndex[kb])
                    for i in 0..<c {
                        for j in 0..<c {
                            var sum = 0.0
                            for l in 0..<p { sum += wa[i * p + l] * hb[j * p + l] }
                            s[(cb * c + j) * cameraColumns + ca * c + i] -= sum
                        }
                    }
                }
            }
        }
        let eliminated = ContinuousClock.now
        var delta = [Double](repeating: 0, count: system.columnCount)
        if cameraColumns > 0 {
            let factor = try DenseCholesky(columnMajor: s, dimension: cameraColumns)
            try factor.solve(&rhs)
            for i in 0..<cameraColumns { delta[i] = rhs[i] }
        }
        let solved = ContinuousClock.now
        // Back-substitution: δp = Hpp⁻¹ (−g_p − Hpc δc).
        var pointRhs = (0..<(system.pointCount * p)).map { -g[cameraColumns + $0] }
        for k in 0..<system.observationCount where system.cameraIndex[k] >= 0 && system.pointIndex[k] >= 0 {
            let camera = Int(system.cameraIndex[k]), point = Int(system.pointIndex[k])
            var hcp = [Double](repeating: 0, count: c * p)
            accumulateTransposeProduct(system.cameraBlocks, k, c, system.pointBlocks, k, p, m, into: &hcp)
            for j in 0..<p {
                var sum = 0.0
                for i in 0..<c { sum += hcp[i * p + j] * delta[camera * c + i] }
                pointRhs[point * p + j] -= sum
            }
        }
        for point in 0..<system.pointCount {
            for i in 0..<p {
                var sum = 0.0
                for j in 0..<p { sum += pointInverses[point * p * p + i * p + j] * pointRhs[point * p + j] }
                delta[cameraColumns + point * p + i] = sum
            }
        }
        let end = ContinuousClock.now
        eliminationSeconds = (eliminated - start).seconds + (end - solved).seconds
        factorSeconds = (solved - eliminated).seconds
        return delta
    }

    /// out (a × b) += Aₖᵀ Bₖ for the m-row blocks of observation k.
    private func accumulateTransposeProduct(
        _ a: [Double], _ k: Int, _ aColumns: Int, _ b: [Double], _ kb: Int, _ bColumns: Int, _ m: Int,
        into out: inout [Double]
    ) {
        for i in 0..<aColumns {
            for j in 0..<bColumns {
                var sum = 0.0
                for row in 0..<m { sum += a[(k * m + row) * aColumns + i] * b[(kb * m + row) * bColumns + j] }
                out[i * bColumns + j] += sum
            }
        }
    }

    /// Inverse of a symmetric positive definite 3×3 matrix by its adjugate.
    private func invertSymmetric3(_ h: [Double], column: Int) throws(LinearSolverError) -> [Double] {
        let a = h[0], b = h[1], c = h[2], d = h[4], e = h[5], f = h[8]
        let c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d
        let det = a * c00 + b * c01 + c * c02
        guard a > 0, a * d - b * b > 0, det > 0, det.isFinite else { throw .notPositiveDefinite(column: column) }
        let c11 = a * f - c * c, c12 = b * c - a * e, c22 = a * d - b * b
        let s = 1 / det
        return [c00 * s, c01 * s, c02 * s, c01 * s, c11 * s, c12 * s, c02 * s, c12 * s, c22 * s]
    }
}
