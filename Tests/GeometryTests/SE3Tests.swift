import Testing
import SLAMGeometry
import MixedSLAMTestSupport

@Suite("SE3")
struct SE3Tests {
    @Test("Exp and Log are inverse at every rotation angle")
    func expLogRoundTrip() {
        var rng = SeededGenerator(seed: 11)
        for angle in testAngles {
            let xi = rng.tangent3(angle: angle)
            let back = SE3.exp(xi).log()
            // Near π, V(φ)⁻¹ amplifies translation error by at most ≈ π²/4.
            #expect(maxAbsDifference([array(back)], [array(xi)]) <= 64 * Double.ulpOfOne * 3, "angle \(angle)")
        }
    }

    @Test("compose, inverse and act agree")
    func groupOperations() {
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<20 {
            let a = rng.pose3(translation: 5)
            let b = rng.pose3(translation: 5)
            let p = rng.vector3(3)
            #expect(((a * b).act(p) - a.act(b.act(p))).norm <= 64 * Double.ulpOfOne)
            #expect(((a.inverse * a).act(p) - p).norm <= 64 * Double.ulpOfOne)
        }
    }

    @Test("Adjoint: X Exp(ξ) X⁻¹ = Exp(Ad ξ)")
    func adjoint() {
        var rng = SeededGenerator(seed: 13)
        for _ in 0..<20 {
            let x = rng.pose3(translation: 5)
            let xi = rng.tangent3(angle: 1)
            let lhs = x * SE3.exp(xi) * x.inverse
            let rhs = SE3.exp(x.adjoint * xi)
            #expect(maxAbsDifference([array((lhs.inverse * rhs).log())], [[0, 0, 0, 0, 0, 0]]) <= 1e-13)
        }
    }

    @Test("Right and left Jacobians match central differences of Exp at every angle")
    func jacobiansOfExp() {
        var rng = SeededGenerator(seed: 14)
        for angle in testAngles {
            let xi = rng.tangent3(angle: angle)
            let base = SE3.exp(xi)
            let right = numericalJacobian(inputDimension: 6) { d in array((base.inverse * SE3.exp(xi + tangent(d))).log()) }
            let left = numericalJacobian(inputDimension: 6) { d in array((SE3.exp(xi + tangent(d)) * base.inverse).log()) }
            let tol = finiteDifferenceTolerance(scale: 10)
            #expect(maxAbsDifference(right, rows(SE3.rightJacobian(xi))) <= tol, "angle \(angle)")
            #expect(maxAbsDifference(left, rows(SE3.leftJacobian(xi))) <= tol, "angle \(angle)")
        }
    }

    @Test("Inverse Jacobians match central differences of Log below π")
    func jacobiansOfLog() {
        var rng = SeededGenerator(seed: 15)
        for angle in testAngles where angle < 3.1 {
            let xi = rng.tangent3(angle: angle)
            let base = SE3.exp(xi)
            let right = numericalJacobian(inputDimension: 6) { d in array((base * SE3.exp(tangent(d))).log()) }
            let left = numericalJacobian(inputDimension: 6) { d in array((SE3.exp(tangent(d)) * base).log()) }
            let tol = finiteDifferenceTolerance(scale: 100)
            #expect(maxAbsDifference(right, rows(SE3.rightJacobianInverse(xi))) <= tol, "angle \(angle)")
            #expect(maxAbsDifference(left, rows(SE3.leftJacobianInverse(xi))) <= tol, "angle \(angle)")
        }
    }

    @Test("Coupling block Q is continuous across the Taylor thresholds of each precision")
    func taylorContinuity() {
        let rho = SIMD3<Double>(0.3, -0.7, 1.1)
        let axis = SIMD3<Double>(1, 2, -2) / 3
        for threshold in [Double.taylorThresholdSecondOrder, Double.taylorThresholdFourthOrder] {
            let below = SE3.leftJacobianCoupling(.init(translation: rho, rotation: axis * (threshold * (1 - 1e-12))))
            let above = SE3.leftJacobianCoupling(.init(translation: rho, rotation: axis * (threshold * (1 + 1e-12))))
            #expect(maxAbsDifference(rows(below), rows(above)) <= 1e-12)
        }
        for threshold in [Float.taylorThresholdSecondOrder, Float.taylorThresholdFourthOrder] {
            let t = Double(threshold)
            let below = SE3<Float>.leftJacobianCoupling(.init(translation: SIMD3(rho), rotation: SIMD3(axis * (t * 0.999))))
            let above = SE3<Float>.leftJacobianCoupling(.init(translation: SIMD3(rho), rotation: SIMD3(axis * (t * 1.001))))
            let exactBelow = SE3<Double>.leftJacobianCoupling(.init(translation: rho, rotation: SIMD3<Double>(SIMD3<Float>(axis * (t * 0.999)))))
            let exactAbove = SE3<Double>.leftJacobianCoupling(.init(translation: rho, rotation: SIMD3<Double>(SIMD3<Float>(axis * (t * 1.001)))))
            let tol = 64 * Double(Float.ulpOfOne) * 2
            #expect(maxAbsDifference(rows(Matrix3<Double>(below)), rows(exactBelow)) <= tol)
            #expect(maxAbsDifference(rows(Matrix3<Double>(above)), rows(exactAbove)) <= tol)
        }
    }

    @Test("Float evaluation of Log tracks Double within fp32 roundoff")
    func floatLog() {
        var rng = SeededGenerator(seed: 16)
        for angle in testAngles where angle < 3.1 {
            let x = SE3.exp(rng.tangent3(angle: angle))
            let reference = array(x.log())
            let single = SE3<Float>(x).log()
            let converted = (0..<6).map { Double(single[$0]) }
            #expect(maxAbsDifference([converted], [reference]) <= 64 * Double(Float.ulpOfOne) * 4, "angle \(angle)")
        }
    }
}
