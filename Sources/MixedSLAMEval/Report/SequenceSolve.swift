/// One solve of one problem of a sequence (loop closure or visual odometry) with one plan.
public struct SequenceSolve: Sendable, Codable, Equatable {
    /// Index of the problem in the sequence.
    public var problem: Int
    /// Poses (keyframes) of the problem: the x axis of solve time against problem size.
    public var poses: Int
    /// Plan name.
    public var plan: String
    /// ATE RMSE against ground truth, metres (alignment as the sequence defines it).
    public var ate: Double
    /// Final cost (fp64 evaluation).
    public var finalCost: Double
    /// Total solve seconds.
    public var totalSeconds: Double
    /// Linear-solve seconds.
    public var linearSolveSeconds: Double
    /// Nonlinear iterations.
    public var iterations: Int

    /// Creates a solve record; see each property.
    public init(
        problem: Int, poses: Int, plan: String, ate: Double, finalCost: Double,
        totalSeconds: Double, linearSolveSeconds: Double, iterations: Int
    ) {
        self.problem = problem
        self.poses = poses
        self.plan = plan
        self.ate = ate
        self.finalCost = finalCost
        self.totalSeconds = totalSeconds
        self.linearSolveSeconds = linearSolveSeconds
        self.iterations = iterations
    }
}
