import MixedSLAM

/// Relative pose error: how wrong the estimated motion over a fixed number of frames is, with
/// the definitions of `evo_rpe`.
///
/// For a pair (i, j), with reference poses Qᵢ, Qⱼ and estimated poses Pᵢ, Pⱼ, the error pose is
/// Eᵢⱼ = (Qᵢ⁻¹ Qⱼ)⁻¹ (Pᵢ⁻¹ Pⱼ); its translation error is ‖trans(Eᵢⱼ)‖ (evo's `trans_part`,
/// the default) and its rotation error the rotation angle of Eᵢⱼ in radians (evo's
/// `angle_rad`). Pairs are as in evo with `--delta_unit f`: (0, Δ), (Δ, 2Δ), (2Δ, 3Δ), … by
/// default, or (i, i + Δ) for every i with `allPairs` (`--all_pairs`). RPE needs no alignment:
/// it is invariant to a rigid transform of either trajectory.
///
/// The statistics agree with evo 1.38.1 to ~1e-15 relative on the test trajectory (verified in
/// the test suite). For tiny angles θ evo's arccos((tr R − 1)/2) has an absolute error of about
/// ε/θ (1e-8 rad at θ = 1e-8), whereas this uses the quaternion's 2 atan2(‖v‖, |w|), accurate
/// throughout; only there can the angles differ visibly.
public struct RelativePoseError: Sendable {
    /// The frame offset Δ between the two poses of a pair.
    public let delta: Int
    /// Whether every pose starts a pair, rather than every Δ-th.
    public let allPairs: Bool
    /// The first index i of every pair (i, i + Δ), in order.
    public let pairStarts: [Int]
    /// ‖trans(Eᵢⱼ)‖ for every pair, metres.
    public let translationErrors: [Double]
    /// The rotation angle of Eᵢⱼ for every pair, radians.
    public let rotationErrors: [Double]
    /// Statistics of ``translationErrors``.
    public let translationStatistics: ErrorStatistics
    /// Statistics of ``rotationErrors``.
    public let rotationStatistics: ErrorStatistics

    /// Evaluates estimated against reference SE(3) poses (pose i with pose i).
    ///
    /// Throws for mismatched lengths, non-finite poses, Δ < 1, or fewer than Δ + 1 poses.
    public init(
        estimated: [SE3<Double>], reference: [SE3<Double>], delta: Int = 1, allPairs: Bool = false
    ) throws {
        guard estimated.count == reference.count else {
            throw EvaluationError.lengthMismatch(estimated: estimated.count, reference: reference.count)
        }
        guard delta >= 1 else { throw EvaluationError.invalidArgument("RPE delta must be ≥ 1, got \(delta)") }
        guard estimated.count > delta else {
            throw EvaluationError.emptyInput(what: "RPE pairs (\(estimated.count) poses, delta \(delta))")
        }
        for (what, poses) in [("estimated poses", estimated), ("reference poses", reference)] {
            let components = poses.map { pose in
                [pose.translation.x, pose.translation.y, pose.translation.z, pose.rotation.w,
                 pose.rotation.vector.x, pose.rotation.vector.y, pose.rotation.vector.z]
            }
            if let index = components.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) {
                throw EvaluationError.nonFiniteValue(what: what, index: index)
            }
        }
        let starts = Array(stride(from: 0, to: estimated.count - delta, by: allPairs ? 1 : delta))
        var translationErrors: [Double] = []
        var rotationErrors: [Double] = []
        for i in starts {
            let j = i + delta
            let referenceMotion = reference[i].inverse * reference[j]
            let estimatedMotion = estimated[i].inverse * estimated[j]
            let error = referenceMotion.inverse * estimatedMotion
            translationErrors.append(norm(error.translation))
            rotationErrors.append(error.rotation.angle)
        }
        self.delta = delta
        self.allPairs = allPairs
        pairStarts = starts
        self.translationErrors = translationErrors
        self.rotationErrors = rotationErrors
        translationStatistics = try ErrorStatistics(translationErrors)
        rotationStatistics = try ErrorStatistics(rotationErrors)
    }

    /// Evaluates SE(2) poses, lifted to SE(3) as rotations about z in the plane z = 0 (so the
    /// numbers are those evo reports for the same trajectory written as TUM).
    public init(
        estimated: [SE2<Double>], reference: [SE2<Double>], delta: Int = 1, allPairs: Bool = false
    ) throws {
        func lift(_ pose: SE2<Double>) -> SE3<Double> {
            SE3(
                rotation: SO3.exp(SIMD3(0, 0, pose.theta)),
                translation: SIMD3(pose.translation.x, pose.translation.y, 0))
        }
        try self.init(
            estimated: estimated.map(lift), reference: reference.map(lift), delta: delta, allPairs: allPairs)
    }
}
