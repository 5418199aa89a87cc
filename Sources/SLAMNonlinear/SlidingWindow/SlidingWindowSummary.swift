/// What one window solve of ``SlidingWindowBA`` did.
public struct SlidingWindowSummary: Sendable, Codable, Equatable {
    /// Id of the keyframe that triggered the solve (the newest of the window).
    public var keyframe = 0
    /// Keyframe ids of the window, oldest first.
    public var windowKeyframes: [Int] = []
    /// Keyframes held fixed (the gauge).
    public var fixedKeyframes = 0
    /// Landmarks in the BA problem.
    public var landmarks = 0
    /// Observations (reprojection factors) in the BA problem.
    public var observations = 0
    /// Landmarks triangulated for this window.
    public var newLandmarks = 0
    /// Triangulations refused because the rays were too close to parallel (retried later).
    public var lowParallaxSkips = 0
    /// Triangulations refused because the point was behind or too close to a camera.
    public var behindCameraSkips = 0
    /// Observations left out because their landmark is behind or too close to that camera.
    public var observationsBehindCamera = 0
    /// Triangulated landmarks left out for having fewer than the minimum valid observations.
    public var landmarksWithTooFewObservations = 0
    /// The keyframe that left the window before this solve, if any.
    public var removedKeyframe: Int?
    /// Observations of the leaving keyframe marginalized into landmark priors
    /// (``SlidingWindowBA/Marginalization/landmarkPriors``).
    public var marginalizedObservations = 0
    /// Landmark priors in the BA problem.
    public var landmarkPriors = 0
    /// Landmark priors discarded after the solve for contradicting the window
    /// (``SlidingWindowBA/Options/priorRejectionGate``).
    public var rejectedLandmarkPriors = 0
    /// The optimizer's summary of the window solve.
    public var optimizer = Summary()
    /// Whether the step solver kept from earlier windows solved this one (true once it has
    /// analyzed an earlier window): its workspaces — the reduced camera matrix and point inverses of the
    /// Schur solver, CG's vectors — are reused wherever their sizes still match.
    public var reusedStepSolver = false
    /// Whether the previous window's symbolic analysis (the observation layout) was reused:
    /// only possible when the structure did not change, so false whenever a keyframe or a
    /// landmark entered or left the window, as it does with every new keyframe.
    public var reusedSymbolicAnalysis = false
    /// Seconds to update the window, triangulate and build the problem.
    public var setupSeconds = 0.0
    /// Seconds of the window solve (the optimizer's total).
    public var solveSeconds: Double { optimizer.totalSeconds }

    /// An empty summary.
    public init() {}
}
