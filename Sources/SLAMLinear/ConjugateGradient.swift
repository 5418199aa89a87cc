/// Preconditioned conjugate gradients on fp32 vectors for symmetric positive definite systems.
///
/// Every vector operation is fp32; the operator and preconditioner choose their own precision.
/// Rounding makes the recursively updated residual drift from the true one, so every
/// ``Options/residualReplacementInterval`` iterations the true residual b − A x is recomputed.
/// Workspace is allocated once per dimension and reused across solves.
///
/// Besides the residual norm, CG tracks the decrease of its quadratic q(x) = ½ xᵀA x − bᵀx:
/// iteration i lowers q by ½ αᵢ rᵢᵀzᵢ, and the decrease of the next d iterations estimates the
/// remaining energy-norm error ½‖x* − xₖ‖²_A (Hestenes-Stiefel; Strakoš and Tichý, 2002). On an
/// ill-conditioned system the residual norm can stall or grow for hundreds of iterations while
/// q still falls steadily, so the energy is the sound measure of both convergence
/// (``Options/energyTolerance``) and stagnation (``StagnationTest/energy``).
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
        /// What stagnation means. Default ``StagnationTest/residualNorm``.
        public var stagnationTest = StagnationTest.residualNorm
        /// Also stop as converged when the decrease of q over the last ``energyDelay``
        /// iterations is at most this fraction of the total decrease so far (the estimated
        /// relative energy-norm error squared). Default 0: off.
        public var energyTolerance: Double = 0
        /// Delay d of the energy-error estimate. Default 10.
        public var energyDelay: Int = 10

        /// Creates options with the documented defaults.
        public init() {}

        /// Checks every option's range: tolerances finite and ≥ 0, at least 0 iterations, and
        /// a residual replacement interval, stagnation window and energy delay of at least 1
        /// (a window longer than `maxIterations` never triggers, so `Int.max` turns it off).
        /// ``ConjugateGradient/solve(_:preconditioner:rhs:solution:)`` calls it first.
        /// - Throws: ``LinearSolverError/invalidOption(_:)`` naming the option.
        public func validate() throws(LinearSolverError) {
            for (name, value) in [("relativeTolerance", relativeTolerance), ("energyTolerance", energyTolerance)]
            where !(value >= 0 && value.isFinite) {
                throw .invalidOption("\(name) must be finite and ≥ 0")
            }
            guard maxIterations >= 0 else { throw .invalidOption("maxIterations must be ≥ 0") }
            for (name, value) in [
                ("residualReplacementInterval", residualReplacementInterval), ("stagnationWindow", stagnationWindow),
                ("energyDelay", energyDelay),
            ] where value < 1 {
                throw .invalidOption("\(name) must be ≥ 1")
            }
        }
    }

    /// When an iteration counts as stagnated.
    public enum StagnationTest: String, Sendable, Codable, Equatable {
        /// The best residual norm has not improved for ``Options/stagnationWindow`` iterations.
        case residualNorm
        /// The decrease of q over the last ``Options/stagnationWindow`` iterations is within
        /// fp32 rounding of q itself: the iterates no longer improve in the energy norm.
        case energy
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
        /// q(0) − q(x) = Σ ½ αᵢ rᵢᵀzᵢ: the decrease of the quadratic achieved by x.
        public var energyDecrease = 0.0
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
        try options.validate()
        let n = a.dimension
        guard b.count == n else { throw LinearSolverError.dimensionMismatch(expected: n, actual: b.count) }
        guard m.dimension == n else { throw LinearSolverError.dimensionMismatch(expected: n, actual: m.dimension) }
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
        // Per-iteration decreases of q, kept for the longer of the two windows: a ring that
        // grows with the iterations made, so a window longer than any solve costs nothing.
        let history = max(options.energyDelay, options.stagnationWindow, 1)
        var decreases: [Double] = []
        decreases.reserveCapacity(min(history, options.maxIterations, 4096))
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
            let decrease = 0.5 * Double(alpha) * Double(rz)
            if decreases.count < history {
                decreases.append(decrease)
            } else {
                decreases[(report.iterations - 1) % history] = decrease
            }
            report.energyDecrease += decrease
            func recentDecrease(_ count: Int) -> Double {
                var sum = 0.0
                for i in 0..<min(count, report.iterations) { sum += decreases[(report.iterations - 1 - i) % history] }
                return sum
            }
            if options.energyTolerance > 0, report.iterations >= options.energyDelay,
               recentDecrease(options.energyDelay) <= options.energyTolerance * report.energyDecrease {
                report.termination = .converged
                break
            }
            if residualNorm < bestNorm {
                bestNorm = residualNorm
                bestIteration = report.iterations
            }
            if report.iterations >= options.stagnationWindow {
                switch options.stagnationTest {
                case .residualNorm where report.iterations - bestIteration >= options.stagnationWindow,
                     .energy where recentDecrease(options.stagnationWindow) <= Double(Float.ulpOfOne) * report.energyDecrease:
                    report.termination = .stagnated
                default: break
                }
                if report.termination == .stagnated { break }
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
