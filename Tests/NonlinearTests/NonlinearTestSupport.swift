import Testing
import MixedSLAM
import MixedSLAMTestSupport

/// The dense m×n Jacobian of a linearization, assembled from its blocks.
func denseJacobian(_ lin: Linearization) -> [[Double]] {
    let s = lin.structure
    var j = [[Double]](repeating: [Double](repeating: 0, count: s.tangentDimension), count: s.residualDimension)
    for k in 0..<s.factorCount {
        let rows = s.residualDimension(ofFactor: k)
        for b in s.factorBlockOffsets[k]..<s.factorBlockOffsets[k + 1] {
            let v = s.blockVariables[b]
            let cols = s.tangentDimension(ofFreeVariable: v)
            let base = s.blockJacobianOffsets[b]
            for r in 0..<rows {
                for c in 0..<cols {
                    j[s.residualOffsets[k] + r][s.tangentOffsets[v] + c] = lin.jacobians[base + r * cols + c]
                }
            }
        }
    }
    return j
}

func residuals(_ problem: Problem, precision: Precision = .fp64) -> [Double] {
    var p = problem
    var lin = Linearization(structure: p.structure)
    p.linearize(precision: precision, into: &lin)
    return lin.residuals
}

/// Central differences of the whitened residual through the problem's own retraction, so the
/// check covers Jacobian and ⊞ convention together. Returns (analytic, numerical, scale).
func jacobianCheck(_ problem: Problem, step h: Double = 1e-6) throws -> (analytic: [[Double]], numerical: [[Double]], scale: Double) {
    var p = problem
    var lin = Linearization(structure: p.structure)
    p.linearize(precision: .fp64, into: &lin)
    let analytic = denseJacobian(lin)
    let n = lin.structure.tangentDimension
    var numerical = analytic.map { $0.map { _ in 0.0 } }
    for c in 0..<n {
        var d = [Double](repeating: 0, count: n)
        d[c] = h
        let plus = residuals(try p.retracted(by: d))
        d[c] = -h
        let minus = residuals(try p.retracted(by: d))
        for r in 0..<plus.count { numerical[r][c] = (plus[r] - minus[r]) / (2 * h) }
    }
    let scale = max(1, lin.residuals.map(abs).max() ?? 0, analytic.flatMap { $0 }.map(abs).max() ?? 0)
    return (analytic, numerical, scale)
}

/// Central-difference error bound: truncation ∝ h² plus roundoff ∝ u/h, times the problem's
/// magnitude (and a factor 10³ for the third derivatives of projections and log maps).
func finiteDifferenceTolerance(scale: Double, step h: Double = 1e-6) -> Double {
    1e3 * scale * (h * h + Double.ulpOfOne / h)
}

/// Checks that each phase of `summary` took time, that the phases add up to at most the total
/// (they are disjoint intervals inside it), and that the iterations' records add up to the
/// summary's linear-solve and update times and to at most its other phases (a linearization
/// that ends the solve has no record; the residual time also holds the initial and final
/// cost).
func expectDisjointPhases(_ summary: Summary, sourceLocation: SourceLocation = #_sourceLocation) {
    let phases = [
        ("residual", summary.residualSeconds), ("linearize", summary.linearizeSeconds),
        ("assembly", summary.assemblySeconds), ("analysis", summary.analysisSeconds),
        ("linear solve", summary.linearSolveSeconds), ("update", summary.updateSeconds),
    ]
    for (name, seconds) in phases { #expect(seconds > 0, "\(name)", sourceLocation: sourceLocation) }
    let sum = phases.reduce(0) { $0 + $1.1 }
    #expect(sum <= summary.totalSeconds, "phases \(sum) s, total \(summary.totalSeconds) s", sourceLocation: sourceLocation)
    let details = summary.iterationDetails
    func total(_ phase: KeyPath<IterationSummary, Double>) -> Double { details.reduce(0) { $0 + $1[keyPath: phase] } }
    for (phase, expected) in [(\IterationSummary.linearSolveSeconds, summary.linearSolveSeconds), (\.updateSeconds, summary.updateSeconds)] {
        #expect(abs(total(phase) - expected) <= 1e-9 * max(1, expected), sourceLocation: sourceLocation)
    }
    for (phase, bound) in [
        (\IterationSummary.linearizeSeconds, summary.linearizeSeconds), (\.assemblySeconds, summary.assemblySeconds),
        (\.residualSeconds, summary.residualSeconds),
    ] {
        #expect(total(phase) > 0 && total(phase) <= bound * (1 + 1e-9), sourceLocation: sourceLocation)
    }
}
