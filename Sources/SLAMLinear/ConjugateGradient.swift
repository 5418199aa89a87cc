/// Preconditioned conjugate gradients on fp32 vectors for symmetric positive definite systems.
///
/// Every vector operation is fp32; the operator and preconditioner choose their own precision.
/// Rounding makes the recursively updated residual drift from the true one, so every
/// ``Options/residualReplacementInterval`` iterations the true residual b − A x is recomputed.
/// Workspace is allocated once per dimension and reused across solves.
public struct ConjugateGradient: Sendable {
    /// When to stop.
    public struct Options: Sendable, Equatable, Codable {
        /// Stop when ‖r‖ ≤ relativeTolerance · ‖b‖ (the inexact-Newton forcing term). Default 1e-6.
        public var relativeTolerance: Double = 1e-6
        /// Hard iteration limit. Default 500.
        public var maxIterations: Int = 500
        /// Recompute the true residual b − A x every this many iterations. Default 50.
        public var residualReplacementInterval: Int = 50
        /// Stop as stagnated when the best residual has not improved for this many iterations.
        /// Default 50.
        public var stagnationWindow: Int = 50

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// Why the iteration stopped.
    public enum Termination: String, Sendable, Codable, Equatable {
        /// The residual reached the tolerance.
        case converged
        /// The iteration limit was hit before the tolerance.
        case maxIterations
        /// The residual stopped decreasing (the precision's noise floor was reached).
        case stagnated
        /// pᵀ A p ≤ 0: the operator is not positive definite along a search direction.
        case indefinite
        /// A NaN or infinity appeared (overflow in a low-precision product).
        case nonFinite
    }

    /// The outcome of one solve.
    public struct Report: Sendable, Equatable {
        /// Iterations run.
        public var iterations = 0
        /// ‖b − A x‖ / ‖b‖ of the returned x (recursive residual; true after a replacement).
        public var relativeResidual = 0.0
        /// Number of true-residual recomputations.
        public var residualReplacements = 0
        /// Why it stopped.
        public var termination = Termination.converged
    }

    /// The stopping rules.
    public var options: Options
    private var r: [Float] = []
    private var z: [Float] = []
    private var p: [Float] = []
    private var q: [Float] = []

    /// Creates a solver with the given options.
    public init(options: Options = Options()) { self.options = options }

    /// Solves A x = b starting from x = 0; `x` is resized to the dimension. On indefiniteness
    /// or a non-finite value the last finite iterate is returned (zero if there is none).
    /// Errors thrown by the operator or preconditioner propagate.
    public mutating func solve<A: LinearOperator, M: Preconditioner>(
        _ a: inout A, preconditioner m: inout M, rhs b: [Float], solution x: inout [Float]
    ) throws -> Report {
        let n = a.dimension
        precondition(b.count == n && m.dimension == n, "ConjugateGradient: dimension mismatch")
        if r.count != n {
            r = [Float](repeating: 0, count: n)
            z = r
            p = r
            q = r
        }
        x = [Float](repeating: 0, count: n)
        var report = Report()
        for k in 0..<n { r[k] = b[k] }
        let normB = Double(dot(b, b)).squareRoot()
        guard normB > 0, normB.isFinite else {
            report.termination = normB == 0 ? .converged : .nonFinite
            return report
        }
        let target = options.relativeTolerance * normB
        try m.apply(r, into: &z)
        for k in 0..<n { p[k] = z[k] }
        var rz = dot(r, z)
        var residualNorm = normB
        var bestNorm = normB
        var bestIteration = 0
        report.termination = .maxIterations
        while report.iterations < options.maxIterations {
            if residualNorm <= target {
                report.termination = .converged
                break
            }
            try a.apply(p, into: &q)
            let pq = dot(p, q)
            guard pq.isFinite, rz.isFinite else {
                report.termination = .nonFinite
                break
            }
            guard pq > 0 else {
                report.termination = .indefinite
                break
            }
            let alpha = rz / pq
            axpy(alpha, p, &x)
            report.iterations += 1
            if report.iterations % options.residualReplacementInterval == 0 {
                try a.apply(x, into: &q)
                for k in 0..<n { r[k] = b[k] - q[k] }
                report.residualReplacements += 1
            } else {
                axpy(-alpha, q, &r)
            }
            residualNorm = Double(dot(r, r)).squareRoot()
            guard residualNorm.isFinite else {
                axpy(-alpha, p, &x)
                report.iterations -= 1
                report.termination = .nonFinite
                break
            }
            if residualNorm < bestNorm {
                bestNorm = residualNorm
                bestIteration = report.iterations
            } else if report.iterations - bestIteration >= options.stagnationWindow {
                report.termination = .stagnated
                break
            }
            try m.apply(r, into: &z)
            let rzNext = dot(r, z)
            let beta = rzNext / rz
            rz = rzNext
            for k in 0..<n { p[k] = z[k] + beta * p[k] }
        }
        report.relativeResidual = residualNorm / normB
        return report
    }

    private func dot(_ x: [Float], _ y: [Float]) -> Float {
        x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in VectorMath.dot(x, y) } }
    }

    private func axpy(_ alpha: Float, _ x: [Float], _ y: inout [Float]) {
        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in VectorMath.axpy(alpha, x, y) } }
    }
}
