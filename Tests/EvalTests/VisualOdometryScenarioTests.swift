import MixedSLAM
import Testing

@testable import MixedSLAMEval

@Suite("Visual-odometry scenario")
struct VisualOdometryScenarioTests {
    static func options(keyframes: Int = 120, seed: UInt64 = 9) -> VisualOdometryScenario.Options {
        var options = VisualOdometryScenario.Options()
        options.keyframeCount = keyframes
        options.seed = seed
        return options
    }

    @Test("the same seed reproduces the scenario exactly; another seed does not")
    func determinism() throws {
        let a = try VisualOdometryScenario(options: Self.options())
        let b = try VisualOdometryScenario(options: Self.options())
        let c = try VisualOdometryScenario(options: Self.options(seed: 10))
        #expect(a.poses == b.poses)
        #expect(a.landmarks == b.landmarks)
        #expect(a.observations == b.observations)
        #expect(a.observations != c.observations)
    }

    @Test("the camera looks along the robot's heading with x right and y down (OpenCV)")
    func cameraConvention() throws {
        let scenario = try VisualOdometryScenario(options: Self.options(keyframes: 1))
        // Keyframe 0: the robot starts at the corridor's west end heading east (+x).
        let pose = scenario.poses[0]
        let camera = scenario.camera
        let cameraFromWorld = pose.inverse
        let ahead = pose.translation + SIMD3(3, 0, 0)
        let centre = try #require(camera.project(cameraFromWorld.act(ahead)))
        #expect(abs(centre.x - 320) <= 1e-12 && abs(centre.y - 240) <= 1e-12)
        // Up in the world is up in the image (smaller v); the robot's right (−y) is larger u.
        let above = try #require(camera.project(cameraFromWorld.act(ahead + SIMD3(0, 0, 0.5))))
        #expect(above.y < 240 && abs(above.x - 320) <= 1e-12)
        let right = try #require(camera.project(cameraFromWorld.act(ahead + SIMD3(0, -0.5, 0))))
        #expect(right.x > 320 && abs(right.y - 240) <= 1e-12)
        #expect(camera.project(cameraFromWorld.act(pose.translation - SIMD3(3, 0, 0))) == nil)
        // No pixel for a point on the image plane, even with no depth bound, or one so far off
        // the axis that its pixel overflows.
        #expect(camera.project(SIMD3(1, 0, 0), minimumDepth: 0) == nil)
        #expect(camera.project(SIMD3(1e308, 0, 1e-3)) == nil)
        #expect(determinant(pose.rotation.matrix) > 0)
    }

    @Test("every noise-free observation is the exact projection of a visible landmark")
    func noiseFreeProjections() throws {
        var options = Self.options()
        options.pixelNoise = 0
        let scenario = try VisualOdometryScenario(options: options)
        let plan = options.floorPlan
        #expect(!scenario.observations.isEmpty)
        for observation in scenario.observations {
            let pose = scenario.poses[observation.keyframe]
            let landmark = scenario.landmarks[observation.landmark]
            let inCamera = pose.inverse.act(landmark)
            let pixel = try #require(scenario.camera.project(inCamera))
            // Two roundings of a 500-pixel focal length times a ratio of O(1): a few ε · 500 px.
            let difference: SIMD2<Double> = pixel - observation.pixel
            let tolerance: Double = 64 * Double.ulpOfOne * 500
            #expect(Swift.abs(difference.x) <= tolerance && Swift.abs(difference.y) <= tolerance)
            #expect(inCamera.z >= options.minimumDepth)
            #expect(norm(landmark - pose.translation) <= options.maximumRange)
            #expect(scenario.camera.contains(observation.pixel))
            #expect(!plan.isLineOfSightBlocked(from: pose.translation, to: landmark))
            #expect(!observation.isOutlier)
        }
    }

    @Test("pixel noise and outliers have the requested distribution")
    func noiseAndOutliers() throws {
        var options = Self.options(keyframes: 200)
        options.outlierFraction = 0.1
        let scenario = try VisualOdometryScenario(options: options)
        let n = Double(scenario.observations.count)
        let outliers = Double(scenario.observations.filter(\.isOutlier).count)
        // Binomial count: within 5 standard deviations of n p.
        #expect(abs(outliers - 0.1 * n) <= 5 * (n * 0.1 * 0.9).squareRoot())
        var sumOfSquares = 0.0
        var inliers = 0.0
        for observation in scenario.observations where !observation.isOutlier {
            let pose = scenario.poses[observation.keyframe]
            let pixel = try #require(scenario.camera.project(pose.inverse.act(scenario.landmarks[observation.landmark])))
            let residual = observation.pixel - pixel
            sumOfSquares += (residual * residual).sum()
            inliers += 2
        }
        // Mean square of N(0, 1) components: 1 within 5 √(2/n).
        #expect(abs(sumOfSquares / inliers - 1) <= 5 * (2 / inliers).squareRoot())
    }

    @Test("50-keyframe windows are as dense as the reference method's (≈ 2,750 observations, ≈ 230 landmarks)")
    func windowDensity() throws {
        let scenario = try VisualOdometryScenario(options: Self.options(keyframes: 400, seed: 1))
        #expect(scenario.windowCount() == 351)
        var observationCounts: [Double] = []
        var landmarkCounts: [Double] = []
        for last in stride(from: 49, to: scenario.keyframeCount, by: 10) {
            let window = try scenario.window(endingAt: last)
            observationCounts.append(Double(window.observations.count))
            landmarkCounts.append(Double(window.landmarks.count))
            #expect(window.keyframes == (last - 49)..<(last + 1))
            var perLandmark: [Int: Int] = [:]
            for observation in window.observations {
                #expect(window.keyframes.contains(observation.keyframe))
                perLandmark[observation.landmark, default: 0] += 1
            }
            #expect(perLandmark.values.allSatisfy { $0 >= 2 })
            #expect(Set(perLandmark.keys) == Set(window.landmarks))
        }
        let observations = try ErrorStatistics(observationCounts)
        let landmarks = try ErrorStatistics(landmarkCounts)
        #expect(observations.mean >= 2_000 && observations.mean <= 3_500)
        #expect(landmarks.mean >= 180 && landmarks.mean <= 350)
        #expect(observations.minimum >= 1_000)
    }

    @Test("a window's ATE is zero for the truth and recovers a monocular scale with Sim(3)")
    func windowATE() throws {
        let scenario = try VisualOdometryScenario(options: Self.options(keyframes: 80))
        let window = try scenario.window(endingAt: 79)
        let truth = Array(scenario.poses[window.keyframes])
        let exact = try scenario.absoluteTrajectoryError(of: truth, window: window, alignment: .none)
        #expect(exact.statistics.maximum == 0)
        // A monocular estimate: the truth in another frame at half scale.
        let frame = SE3(rotation: SO3.exp(SIMD3(0.1, 0.2, 0.3)), translation: SIMD3(1, 2, 3))
        let scaled = truth.map { pose in
            let moved = frame * pose
            return SE3(rotation: moved.rotation, translation: 0.5 * moved.translation)
        }
        let ate = try scenario.absoluteTrajectoryError(of: scaled, window: window, alignment: .sim3)
        #expect(abs(ate.transform.scale - 2) <= 256 * Double.ulpOfOne * 2)
        // Camera centres are O(20 m) from the origin.
        #expect(ate.statistics.maximum <= 1024 * Double.ulpOfOne * 20)
        #expect(throws: EvaluationError.self) {
            try scenario.absoluteTrajectoryError(of: Array(scaled.dropLast()), window: window, alignment: .sim3)
        }
    }

    @Test("landmark densities beyond maximumLandmarkCount are typed errors, not a trap or running out of memory")
    func landmarkCountBound() throws {
        let plan = HouseFloorPlan()
        let area = plan.landmarkArea
        var options = Self.options(keyframes: 2)
        // Int(1e18 × area) trapped; 1e5 per m² asked for tens of millions of landmarks.
        for density in [1e18, 1e5, Double(VisualOdometryScenario.maximumLandmarkCount) / area * 1.001] {
            options.landmarkDensity = density
            #expect(throwsInvalidArgument { try VisualOdometryScenario(options: options) }, "density \(density)")
        }
        options.landmarkDensity = 100
        let dense = try VisualOdometryScenario(options: options)
        // The count per surface is density × area rounded up or down.
        #expect(abs(Double(dense.landmarks.count) - 100 * area) < Double(plan.landmarkSurfaces.count))
    }

    @Test("walls lower than the landmark margins carry no landmarks instead of a negative count")
    func lowWalls() throws {
        var options = Self.options(keyframes: 2)
        // Bands of 0.05 − 2 · 0.05 m gave negative counts: 0..<-n trapped.
        let plan = try HouseFloorPlan(
            roomsPerSide: 1, roomWidth: 6, roomDepth: 5, corridorWidth: 2, doorWidth: 1, wallHeight: 0.05)
        options.floorPlan = plan
        options.cameraHeight = 0.02
        let scenario = try VisualOdometryScenario(options: options)
        // Only the furniture (0.75 m and 1.8 m high) carries landmarks.
        #expect(plan.landmarkSurfaces.filter { $0.obstacle.height == 0.05 }.allSatisfy { $0.band == 0 })
        #expect(plan.landmarkArea > 0)
        #expect(abs(Double(scenario.landmarks.count) - 7.5 * plan.landmarkArea) < Double(plan.landmarkSurfaces.count))
    }

    @Test("keyframe accessors and bad arguments")
    func accessors() throws {
        let scenario = try VisualOdometryScenario(options: Self.options(keyframes: 60))
        var total = 0
        for keyframe in 0..<scenario.keyframeCount {
            let slice = try scenario.observations(inKeyframe: keyframe)
            #expect(slice.allSatisfy { $0.keyframe == keyframe })
            let landmarks = slice.map(\.landmark)
            #expect(landmarks == landmarks.sorted())
            total += slice.count
        }
        #expect(total == scenario.observations.count)
        #expect(scenario.timestamps[10] == 1.0)
        #expect(throws: EvaluationError.self) { try scenario.observations(inKeyframe: 60) }
        #expect(throws: EvaluationError.self) { try scenario.window(endingAt: 48) }
        #expect(throws: EvaluationError.self) { try scenario.window(endingAt: 60) }
        // last − size + 1 overflowed here.
        #expect(throwsInvalidArgument { try scenario.window(endingAt: -2, size: .max) })
        #expect(throwsInvalidArgument { try scenario.window(endingAt: .min, size: 2) })
        #expect(throwsInvalidArgument { try scenario.window(endingAt: .max, size: .max) })
        var options = Self.options()
        options.detectionProbability = 1.5
        #expect(throws: EvaluationError.self) { try VisualOdometryScenario(options: options) }
    }
}
