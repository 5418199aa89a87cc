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
        let pointCount = system.pointCount
        // Observations grouped by point (counting sort), so each point is eliminated once.
        var pointStart = [Int](repeating: 0, count: pointCount + 1)
        for k in 0..<system.observationCount where system.pointIndex[k] >= 0 { pointStart[Int(system.pointIndex[k]) + 1] += 1 }
        for i in 0..<pointCount { pointStart[i + 1] += pointStart[i] }
        var byPoint = [Int](repeating: 0, count: pointStart[pointCount])
        var fill = pointStart
        for k in 0..<system.observationCount where system.pointIndex[k] >= 0 {
            let point = Int(system.pointIndex[k])
            byPoint[fill[point]] = k
            fill[point] += 1
        }

        // S starts as Hcc + D_c and rhs as −g_c; each point then subtracts its coupling.
        var s = [Double](repeating: 0, count: cameraColumns * cameraColumns)
        var rhs = (0..<cameraColumns).map { -g[$0] }
        var pointInverses = [Double](repeating: 0, count: pointCount * p * p)
        // Hc_k,p (c × p) and W_k = Hc_k,p Hpp⁻¹ (c × p) of each observation of the current point.
        let maxObservations = (0..<pointCount).map { pointStart[$0 + 1] - pointStart[$0] }.max() ?? 0
        var couplings = [Double](repeating: 0, count: maxObservations * c * p)
        var weighted = [Double](repeating: 0, count: maxObservations * c * p)
        var cameraOf = [Int](repeating: 0, count: maxObservations)
        try system.cameraBlocks.withUnsafeBufferPointer { (cb: UnsafeBufferPointer<Double>) throws(LinearSolverError) in
            try system.pointBlocks.withUnsafeBufferPointer { (pb: UnsafeBufferPointer<Double>) throws(LinearSolverError) in
                try s.withUnsafeMutableBufferPointer { (sm: inout UnsafeMutableBufferPointer<Double>) throws(LinearSolverError) in
                    for k in 0..<system.observationCount where system.cameraIndex[k] >= 0 {
                        let o = Int(system.cameraIndex[k]) * c
                        for i in 0..<c {
                            for j in 0..<c {
                                var sum = 0.0
                                for row in 0..<m { sum += cb[(k * m + row) * c + i] * cb[(k * m + row) * c + j] }
                                sm[(o + j) * cameraColumns + o + i] += sum
                            }
                        }
                    }
                    for i in 0..<cameraColumns { sm[i * cameraColumns + i] += damping[i] }

                    var hpp = [Double](repeating: 0, count: p * p)
                    for point in 0..<pointCount {
                        for i in 0..<(p * p) { hpp[i] = 0 }
                        for index in pointStart[point]..<pointStart[point + 1] {
                            let k = byPoint[index]
                            for i in 0..<p {
                                for j in 0..<p {
                                    var sum = 0.0
                                    for row in 0..<m { sum += pb[(k * m + row) * p + i] * pb[(k * m + row) * p + j] }
                                    hpp[i * p + j] += sum
                                }
                            }
                        }
                        for i in 0..<p { hpp[i * p + i] += damping[cameraColumns + point * p + i] }
                        let inverse = try invertSymmetric3(hpp, column: cameraColumns + point * p)
                        for i in 0..<(p * p) { pointInverses[point * p * p + i] = inverse[i] }
                        let gOffset = cameraColumns + point * p
                        var count = 0
                        for index in pointStart[point]..<pointStart[point + 1] {
                            let k = byPoint[index]
                            guard system.cameraIndex[k] >= 0 else { continue }
                            let base = count * c * p
                            for i in 0..<c {
                                for j in 0..<p {
                                    var sum = 0.0
                                    for row in 0..<m { sum += cb[(k * m + row) * c + i] * pb[(k * m + row) * p + j] }
                                    couplings[base + i * p + j] = sum
                                }
                            }
                            let camera = Int(system.cameraIndex[k])
                            for i in 0..<c {
                                var gw = 0.0
                                for j in 0..<p {
                                    var sum = 0.0
                                    for l in 0..<p { sum += couplings[base + i * p + l] * inverse[l * p + j] }
                                    weighted[base + i * p + j] = sum
                                    gw += sum * g[gOffset + j]
                                }
                                rhs[camera * c + i] += gw
                            }
                            cameraOf[count] = camera * c
                            count += 1
                        }
                        for a in 0..<count {
                            let wa = a * c * p, ca = cameraOf[a]
                            for b in 0..<count {
                                let hb = b * c * p, cbOffset = cameraOf[b]
                                for j in 0..<c {
                                    let column = (cbOffset + j) * cameraColumns + ca
                                    for i in 0..<c {
                                        var sum = 0.0
                                        for l in 0..<p { sum += weighted[wa + i * p + l] * couplings[hb + j * p + l] }
                                        sm[column + i] -= sum
                                    }
                                }
                            }
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
        var pointRhs = (0..<(pointCount * p)).map { -g[cameraColumns + $0] }
        for k in 0..<system.observationCount where system.cameraIndex[k] >= 0 && system.pointIndex[k] >= 0 {
            let camera = Int(system.cameraIndex[k]), point = Int(system.pointIndex[k])
            for row in 0..<m {
                var jc = 0.0
                for i in 0..<c { jc += system.cameraBlocks[(k * m + row) * c + i] * delta[camera * c + i] }
                for j in 0..<p { pointRhs[point * p + j] -= system.pointBlocks[(k * m + row) * p + j] * jc }
            }
        }
        for point in 0..<pointCount {
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
