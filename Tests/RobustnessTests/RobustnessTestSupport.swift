import Foundation
import MixedSLAM
import MixedSLAMTestSupport

/// The fp64 values of variable `id` (pose translation and rotation components, point
/// coordinates or camera parameters).
func values(of id: Int, in problem: Problem) -> [Double] {
    if let x = problem.se2(id) { return [x.translation.x, x.translation.y, x.rotation.cosine, x.rotation.sine] }
    if let x = problem.se3(id) {
        return [x.translation.x, x.translation.y, x.translation.z, x.rotation.w]
            + [x.rotation.vector.x, x.rotation.vector.y, x.rotation.vector.z]
    }
    if let p = problem.point3(id) { return [p.x, p.y, p.z] }
    if let c = problem.balCamera(id) { return c.parameters }
    return []
}

/// Every fp64 value of every variable in variable order: what two identical solves must
/// reproduce bit for bit.
func stateValues(_ problem: Problem) -> [Double] {
    problem.variableIDs.flatMap { values(of: $0, in: problem) }
}

/// Ids of variables with a NaN or infinite component; empty when the state is sound.
func nonFiniteVariables(_ problem: Problem) -> [Int] {
    problem.variableIDs.filter { !values(of: $0, in: problem).allSatisfy(\.isFinite) }
}

/// Solves a pose graph in place with Levenberg-Marquardt and the pose-graph step solver.
@discardableResult
func solvePoseGraph(
    _ problem: inout Problem, _ preset: PrecisionPlan.Preset, options: LevenbergMarquardt.Options = .init(),
    solverOptions: PoseGraphStepSolver.Options = .init()
) throws -> Summary {
    var solver = PoseGraphStepSolver(options: solverOptions)
    return try LevenbergMarquardt(options: options).minimize(
        &problem, plan: .preset(preset, for: .poseGraph), stepSolver: &solver)
}

/// A planar loop of `count` poses on a circle of `radius` metres: odometry i → i+1, a loop
/// closure every 5 poses back to pose i − 3, diagonal information `information` on every
/// edge, measurements exact and the start perturbed by `drift`, so the optimum has cost 0.
func circleGraph(
    count: Int, radius: Double = 10, information: [Double] = [100, 100, 400], drift: Double = 0.05, seed: UInt64 = 1
) throws -> Problem {
    var random = SeededGenerator(seed: seed)
    let truth = (0..<count).map { i -> SE2<Double> in
        let a = 2 * Double.pi * Double(i) / Double(count)
        return SE2(x: radius * cos(a), y: radius * sin(a), theta: a + .pi / 2)
    }
    var problem = Problem()
    for (i, x) in truth.enumerated() {
        let d = i == 0 ? 0 : drift
        try problem.addSE2(
            id: i, x * SE2(x: random.uniform(-d...d), y: random.uniform(-d...d), theta: random.uniform(-d...d)))
    }
    let omega = try InformationMatrix(
        [information[0], 0, 0, 0, information[1], 0, 0, 0, information[2]], dimension: 3)
    var pairs = (0..<(count - 1)).map { ($0, $0 + 1) }
    for j in stride(from: 5, to: count, by: 5) { pairs.append((j - 3, j)) }
    for (i, j) in pairs {
        try problem.add(BetweenFactorSE2(from: i, to: j, measurement: truth[i].inverse * truth[j], information: omega))
    }
    return problem
}
