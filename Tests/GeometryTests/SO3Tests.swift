import Testing
import SLAMGeometry
import MixedSLAMTestSupport

@Suite("SO3")
struct SO3Tests {
    @Test("Exp and Log are inverse at every angle from 0 to π")
    func expLogRoundTrip() {
        var rng = SeededGenerator(seed: 1)
        for angle in testAngles {
            for _ in 0..<5 {
                let phi = rng.rotationVector(angle: angle)
                let back = SO3.exp(phi).log()
                #expect((back - phi).norm <= 8 * Double.ulpOfOne * max(1, angle), "angle \(angle)")
            }
        }
    }

    @Test("Log at exactly π returns angle π about the right axis")
    func logAtPi() {
        for axis in [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1), SIMD3(1, 1, 1) / 3.0.squareRoot()] {
            let r = SO3<Double>(uncheckedW: 0, vector: axis)
            let phi = r.log()
            #expect(abs(phi.norm - .pi) <= 4 * Double.ulpOfOne)
            #expect((phi / phi.norm - axis).norm <= 4 * Double.ulpOfOne)
        }
    }

    @Test("Quaternion and rotation matrix conversions agree, including 180° rotations")
    func matrixRoundTrip() throws {
        var rng = SeededGenerator(seed: 2)
        var rotations = (0..<20).map { _ in SO3<Double>.exp(rng.rotationVector(angle: Double.random(in: 0...3.14, using: &rng))) }
        rotations += [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)].map { SO3(uncheckedW: 0, vector: $0) }
        for r in rotations {
            let back = try #require(SO3(rotationMatrix: r.matrix))
            let m = back.matrix
            let p = rng.vector3()
            #expect((r.act(p) - m * p).norm <= 16 * Double.ulpOfOne)
            #expect((back.inverse * r).angle <= 32 * Double.ulpOfOne)
        }
    }

    @Test("Matrices that are no rotation (zero, scaled, reflected, non-finite) give nil; rounding noise is accepted")
    func rotationMatrixValidation() throws {
        let r = SO3<Double>.exp(SIMD3(0.4, -1.1, 2.0))
        var noisy = r.matrix
        noisy[1, 2] += 1e-9
        let back = try #require(SO3(rotationMatrix: noisy))
        #expect((back.inverse * r).angle <= 1e-8)
        #expect(SO3<Double>(rotationMatrix: Matrix3(rows: .zero, .zero, .zero)) == nil)
        #expect(SO3<Double>(rotationMatrix: 2 * r.matrix) == nil)
        #expect(SO3<Double>(rotationMatrix: Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, -1))) == nil)
        var poisoned = r.matrix
        poisoned[0, 0] = .nan
        #expect(SO3<Double>(rotationMatrix: poisoned) == nil)
        #expect(SO3<Float>(rotationMatrix: SO3<Float>.exp(SIMD3(0.4, -1.1, 2.0)).matrix) != nil)
    }

    @Test("Quaternions off unit length are normalized; zero length is rejected")
    func normalization() throws {
        let r = try #require(SO3<Double>(normalizingW: 2, x: 0, y: 0, z: 2))
        #expect(abs(r.w * r.w + r.vector.squaredNorm - 1) <= 2 * Double.ulpOfOne)
        #expect(abs(r.angle - .pi / 2) <= 4 * Double.ulpOfOne)
        #expect(SO3<Double>(normalizingW: 0, x: 0, y: 0, z: 0) == nil)
        #expect(SO3<Double>(normalizingW: .nan, x: 0, y: 0, z: 1) == nil)
    }

    @Test("act, compose and inverse agree with matrix algebra")
    func groupOperations() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<20 {
            let a = SO3.exp(rng.rotationVector(angle: 2))
            let b = SO3.exp(rng.rotationVector(angle: 2))
            let p = rng.vector3()
            #expect(((a * b).act(p) - a.matrix * (b.matrix * p)).norm <= 16 * Double.ulpOfOne)
            #expect((a.inverse.act(a.act(p)) - p).norm <= 16 * Double.ulpOfOne)
            let phi = rng.rotationVector(angle: 1)
            // Adjoint: R Exp(φ) Rᵀ = Exp(R φ).
            let lhs = a * SO3.exp(phi) * a.inverse
            #expect((lhs.inverse * SO3.exp(a.adjoint * phi)).angle <= 32 * Double.ulpOfOne)
        }
    }

    @Test("Right and left Jacobians match central differences of Exp at every angle")
    func jacobiansOfExp() {
        var rng = SeededGenerator(seed: 4)
        for angle in testAngles {
            let phi = rng.rotationVector(angle: angle)
            let base = SO3.exp(phi)
            let right = numericalJacobian(inputDimension: 3) { d in
                array((base.inverse * SO3.exp(phi + vector3(d))).log())
            }
            let left = numericalJacobian(inputDimension: 3) { d in
                array((SO3.exp(phi + vector3(d)) * base.inverse).log())
            }
            let tol = finiteDifferenceTolerance()
            #expect(maxAbsDifference(right, rows(SO3.rightJacobian(phi))) <= tol, "angle \(angle)")
            #expect(maxAbsDifference(left, rows(SO3.leftJacobian(phi))) <= tol, "angle \(angle)")
        }
    }

    @Test("Inverse Jacobians match central differences of Log at every angle below π")
    func jacobiansOfLog() {
        var rng = SeededGenerator(seed: 5)
        for angle in testAngles where angle < 3.1 {
            let phi = rng.rotationVector(angle: angle)
            let base = SO3.exp(phi)
            let right = numericalJacobian(inputDimension: 3) { d in array((base * SO3.exp(vector3(d))).log()) }
            let left = numericalJacobian(inputDimension: 3) { d in array((SO3.exp(vector3(d)) * base).log()) }
            let tol = finiteDifferenceTolerance(scale: 10)
            #expect(maxAbsDifference(right, rows(SO3.rightJacobianInverse(phi))) <= tol, "angle \(angle)")
            #expect(maxAbsDifference(left, rows(SO3.leftJacobianInverse(phi))) <= tol, "angle \(angle)")
            let product = SO3.rightJacobianInverse(phi) * SO3.rightJacobian(phi)
            #expect(maxAbsDifference(rows(product), rows(Matrix3<Double>.identity)) <= 64 * Double.ulpOfOne)
        }
    }

    @Test("Float and Float16 evaluation track Double within their unit roundoff")
    func lowerPrecision() {
        var rng = SeededGenerator(seed: 6)
        for angle in testAngles {
            let phi = rng.rotationVector(angle: angle)
            let p = rng.vector3()
            let reference = SO3.exp(phi)
            let single = SO3<Float>.exp(SIMD3<Float>(phi))
            let half = SO3<Float16>.exp(SIMD3<Float16>(phi))
            let pf = SIMD3<Double>(single.act(SIMD3<Float>(p)))
            let ph = SIMD3<Double>(half.act(SIMD3<Float16>(p)))
            #expect((pf - reference.act(p)).norm <= 16 * Double(Float.ulpOfOne) * max(1, p.norm))
            #expect((ph - reference.act(p)).norm <= 16 * Double(Float16.ulpOfOne) * max(1, p.norm))
            let jf = SO3<Float>.rightJacobianInverse(SIMD3<Float>(phi))
            let jd = SO3<Double>.rightJacobianInverse(phi)
            #expect(maxAbsDifference(rows(Matrix3<Double>(jf)), rows(jd)) <= 32 * Double(Float.ulpOfOne) * 4)
        }
    }
}
