import Foundation
import MixedSLAM

/// A synthetic visual-odometry data set for sliding-window bundle adjustment: a forward-looking
/// camera on a ground robot touring a ``HouseFloorPlan`` with keyframes at a fixed rate,
/// landmarks on the walls and furniture, and noisy pixel observations of every landmark the
/// camera can see. Deterministic from ``Options/seed``; the ground truth is exact.
///
/// Conventions: poses are world-from-camera, T_wc (a point p_c in the camera frame is
/// T_wc · p_c in the world); the camera frame is OpenCV's (+z along the optical axis, x right,
/// y down); the world frame is the floor plan's (x east, y north, z up). The robot's heading ψ
/// is the optical axis, so R_wc has columns x_c = (sin ψ, −cos ψ, 0), y_c = (0, 0, −1),
/// z_c = (cos ψ, sin ψ, 0).
///
/// A landmark is observed in a keyframe when it lies within ``Options/maximumRange`` and at
/// least ``Options/minimumDepth`` in front of the camera, projects inside the image, its
/// surface faces the camera (viewing angle under ~78°), no wall or furniture blocks the line of
/// sight, and a detection draw with probability ``Options/detectionProbability`` succeeds
/// (feature trackers lose points). The observed pixel is the projection plus Gaussian noise; a
/// fraction ``Options/outlierFraction`` of observations is replaced by a uniformly random pixel.
public struct VisualOdometryScenario: Sendable {
    /// Generation parameters. The defaults give 50-keyframe windows like the reference
    /// method's (Jacobian ≈ 5,500 × 1,000: ≈ 2,750 observations, ≈ 230 landmarks): measured
    /// over all 1,703 windows of a 1,752-keyframe tour (seed 1), 2,781 observations (median
    /// 2,589, 5–95 % 2,125–4,267) of 244 landmarks seen at least twice (median 239, 5–95 %
    /// 166–344) per window, a Jacobian of about 5,560 × 1,030.
    public struct Options: Sendable {
        /// Number of keyframes. Default 200.
        public var keyframeCount = 200
        /// Keyframe rate, hertz. Default 10.
        public var keyframeRate = 10.0
        /// Robot speed, metres per second. Default 1.
        public var speed = 1.0
        /// Height of the optical centre above the floor, metres. Default 0.6.
        public var cameraHeight = 0.6
        /// The camera. Default 640 × 480 pixels, f = 500 pixels, principal point (320, 240).
        public var camera = PinholeCamera()
        /// Standard deviation of the pixel noise, per image axis, pixels. Default 1.
        public var pixelNoise = 1.0
        /// Fraction of observations replaced by a uniformly random pixel. Default 0.
        public var outlierFraction = 0.0
        /// Mean number of landmarks per square metre of wall and furniture surface; at most
        /// ``VisualOdometryScenario/maximumLandmarkCount`` landmarks in the whole house.
        /// Default 7.5.
        public var landmarkDensity = 7.5
        /// Farthest observable landmark, metres. Default 6.
        public var maximumRange = 6.0
        /// Nearest observable depth along the optical axis, metres. Default 0.2.
        public var minimumDepth = 0.2
        /// Probability that a visible landmark is detected in a keyframe. Default 0.9.
        public var detectionProbability = 0.9
        /// The house. Default ``HouseFloorPlan/init()``.
        public var floorPlan = HouseFloorPlan()
        /// Seed of the route, the landmarks and the noise.
        public var seed: UInt64 = 1

        /// The default options.
        public init() {}
    }

    /// One pixel measurement of one landmark in one keyframe.
    public struct Observation: Sendable, Equatable {
        /// Index of the keyframe (into ``VisualOdometryScenario/poses``).
        public let keyframe: Int
        /// Index of the landmark (into ``VisualOdometryScenario/landmarks``).
        public let landmark: Int
        /// The measured pixel (u, v).
        public let pixel: SIMD2<Double>
        /// Whether the pixel is an injected outlier rather than a noisy projection.
        public let isOutlier: Bool
    }

    /// The bundle-adjustment problem of a sliding window: consecutive keyframes, the landmarks
    /// they see often enough, and those observations.
    public struct Window: Sendable {
        /// The keyframes of the window, oldest first.
        public let keyframes: Range<Int>
        /// Landmarks seen in at least the requested number of the window's keyframes, ascending.
        public let landmarks: [Int]
        /// Observations of those landmarks in those keyframes, by keyframe then landmark.
        public let observations: [Observation]
    }

    /// The options the scenario was generated with.
    public let options: Options
    /// Ground-truth world-from-camera poses T_wc, one per keyframe.
    public let poses: [SE3<Double>]
    /// Keyframe timestamps, seconds (keyframe k at k / rate).
    public let timestamps: [Double]
    /// Ground-truth landmark positions in the world frame, metres.
    public let landmarks: [SIMD3<Double>]
    /// All observations, by keyframe then landmark.
    public let observations: [Observation]
    /// `observations[keyframeRanges[k]]` are keyframe k's observations.
    private let keyframeRanges: [Range<Int>]

    /// The most landmarks (expected: ``Options/landmarkDensity`` × the house's wall and
    /// furniture area) a scenario holds, over 300 times the default house's. More would only
    /// exhaust memory while they are scattered, and every keyframe tests every landmark.
    public static let maximumLandmarkCount = 1_000_000

    /// Generates the scenario. Throws for options outside their valid ranges (non-positive
    /// counts, rates, ranges or noise below zero, probabilities outside [0, 1], more than
    /// ``maximumLandmarkCount`` landmarks).
    public init(options: Options = Options()) throws {
        guard options.keyframeCount >= 1, options.keyframeRate > 0, options.speed > 0,
            options.pixelNoise >= 0, options.landmarkDensity >= 0, options.maximumRange > 0,
            options.minimumDepth > 0, (0...1).contains(options.outlierFraction),
            (0...1).contains(options.detectionProbability),
            options.cameraHeight > 0, options.cameraHeight < options.floorPlan.wallHeight,
            [options.keyframeRate, options.speed, options.pixelNoise, options.landmarkDensity,
             options.maximumRange, options.minimumDepth].allSatisfy(\.isFinite)
        else {
            throw EvaluationError.invalidArgument("visual-odometry options out of range")
        }
        let expectedLandmarks = options.landmarkDensity * options.floorPlan.landmarkArea
        guard expectedLandmarks <= Double(Self.maximumLandmarkCount) else {
            throw EvaluationError.invalidArgument(
                "landmark density \(options.landmarkDensity) gives \(expectedLandmarks) landmarks, "
                    + "more than \(Self.maximumLandmarkCount)")
        }
        self.options = options
        var seeds = SplitMix64(seed: options.seed)
        let route = try GroundRobotRoute(
            floorPlan: options.floorPlan, count: options.keyframeCount,
            stepLength: options.speed / options.keyframeRate, seed: seeds.next())
        var landmarkGenerator = Xoshiro256StarStar(seed: seeds.next())
        var noise = Xoshiro256StarStar(seed: seeds.next())
        let surfaceLandmarks = options.floorPlan.scatterLandmarks(
            density: options.landmarkDensity, generator: &landmarkGenerator)
        let obstacles = options.floorPlan.obstacles
        let camera = options.camera
        // cos 78°: surfaces seen at grazing angles yield no trackable features.
        let minimumFacingCosine = 0.2

        var poses: [SE3<Double>] = []
        var observations: [Observation] = []
        var keyframeRanges: [Range<Int>] = []
        for (keyframe, sample) in route.samples.enumerated() {
            let pose = Self.cameraPose(sample, height: options.cameraHeight)
            poses.append(pose)
            let rotationTranspose = pose.rotation.matrix.transposed
            let centre = pose.translation
            let first = observations.count
            for (index, landmark) in surfaceLandmarks.enumerated() {
                let ray = landmark.position - centre
                let distanceSquared = (ray * ray).sum()
                guard distanceSquared <= options.maximumRange * options.maximumRange else { continue }
                guard -(ray * landmark.normal).sum() >= minimumFacingCosine * distanceSquared.squareRoot()
                else { continue }
                guard let pixel = camera.project(rotationTranspose * ray, minimumDepth: options.minimumDepth),
                    camera.contains(pixel)
                else { continue }
                guard !HouseFloorPlan.isBlocked(from: centre, to: landmark.position, by: obstacles)
                else { continue }
                guard noise.nextUnitInterval() < options.detectionProbability else { continue }
                if noise.nextUnitInterval() < options.outlierFraction {
                    let random = SIMD2(
                        noise.nextUniform(0, Double(camera.width)), noise.nextUniform(0, Double(camera.height)))
                    observations.append(
                        Observation(keyframe: keyframe, landmark: index, pixel: random, isOutlier: true))
                } else {
                    let noisy = pixel
                        + SIMD2(
                            noise.nextGaussian(standardDeviation: options.pixelNoise),
                            noise.nextGaussian(standardDeviation: options.pixelNoise))
                    observations.append(
                        Observation(keyframe: keyframe, landmark: index, pixel: noisy, isOutlier: false))
                }
            }
            keyframeRanges.append(first..<observations.count)
        }
        self.poses = poses
        timestamps = (0..<options.keyframeCount).map { Double($0) / options.keyframeRate }
        landmarks = surfaceLandmarks.map(\.position)
        self.observations = observations
        self.keyframeRanges = keyframeRanges
    }

    /// The world-from-camera pose of a camera at `height` on a robot at `sample`, looking along
    /// the robot's heading.
    static func cameraPose(_ sample: GroundRobotRoute.Sample, height: Double) -> SE3<Double> {
        let (s, c) = (sin(sample.heading), cos(sample.heading))
        let rotation = Matrix3<Double>(rows: SIMD3(s, 0, c), SIMD3(-c, 0, s), SIMD3(0, -1, 0))
        // The matrix is orthonormal by construction, so the conversion cannot fail.
        return SE3(
            rotation: SO3(rotationMatrix: rotation) ?? .identity,
            translation: SIMD3(sample.position.x, sample.position.y, height))
    }

    /// The camera used for all keyframes.
    public var camera: PinholeCamera { options.camera }

    /// Number of keyframes.
    public var keyframeCount: Int { poses.count }

    /// The observations of keyframe `keyframe` (in 0..<keyframeCount), by landmark index.
    public func observations(inKeyframe keyframe: Int) throws -> ArraySlice<Observation> {
        guard keyframeRanges.indices.contains(keyframe) else {
            throw EvaluationError.invalidArgument("keyframe \(keyframe) is outside 0..<\(keyframeCount)")
        }
        return observations[keyframeRanges[keyframe]]
    }

    /// The absolute trajectory error of estimated poses T_wc of a window's keyframes (oldest
    /// first) against the ground truth, by camera centres. Use ``TrajectoryAlignment/sim3`` for
    /// monocular estimates, whose scale is unobservable.
    public func absoluteTrajectoryError(
        of estimate: [SE3<Double>], window: Window, alignment: TrajectoryAlignment
    ) throws -> AbsoluteTrajectoryError {
        guard window.keyframes.upperBound <= keyframeCount else {
            throw EvaluationError.invalidArgument("window \(window.keyframes) is outside 0..<\(keyframeCount)")
        }
        return try AbsoluteTrajectoryError(
            estimated: estimate, reference: Array(poses[window.keyframes]), alignment: alignment)
    }

    /// Number of full windows of `size` keyframes: one ending at every keyframe from size − 1
    /// on (none for a size below 1).
    public func windowCount(size: Int = 50) -> Int {
        size >= 1 ? max(0, keyframeCount - size + 1) : 0
    }

    /// The window of keyframes [`last` − `size` + 1, `last`], with the landmarks observed in at
    /// least `minimumObservations` of them (a landmark seen once is not constrained by BA) and
    /// all their observations in the window.
    ///
    /// Throws unless 1 ≤ `size` ≤ `last` + 1, `last` < keyframeCount and `minimumObservations` ≥ 1.
    public func window(endingAt last: Int, size: Int = 50, minimumObservations: Int = 2) throws -> Window {
        // size ≤ last + 1 rather than last − size + 1 ≥ 0: the difference overflows for a
        // negative `last` and a huge `size`, and last + 1 cannot once last < keyframeCount.
        guard size >= 1, last < keyframeCount, size <= last + 1, minimumObservations >= 1 else {
            throw EvaluationError.invalidArgument(
                "window of \(size) keyframes ending at \(last) does not fit in 0..<\(keyframeCount)")
        }
        let keyframes = (last - size + 1)..<(last + 1)
        let span = keyframeRanges[keyframes.lowerBound].lowerBound..<keyframeRanges[last].upperBound
        var counts: [Int: Int] = [:]
        for observation in observations[span] {
            counts[observation.landmark, default: 0] += 1
        }
        let kept = counts.filter { $0.value >= minimumObservations }
        let windowObservations = observations[span].filter { kept[$0.landmark] != nil }
        return Window(keyframes: keyframes, landmarks: kept.keys.sorted(), observations: windowObservations)
    }
}
