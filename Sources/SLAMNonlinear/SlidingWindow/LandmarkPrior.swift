import SLAMGeometry

/// A Gaussian prior on one landmark: what marginalizing cameras that are held fixed leaves
/// on the points they observed.
///
/// A fixed camera is a constant, so eliminating it couples nothing: each of its
/// observations contributes ½‖r + J (p − p₀)‖² to its landmark alone, r the whitened residual
/// and J its 2×3 Jacobian at the landmark's estimate p₀ (the Schur complement of a fixed
/// camera is block diagonal over its landmarks — no fill-in, unlike a free camera's). The sum
/// is kept in information form, Λ = Σ JᵀJ and η = Σ (JᵀJ p₀ − Jᵀr), so the prior is
/// ½ pᵀΛp − ηᵀp + const = ½‖S (p − z)‖² + const with SᵀS = Λ and Λ z = η; priors of
/// several cameras (or of one camera at different times) add exactly, each keeping its own
/// linearization point. The rays of one camera leave the depth unobserved (Λ has rank 2):
/// ``factor(variable:)`` then uses the minimum-norm z, and S has a zero row.
public struct LandmarkPrior: Sendable, Equatable {
    /// Λ, row-major 3×3.
    public private(set) var information = [Double](repeating: 0, count: 9)
    /// η = Λ z.
    public private(set) var informationVector = SIMD3<Double>.zero
    /// Observations summed into the prior.
    public private(set) var observationCount = 0

    /// An empty prior (no information).
    public init() {}

    /// Adds one observation's linearization: whitened residual `residual` and the two rows of
    /// its Jacobian with respect to the point, both at `point`.
    public mutating func add(
        residual: SIMD2<Double>, jacobianRows: (SIMD3<Double>, SIMD3<Double>), at point: SIMD3<Double>
    ) {
        for (k, row) in [jacobianRows.0, jacobianRows.1].enumerated() {
            // JᵀJ p₀ − Jᵀr, one residual row at a time: rowᵀ (row · p₀ − r_k).
            informationVector += row * ((row * point).sum() - residual[k])
            for i in 0..<3 {
                for j in 0..<3 { information[i * 3 + j] += row[i] * row[j] }
            }
        }
        observationCount += 1
    }

    /// Adds another prior on the same landmark.
    public mutating func add(_ other: LandmarkPrior) {
        for k in 0..<9 { information[k] += other.information[k] }
        informationVector += other.informationVector
        observationCount += other.observationCount
    }

    /// The prior as a factor on the point variable `variable`, or nil when it holds no
    /// information or a non-finite entry. Eigenvalues of Λ below 10⁻¹² of its largest are
    /// treated as zero (the unobserved depth of a single camera's rays), in Λ and in z alike.
    public func factor(variable: Int) throws(FactorError) -> PriorFactorPoint3? {
        guard let (kept, mean) = truncated(),
            let omega = try? InformationMatrix(kept, dimension: 3)  // symmetric, PSD by construction
        else { return nil }
        return try PriorFactorPoint3(variable: variable, measurement: mean, information: omega)
    }

    /// ‖S (p − z)‖² at `point`, the whitened squared residual of ``factor(variable:)``
    /// (0 without information).
    public func squaredResidual(at point: SIMD3<Double>) -> Double {
        guard let (kept, mean) = truncated() else { return 0 }
        let d = point - mean
        var sum = 0.0
        for i in 0..<3 {
            for j in 0..<3 { sum += d[i] * kept[i * 3 + j] * d[j] }
        }
        return sum
    }

    /// Λ without its eigenvalues below 10⁻¹² of the largest, and z = Λ⁺η.
    private func truncated() -> ([Double], SIMD3<Double>)? {
        guard informationVector.norm.isFinite, let eigen = try? SymmetricEigen(symmetric: information, dimension: 3)
        else { return nil }
        let largest = eigen.eigenvalues.max() ?? 0
        guard largest > 0 else { return nil }
        let cutoff = 1e-12 * largest
        var mean = SIMD3<Double>.zero
        for k in 0..<3 where eigen.eigenvalues[k] > cutoff {
            let v = SIMD3(eigen.eigenvectors[k], eigen.eigenvectors[3 + k], eigen.eigenvectors[6 + k])
            mean += v * ((v * informationVector).sum() / eigen.eigenvalues[k])
        }
        var kept = eigen.reconstructed { $0 > cutoff ? $0 : 0 }
        for i in 0..<3 {
            for j in (i + 1)..<3 {
                let m = 0.5 * (kept[i * 3 + j] + kept[j * 3 + i])
                kept[i * 3 + j] = m
                kept[j * 3 + i] = m
            }
        }
        return (kept, mean)
    }

    /// The priors a fixed camera `pose` (world-from-camera) leaves on the landmarks it
    /// observed: each observation's ``ReprojectionFactor`` linearized in fp64 at the
    /// landmark's estimate, weighted by `kernel` as in the solve (IRLS). Keyed by landmark id.
    ///
    /// Observations whose whitened squared residual exceeds `gate` are left out: a prior is
    /// never relinearized, so one taken from a badly fitted observation (an outlier, or a
    /// window whose solve went astray) would hold its error for as long as the landmark is
    /// seen.
    public static func marginalizing(
        camera pose: SE3<Double>, observations: [(landmark: Int, pixel: SIMD2<Double>, point: SIMD3<Double>)],
        calibration: PinholeCalibration, information: InformationMatrix, kernel: RobustKernel = .none,
        gate: Double = .infinity
    ) throws -> [Int: LandmarkPrior] {
        var problem = Problem()
        problem.gauge = .explicitOnly
        try problem.addSE3(id: 0, pose)
        try problem.setFixed(0)
        for (k, observation) in observations.enumerated() {
            try problem.addPoint3(id: k + 1, observation.point)
            try problem.add(ReprojectionFactor(
                pose: 0, point: k + 1, measurement: observation.pixel, calibration: calibration,
                information: information, kernel: kernel))
        }
        guard !observations.isEmpty else { return [:] }
        var linearization = Linearization(structure: problem.structure)
        problem.linearize(precision: .fp64, into: &linearization)
        let structure = linearization.structure
        var priors: [Int: LandmarkPrior] = [:]
        for (k, observation) in observations.enumerated() {
            // The camera is fixed: the point's block is the factor's only one.
            let residual = Array(linearization.residual(ofFactor: k))
            guard residual[0] * residual[0] + residual[1] * residual[1] <= gate else { continue }
            let j = Array(linearization.jacobianBlock(structure.factorBlockOffsets[k]))
            priors[observation.landmark, default: LandmarkPrior()].add(
                residual: SIMD2(residual[0], residual[1]), jacobianRows: (SIMD3(j[0], j[1], j[2]), SIMD3(j[3], j[4], j[5])),
                at: observation.point)
        }
        return priors
    }
}
