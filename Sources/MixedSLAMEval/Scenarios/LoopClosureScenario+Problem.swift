import MixedSLAM

extension LoopClosureScenario where Pose == SE2<Double> {
    /// The pose graph as a ``Problem``: SE(2) pose k has variable id k, initialized from
    /// `initialValues` (default ``initialEstimate``, the chained odometry); one
    /// ``BetweenFactorSE2`` per odometry edge, then one per loop closure (in ``loopClosures``
    /// order) with `loopClosureKernel`. The gauge is the problem's default, the first pose fixed.
    ///
    /// Throws if `initialValues` does not hold ``poseCount`` poses or a factor is rejected.
    public func makeProblem(
        initialValues: [SE2<Double>]? = nil, loopClosureKernel: RobustKernel = .none
    ) throws -> Problem {
        let values = initialValues ?? initialEstimate
        guard values.count == poseCount else {
            throw EvaluationError.lengthMismatch(estimated: values.count, reference: poseCount)
        }
        var problem = Problem()
        for (id, pose) in values.enumerated() {
            try problem.addSE2(id: id, pose)
        }
        for edge in odometry {
            try problem.add(
                BetweenFactorSE2(
                    from: edge.from, to: edge.to, measurement: edge.measurement,
                    information: try informationMatrix(edge.information)))
        }
        for edge in loopClosures {
            try problem.add(
                BetweenFactorSE2(
                    from: edge.from, to: edge.to, measurement: edge.measurement,
                    information: try informationMatrix(edge.information), kernel: loopClosureKernel))
        }
        return problem
    }
}

extension LoopClosureScenario where Pose == SE3<Double> {
    /// The pose graph as a ``Problem``: SE(3) pose k has variable id k, initialized from
    /// `initialValues` (default ``initialEstimate``); one ``BetweenFactorSE3`` (log-map error,
    /// the convention the scenario's noise model matches) per odometry edge, then one per loop
    /// closure with `loopClosureKernel`. The gauge is the problem's default, the first pose fixed.
    ///
    /// Throws if `initialValues` does not hold ``poseCount`` poses or a factor is rejected.
    public func makeProblem(
        initialValues: [SE3<Double>]? = nil, loopClosureKernel: RobustKernel = .none
    ) throws -> Problem {
        let values = initialValues ?? initialEstimate
        guard values.count == poseCount else {
            throw EvaluationError.lengthMismatch(estimated: values.count, reference: poseCount)
        }
        var problem = Problem()
        for (id, pose) in values.enumerated() {
            try problem.addSE3(id: id, pose)
        }
        for edge in odometry {
            try problem.add(
                BetweenFactorSE3(
                    from: edge.from, to: edge.to, measurement: edge.measurement,
                    information: try informationMatrix(edge.information), error: .logMap))
        }
        for edge in loopClosures {
            try problem.add(
                BetweenFactorSE3(
                    from: edge.from, to: edge.to, measurement: edge.measurement,
                    information: try informationMatrix(edge.information), kernel: loopClosureKernel,
                    error: .logMap))
        }
        return problem
    }
}

/// The 3×3 information matrix in the nonlinear layer's row-major form.
func informationMatrix(_ m: Matrix3<Double>) throws -> InformationMatrix {
    try InformationMatrix((0..<9).map { m[$0 / 3, $0 % 3] }, dimension: 3)
}

/// The 6×6 information matrix in the nonlinear layer's row-major form.
func informationMatrix(_ m: Matrix6<Double>) throws -> InformationMatrix {
    try InformationMatrix((0..<36).map { m[$0 / 6, $0 % 6] }, dimension: 6)
}
