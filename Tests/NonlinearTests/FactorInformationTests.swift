import Testing
import MixedSLAM

@Suite struct FactorInformationTests {
    /// Ω of several kinds: the identity, a full positive definite one, and a singular one whose
    /// square root comes from the eigen-decomposition.
    private func informations() throws -> [InformationMatrix] {
        [
            .identity(dimension: 2),
            try InformationMatrix([4, 1, 1, 2], dimension: 2),
            try InformationMatrix([1, 1, 1, 1], dimension: 2),
        ]
    }

    /// The pixel factors keep Ω and S inline rather than as an ``InformationMatrix``; what
    /// they give back must be what they were given, bit for bit, and factors with another Ω
    /// must differ.
    @Test func pixelFactorsReturnTheirInformationExactly() throws {
        let calibration = PinholeCalibration(fx: 500, fy: 480, cx: 320, cy: 240)
        let all = try informations()
        for (k, omega) in all.enumerated() {
            let pinhole = try ReprojectionFactor(
                pose: 0, point: 1, measurement: SIMD2(310, 250), calibration: calibration, information: omega)
            let bal = try BALReprojectionFactor(camera: 0, point: 1, measurement: SIMD2(-3, 4), information: omega)
            for information in [pinhole.information, bal.information] {
                #expect(information.matrix == omega.matrix)
                #expect(information.squareRoot == omega.squareRoot)
                #expect(information.dimension == 2)
            }
            let other = all[(k + 1) % all.count]
            #expect(pinhole != (try ReprojectionFactor(
                pose: 0, point: 1, measurement: SIMD2(310, 250), calibration: calibration, information: other)))
            #expect(bal != (try BALReprojectionFactor(camera: 0, point: 1, measurement: SIMD2(-3, 4), information: other)))
        }
    }
}
