import Testing
import SLAMGeometry
import MixedSLAMTestSupport

@Suite("SE2")
struct SE2Tests {
    private func point(_ a: [Double]) -> SIMD3<Double> { SIMD3(a[0], a[1], a[2]) }

    @Test("(cos, sin) off unit length is normalized at any finite scale; zero and NaN are rejected")
    func rotationNormalization() throws {
        let r = try #require(SO2<Double>(normalizingCosine: 3, sine: 4))
        #expect(abs(r.cosine - 0.6) <= Double.ulpOfOne && abs(r.sine - 0.8) <= Double.ulpOfOne)
        // The squared length overflows (1e200) or underflows (1e-200): rescaled first.
        let huge = try #require(SO2<Double>(normalizingCosine: 1e200, sine: 0))
        #expect(huge.cosine == 1 && huge.sine == 0)
        let tiny = try #require(SO2<Double>(normalizingCosine: 1e-200, sine: -1e-200))
        #expect(abs(tiny.cosine - 0.5.squareRoot()) <= Double.ulpOfOne && abs(tiny.sine + 0.5.squareRoot()) <= Double.ulpOfOne)
        #expect(SO2<Double>(normalizingCosine: 0, sine: 0) == nil)
        #expect(SO2<Double>(normalizingCosine: .nan, sine: 1) == nil)
        #expect(SO2<Double>(normalizingCosine: .infinity, sine: 1) == nil)
    }

    @Test("Exp and Log are inverse for angles in (−π, π)")
    func expLogRoundTrip() {
        var rng = SeededGenerator(seed: 21)
        for angle in testAngles {
            for sign in [-1.0, 1.0] {
                let xi = SIMD3(Double.random(in: -3...3, using: &rng), Double.random(in: -3...3, using: &rng), sign * angle)
                let back = SE2.exp(xi).log()
                #expect((back - xi).norm <= 64 * Double.ulpOfOne * 3, "angle \(sign * angle)")
            }
        }
    }

    @Test("compose, inverse, act and adjoint agree")
    func groupOperations() {
        var rng = SeededGenerator(seed: 22)
        for _ in 0..<20 {
            let a = SE2(x: Double.random(in: -5...5, using: &rng), y: Double.random(in: -5...5, using: &rng), theta: Double.random(in: -3...3, using: &rng))
            let b = SE2(x: Double.random(in: -5...5, using: &rng), y: Double.random(in: -5...5, using: &rng), theta: Double.random(in: -3...3, using: &rng))
            let p = SIMD2(Double.random(in: -5...5, using: &rng), Double.random(in: -5...5, using: &rng))
            let d1 = (a * b).act(p) - a.act(b.act(p))
            #expect(abs(d1.x) + abs(d1.y) <= 64 * Double.ulpOfOne)
            let d2 = a.inverse.act(a.act(p)) - p
            #expect(abs(d2.x) + abs(d2.y) <= 64 * Double.ulpOfOne)
            let xi = SIMD3(0.3, -0.2, 0.7)
            let lhs = a * SE2.exp(xi) * a.inverse
            let rhs = SE2.exp(a.adjoint * xi)
            #expect((lhs.inverse * rhs).log().norm <= 1e-13)
        }
    }

    @Test("Jacobians of Exp and Log match central differences at every angle")
    func jacobians() {
        var rng = SeededGenerator(seed: 23)
        for angle in testAngles {
            let xi = SIMD3(Double.random(in: -2...2, using: &rng), Double.random(in: -2...2, using: &rng), angle)
            let base = SE2.exp(xi)
            let tol = finiteDifferenceTolerance(scale: 10)
            let right = numericalJacobian(inputDimension: 3) { d in array((base.inverse * SE2.exp(xi + point(d))).log()) }
            let left = numericalJacobian(inputDimension: 3) { d in array((SE2.exp(xi + point(d)) * base.inverse).log()) }
            #expect(maxAbsDifference(right, rows(SE2.rightJacobian(xi))) <= tol, "angle \(angle)")
            #expect(maxAbsDifference(left, rows(SE2.leftJacobian(xi))) <= tol, "angle \(angle)")
            guard angle < 3.1 else { continue }
            let rightInv = numericalJacobian(inputDimension: 3) { d in array((base * SE2.exp(point(d))).log()) }
            let leftInv = numericalJacobian(inputDimension: 3) { d in array((SE2.exp(point(d)) * base).log()) }
            #expect(maxAbsDifference(rightInv, rows(SE2.rightJacobianInverse(xi))) <= tol, "angle \(angle)")
            #expect(maxAbsDifference(leftInv, rows(SE2.leftJacobianInverse(xi))) <= tol, "angle \(angle)")
        }
    }

    @Test("Log wraps the angle into (−π, π]")
    func angleWrap() {
        let x = SE2<Double>(x: 1, y: 2, theta: 3 * .pi / 2)
        #expect(abs(x.theta + .pi / 2) <= 4 * Double.ulpOfOne)
        let back = SE2.exp(x.log())
        #expect(abs((back.inverse * x).log().norm) <= 16 * Double.ulpOfOne)
    }

    @Test("Float16 evaluation stays within fp16 roundoff of Double")
    func halfPrecision() {
        let x = SE2<Double>(x: 1.5, y: -0.5, theta: 0.8)
        let h = SE2<Float16>(x).log()
        let reference = x.log()
        let converted = SIMD3<Double>(h)
        #expect((converted - reference).norm <= 16 * Double(Float16.ulpOfOne) * 2)
    }
}
