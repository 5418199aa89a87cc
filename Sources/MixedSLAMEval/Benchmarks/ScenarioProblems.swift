import MixedSLAM

extension LoopClosureScenario where Pose == SE2<Double> {
    /// The pose graph as a ``Problem``: one SE(2) variable per pose (id = index) starting from
    /// `start` (default: the chained-odometry initial estimate), odometry and loop-closure
    /// between factors; pose 0 fixed (the default gauge).
    public func problem(startingFrom start: [SE2<Double>]? = nil, kernel: RobustKernel = .none) throws -> Problem {
        var problem = Problem()
        for (id, pose) in (start ?? initialEstimate).enumerated() { try problem.addSE2(id: id, pose) }
        for (index, edge) in (odometry + loopClosures).enumerated() {
            let information = try InformationMatrix(
                (0..<3).flatMap { r in (0..<3).map { c in edge.information[r, c] } }, dimension: 3)
            _ = try problem.add(BetweenFactorSE2(
                from: edge.from, to: edge.to, measurement: edge.measurement, information: information,
                kernel: index < odometry.count ? .none : kernel))
        }
        return problem
    }
}

extension LoopClosureScenario where Pose == SE3<Double> {
    /// The pose graph as a ``Problem``: one SE(3) variable per pose (id = index) starting from
    /// `start` (default: the chained-odometry initial estimate), odometry and loop-closure
    /// between factors; pose 0 fixed (the default gauge).
    public func problem(startingFrom start: [SE3<Double>]? = nil, kernel: RobustKernel = .none) throws -> Problem {
        var problem = Problem()
        for (id, pose) in (start ?? initialEstimate).enumerated() { try problem.addSE3(id: id, pose) }
        for (index, edge) in (odometry + loopClosures).enumerated() {
            let information = try InformationMatrix(
                (0..<6).flatMap { r in (0..<6).map { c in edge.information[r, c] } }, dimension: 6)
            _ = try problem.add(BetweenFactorSE3(
                from: edge.from, to: edge.to, measurement: edge.measurement, information: information,
                kernel: index < odometry.count ? .none : kernel))
        }
        return problem
    }
}
