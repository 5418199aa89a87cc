import MixedSLAM
import MixedSLAMEval

/// The tests' reproducible generator: the scenarios' own SplitMix64, so a failing random case
/// reproduces from its seed alone.
public typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// A uniform draw from `range` (default [−1, 1]).
    public mutating func uniform(_ range: ClosedRange<Double> = -1...1) -> Double {
        Double.random(in: range, using: &self)
    }

    /// A vector with coordinates uniform in [−scale, scale], drawn x, y, z.
    public mutating func vector3(_ scale: Double = 1) -> SIMD3<Double> {
        SIMD3(uniform(-scale...scale), uniform(-scale...scale), uniform(-scale...scale))
    }

    /// A rotation by `angle` about a random axis.
    public mutating func rotation(angle: Double) -> SO3<Double> {
        var axis = vector3()
        if axis.norm < 1e-3 { axis = SIMD3(0, 0, 1) }
        return .exp(angle / axis.norm * axis)
    }

    /// A pose rotated by `angle` (default uniform in [0, 3.1]) about a random axis, translated
    /// by a vector with coordinates in [−translation, translation].
    public mutating func pose3(angle: Double? = nil, translation: Double = 3) -> SE3<Double> {
        SE3(rotation: rotation(angle: angle ?? uniform(0...3.1)), translation: vector3(translation))
    }

    /// A planar pose in [−5, 5]² with heading `angle` (default uniform in [−3.1, 3.1]).
    public mutating func pose2(angle: Double? = nil) -> SE2<Double> {
        SE2(x: uniform(-5...5), y: uniform(-5...5), theta: angle ?? uniform(-3.1...3.1))
    }

    /// A random symmetric positive definite n×n information matrix with off-diagonal entries:
    /// AᵀA + 0.1 n I for A uniform in [−1, 1], so its condition number stays ≲ 100.
    public mutating func information(_ n: Int) throws -> InformationMatrix {
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { a[i] = uniform() }
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0
                for k in 0..<n { s += a[k * n + i] * a[k * n + j] }
                m[i * n + j] = s + (i == j ? 0.1 * Double(n) : 0)
            }
        }
        return try InformationMatrix(m, dimension: n)
    }
}
