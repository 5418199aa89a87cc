import MixedSLAM

/// Absolute trajectory error: the translation error of every pose after aligning the estimate
/// to the reference, with evo's statistics.
///
/// Definition (identical to `evo_ape` with the default `--pose_relation trans_part`): with the
/// alignment T = (s, R, t) estimated from all positions, the error of pose i is
/// eᵢ = ‖(s R p̂ᵢ + t) − pᵢ‖, where p̂ᵢ is the estimated and pᵢ the reference position. (evo
/// computes ‖trans(Pᵢ⁻¹ P̂ᵢ)‖ = ‖Rᵢᵀ (p̂ᵢ − pᵢ)‖, the same number since Rᵢ is orthogonal.) The
/// statistics are those of ``ErrorStatistics`` (evo's rmse, mean, median, std, min, max, sse).
///
/// Cross-checking with evo: write both trajectories as TUM files with the same timestamps and
/// run `evo_ape tum reference.txt estimate.txt` (add `--align` for ``TrajectoryAlignment/se3``,
/// `--align --correct_scale` for ``TrajectoryAlignment/sim3``). With identical timestamps
/// evo's association pairs every pose, and the numbers agree to ~1e-12 relative or better
/// (differences are floating-point summation order and LAPACK's SVD rounding), well inside
/// the 1e-6 relative the project promises; the test suite checks rmse, mean, median and max
/// to 1e-9 relative against evo 1.38.1 on a fixed trajectory for `.none`, `.se3` and `.sim3`.
/// ``TrajectoryAlignment/se2`` has no evo counterpart.
public struct AbsoluteTrajectoryError: Sendable {
    /// The alignment that was applied.
    public let alignment: TrajectoryAlignment
    /// The transform mapping the estimate into the reference frame (identity for `.none`).
    public let transform: SimilarityTransform3
    /// eᵢ for every pose, in input order.
    public let errors: [Double]
    /// Statistics of ``errors``.
    public let statistics: ErrorStatistics

    /// Evaluates estimated against reference positions (pose i with pose i).
    ///
    /// Throws for empty or mismatched trajectories, non-finite coordinates, or a degenerate
    /// Sim(3) alignment.
    public init(
        estimatedPositions: [SIMD3<Double>], referencePositions: [SIMD3<Double>],
        alignment: TrajectoryAlignment
    ) throws {
        let transform = try SimilarityTransform3.aligning(
            estimatedPositions, to: referencePositions, method: alignment)
        let errors = zip(estimatedPositions, referencePositions).map { estimated, reference in
            norm(transform.apply(to: estimated) - reference)
        }
        self.alignment = alignment
        self.transform = transform
        self.errors = errors
        statistics = try ErrorStatistics(errors)
    }
}

extension AbsoluteTrajectoryError {
    /// Evaluates estimated against reference SE(3) poses by their translations (evo's
    /// translation part); orientations do not enter the ATE.
    public init(estimated: [SE3<Double>], reference: [SE3<Double>], alignment: TrajectoryAlignment) throws {
        try self.init(
            estimatedPositions: estimated.map(\.translation), referencePositions: reference.map(\.translation),
            alignment: alignment)
    }

    /// Evaluates estimated against reference SE(2) poses by their positions (z = 0).
    public init(estimated: [SE2<Double>], reference: [SE2<Double>], alignment: TrajectoryAlignment) throws {
        try self.init(
            estimatedPositions: estimated.map(\.position), referencePositions: reference.map(\.position),
            alignment: alignment)
    }
}
