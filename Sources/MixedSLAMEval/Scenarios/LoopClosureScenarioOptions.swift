/// Parameters of a ``LoopClosureScenario``; the defaults are explained there.
public struct LoopClosureScenarioOptions: Sendable {
    /// Number of poses. Default 2,000.
    public var poseCount = 2000
    /// Distance travelled between consecutive poses, metres. Default 0.2.
    public var stepLength = 0.2
    /// Odometry translation noise per axis, metres. Default 2e-4.
    public var odometryTranslationSigma = 2e-4
    /// Odometry rotation noise per axis, radians. Default 1e-3.
    public var odometryRotationSigma = 1e-3
    /// Loop-closure translation noise per axis, metres. Default 1e-4.
    public var loopClosureTranslationSigma = 1e-4
    /// Loop-closure rotation noise per axis, radians. Default 1e-5.
    public var loopClosureRotationSigma = 1e-5
    /// A pose closes a loop with an earlier pose whose true position is within this
    /// distance, metres, and no wall stands between the two (a scan matcher's range).
    /// Default 2.
    public var loopClosureRadius = 2.0
    /// The earlier pose must be at least this many poses back, so that driving on is not
    /// mistaken for coming back. Default 50 (10 m of travel).
    public var minimumLoopSeparation = 50
    /// Poses that close a loop are at least this many poses apart (1: any pose may).
    /// Default 1.
    public var loopClosureSpacing = 1
    /// Whether measurements carry the modelled noise. `false` gives exact measurements (with
    /// the same information matrices), whose optimum is the ground truth. Default `true`.
    public var perturbsMeasurements = true
    /// Standard deviation of the terrain's height under SE(3) poses, metres. Default 0.01.
    public var terrainHeightSigma = 0.01
    /// Standard deviation of the chassis' roll and pitch under SE(3) poses, radians.
    /// Default 0.005.
    public var terrainTiltSigma = 0.005
    /// Correlation of consecutive terrain wobble values (a first-order autoregressive
    /// process, so the floor undulates instead of jittering). Default 0.95.
    public var terrainCorrelation = 0.95
    /// The house. Default: ``HouseFloorPlan`` with its default parameters.
    public var floorPlan = HouseFloorPlan()
    /// Seed of the route, terrain and noise.
    public var seed: UInt64 = 1

    /// The default options.
    public init() {}
}
