import MixedSLAM
import Testing

@testable import MixedSLAMEval

@Suite("Synthetic BAL options")
struct SyntheticBALOptionTests {
    static func options() -> SyntheticBAL.Options {
        var options = SyntheticBAL.Options()
        options.cameraCount = 4
        options.pointCount = 10
        options.observationsPerPoint = 2
        return options
    }

    @Test("a small problem generates with the requested counts")
    func smallProblem() throws {
        let generated = try SyntheticBAL(options: Self.options())
        #expect(generated.cameras.count == 4 && generated.points.count == 10)
        #expect(generated.observationCount == 20)
        #expect(generated.problem.variableCount == 14)
    }

    @Test("counts beyond the maxima are typed errors, not a hang or an overflow")
    func countMaxima() {
        var options = Self.options()
        options.cameraCount = .max
        #expect(throwsInvalidArgument { try SyntheticBAL(options: options) })
        options.cameraCount = SyntheticBAL.maximumCameraCount + 1
        #expect(throwsInvalidArgument { try SyntheticBAL(options: options) })
        options = Self.options()
        // Int.max points × 2 observations overflows; the product is what is bounded.
        options.pointCount = .max
        #expect(throwsInvalidArgument { try SyntheticBAL(options: options) })
        options.pointCount = SyntheticBAL.maximumObservationCount / 2 + 1
        #expect(throwsInvalidArgument { try SyntheticBAL(options: options) })
    }

    @Test("NaN, infinite or negative sigmas are typed errors, not cameras silently at the identity")
    func sigmas() {
        let settings: [(WritableKeyPath<SyntheticBAL.Options, Double>, Double)] = [
            (\.startRotationSigma, .nan), (\.startRotationSigma, .infinity), (\.startRotationSigma, -0.1),
            (\.startTranslationSigma, .nan), (\.startFocalSigma, .infinity), (\.startPointSigma, -1),
            (\.pixelNoise, .infinity), (\.focalLength, .infinity),
        ]
        for (keyPath, value) in settings {
            var options = Self.options()
            options[keyPath: keyPath] = value
            #expect(throwsInvalidArgument { try SyntheticBAL(options: options) }, "\(keyPath) = \(value)")
        }
        var options = Self.options()
        options.distortion = SIMD2(.nan, 0)
        #expect(throwsInvalidArgument { try SyntheticBAL(options: options) })
    }
}
