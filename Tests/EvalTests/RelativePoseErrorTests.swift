import Foundation
import MixedSLAM
import Testing

@testable import MixedSLAMEval

@Suite("Relative pose error")
struct RelativePoseErrorTests {
    /// A closed-form 3-D trajectory that turns about all axes.
    static func reference(count: Int = 40) -> [SE3<Double>] {
        (0..<count).map { index in
            let i = Double(index)
            let rotation = SO3.exp(SIMD3(0.1 * sin(0.3 * i), 0.2 * cos(0.2 * i), 0.05 * i))
            return SE3(rotation: rotation, translation: SIMD3(2 * cos(0.4 * i) + 0.1 * i, 1.5 * sin(0.4 * i), 0.05 * i))
        }
    }

    /// The reference with a deterministic body-frame perturbation of ~1 cm and ~5 mrad per pose.
    static func estimate(count: Int = 40) -> [SE3<Double>] {
        reference(count: count).enumerated().map { index, pose in
            let i = Double(index)
            let noise = SE3<Double>.Tangent(
                translation: 0.01 * SIMD3(sin(2.1 * i), cos(1.7 * i), sin(0.9 * i + 1)),
                rotation: 0.005 * SIMD3(cos(1.1 * i), sin(0.7 * i), cos(0.3 * i + 2)))
            return pose * SE3.exp(noise)
        }
    }

    @Test("identical trajectories, even rigidly moved, have zero RPE")
    func rigidInvariance() throws {
        let reference = Self.reference()
        let offset = SE3(rotation: SO3.exp(SIMD3(0.3, -1.0, 2.0)), translation: SIMD3(4, -5, 6))
        let moved = reference.map { offset * $0 }
        let rpe = try RelativePoseError(estimated: moved, reference: reference, delta: 3, allPairs: true)
        // Poses are O(10) m; composing four of them rounds at a small multiple of ε · 10.
        #expect(rpe.translationStatistics.maximum <= 256 * Double.ulpOfOne * 10)
        // The angle of a rotation with roundoff δ in its quaternion is about 2δ.
        #expect(rpe.rotationStatistics.maximum <= 256 * Double.ulpOfOne)
        #expect(rpe.pairStarts == Array(0..<37))
    }

    @Test("pairs follow evo: every Δ-th start by default, every start with allPairs")
    func pairing() throws {
        let reference = Self.reference(count: 10)
        let rpe = try RelativePoseError(estimated: reference, reference: reference, delta: 3)
        #expect(rpe.pairStarts == [0, 3, 6])
        #expect(throws: EvaluationError.self) {
            try RelativePoseError(estimated: reference, reference: reference, delta: 10)
        }
        #expect(throws: EvaluationError.self) {
            try RelativePoseError(estimated: reference, reference: reference, delta: 0)
        }
    }

    @Test("a known planar drift gives its exact relative error")
    func knownPlanarError() throws {
        // Reference drives 1 m per step along x; the estimate 1.01 m: every step is 1 cm off.
        let reference = (0..<20).map { SE2<Double>(x: Double($0), y: 0, theta: 0) }
        let estimate = (0..<20).map { SE2<Double>(x: 1.01 * Double($0), y: 0, theta: 0.002 * Double($0)) }
        let rpe = try RelativePoseError(estimated: estimate, reference: reference)
        #expect(rpe.rotationErrors.allSatisfy { abs($0 - 0.002) <= 64 * Double.ulpOfOne })
        // The estimate's step i → i + 1 in body frame i is R(−0.002 i) (1.01, 0); the reference's
        // is (1, 0) with no turn, so E's translation is the former minus (1, 0).
        for (index, error) in rpe.translationErrors.enumerated() {
            let heading = -0.002 * Double(index)
            let step = SIMD2(1.01 * cos(heading) - 1, 1.01 * sin(heading))
            let expected = (step * step).sum().squareRoot()
            #expect(abs(error - expected) <= 64 * Double.ulpOfOne * 20)
        }
    }

    /// evo 1.38.1 `metrics.RPE(PoseRelation.translation_part / rotation_angle_rad, delta,
    /// Unit.frames, all_pairs)` on ``reference(count:)`` and ``estimate(count:)`` written as TUM
    /// files (full precision, timestamps 0.1 i): rmse, mean, median, max.
    @Test(
        "RPE equals evo_rpe's numbers",
        arguments: [
            (1, false, [0.017774054681883755, 0.01729249302067976, 0.01732341221202275, 0.02500222537453327],
             [0.004541239061696225, 0.004351504368918855, 0.004625295815644999, 0.006304219164411373]),
            (3, false, [0.019263411508572085, 0.018556534028914922, 0.019149836457367776, 0.026687430459715507],
             [0.009124115642164116, 0.008792279463026416, 0.0093481250759113, 0.01328848178920497]),
            (3, true, [0.019501468455878822, 0.0182420112084609, 0.0183946005812247, 0.03693171652337661],
             [0.009717354137243778, 0.009376039715404712, 0.009543592074320392, 0.013392473015620333]),
        ])
    func matchesEvo(delta: Int, allPairs: Bool, translation: [Double], rotation: [Double]) throws {
        let rpe = try RelativePoseError(
            estimated: Self.estimate(), reference: Self.reference(), delta: delta, allPairs: allPairs)
        let t = rpe.translationStatistics
        let r = rpe.rotationStatistics
        for (value, expected) in zip([t.rmse, t.mean, t.median, t.maximum], translation) {
            #expect(abs(value - expected) <= 1e-9 * expected)
        }
        // evo's arccos-based angle has an absolute error of about ε/θ: ~1e-13 rad here.
        for (value, expected) in zip([r.rmse, r.mean, r.median, r.maximum], rotation) {
            #expect(abs(value - expected) <= 1e-9 * expected)
        }
    }
}
