import Foundation
import MixedSLAM

/// SplitMix64, so random test data is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &self) }

    mutating func vector3(_ scale: Double) -> SIMD3<Double> {
        SIMD3(uniform(-scale...scale), uniform(-scale...scale), uniform(-scale...scale))
    }

    mutating func pose3() -> SE3<Double> {
        var axis = vector3(1)
        if axis.norm < 1e-3 { axis = SIMD3(0, 0, 1) }
        return SE3(rotation: .exp(uniform(0...3.1) / axis.norm * axis), translation: vector3(5))
    }

    /// A random symmetric positive definite information matrix with off-diagonal entries.
    mutating func information(_ n: Int) throws -> InformationMatrix {
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { a[i] = uniform(-1...1) }
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

/// `../shared/datasets` next to the package root, when present.
let datasetDirectory: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dir = root.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    return FileManager.default.fileExists(atPath: dir) ? dir : nil
}()
