import SLAMGeometry

/// A pose type a ``PoseGraph`` can hold: `SE2<Double>` for planar robots, `SE3<Double>` for
/// everything else.
///
/// The requirements connect the pose type to its variable kind and factors in ``Problem``;
/// user code calls ``PoseGraph`` instead.
public protocol GraphPose: Sendable, Equatable {
    /// The tangent dimension: 3 for SE(2), 6 for SE(3).
    static var tangentDimension: Int { get }
    /// The composition `a * b` (apply `b` in the frame of `a`).
    static func * (a: Self, b: Self) -> Self
    /// The inverse pose.
    var inverse: Self { get }
    /// Adds variable `id` with value `pose` to `problem`.
    static func addVariable(id: Int, _ pose: Self, to problem: inout Problem) throws(ProblemError)
    /// The value of pose `id` in `problem`, or nil if there is no such pose of this type.
    static func value(of id: Int, in problem: Problem) -> Self?
    /// Adds the relative-pose factor `from⁻¹ * to ≈ measurement` to `problem`.
    static func addBetween(
        from: Int, to: Int, measurement: Self, information: InformationMatrix, kernel: RobustKernel,
        to problem: inout Problem) throws
    /// Adds the absolute-pose factor `pose(id) ≈ measurement` to `problem`.
    static func addPrior(id: Int, measurement: Self, information: InformationMatrix, to problem: inout Problem) throws
}

extension SE2: GraphPose where Scalar == Double {
    /// The tangent dimension of SE(2): 3 (x, y, θ).
    public static var tangentDimension: Int { 3 }

    /// Adds an SE(2) variable.
    public static func addVariable(id: Int, _ pose: SE2<Double>, to problem: inout Problem) throws(ProblemError) {
        try problem.addSE2(id: id, pose)
    }

    /// The SE(2) value of `id`.
    public static func value(of id: Int, in problem: Problem) -> SE2<Double>? { problem.se2(id) }

    /// Adds a ``BetweenFactorSE2``.
    public static func addBetween(
        from: Int, to: Int, measurement: SE2<Double>, information: InformationMatrix, kernel: RobustKernel,
        to problem: inout Problem
    ) throws {
        try problem.add(
            BetweenFactorSE2(from: from, to: to, measurement: measurement, information: information, kernel: kernel))
    }

    /// Adds a ``PriorFactorSE2``.
    public static func addPrior(
        id: Int, measurement: SE2<Double>, information: InformationMatrix, to problem: inout Problem
    ) throws {
        try problem.add(PriorFactorSE2(variable: id, measurement: measurement, information: information))
    }
}

extension SE3: GraphPose where Scalar == Double {
    /// The tangent dimension of SE(3): 6 (translation, then rotation).
    public static var tangentDimension: Int { 6 }

    /// Adds an SE(3) variable.
    public static func addVariable(id: Int, _ pose: SE3<Double>, to problem: inout Problem) throws(ProblemError) {
        try problem.addSE3(id: id, pose)
    }

    /// The SE(3) value of `id`.
    public static func value(of id: Int, in problem: Problem) -> SE3<Double>? { problem.se3(id) }

    /// Adds a ``BetweenFactorSE3`` with the GTSAM (log-map) error.
    public static func addBetween(
        from: Int, to: Int, measurement: SE3<Double>, information: InformationMatrix, kernel: RobustKernel,
        to problem: inout Problem
    ) throws {
        try problem.add(
            BetweenFactorSE3(from: from, to: to, measurement: measurement, information: information, kernel: kernel))
    }

    /// Adds a ``PriorFactorSE3``.
    public static func addPrior(
        id: Int, measurement: SE3<Double>, information: InformationMatrix, to problem: inout Problem
    ) throws {
        try problem.add(PriorFactorSE3(variable: id, measurement: measurement, information: information))
    }
}
