import MixedSLAM

extension LoopClosureScenario {
    /// The pose graph as a ``Problem``: pose k has variable id k, initialized from
    /// `initialValues` (default ``initialEstimate``, the chained odometry); one between factor
    /// per odometry edge, then one per loop closure (in ``loopClosures`` order) with
    /// `loopClosureKernel`. SE(3) factors use the log-map error, the convention the scenario's
    /// noise model matches. The gauge is the problem's default, the first pose fixed.
    ///
    /// Throws if `initialValues` does not hold ``poseCount`` poses or a factor is rejected.
    public func makeProblem(initialValues: [Pose]? = nil, loopClosureKernel: RobustKernel = .none) throws -> Problem {
        let values = initialValues ?? initialEstimate
        guard values.count == poseCount else {
            throw EvaluationError.lengthMismatch(estimated: values.count, reference: poseCount)
        }
        var problem = Problem()
        for (id, pose) in values.enumerated() {
            try Pose.addVariable(id: id, pose, to: &problem)
        }
        for (edges, kernel) in [(odometry, RobustKernel.none), (loopClosures, loopClosureKernel)] {
            for edge in edges {
                try Pose.addBetween(
                    from: edge.from, to: edge.to, measurement: edge.measurement,
                    information: try Pose.informationMatrix(edge.information), kernel: kernel, to: &problem)
            }
        }
        return problem
    }
}
