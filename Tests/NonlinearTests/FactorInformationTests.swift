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

    /// The eigen-decomposition works at any scale: the same 2×2 matrix, eigenvalues 3 and −1,
    /// scaled by 1e160 (its squared norm overflows), by 1 and by 2⁻¹⁰⁶³ ≈ 1e-320 (subnormal
    /// entries, written in hex to be exact) gives the scaled eigenvalues to a few ulps, because
    /// the matrix is scaled by a power of two first.
    @Test(arguments: [1e160, 1, 0x1p-1063])
    func eigenvaluesAtAnyScale(scale: Double) {
        let eigen = SymmetricEigen(symmetric: [1 * scale, 2 * scale, 2 * scale, 1 * scale], dimension: 2)
        let values = eigen.eigenvalues.sorted()
        #expect(abs(values[0] - -1 * scale) <= 4 * Double.ulpOfOne * 3 * scale + Double.leastNonzeroMagnitude * 4)
        #expect(abs(values[1] - 3 * scale) <= 4 * Double.ulpOfOne * 3 * scale + Double.leastNonzeroMagnitude * 4)
    }

    /// A dimension outside 1...64 is a typed error, not a trap in the loops over it.
    @Test func informationDimensionIsValidated() {
        #expect(throws: InformationMatrix.Defect.invalidDimension(-1)) { try InformationMatrix([1], dimension: -1) }
        #expect(throws: InformationMatrix.Defect.invalidDimension(0)) { try InformationMatrix([], dimension: 0) }
        #expect(throws: InformationMatrix.Defect.invalidDimension(-2)) { try InformationMatrix.isotropic(sigma: 1, dimension: -2) }
    }
}
