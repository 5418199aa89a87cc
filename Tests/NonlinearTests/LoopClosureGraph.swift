import Foundation

/// The loop-closure graphs of examples/c/loop_closure.c and examples/cpp/loop_closure.cpp,
/// generated with the same arithmetic in the same order, so the examples' results can be
/// compared with Swift's to the last bit: two laps of a 4 m square, one pose per metre, a 90°
/// turn at each corner (SE(3) also climbs 0.1 m per metre), noisy odometry, dead-reckoned
/// initial poses, and loop closures j → j − 16 for j in 16, 20, 24, 28, 31.
///
/// Poses are arrays: SE(2) (x, y, θ), SE(3) (x, y, z, qx, qy, qz, qw).
struct LoopClosureGraph {
    struct Edge {
        var from: Int
        var to: Int
        var measurement: [Double]
    }

    static let side = 4, laps = 2, poseCount = 4 * side * laps, lap = 4 * side
    static let sigmaTranslation = 0.05, sigmaRotation = 0.02
    static let closures = [16, 20, 24, 28, 31]
    /// Ω of SE(2) edges in g2o's upper-triangle layout (xx xy xθ yy yθ θθ).
    static let informationSE2Upper: [Double] = [100, 10, 0, 100, 0, 400]
    /// Ω of SE(3) edges, full row-major: 100 I translation with an xy coupling of 10, 400 I rotation.
    static let informationSE3Full: [Double] = {
        var m = [Double](repeating: 0, count: 36)
        for k in 0..<6 { m[k * 6 + k] = k < 3 ? 100 : 400 }
        m[1] = 10
        m[6] = 10
        return m
    }()

    /// The ground truth.
    var truth: [[Double]]
    /// Dead-reckoned initial poses.
    var initial: [[Double]]
    /// Odometry k → k + 1.
    var odometry: [Edge]
    /// Loop closures, added after the first solve.
    var loopClosures: [Edge]

    /// splitmix64, uniform in [−1, 1): the C examples' `noise()`.
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-52 - 1.0
        }
    }

    static func turn(_ k: Int) -> Double { k % side == side - 1 ? Double.pi / 2 : 0.0 }

    // MARK: SE(2)

    static func se2Compose(_ a: [Double], _ b: [Double]) -> [Double] {
        let c = cos(a[2]), s = sin(a[2])
        return [a[0] + c * b[0] - s * b[1], a[1] + s * b[0] + c * b[1], a[2] + b[2]]
    }

    static func se2Between(_ a: [Double], _ b: [Double]) -> [Double] {
        let c = cos(a[2]), s = sin(a[2]), dx = b[0] - a[0], dy = b[1] - a[1]
        return [c * dx + s * dy, -s * dx + c * dy, b[2] - a[2]]
    }

    static func se2() -> LoopClosureGraph {
        var noise = Noise(state: 1)
        var truth = [[0.0, 0, 0]], initial = [[0.0, 0, 0]], odometry: [Edge] = []
        for k in 0..<(poseCount - 1) {
            let u = [1.0, 0.0, turn(k)]
            truth.append(se2Compose(truth[k], u))
            var z = u
            z[0] = u[0] + sigmaTranslation * noise.next()
            z[1] = u[1] + sigmaTranslation * noise.next()
            z[2] = u[2] + sigmaRotation * noise.next()
            initial.append(se2Compose(initial[k], z))
            odometry.append(Edge(from: k, to: k + 1, measurement: z))
        }
        let loops = closures.map { j -> Edge in
            var z = se2Between(truth[j], truth[j - lap])
            z[0] += sigmaTranslation * noise.next()
            z[1] += sigmaTranslation * noise.next()
            z[2] += sigmaRotation * noise.next()
            return Edge(from: j, to: j - lap, measurement: z)
        }
        return LoopClosureGraph(truth: truth, initial: initial, odometry: odometry, loopClosures: loops)
    }

    // MARK: SE(3)

    /// Hamilton product, quaternions (x, y, z, w).
    static func quatMultiply(_ p: ArraySlice<Double>, _ q: ArraySlice<Double>) -> [Double] {
        let p = Array(p), q = Array(q)
        return [
            p[3] * q[0] + p[0] * q[3] + p[1] * q[2] - p[2] * q[1],
            p[3] * q[1] - p[0] * q[2] + p[1] * q[3] + p[2] * q[0],
            p[3] * q[2] + p[0] * q[1] - p[1] * q[0] + p[2] * q[3],
            p[3] * q[3] - p[0] * q[0] - p[1] * q[1] - p[2] * q[2],
        ]
    }

    static func quatRotate(_ q: ArraySlice<Double>, _ v: [Double]) -> [Double] {
        let q = Array(q)
        let t = [q[1] * v[2] - q[2] * v[1], q[2] * v[0] - q[0] * v[2], q[0] * v[1] - q[1] * v[0]]
        let c = [q[1] * t[2] - q[2] * t[1], q[2] * t[0] - q[0] * t[2], q[0] * t[1] - q[1] * t[0]]
        return (0..<3).map { v[$0] + 2 * (q[3] * t[$0] + c[$0]) }
    }

    static func quatExp(_ phi: [Double]) -> [Double] {
        let angle = (phi[0] * phi[0] + phi[1] * phi[1] + phi[2] * phi[2]).squareRoot()
        let s = angle > 0 ? sin(0.5 * angle) / angle : 0.5
        return [s * phi[0], s * phi[1], s * phi[2], cos(0.5 * angle)]
    }

    static func se3Compose(_ a: [Double], _ b: [Double]) -> [Double] {
        let t = quatRotate(a[3...], Array(b[0..<3]))
        return [a[0] + t[0], a[1] + t[1], a[2] + t[2]] + quatMultiply(a[3...], b[3...])
    }

    static func se3Between(_ a: [Double], _ b: [Double]) -> [Double] {
        let conjugate = [-a[3], -a[4], -a[5], a[6]]
        return quatRotate(conjugate[...], [b[0] - a[0], b[1] - a[1], b[2] - a[2]]) + quatMultiply(conjugate[...], b[3...])
    }

    static func se3Perturb(_ z: inout [Double], _ noise: inout Noise) {
        for k in 0..<3 { z[k] += sigmaTranslation * noise.next() }
        var phi = [0.0, 0, 0]
        for k in 0..<3 { phi[k] = sigmaRotation * noise.next() }
        let q = quatMultiply(z[3...], quatExp(phi)[...])
        z.replaceSubrange(3..<7, with: q)
    }

    static func se3() -> LoopClosureGraph {
        var noise = Noise(state: 2)
        let identity = [0.0, 0, 0, 0, 0, 0, 1]
        var truth = [identity], initial = [identity], odometry: [Edge] = []
        for k in 0..<(poseCount - 1) {
            let u = [1.0, 0.0, 0.1] + quatExp([0, 0, turn(k)])
            truth.append(se3Compose(truth[k], u))
            var z = u
            se3Perturb(&z, &noise)
            initial.append(se3Compose(initial[k], z))
            odometry.append(Edge(from: k, to: k + 1, measurement: z))
        }
        let loops = closures.map { j -> Edge in
            var z = se3Between(truth[j], truth[j - lap])
            se3Perturb(&z, &noise)
            return Edge(from: j, to: j - lap, measurement: z)
        }
        return LoopClosureGraph(truth: truth, initial: initial, odometry: odometry, loopClosures: loops)
    }
}
