import MixedSLAM

/// A synthetic pose graph of a ground robot touring a ``HouseFloorPlan``: ground truth,
/// noisy odometry between consecutive poses, precise loop closures whenever the robot returns
/// to a place it visited a while ago, and the drifting initial estimate obtained by chaining
/// odometry. Deterministic from ``Options/seed``.
///
/// Noise model: each measurement is Z = T · Exp(n) with T the true relative pose and n a
/// tangent vector ([translation; rotation]) of independent normal components, the model the
/// between factor e = Log(Z⁻¹ Xᵢ⁻¹ Xⱼ) with the returned information diag(1/σ²) assumes, so
/// the fp64 optimum is the maximum-likelihood estimate.
///
/// Default noise, and why (measured on seed 1, SE(2), 2,000 poses, 400 m): odometry
/// σ = 0.2 mm and 1 mrad per 0.2 m step makes the chained odometry drift to an ATE of mean
/// 1.0e-1 m, max 2.7e-1 m (no alignment; seeds 2 and 3: mean 3.2e-1 and 1.6e-1), the reference
/// method's "without loop closure" scale (mean 9.72e-2, max 4.03e-1). Loop closures are
/// registered scans, precise to 0.1 mm and 0.01 mrad, between poses up to 2 m apart; with them
/// the maximum-likelihood optimum (solved independently to convergence) has an ATE of mean
/// 2.2e-4 m, max 2.3e-3 m after SE(2) alignment, the reference's "with loop closure" scale
/// (mean 3.19e-4). Evaluate the optimum with alignment: with the first pose fixed, its heading
/// is known only to about one odometry σ, a global rotation that alone adds ~1e-2 m at 10 m.
/// Rotation noise dominates the drift, as with wheel encoders. SE(3) odometry has the same σ
/// on all three rotation axes, so roll and pitch drift too: seed 1 drifts to mean 3.4e-1 m.
///
/// Use ``SE2`` for planar graphs and ``SE3`` for 3-D ones; SE(3) ground truth rides on
/// slightly uneven terrain (``Options/terrainHeightSigma``, ``Options/terrainTiltSigma``).
public struct LoopClosureScenario<Pose: LoopClosureScenarioPose>: Sendable {
    /// Generation parameters, shared by the SE(2) and SE(3) variants.
    public typealias Options = LoopClosureScenarioOptions

    /// A relative-pose measurement Z ≈ Xᵢ⁻¹ Xⱼ between two poses.
    public struct Edge: Sendable, Equatable {
        /// Index of the earlier pose i.
        public let from: Int
        /// Index of the later pose j.
        public let to: Int
        /// The measured relative pose Z.
        public let measurement: Pose
        /// The information matrix Ω (inverse covariance of the tangent-space noise).
        public let information: Pose.Information
    }

    /// The options the scenario was generated with (``Options/poseCount`` is this
    /// scenario's, also for prefixes).
    public let options: Options
    /// Ground-truth poses (world from robot).
    public let groundTruth: [Pose]
    /// Odometry edges i → i + 1, in order.
    public let odometry: [Edge]
    /// Loop-closure edges from an earlier to a later pose, ordered by the later pose.
    public let loopClosures: [Edge]
    /// The initial estimate: the first ground-truth pose followed by chained odometry,
    /// xᵢ₊₁ = xᵢ · Zᵢ,ᵢ₊₁. Its error is the drift a robot without loop closure accumulates.
    public let initialEstimate: [Pose]

    /// Generates the scenario. Throws for options out of range (counts below 1, non-positive
    /// step, noise or radius, terrain correlation outside [0, 1)).
    public init(options: Options = Options()) throws {
        let sigmas = [
            options.odometryTranslationSigma, options.odometryRotationSigma,
            options.loopClosureTranslationSigma, options.loopClosureRotationSigma,
        ]
        guard options.poseCount >= 1, options.stepLength > 0, options.loopClosureRadius > 0,
            options.minimumLoopSeparation >= 1, options.loopClosureSpacing >= 1,
            sigmas.allSatisfy({ $0 > 0 && $0.isFinite }), options.terrainHeightSigma >= 0,
            options.terrainTiltSigma >= 0, options.terrainCorrelation >= 0, options.terrainCorrelation < 1,
            options.loopClosureRadius.isFinite, options.terrainHeightSigma.isFinite,
            options.terrainTiltSigma.isFinite
        else {
            throw EvaluationError.invalidArgument("loop-closure options out of range")
        }
        var seeds = SplitMix64(seed: options.seed)
        let route = try GroundRobotRoute(
            floorPlan: options.floorPlan, count: options.poseCount, stepLength: options.stepLength,
            seed: seeds.next())
        var terrain = Xoshiro256StarStar(seed: seeds.next())
        var noise = Xoshiro256StarStar(seed: seeds.next())
        var selection = Xoshiro256StarStar(seed: seeds.next())

        let rho = options.terrainCorrelation
        let innovation = (1 - rho * rho).squareRoot()
        var wobble = TerrainWobble(
            z: terrain.nextGaussian(standardDeviation: options.terrainHeightSigma),
            roll: terrain.nextGaussian(standardDeviation: options.terrainTiltSigma),
            pitch: terrain.nextGaussian(standardDeviation: options.terrainTiltSigma))
        var groundTruth: [Pose] = []
        groundTruth.reserveCapacity(options.poseCount)
        for sample in route.samples {
            groundTruth.append(Pose.groundTruth(sample, wobble: wobble))
            wobble = TerrainWobble(
                z: rho * wobble.z + innovation * terrain.nextGaussian(standardDeviation: options.terrainHeightSigma),
                roll: rho * wobble.roll + innovation * terrain.nextGaussian(standardDeviation: options.terrainTiltSigma),
                pitch: rho * wobble.pitch + innovation * terrain.nextGaussian(standardDeviation: options.terrainTiltSigma))
        }

        let odometryInformation = Pose.information(
            translationSigma: options.odometryTranslationSigma, rotationSigma: options.odometryRotationSigma)
        var odometry: [Edge] = []
        var initialEstimate = [groundTruth[0]]
        for index in 0..<(groundTruth.count - 1) {
            let truth = groundTruth[index].inverse * groundTruth[index + 1]
            let measurement =
                options.perturbsMeasurements
                ? truth.perturbed(
                    translationSigma: options.odometryTranslationSigma,
                    rotationSigma: options.odometryRotationSigma, generator: &noise) : truth
            odometry.append(Edge(from: index, to: index + 1, measurement: measurement, information: odometryInformation))
            initialEstimate.append(initialEstimate[index] * measurement)
        }

        let loopInformation = Pose.information(
            translationSigma: options.loopClosureTranslationSigma,
            rotationSigma: options.loopClosureRotationSigma)
        var loopClosures: [Edge] = []
        let positions = groundTruth.map(\.position)
        var grid = PlanarGrid(
            radius: options.loopClosureRadius,
            extent: positions.reduce(0) { Swift.max($0, Swift.abs($1.x), Swift.abs($1.y)) })
        var lastLoopPose = Int.min / 2
        let walls = options.floorPlan.walls
        for later in groundTruth.indices {
            let eligible = later - options.minimumLoopSeparation
            if eligible >= 0 {
                grid.insert(index: eligible, at: positions[eligible])
            }
            guard later - lastLoopPose >= options.loopClosureSpacing else { continue }
            let candidates = grid.indices(
                within: options.loopClosureRadius, of: positions[later], positions: positions)
                .filter { earlier in
                    // Scans taken on the two sides of a wall do not match.
                    !HouseFloorPlan.isBlocked(
                        from: SIMD3(positions[later].x, positions[later].y, 0),
                        to: SIMD3(positions[earlier].x, positions[earlier].y, 0), by: walls)
                }
            guard !candidates.isEmpty else { continue }
            // Place recognition returns some matching earlier pose, not the nearest: drawing one
            // at random spreads the constraints over the place and ties neighbouring places.
            let earlier = candidates[selection.nextIndex(below: candidates.count)]
            let truth = groundTruth[earlier].inverse * groundTruth[later]
            let measurement =
                options.perturbsMeasurements
                ? truth.perturbed(
                    translationSigma: options.loopClosureTranslationSigma,
                    rotationSigma: options.loopClosureRotationSigma, generator: &noise) : truth
            loopClosures.append(Edge(from: earlier, to: later, measurement: measurement, information: loopInformation))
            lastLoopPose = later
        }
        self.init(
            options: options, groundTruth: groundTruth, odometry: odometry, loopClosures: loopClosures,
            initialEstimate: initialEstimate)
    }

    private init(
        options: Options, groundTruth: [Pose], odometry: [Edge], loopClosures: [Edge], initialEstimate: [Pose]
    ) {
        self.options = options
        self.groundTruth = groundTruth
        self.odometry = odometry
        self.loopClosures = loopClosures
        self.initialEstimate = initialEstimate
    }

    /// Number of poses.
    public var poseCount: Int { groundTruth.count }

    /// The absolute trajectory error of an estimate of all ``poseCount`` poses against the
    /// ground truth. ``TrajectoryAlignment/none`` measures the error in the gauge of the fixed
    /// first pose; ``TrajectoryAlignment/se2`` or ``TrajectoryAlignment/se3`` (evo's `--align`)
    /// removes the global rotation that gauge leaves uncertain.
    public func absoluteTrajectoryError(
        of estimate: [Pose], alignment: TrajectoryAlignment
    ) throws -> AbsoluteTrajectoryError {
        try AbsoluteTrajectoryError(
            estimatedPositions: estimate.map(\.position), referencePositions: groundTruth.map(\.position),
            alignment: alignment)
    }

    /// The poses at which a loop closes (the later end of every loop closure), ascending: the
    /// moments the `lc` benchmark re-solves the growing graph.
    public var loopClosureEvents: [Int] {
        var events: [Int] = []
        for edge in loopClosures where events.last != edge.to {
            events.append(edge.to)
        }
        return events
    }

    /// The graph as the robot knew it right after pose `lastPose`: poses 0...lastPose, their
    /// odometry, and the loop closures among them. Throws unless 0 ≤ `lastPose` < poseCount.
    public func prefix(through lastPose: Int) throws -> LoopClosureScenario {
        guard lastPose >= 0, lastPose < poseCount else {
            throw EvaluationError.invalidArgument("pose \(lastPose) is outside 0..<\(poseCount)")
        }
        return uncheckedPrefix(through: lastPose)
    }

    private func uncheckedPrefix(through lastPose: Int) -> LoopClosureScenario {
        var options = self.options
        options.poseCount = lastPose + 1
        return LoopClosureScenario(
            options: options, groundTruth: Array(groundTruth[...lastPose]),
            odometry: Array(odometry[..<lastPose]),
            loopClosures: loopClosures.filter { $0.to <= lastPose },
            initialEstimate: Array(initialEstimate[...lastPose]))
    }

    /// The growing sequence of problems the `lc` benchmark solves: the prefix through every
    /// loop-closure event, in order. Generated lazily, one prefix at a time, so a long tour does
    /// not hold hundreds of graphs in memory.
    public var loopClosureSequence: LazyMapSequence<[Int], LoopClosureScenario> {
        // Every event is a valid pose index.
        loopClosureEvents.lazy.map { self.uncheckedPrefix(through: $0) }
    }
}
