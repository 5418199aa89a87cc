import MixedSLAMTestSupport
import SLAMGeometry

extension SeededGenerator {
    mutating func unitVector3() -> SIMD3<Double> {
        let v = vector3()
        return v.squaredNorm < 1e-6 ? SIMD3(1, 0, 0) : v / v.norm
    }

    mutating func rotationVector(angle: Double) -> SIMD3<Double> { angle * unitVector3() }

    mutating func tangent3(angle: Double, translationScale: Double = 2) -> SE3<Double>.Tangent {
        SE3<Double>.Tangent(translation: vector3(translationScale), rotation: rotationVector(angle: angle))
    }
}

/// Rotation angles that exercise every branch: zero, inside the Taylor ranges of fp64 and
/// fp32, across the thresholds, generic, and near π.
let testAngles: [Double] = [0, 1e-12, 1e-8, 1e-4, 0.01, 0.039, 0.041, 0.11, 0.13, 0.44, 0.46, 0.89, 0.91, 1.3, 2.5, 3.0, .pi - 1e-6, .pi - 1e-9]

/// Central difference step and the tolerance its truncation (∝ h²) and roundoff (∝ u/h)
/// errors allow, for a function whose derivatives up to third order are O(scale).
let finiteDifferenceStep = 1e-6
func finiteDifferenceTolerance(scale: Double = 1) -> Double {
    let h = finiteDifferenceStep
    return 100 * scale * (h * h + Double.ulpOfOne / h)
}

/// Central-difference Jacobian of f: ℝⁿ → ℝᵐ at zero (f takes the perturbation).
func numericalJacobian(inputDimension n: Int, _ f: ([Double]) -> [Double]) -> [[Double]] {
    let h = finiteDifferenceStep
    var columns: [[Double]] = []
    for k in 0..<n {
        var plus = [Double](repeating: 0, count: n)
        var minus = plus
        plus[k] = h
        minus[k] = -h
        let fp = f(plus)
        let fm = f(minus)
        columns.append(zip(fp, fm).map { ($0 - $1) / (2 * h) })
    }
    let m = columns.first?.count ?? 0
    return (0..<m).map { i in (0..<n).map { columns[$0][i] } }
}

func rows(_ m: Matrix3<Double>) -> [[Double]] {
    (0..<3).map { i in (0..<3).map { m[i, $0] } }
}

func rows(_ m: Matrix6<Double>) -> [[Double]] {
    (0..<6).map { i in (0..<6).map { m[i, $0] } }
}

func array(_ v: SIMD3<Double>) -> [Double] { [v.x, v.y, v.z] }

func array(_ t: SE3<Double>.Tangent) -> [Double] { (0..<6).map { t[$0] } }

func tangent(_ a: [Double]) -> SE3<Double>.Tangent {
    SE3<Double>.Tangent(translation: SIMD3(a[0], a[1], a[2]), rotation: SIMD3(a[3], a[4], a[5]))
}

func vector3(_ a: [Double]) -> SIMD3<Double> { SIMD3(a[0], a[1], a[2]) }
