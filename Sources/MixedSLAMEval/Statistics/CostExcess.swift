/// How far a solver stopped above a reference's final cost on the same problem.
public enum CostExcess {
    /// (cost − reference) / reference; 0 when both are zero (a noise-free problem solved
    /// exactly by both) and +∞ when only the reference reached zero, so no ratio is NaN.
    public static func relative(_ cost: Double, over reference: Double) -> Double {
        guard reference != 0 else { return cost == 0 ? 0 : .infinity }
        return (cost - reference) / reference
    }

    /// `relative(_:over:)` for every `(problem, cost)` whose problem has a reference cost, in
    /// the order given.
    public static func relative(_ costs: [(problem: Int, cost: Double)], over reference: [Int: Double]) -> [Double] {
        costs.compactMap { entry in reference[entry.problem].map { relative(entry.cost, over: $0) } }
    }
}
