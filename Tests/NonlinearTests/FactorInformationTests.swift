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

    /// A full, non-symmetric-looking 6×6 Ω (distinct entries in every block) and a 3×3 one:
    /// the pose and point factors keep Ω and S inline as matrices, and a block or transpose
    /// mixed up in the round trip would show here.
    private func poseInformations() throws -> (three: InformationMatrix, six: InformationMatrix) {
        var six = [Double](repeating: 0, count: 36)
        for i in 0..<6 {
            for j in 0..<6 { six[i * 6 + j] = i == j ? 40 + Double(i) : 1 / Double(2 + i + 2 * j + i * j) }
        }
        for i in 0..<6 { for j in 0..<i { six[i * 6 + j] = six[j * 6 + i] } }
        return (try InformationMatrix([9, 2, 1, 2, 7, 0.5, 1, 0.5, 5], dimension: 3), try InformationMatrix(six, dimension: 6))
    }

    /// The between and prior factors give back the Ω and S they were given, bit for bit, and
    /// factors with another Ω differ.
    @Test func poseAndPointFactorsReturnTheirInformationExactly() throws {
        let (three, six) = try poseInformations()
        #expect(Set(six.squareRoot).count > 20)
        let planar = SE2(x: 1, y: 2, theta: 0.3)
        let spatial = SE3<Double>(rotation: .exp(SIMD3(0.1, -0.2, 0.3)), translation: SIMD3(1, 2, 3))
        let factors: [(InformationMatrix, InformationMatrix)] = [
            (try BetweenFactorSE2(from: 0, to: 1, measurement: planar, information: three).information, three),
            (try PriorFactorSE2(variable: 0, measurement: planar, information: three).information, three),
            (try PriorFactorPoint3(variable: 0, measurement: SIMD3(1, 2, 3), information: three).information, three),
            (try BetweenFactorSE3(from: 0, to: 1, measurement: spatial, information: six).information, six),
            (try PriorFactorSE3(variable: 0, measurement: spatial, information: six).information, six),
        ]
        for (returned, given) in factors {
            #expect(returned.matrix == given.matrix)
            #expect(returned.squareRoot == given.squareRoot)
            #expect(returned.dimension == given.dimension)
            #expect(returned == given)
        }
        #expect(try BetweenFactorSE3(from: 0, to: 1, measurement: spatial, information: six)
            != BetweenFactorSE3(from: 0, to: 1, measurement: spatial, information: .identity(dimension: 6)))
        #expect(try PriorFactorSE2(variable: 0, measurement: planar, information: three)
            != PriorFactorSE2(variable: 0, measurement: planar))
    }

    /// The eigen-decomposition works at any scale: the same 2×2 matrix, eigenvalues 3 and −1,
    /// scaled by 1e160 (its squared norm overflows), by 1 and by 2⁻¹⁰⁶³ ≈ 1e-320 (subnormal
    /// entries, written in hex to be exact) gives the scaled eigenvalues to a few ulps, because
    /// the matrix is scaled by a power of two first.
    @Test(arguments: [1e160, 1, 0x1p-1063])
    func eigenvaluesAtAnyScale(scale: Double) throws {
        let eigen = try SymmetricEigen(symmetric: [1 * scale, 2 * scale, 2 * scale, 1 * scale], dimension: 2)
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
