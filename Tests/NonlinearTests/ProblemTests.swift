import Testing
import Foundation
import MixedSLAM
import MixedSLAMTestSupport

@Suite("Problem")
struct ProblemTests {
    /// Four SE2 poses in a loop with a duplicate edge and a prior.
    private func loop() throws -> Problem {
        var p = Problem()
        for i in 0..<4 { try p.addSE2(id: 10 + i, SE2(x: Double(i), y: 0.1 * Double(i), theta: 0.2 * Double(i))) }
        for i in 0..<3 { try p.add(BetweenFactorSE2(from: 10 + i, to: 11 + i, measurement: SE2(x: 1, y: 0, theta: 0.25))) }
        try p.add(BetweenFactorSE2(from: 13, to: 10, measurement: SE2(x: -3, y: 0, theta: -0.6)))
        try p.add(BetweenFactorSE2(from: 11, to: 12, measurement: SE2(x: 1, y: 0, theta: 0.2)))
        try p.add(PriorFactorSE2(variable: 12, measurement: .identity))
        return p
    }

    @Test("Structure: first pose fixed, offsets, blocks only for free variables, deduplicated Hessian pattern")
    func structure() throws {
        var p = try loop()
        let s = p.structure
        #expect(p.isFixed(10))
        #expect(s.freeVariableIDs == [11, 12, 13])
        #expect(s.tangentOffsets == [0, 3, 6, 9])
        #expect(s.tangentDimension == 9)
        #expect(s.factorCount == 6)
        #expect(s.residualOffsets == [0, 3, 6, 9, 12, 15, 18])
        #expect(s.residualDimension == 18)
        #expect(Array(s.freeVariables(ofFactor: 0)) == [0])
        #expect(Array(s.freeVariables(ofFactor: 1)) == [0, 1])
        #expect(Array(s.freeVariables(ofFactor: 3)) == [2])
        #expect(Array(s.freeVariables(ofFactor: 5)) == [1])
        #expect(s.blockCount == 9)
        #expect(s.jacobianValueCount == 9 * 9)
        // Upper pattern: (0,0) (0,1) | (1,1) (1,2) | (2,2); the duplicate 11–12 edge adds nothing.
        #expect(s.hessianRowOffsets == [0, 2, 4, 5])
        #expect(s.hessianColumns == [0, 1, 1, 2, 2])
        #expect(s.freeIndex(ofVariable: 13) == 2)
        #expect(s.freeIndex(ofVariable: 10) == nil)
    }

    @Test("Gauge override and explicit fixing change the free set; the structure is rebuilt")
    func gauge() throws {
        var p = try loop()
        let first = p.structure.buildID
        #expect(p.structure.buildID == first, "cached while nothing changes")
        p.gauge = .explicitOnly
        #expect(p.structure.freeVariableCount == 4)
        try p.setFixed(12)
        #expect(p.structure.freeVariableIDs == [10, 11, 13])
        #expect(p.structure.buildID != first)
        try p.addSE2(id: 99, .identity)
        #expect(p.structure.freeVariableIDs == [10, 11, 13, 99])
    }

    @Test("Cost is ½ Σ eᵀΩe with e = Log(Z⁻¹ Xi⁻¹ Xj), computed independently")
    func costMatchesDefinition() throws {
        var rng = SeededGenerator(seed: 41)
        var p = Problem()
        let x0 = rng.pose3()
        let x1 = rng.pose3()
        let z = rng.pose3()
        let info = try rng.information(6)
        try p.addSE3(id: 0, x0)
        try p.addSE3(id: 1, x1)
        try p.add(BetweenFactorSE3(from: 0, to: 1, measurement: z, information: info))
        let e = (z.inverse * x0.inverse * x1).log()
        var expected = 0.0
        for i in 0..<6 { for j in 0..<6 { expected += e[i] * info.matrix[i * 6 + j] * e[j] } }
        expected *= 0.5
        #expect(abs(p.cost(precision: .fp64) - expected) <= 1e-12 * expected)
        var lin = Linearization(structure: p.structure)
        p.linearize(precision: .fp64, into: &lin)
        #expect(abs(lin.cost - expected) <= 1e-12 * expected)
        let fromResiduals = 0.5 * lin.residuals.reduce(0) { $0 + $1 * $1 }
        #expect(abs(fromResiduals - expected) <= 1e-12 * expected)
        #expect(abs(p.cost(precision: .fp32) - expected) <= 1e3 * Precision.fp32.unitRoundoff * expected)
    }

    @Test("SE3 error conventions: log map uses the full angle, g2o the quaternion vector part")
    func errorConventions() throws {
        let theta = 0.5
        let translation = SIMD3<Double>(0.3, -0.2, 0.1)
        for (convention, rotationError) in [(SE3ErrorConvention.logMap, theta), (.g2o, sin(theta / 2))] {
            var p = Problem()
            try p.addSE3(id: 0, .identity)
            try p.addSE3(id: 1, SE3(rotation: .exp(SIMD3(0, 0, theta)), translation: translation))
            try p.add(BetweenFactorSE3(from: 0, to: 1, measurement: .identity, error: convention))
            // Log map translation is V(φ)⁻¹ t; the g2o translation error is t itself.
            let t = convention == .logMap
                ? SO3<Double>.leftJacobianInverse(SIMD3(0, 0, theta)) * translation : translation
            let expected = 0.5 * (t.squaredNorm + rotationError * rotationError)
            #expect(abs(p.cost(precision: .fp64) - expected) <= 1e-15, "\(convention)")
        }
    }

    @Test("Robust kernels: cost ½ρ(s), residual and Jacobian scaled by √ρ′(s)")
    func robustKernels() throws {
        // One point prior with error (3, 4, 0): s = 25.
        let kernels: [(RobustKernel, Double, Double)] = [
            (.none, 25, 1),
            (.huber(threshold: 2), 2 * 2 * 5 - 4, (2.0 / 5).squareRoot()),
            (.huber(threshold: 10), 25, 1),
            (.cauchy(scale: 2), 4 * Double.log(1 + 25.0 / 4), (1 / (1 + 25.0 / 4)).squareRoot()),
            (.gemanMcClure(scale: 2), 25 * 4 / 29, 4.0 / 29),
        ]
        for (kernel, rho, weight) in kernels {
            var p = Problem()
            try p.addPoint3(id: 0, SIMD3(3, 4, 0))
            try p.add(PriorFactorPoint3(variable: 0, measurement: .zero, kernel: kernel))
            #expect(abs(p.cost(precision: .fp64) - 0.5 * rho) <= 1e-14 * rho, "\(kernel)")
            var lin = Linearization(structure: p.structure)
            p.linearize(precision: .fp64, into: &lin)
            #expect(abs(lin.residuals[0] - 3 * weight) <= 1e-14, "\(kernel)")
            #expect(abs(lin.jacobians[0] - weight) <= 1e-14, "\(kernel)")
            #expect(abs(lin.cost - 0.5 * rho) <= 1e-14 * rho, "\(kernel)")
        }
        #expect(throws: FactorError.invalidKernel(.huber(threshold: -1))) {
            try PriorFactorPoint3(variable: 0, measurement: .zero, kernel: .huber(threshold: -1))
        }
    }

    @Test("Retraction is X · Exp(δ) with δ = [translation; rotation]; values snapshot restores; a bad step is refused")
    func retraction() throws {
        var rng = SeededGenerator(seed: 42)
        var p = Problem()
        p.gauge = .explicitOnly
        let x = rng.pose3()
        try p.addSE3(id: 7, x)
        try p.addPoint3(id: 8, SIMD3(1, 2, 3))
        let saved = p.values
        let delta = [0.1, -0.2, 0.3, 0.05, 0.02, -0.04, 1, 1, 1]
        try p.retract(delta: delta)
        let expected = x * SE3.exp(.init(translation: SIMD3(0.1, -0.2, 0.3), rotation: SIMD3(0.05, 0.02, -0.04)))
        let got = try #require(p.se3(7))
        let error = (got.inverse * expected).log()
        #expect(error.translation.norm <= 1e-15 && error.rotation.norm <= 1e-15, "\(error)")
        #expect(p.point3(8) == SIMD3(2, 3, 4))
        try p.restore(saved)
        #expect(p.se3(7) == x)
        // A step that cannot be applied is refused before any value changes.
        #expect(throws: ProblemError.stepLength(expected: 9, actual: 8)) { try p.retract(delta: Array(delta.dropLast())) }
        var poisoned = delta
        poisoned[4] = .nan
        #expect(throws: ProblemError.nonFiniteStep(index: 4)) { try p.retract(delta: poisoned) }
        poisoned[4] = -.infinity
        #expect(throws: ProblemError.nonFiniteStep(index: 4)) { _ = try p.retracted(by: poisoned) }
        #expect(p.se3(7) == x)
        #expect(p.point3(8) == SIMD3(1, 2, 3))
    }

    @Test("Linearization buffer is reused while the structure is unchanged and rebuilt after growth")
    func bufferReuse() throws {
        var p = try loop()
        var lin = Linearization(structure: p.structure)
        p.linearize(precision: .fp64, into: &lin)
        let id = lin.structure.buildID
        p.linearize(precision: .fp32, into: &lin)
        #expect(lin.structure.buildID == id)
        try p.addSE2(id: 20, .identity)
        try p.add(BetweenFactorSE2(from: 13, to: 20, measurement: .identity))
        p.linearize(precision: .fp64, into: &lin)
        #expect(lin.structure.buildID != id)
        #expect(lin.residuals.count == 21)
    }

    @Test("Invalid additions throw typed errors")
    func errors() throws {
        var p = Problem()
        try p.addSE2(id: 0, .identity)
        try p.addPoint3(id: 1, .zero)
        #expect(throws: ProblemError.duplicateVariable(id: 0)) { try p.addSE2(id: 0, .identity) }
        #expect(throws: ProblemError.unknownVariable(id: 5)) {
            try p.add(BetweenFactorSE2(from: 0, to: 5, measurement: .identity))
        }
        #expect(throws: ProblemError.wrongVariableKind(id: 1, expected: .se2, actual: .point3)) {
            try p.add(BetweenFactorSE2(from: 0, to: 1, measurement: .identity))
        }
        #expect(throws: ProblemError.selfLoop(id: 0)) { try p.add(BetweenFactorSE2(from: 0, to: 0, measurement: .identity)) }
        #expect(throws: ProblemError.nonFiniteValue(id: 3)) { try p.addPoint3(id: 3, SIMD3(.nan, 0, 0)) }
        #expect(throws: FactorError.informationDimension(expected: 3, actual: 6)) {
            try BetweenFactorSE2(from: 0, to: 1, measurement: .identity, information: .identity(dimension: 6))
        }
        #expect(p.variableCount == 2)
        #expect(p.factorCount == 0)
    }
}

@Suite("Information matrices")
struct InformationMatrixTests {
    @Test("Cholesky square root satisfies SᵀS = Ω, including off-diagonal entries")
    func squareRoot() throws {
        var rng = SeededGenerator(seed: 51)
        for n in [2, 3, 6] {
            let info = try rng.information(n)
            let s = info.squareRoot
            for i in 0..<n {
                for j in 0..<n {
                    var v = 0.0
                    for k in 0..<n { v += s[k * n + i] * s[k * n + j] }
                    #expect(abs(v - info.matrix[i * n + j]) <= 1e-13 * Double(n) * 10)
                }
            }
        }
    }

    @Test("Indefinite and asymmetric matrices are rejected; projection clamps negative eigenvalues")
    func defects() throws {
        let indefinite = [2.0, 0, 0, 0, -1, 0, 0, 0, 3]
        #expect(throws: InformationMatrix.Defect.self) { try InformationMatrix(indefinite, dimension: 3) }
        #expect(throws: InformationMatrix.Defect.asymmetric(maxDifference: 1)) {
            try InformationMatrix([1, 1, 0, 1], dimension: 2)
        }
        #expect(throws: InformationMatrix.Defect.nonFinite) { try InformationMatrix([1, .nan, .nan, 1], dimension: 2) }
        let projected = try InformationMatrix.projected(indefinite, dimension: 3)
        let expected = [2.0, 0, 0, 0, 0, 0, 0, 0, 3]
        #expect(zip(projected, expected).allSatisfy { abs($0 - $1) <= 1e-14 })
        let info = try InformationMatrix(projected, dimension: 3)
        // Singular PSD: the eigen square root still gives SᵀS = Ω.
        let s = info.squareRoot
        for i in 0..<3 {
            for j in 0..<3 {
                var v = 0.0
                for k in 0..<3 { v += s[k * 3 + i] * s[k * 3 + j] }
                #expect(abs(v - expected[i * 3 + j]) <= 1e-14)
            }
        }
    }

    @Test("Jacobi eigen-solver reconstructs a random symmetric 6×6 matrix")
    func eigen() throws {
        var rng = SeededGenerator(seed: 52)
        var a = [Double](repeating: 0, count: 36)
        for i in 0..<6 { for j in i..<6 { a[i * 6 + j] = rng.uniform(-2...2); a[j * 6 + i] = a[i * 6 + j] } }
        let e = try SymmetricEigen(symmetric: a, dimension: 6)
        let back = e.reconstructed { $0 }
        #expect(zip(a, back).allSatisfy { abs($0 - $1) <= 1e-13 })
    }
}
