import MixedSLAM
import Testing

@testable import MixedSLAMEval

@Suite("Loop-closure scenario")
struct LoopClosureScenarioTests {
    static func options(poses: Int = 600, seed: UInt64 = 5) -> LoopClosureScenario<SE2<Double>>.Options {
        var options = LoopClosureScenario<SE2<Double>>.Options()
        options.poseCount = poses
        options.seed = seed
        return options
    }

    @Test("the same seed reproduces the scenario exactly; another seed does not")
    func determinism() throws {
        let a = try LoopClosureScenario<SE2<Double>>(options: Self.options())
        let b = try LoopClosureScenario<SE2<Double>>(options: Self.options())
        let c = try LoopClosureScenario<SE2<Double>>(options: Self.options(seed: 6))
        #expect(a.groundTruth == b.groundTruth)
        #expect(a.odometry == b.odometry)
        #expect(a.loopClosures == b.loopClosures)
        #expect(a.initialEstimate == b.initialEstimate)
        #expect(a.groundTruth != c.groundTruth)
    }

    @Test("noise-free odometry chained from the first pose reproduces the ground truth")
    func noiseFreeChain() throws {
        var options = Self.options(poses: 2000)
        options.perturbsMeasurements = false
        let planar = try LoopClosureScenario<SE2<Double>>(options: options)
        // Each composition rounds at a few ε relative to the 20 m extent of the house; errors
        // add up at worst linearly along the 2,000-step chain.
        let tolerance = 2000 * 8 * Double.ulpOfOne * 20
        for (estimate, truth) in zip(planar.initialEstimate, planar.groundTruth) {
            #expect(norm(estimate.position - truth.position) <= tolerance)
            #expect(abs(wrapAngle(estimate.theta - truth.theta)) <= 2000 * 8 * Double.ulpOfOne)
        }
        var options3D = LoopClosureScenario<SE3<Double>>.Options()
        options3D.poseCount = 2000
        options3D.perturbsMeasurements = false
        let spatial = try LoopClosureScenario<SE3<Double>>(options: options3D)
        for (estimate, truth) in zip(spatial.initialEstimate, spatial.groundTruth) {
            #expect(norm(estimate.translation - truth.translation) <= tolerance)
            #expect((estimate.rotation.inverse * truth.rotation).angle <= 2000 * 8 * Double.ulpOfOne)
        }
        for edge in planar.loopClosures {
            let truth = planar.groundTruth[edge.from].inverse * planar.groundTruth[edge.to]
            #expect(edge.measurement == truth)
        }
    }

    @Test("loop closures join true revisits: near in space, far apart in time, no wall between")
    func loopClosuresAreRevisits() throws {
        let scenario = try LoopClosureScenario<SE2<Double>>(options: Self.options(poses: 2000))
        let options = scenario.options
        #expect(!scenario.loopClosures.isEmpty)
        for edge in scenario.loopClosures {
            let a = scenario.groundTruth[edge.from].position
            let b = scenario.groundTruth[edge.to].position
            #expect(norm(a - b) <= options.loopClosureRadius)
            #expect(edge.to - edge.from >= options.minimumLoopSeparation)
            #expect(!options.floorPlan.isLineOfSightBlocked(from: a + SIMD3(0, 0, 0.3), to: b + SIMD3(0, 0, 0.3)))
        }
        let ends = scenario.loopClosures.map(\.to)
        #expect(ends == ends.sorted())
    }

    /// Mean square of the whitened tangent errors Log(Z⁻¹ T) / σ per component; each is
    /// N(0, 1) if the noise model holds, so the mean square is 1 within 5 √(2/n).
    func whitenedMeanSquares<Pose>(
        _ edges: [LoopClosureScenario<Pose>.Edge], truth: [Pose], sigmas: [Double],
        log: (Pose) -> [Double]
    ) -> [Double] {
        var sums = [Double](repeating: 0, count: sigmas.count)
        for edge in edges {
            let error = log(edge.measurement.inverse * (truth[edge.from].inverse * truth[edge.to]))
            for index in sums.indices {
                sums[index] += (error[index] / sigmas[index]) * (error[index] / sigmas[index])
            }
        }
        return sums.map { $0 / Double(edges.count) }
    }

    @Test("measurement noise has exactly the covariance its information matrix states")
    func noiseMatchesInformation() throws {
        let scenario = try LoopClosureScenario<SE2<Double>>(options: Self.options(poses: 3000))
        let o = scenario.options
        let odometry = whitenedMeanSquares(
            scenario.odometry, truth: scenario.groundTruth,
            sigmas: [o.odometryTranslationSigma, o.odometryTranslationSigma, o.odometryRotationSigma]
        ) { pose in let v = pose.log(); return [v.x, v.y, v.z] }
        let loops = whitenedMeanSquares(
            scenario.loopClosures, truth: scenario.groundTruth,
            sigmas: [o.loopClosureTranslationSigma, o.loopClosureTranslationSigma, o.loopClosureRotationSigma]
        ) { pose in let v = pose.log(); return [v.x, v.y, v.z] }
        for value in odometry {
            #expect(abs(value - 1) <= 5 * (2 / Double(scenario.odometry.count)).squareRoot())
        }
        for value in loops {
            #expect(abs(value - 1) <= 5 * (2 / Double(scenario.loopClosures.count)).squareRoot())
        }
        let information = scenario.odometry[0].information
        #expect(information[0, 0] == 1 / (o.odometryTranslationSigma * o.odometryTranslationSigma))
        #expect(information[2, 2] == 1 / (o.odometryRotationSigma * o.odometryRotationSigma))
        #expect(information[0, 2] == 0)

        var options3D = LoopClosureScenario<SE3<Double>>.Options()
        options3D.poseCount = 3000
        let spatial = try LoopClosureScenario<SE3<Double>>(options: options3D)
        let sigmas3D = [Double](repeating: o.odometryTranslationSigma, count: 3)
            + [Double](repeating: o.odometryRotationSigma, count: 3)
        let odometry3D = whitenedMeanSquares(spatial.odometry, truth: spatial.groundTruth, sigmas: sigmas3D) {
            pose in (0..<6).map { pose.log()[$0] }
        }
        for value in odometry3D {
            #expect(abs(value - 1) <= 5 * (2 / Double(spatial.odometry.count)).squareRoot())
        }
        #expect(spatial.odometry[0].information[5, 5] == 1 / (o.odometryRotationSigma * o.odometryRotationSigma))
    }

    @Test("SE(3) ground truth rides on gently uneven terrain")
    func terrain() throws {
        let spatial = try LoopClosureScenario<SE3<Double>>(options: .init())
        let o = spatial.options
        let heights = spatial.groundTruth.map(\.translation.z)
        #expect(heights.contains { $0 != 0 })
        // A stationary Gaussian process stays within 6 σ over a few thousand samples.
        #expect(heights.allSatisfy { abs($0) <= 6 * o.terrainHeightSigma })
        for (pose, planar) in zip(spatial.groundTruth, try LoopClosureScenario<SE2<Double>>(options: Self.options(poses: 2000, seed: 1)).groundTruth) {
            // Same seed and route: the SE(3) pose is the planar one tilted by roll and pitch.
            #expect(pose.translation.x == planar.translation.x)
            #expect(pose.translation.y == planar.translation.y)
            let tilt = (SO3.exp(SIMD3(0, 0, planar.theta)).inverse * pose.rotation).angle
            #expect(tilt <= 6 * 2.squareRoot() * o.terrainTiltSigma)
        }
    }

    @Test("the default tour yields a long growing sequence of loop-closure problems")
    func growingSequence() throws {
        let scenario = try LoopClosureScenario<SE2<Double>>(options: .init())
        let events = scenario.loopClosureEvents
        #expect(scenario.poseCount == 2000)
        #expect(events.count >= 800)
        #expect(events == events.sorted())
        #expect(Set(events).count == events.count)
        var count = 0
        for (problem, event) in zip(scenario.loopClosureSequence, events) {
            count += 1
            #expect(problem.poseCount == event + 1)
            #expect(problem.odometry.count == event)
            #expect(problem.loopClosures.last?.to == event)
            #expect(problem.loopClosures.allSatisfy { $0.to <= event })
            if count > 50 { break }
        }
        let last = try scenario.prefix(through: events[events.count - 1])
        #expect(last.loopClosures == scenario.loopClosures.filter { $0.to <= events[events.count - 1] })
        #expect(throws: EvaluationError.self) { try scenario.prefix(through: 2000) }
    }

    @Test("the scenario's ATE helper compares with the ground truth")
    func scenarioATE() throws {
        let scenario = try LoopClosureScenario<SE2<Double>>(options: Self.options())
        let truth = try scenario.absoluteTrajectoryError(of: scenario.groundTruth, alignment: .none)
        #expect(truth.statistics.maximum == 0)
        let drift = try scenario.absoluteTrajectoryError(of: scenario.initialEstimate, alignment: .none)
        #expect(drift.statistics.maximum > 0)
        #expect(drift.errors[0] == 0)
    }

    @Test("a loop-closure radius far below the tour's size finds only coincident poses instead of trapping")
    func tinyLoopClosureRadius() throws {
        var options = Self.options()
        // x / 1e-19 m overflowed Int in the neighbour grid.
        options.loopClosureRadius = 1e-19
        let scenario = try LoopClosureScenario<SE2<Double>>(options: options)
        #expect(scenario.poseCount == 600)
        #expect(scenario.loopClosures.isEmpty)

        // The grid widens its cells to extent · 2⁻⁴⁰ (1.8e-11 m) but still returns exactly the
        // points within the radius: the coincident one, not its neighbour 1e-14 m away.
        let positions: [SIMD3<Double>] = [SIMD3(12.5, 3, 0), SIMD3(12.5, 3, 0), SIMD3(12.5 + 1e-14, 3, 0)]
        var grid = PlanarGrid(radius: 1e-19, extent: 20)
        #expect(grid.cellSize == 20 * 0x1p-40)
        for (index, position) in positions.enumerated() { grid.insert(index: index, at: position) }
        #expect(grid.indices(within: 1e-19, of: positions[0], positions: positions) == [0, 1])
        #expect(PlanarGrid(radius: 2, extent: 20).cellSize == 2)
    }

    @Test("options out of range are typed errors")
    func badOptions() {
        var options = Self.options()
        options.odometryRotationSigma = 0
        #expect(throws: EvaluationError.self) { try LoopClosureScenario<SE2<Double>>(options: options) }
        options = Self.options()
        options.terrainCorrelation = 1
        #expect(throws: EvaluationError.self) { try LoopClosureScenario<SE3<Double>>(options: options) }
    }
}
