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

    /// Summarizes the solves of `plan` among `solves`.
    public init(plan: String, solves: [SequenceSolve]) {
        let mine = solves.filter { $0.plan == plan }
        self.plan = plan
        ate = SampleSummary(mine.map(\.ate))
        totalSeconds = SampleSummary(mine.map(\.totalSeconds))
        linearSolveSeconds = SampleSummary(mine.map(\.linearSolveSeconds))
        sumSeconds = mine.map(\.totalSeconds).reduce(0, +)
    }
}
