import Foundation
import MixedSLAM
import Testing

@testable import MixedSLAMEval

@Suite("Absolute trajectory error")
struct AbsoluteTrajectoryErrorTests {
    /// A non-planar test trajectory (a helix-like curve with wiggles), closed form so the
    /// evo cross-check script can generate the same doubles.
    static func referencePositions(count: Int = 30) -> [SIMD3<Double>] {
        (0..<count).map { index in
            let i = Double(index)
            return SIMD3(2 * cos(0.4 * i) + 0.1 * i, 1.5 * sin(0.4 * i), 0.05 * i + 0.2 * sin(1.3 * i))
        }
    }

    /// Deterministic perturbations of roughly 1 cm.
    static func perturbation(_ index: Int) -> SIMD3<Double> {
        let i = Double(index)
        return 0.01 * SIMD3(sin(2.1 * i), cos(1.7 * i), sin(0.9 * i + 1))
    }

    static let rotation = EvalTests.rotation(axis: SIMD3(1, 2, 3), angle: 0.7)
    static let translation = SIMD3<Double>(1.5, -2.0, 0.25)

    @Test("a rigid transform is undone by SE(3) alignment to roundoff")
    func rigidTransformRemoved() throws {
        let reference = Self.referencePositions()
        let estimated = reference.map { Self.rotation * $0 + Self.translation }
        let ate = try AbsoluteTrajectoryError(
            estimatedPositions: estimated, referencePositions: reference, alignment: .se3)
        // Coordinates are O(5): roundoff of the covariance, SVD and transform is a small
        // multiple of ε · 5 per coordinate.
        let tolerance = 256 * Double.ulpOfOne * 5
        #expect(ate.statistics.maximum <= tolerance)
        #expect(ate.transform.scale == 1)
        let inverse = Self.rotation.transposed
        #expect(maximumAbsoluteDifference(ate.transform.rotation, inverse) <= tolerance)
    }

    @Test("Sim(3) alignment recovers a known scale")
    func similarityRecoversScale() throws {
        let reference = Self.referencePositions()
        let scale = 0.37
        let estimated = reference.map { scale * (Self.rotation * $0) + Self.translation }
        let ate = try AbsoluteTrajectoryError(
            estimatedPositions: estimated, referencePositions: reference, alignment: .sim3)
        let tolerance = 256 * Double.ulpOfOne * 5 / scale
        #expect(abs(ate.transform.scale - 1 / scale) <= tolerance)
        #expect(ate.statistics.maximum <= tolerance)
        // SE(3) alignment cannot remove a scale error: the residual stays macroscopic.
        let rigid = try AbsoluteTrajectoryError(
            estimatedPositions: estimated, referencePositions: reference, alignment: .se3)
        #expect(rigid.statistics.rmse > 0.1)
    }

    @Test("SE(2) alignment removes a yaw and planar shift but not a tilt")
    func planarAlignment() throws {
        let reference = Self.referencePositions()
        let yaw = rotationAboutZ(-1.2)
        let shift = SIMD3<Double>(3, -4, 0)
        let planar = reference.map { yaw * $0 + shift }
        let ate = try AbsoluteTrajectoryError(
            estimatedPositions: planar, referencePositions: reference, alignment: .se2)
        #expect(ate.statistics.maximum <= 256 * Double.ulpOfOne * 8)
        let tilted = reference.map { Self.rotation * $0 }
        let tiltedATE = try AbsoluteTrajectoryError(
            estimatedPositions: tilted, referencePositions: reference, alignment: .se2)
        #expect(tiltedATE.statistics.rmse > 0.1)
    }

    @Test("a known perturbation without alignment gives its exact RMSE")
    func knownPerturbation() throws {
        let reference = Self.referencePositions(count: 40)
        // Alternating ±3 cm in x and 4 cm in z: every error is exactly 5 cm.
        let estimated = reference.enumerated().map { index, p in
            p + SIMD3(index % 2 == 0 ? 0.03 : -0.03, 0, 0.04)
        }
        let ate = try AbsoluteTrajectoryError(
            estimatedPositions: estimated, referencePositions: reference, alignment: .none)
        let tolerance = 16 * Double.ulpOfOne * 5
        #expect(abs(ate.statistics.rmse - 0.05) <= tolerance)
        #expect(abs(ate.statistics.mean - 0.05) <= tolerance)
        #expect(ate.statistics.standardDeviation <= tolerance)
        #expect(ate.transform == .identity)
    }

    /// Values printed by evo 1.x (`metrics.APE(PoseRelation.translation_part)` after
    /// `PoseTrajectory3D.align`, equal to `evo_ape tum ref.txt est.txt [-a] [-as]`) for the
    /// trajectory of ``referencePositions(count:)`` and the estimate
    /// 0.8 R p + (1.5, −2, 0.25) + perturbation, written as TUM files with timestamps 0.1 i.
    @Test(
        "ATE equals evo_ape's numbers", arguments: [
            (TrajectoryAlignment.none, [2.2171805552643913, 2.107626754041818, 2.094130641432831, 3.342520556097637]),
            (.se3, [0.3784209027040082, 0.36247129452545984, 0.35901113407500485, 0.6183938145094153]),
            (.sim3, [0.01537323494415545, 0.01496363691943884, 0.01545156145990333, 0.02064019197726554]),
        ])
    func matchesEvo(alignment: TrajectoryAlignment, evo: [Double]) throws {
        let reference = Self.referencePositions()
        let estimated = reference.enumerated().map { index, p in
            0.8 * (Self.rotation * p) + Self.translation + Self.perturbation(index)
        }
        let statistics = try AbsoluteTrajectoryError(
            estimatedPositions: estimated, referencePositions: reference, alignment: alignment
        ).statistics
        let ours = [statistics.rmse, statistics.mean, statistics.median, statistics.maximum]
        for (value, expected) in zip(ours, evo) {
            #expect(abs(value - expected) <= 1e-9 * expected)
        }
    }

    @Test("bad trajectories are typed errors")
    func badInput() {
        #expect(throws: EvaluationError.lengthMismatch(estimated: 1, reference: 2)) {
            try AbsoluteTrajectoryError(
                estimatedPositions: [.zero], referencePositions: [.zero, .zero], alignment: .se3)
        }
        #expect(throws: EvaluationError.self) {
            try AbsoluteTrajectoryError(
                estimatedPositions: [SIMD3(.nan, 0, 0)], referencePositions: [.zero], alignment: .none)
        }
        #expect(throws: EvaluationError.self) {
            try AbsoluteTrajectoryError(
                estimatedPositions: [.zero, .zero], referencePositions: [.zero, SIMD3(1, 0, 0)],
                alignment: .sim3)
        }
    }
}
