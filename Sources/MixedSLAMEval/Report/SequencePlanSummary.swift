/// One plan's results over a whole sequence, reduced to what the report tables show.
public struct SequencePlanSummary: Sendable, Codable, Equatable {
    /// Plan name.
    public var plan: String
    /// ATE RMSE over the problems, metres.
    public var ate: SampleSummary
    /// Total solve seconds over the problems.
    public var totalSeconds: SampleSummary
    /// Linear-solve seconds over the problems.
    public var linearSolveSeconds: SampleSummary
    /// Sum of the total solve seconds of every problem.
    public var sumSeconds: Double
    /// (final cost − fp64's final cost) / fp64's final cost over the problems fp64 solved too
    /// (``CostExcess/relative(_:over:)``); nil when fp64 did not run. ATE cannot say which plan converged further (a less
    /// converged solution may sit nearer the truth), the cost can.
    public var finalCostExcess: SampleSummary?

    /// Summarizes the solves of `plan` among `solves`.
    public init(plan: String, solves: [SequenceSolve]) {
        let mine = solves.filter { $0.plan == plan }
        self.plan = plan
        ate = SampleSummary(mine.map(\.ate))
        totalSeconds = SampleSummary(mine.map(\.totalSeconds))
        linearSolveSeconds = SampleSummary(mine.map(\.linearSolveSeconds))
        sumSeconds = mine.map(\.totalSeconds).reduce(0, +)
        var fp64Cost: [Int: Double] = [:]
        for solve in solves where solve.plan == "fp64" { fp64Cost[solve.problem] = solve.finalCost }
        finalCostExcess = fp64Cost.isEmpty
            ? nil : SampleSummary(CostExcess.relative(mine.map { (problem: $0.problem, cost: $0.finalCost) }, over: fp64Cost))
    }
}
