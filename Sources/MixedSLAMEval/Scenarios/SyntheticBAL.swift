import Foundation
import MixedSLAM

/// A deterministic synthetic Bundle Adjustment in the Large problem: BAL cameras (Snavely
/// model, looking down −z) on a ring around a ball of points, every point observed by a fixed
/// number of distinct random cameras with Gaussian pixel noise, and a perturbed start.
///
/// The default is the 50-camera / 5,000-point / 45,000-observation problem of the benchmark.
/// Variable ids follow ``BALDataset``: cameras `0..<cameraCount`, then points; σ = 1 pixel
/// (Ω = I) as the BAL reader assumes; nothing is fixed (BAL's 7-dof gauge is left to the
/// damping, as Ceres does on these files).
public struct SyntheticBAL: Sendable {
    /// Generation parameters.
    public struct Options: Sendable {
        /// Cameras. Default 50.
        public var cameraCount = 50
        /// Points. Default 5,000.
        public var pointCount = 5000
        /// Cameras observing each point. Default 9 (45,000 observations).
        public var observationsPerPoint = 9
        /// Radius of the ring of cameras. Default 8.
        public var ringRadius = 8.0
        /// Radius of the ball of points around the ring's centre. Default 3.
        public var pointRadius = 3.0
        /// Focal length, pixels. Default 500.
        public var focalLength = 500.0
        /// Radial distortion k₁, k₂. Default −0.02, 0.001.
        public var distortion = SIMD2(-0.02, 0.001)
        /// Pixel noise σ. Default 1.
        public var pixelNoise = 1.0
        /// Start perturbation: camera rotation σ (radians), translation σ, relative focal σ,
        /// point σ. Default 0.002, 0.02, 0.002, 0.02.
        public var startRotationSigma = 0.002
        /// See ``startRotationSigma``.
        public var startTranslationSigma = 0.02
        /// See ``startRotationSigma``.
        public var startFocalSigma = 0.002
        /// See ``startRotationSigma``.
        public var startPointSigma = 0.02
        /// Seed. Default 1.
        public var seed: UInt64 = 1

        /// The default options.
        public init() {}
    }

    /// The problem, at the perturbed start.
    public let problem: Problem
    /// Ground-truth cameras.
    public let cameras: [BALCamera]
    /// Ground-truth points.
    public let points: [SIMD3<Double>]
    /// Number of observations.
    public let observationCount: Int

    /// The most cameras a synthetic problem holds: seven times the largest BAL problem's
    /// (Final, 13,682 cameras). Counts beyond it would only exhaust memory (or run for ever)
    /// while the problem is generated.
    public static let maximumCameraCount = 100_000
    /// The most observations (points × observations per point), likewise: the largest BAL
    /// problem has 29 million.
    public static let maximumObservationCount = 50_000_000

    /// Generates the problem. Throws for counts below 1, more than ``maximumCameraCount``
    /// cameras or ``maximumObservationCount`` observations, more observations per point than
    /// cameras, non-positive radii or focal length, negative noise or start sigmas, or any
    /// non-finite value.
    public init(options: Options = Options()) throws {
        let (observations, overflow) = options.pointCount.multipliedReportingOverflow(by: options.observationsPerPoint)
        let sigmas = [
            options.pixelNoise, options.startRotationSigma, options.startTranslationSigma, options.startFocalSigma,
            options.startPointSigma,
        ]
        // A NaN or infinite rotation σ would not fail later: the NaN rotation it perturbs a
        // camera by is normalized to the identity, so every camera would start at the identity.
        guard (1...Self.maximumCameraCount).contains(options.cameraCount), options.pointCount >= 1,
            (1...options.cameraCount).contains(options.observationsPerPoint),
            !overflow, observations <= Self.maximumObservationCount,
            options.ringRadius > options.pointRadius, options.pointRadius > 0, options.focalLength > 0,
            sigmas.allSatisfy({ $0 >= 0 }),
            (sigmas + [options.ringRadius, options.focalLength, options.distortion.x, options.distortion.y])
                .allSatisfy(\.isFinite)
        else { throw EvaluationError.invalidArgument("synthetic BAL options out of range") }
        var seeds = SplitMix64(seed: options.seed)
        var random = Xoshiro256StarStar(seed: seeds.next())
        func gaussian3(_ sigma: Double) -> SIMD3<Double> {
            SIMD3(
                random.nextGaussian(standardDeviation: sigma), random.nextGaussian(standardDeviation: sigma),
                random.nextGaussian(standardDeviation: sigma))
        }
        var cameras: [BALCamera] = []
        for c in 0..<options.cameraCount {
            let angle = 2 * Double.pi * Double(c) / Double(options.cameraCount)
            let centre = SIMD3(
                options.ringRadius * cos(angle), options.ringRadius * sin(angle), random.nextUniform(-0.5, 0.5))
            // The camera's +z axis points away from the scene (BAL cameras look down −z).
            let z = centre / centre.norm
            let x = SIMD3<Double>(0, 0, 1).cross(z) / SIMD3<Double>(0, 0, 1).cross(z).norm
            let y = z.cross(x)
            let rotation = SO3(rotationMatrix: Matrix3(rows: x, y, z)) ?? .identity
            cameras.append(BALCamera(
                rotation: rotation, translation: -rotation.act(centre), focalLength: options.focalLength,
                k1: options.distortion.x, k2: options.distortion.y))
        }
        var points: [SIMD3<Double>] = []
        while points.count < options.pointCount {
            let p = SIMD3(
                random.nextUniform(-1, 1), random.nextUniform(-1, 1), random.nextUniform(-1, 1))
            if p.squaredNorm <= 1 { points.append(options.pointRadius * p) }
        }
        var problem = Problem()
        problem.gauge = .explicitOnly
        for (c, camera) in cameras.enumerated() {
            var start = camera
            start.rotation = (camera.rotation * SO3.exp(gaussian3(options.startRotationSigma))).normalized
            start.translation += gaussian3(options.startTranslationSigma)
            start.focalLength *= 1 + random.nextGaussian(standardDeviation: options.startFocalSigma)
            try problem.addBALCamera(id: c, start)
        }
        for (p, point) in points.enumerated() {
            try problem.addPoint3(id: options.cameraCount + p, point + gaussian3(options.startPointSigma))
        }
        var observationCount = 0
        for (p, point) in points.enumerated() {
            var chosen = Set<Int>()
            while chosen.count < options.observationsPerPoint {
                chosen.insert(random.nextIndex(below: options.cameraCount))
            }
            for c in chosen.sorted() {
                let camera = cameras[c]
                let q = camera.rotation.act(point) + camera.translation
                let n = SIMD2(-q.x / q.z, -q.y / q.z)
                let r2 = n.x * n.x + n.y * n.y
                let pixel = camera.focalLength * (1 + camera.k1 * r2 + camera.k2 * r2 * r2) * n
                let noisy = pixel + SIMD2(
                    random.nextGaussian(standardDeviation: options.pixelNoise),
                    random.nextGaussian(standardDeviation: options.pixelNoise))
                try problem.add(BALReprojectionFactor(camera: c, point: options.cameraCount + p, measurement: noisy))
                observationCount += 1
            }
        }
        self.problem = problem
        self.cameras = cameras
        self.points = points
        self.observationCount = observationCount
    }
}
