import Foundation
import MixedSLAM

/// How an estimated trajectory is brought into the reference frame before its absolute error
/// is measured.
public enum TrajectoryAlignment: String, Sendable, CaseIterable {
    /// No alignment: the trajectories already share a frame (e.g. the first pose was fixed to
    /// its ground-truth value as the gauge). The most honest choice for PGO with a fixed origin.
    case none
    /// Rotation about z and translation in x-y (3 dof), for planar robots: the least-squares
    /// yaw has the closed form atan2(Σ (xᵢ × yᵢ)_z, Σ xᵢ · yᵢ) over centred x-y points, which is
    /// Umeyama's solution restricted to rotations about z. z coordinates are left unchanged.
    case se2
    /// Rotation and translation (6 dof), Umeyama's method without scale: `evo_ape --align`.
    case se3
    /// Rotation, translation and one scale factor (7 dof), Umeyama's method with scale, for
    /// monocular estimates whose scale is unobservable: `evo_ape --align --correct_scale`.
    case sim3
}

/// A similarity transform p ↦ s R p + t mapping estimated positions into the reference frame.
public struct SimilarityTransform3: Sendable, Equatable {
    /// The rotation R (orthogonal, determinant +1).
    public let rotation: Matrix3<Double>
    /// The translation t.
    public let translation: SIMD3<Double>
    /// The scale s (1 unless the alignment is ``TrajectoryAlignment/sim3``).
    public let scale: Double

    /// Creates s R p + t from its parts; `rotation` is trusted to be a rotation.
    public init(rotation: Matrix3<Double>, translation: SIMD3<Double>, scale: Double = 1) {
        self.rotation = rotation
        self.translation = translation
        self.scale = scale
    }

    /// The identity transform.
    public static let identity = SimilarityTransform3(rotation: .identity, translation: .zero)

    /// Maps one point: s R p + t.
    public func apply(to point: SIMD3<Double>) -> SIMD3<Double> {
        scale * (rotation * point) + translation
    }

    /// The least-squares transform of the given kind taking `source` onto `target`
    /// (minimizing Σ ‖target_i − (s R source_i + t)‖²), with the conventions of evo's
    /// `geometry.umeyama_alignment` (Umeyama 1991): covariances normalized by n, the sign of
    /// the last singular direction flipped when det(U) det(V) < 0 so that R is a proper
    /// rotation, s = tr(D S) / σ²ₓ.
    ///
    /// Throws for empty or mismatched inputs, non-finite coordinates, and for a Sim(3)
    /// alignment of a source whose points all coincide (scale undefined).
    public static func aligning(
        _ source: [SIMD3<Double>], to target: [SIMD3<Double>], method: TrajectoryAlignment
    ) throws -> SimilarityTransform3 {
        guard !source.isEmpty else { throw EvaluationError.emptyInput(what: "trajectory") }
        guard source.count == target.count else {
            throw EvaluationError.lengthMismatch(estimated: source.count, reference: target.count)
        }
        try requireFinite(source, what: "estimated positions")
        try requireFinite(target, what: "reference positions")
        switch method {
        case .none:
            return .identity
        case .se2:
            return planarAlignment(source, to: target)
        case .se3, .sim3:
            return try umeyamaAlignment(source, to: target, withScale: method == .sim3)
        }
    }

    private static func centroid(_ points: [SIMD3<Double>]) -> SIMD3<Double> {
        points.reduce(SIMD3<Double>.zero, +) / Double(points.count)
    }

    private static func umeyamaAlignment(
        _ source: [SIMD3<Double>], to target: [SIMD3<Double>], withScale: Bool
    ) throws -> SimilarityTransform3 {
        let n = Double(source.count)
        let meanSource = centroid(source)
        let meanTarget = centroid(target)
        var covariance = Matrix3<Double>.zero
        var sourceVariance = 0.0
        for (x, y) in zip(source, target) {
            let dx = x - meanSource
            covariance = covariance + Matrix3.outer(y - meanTarget, dx)
            sourceVariance += dot(dx, dx)
        }
        covariance = (1 / n) * covariance
        sourceVariance /= n
        let svd = try SingularValueDecomposition3x3(covariance)
        let flip: Double = determinant(svd.u) * determinant(svd.v) < 0 ? -1 : 1
        let signs = SIMD3<Double>(1, 1, flip)
        let rotation = svd.u * Matrix3(diagonal: signs) * svd.v.transposed
        var scale = 1.0
        if withScale {
            guard sourceVariance > 0 else {
                throw EvaluationError.degenerateAlignment(
                    "Sim(3) scale is undefined: all \(source.count) estimated positions coincide")
            }
            scale = (svd.singularValues * signs).sum() / sourceVariance
        }
        let translation = meanTarget - scale * (rotation * meanSource)
        return SimilarityTransform3(rotation: rotation, translation: translation, scale: scale)
    }

    private static func planarAlignment(
        _ source: [SIMD3<Double>], to target: [SIMD3<Double>]
    ) -> SimilarityTransform3 {
        let meanSource = centroid(source)
        let meanTarget = centroid(target)
        var sumDot = 0.0
        var sumCross = 0.0
        for (x, y) in zip(source, target) {
            let dx = x - meanSource
            let dy = y - meanTarget
            sumDot += dx.x * dy.x + dx.y * dy.y
            sumCross += dx.x * dy.y - dx.y * dy.x
        }
        let yaw = atan2(sumCross, sumDot)
        let rotation = rotationAboutZ(yaw)
        let rotatedMean = rotation * meanSource
        let translation = SIMD3(meanTarget.x - rotatedMean.x, meanTarget.y - rotatedMean.y, 0)
        return SimilarityTransform3(rotation: rotation, translation: translation)
    }
}
