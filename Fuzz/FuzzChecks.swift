import MixedSLAM

/// Checks shared by the fuzz targets. A violated invariant calls `fatalError`, which
/// libFuzzer reports as a crash and saves the input.
enum FuzzChecks {
    /// Most variables of a problem the targets solve, so one input stays a few milliseconds.
    static let maxVariables = 32
    /// Most factors of a problem the targets solve.
    static let maxFactors = 128

    /// Evaluates the cost and, for a small problem with a finite cost, runs three
    /// Levenberg-Marquardt iterations with the solver family the problem needs; every
    /// variable of the result must be finite.
    static func solveSmall(_ problem: inout Problem) {
        let cost = problem.cost(precision: .fp64)
        guard cost.isFinite, problem.variableCount <= maxVariables, problem.factorCount <= maxFactors else { return }
        var options = LevenbergMarquardt.Options()
        options.maxIterations = 3
        let optimizer = LevenbergMarquardt(options: options)
        let isBundleAdjustment = problem.variableIDs.contains { problem.kind(of: $0) == .balCamera }
        do {
            if isBundleAdjustment {
                var solver = BundleAdjustmentStepSolver()
                _ = try optimizer.minimize(&problem, plan: .preset(.mixed, for: .bundleAdjustment), stepSolver: &solver)
            } else {
                var solver = PoseGraphStepSolver()
                _ = try optimizer.minimize(&problem, plan: .preset(.mixed, for: .poseGraph), stepSolver: &solver)
            }
        } catch {
            return
        }
        for id in problem.variableIDs where !isFinite(problem, id) {
            fatalError("variable \(id) is not finite after a solve")
        }
    }

    /// Whether every fp64 component of variable `id` is finite.
    static func isFinite(_ problem: Problem, _ id: Int) -> Bool {
        var values: [Double] = []
        if let x = problem.se2(id) { values = [x.translation.x, x.translation.y, x.rotation.cosine, x.rotation.sine] }
        if let x = problem.se3(id) {
            values = [x.translation.x, x.translation.y, x.translation.z, x.rotation.w]
                + [x.rotation.vector.x, x.rotation.vector.y, x.rotation.vector.z]
        }
        if let p = problem.point3(id) { values = [p.x, p.y, p.z] }
        if let c = problem.balCamera(id) { values = c.parameters }
        return values.allSatisfy(\.isFinite)
    }
}
