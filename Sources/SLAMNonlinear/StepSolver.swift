import SLAMLinear
import SLAMSparse

/// What the optimizer needs of a nonlinear least-squares problem: its cost, a state it can
/// snapshot and restore (to undo rejected steps), and the fp64 retraction x ← x ⊞ δ.
public protocol LeastSquaresProblem {
    /// A snapshot of every variable's value.
    associatedtype State
    /// The current values of the variables, as a snapshot ``restore(_:)`` puts back.
    var snapshot: State { get }
    /// Puts back a ``snapshot`` of this problem; throws for one it cannot hold.
    mutating func restore(_ snapshot: State) throws
    /// Length of the stacked tangent vector δ of the free variables.
    var freeDimension: Int { mutating get }
    /// Cost ½ Σ ρ(‖S e‖²) at the current state, residuals evaluated in `precision`.
    func cost(precision: Precision) -> Double
    /// x ← x ⊞ δ for the free variables, in fp64; δ is stacked in the problem's free-variable
    /// order. Throws, with the state unchanged, for a δ it cannot apply (wrong length, NaN).
    mutating func retract(by delta: [Double]) throws
}

/// The gradient information of one linearization.
public struct LinearizationResult: Sendable {
    /// ‖Jᵀ r‖∞.
    public var gradientMaxNorm: Double
    /// fp16 casts that overflowed while preparing the linear system.
    public var halfOverflows = 0
    /// fp16 casts that flushed to zero or subnormal.
    public var halfUnderflows = 0
    /// Gradient or Hessian-diagonal entries that came out NaN or infinite because residuals or
    /// Jacobians overflowed the plan's residual precision (below fp64) where fp64's do not.
    /// Such a linearization cannot give a step: LM redoes it in fp64 under a switching plan,
    /// and otherwise stops with ``TerminationReason/residualOverflow``.
    public var nonFiniteEntries = 0

    /// Creates a result.
    public init(gradientMaxNorm: Double, halfOverflows: Int = 0, halfUnderflows: Int = 0, nonFiniteEntries: Int = 0) {
        self.gradientMaxNorm = gradientMaxNorm
        self.halfOverflows = halfOverflows
        self.halfUnderflows = halfUnderflows
        self.nonFiniteEntries = nonFiniteEntries
    }
}

extension LinearizationResult {
    /// The result for a gradient `g` and Hessian diagonal `d` with NaN or infinite entries, or
    /// `nil` when every entry is finite. Below fp64 the plan's residual precision overflowed
    /// (fp16's count as fp16 overflows too) and the result says so; an fp64 linearization
    /// that is not finite is an error.
    /// - Throws: ``LinearSolverError/nonFinite(_:)`` naming `what` for an fp64 residual plan.
    static func overflow(gradient g: [Double], diagonal d: [Double], plan: PrecisionPlan, what: String) throws
        -> LinearizationResult?
    {
        let nonFinite = g.count(where: { !$0.isFinite }) + d.count(where: { !$0.isFinite })
        guard nonFinite > 0 else { return nil }
        guard plan.residual < .fp64 else { throw LinearSolverError.nonFinite(what) }
        return LinearizationResult(
            gradientMaxNorm: .infinity, halfOverflows: plan.residual == .fp16 ? nonFinite : 0,
            nonFiniteEntries: nonFinite)
    }
}

/// A computed step δ for (JᵀJ + λ D) δ = −Jᵀ r and what it cost.
public struct StepResult: Sendable {
    /// The step, in the problem's free-variable order.
    public var delta: [Double]
    /// The model decrease m(0) − m(δ) = −gᵀδ − ½ ‖J δ‖², computed in fp64.
    public var predictedDecrease: Double
    /// Linear-solver iterations (1 for a direct solve).
    public var iterations: Int
    /// How the linear solve ended: `direct`, or a ``ConjugateGradient/Termination`` name.
    public var termination: String
    /// fp16 casts that overflowed during the solve (preconditioner, products).
    public var halfOverflows = 0
    /// fp16 casts that flushed to zero or subnormal during the solve.
    public var halfUnderflows = 0
    /// Diagonal shift the incomplete factorization needed, if it was (re)computed.
    public var preconditionerShift: Double?
    /// Whether a preconditioner was factored for this step.
    public var factoredPreconditioner = false
    /// Whether that factorization fell back to fp64 after its fp32 one broke down (the
    /// lagged Schur preconditioner's reduced camera system).
    public var preconditionerFactoredInFP64 = false
    /// Whether the preconditioner's coarse correction was dropped during this solve because
    /// its first CG solve failed or did not lower the fp64 model.
    public var droppedCoarseCorrection = false
    /// Whether the solver vouches for this step. An iterative solve that stopped short of its
    /// forcing term says whether its truncated step is still worth taking. The pose-graph
    /// PCG's is not: taking such steps whenever their gain ratio reached 0.25, parking-garage's
    /// fp32 and mixed plans crawled through 79–98 LM iterations (14–16 s), against 12–13
    /// iterations and 2–3 s with direct fallbacks (8–9 and 2 s with the 10× λ decrease). Bundle adjustment's CGNR's is: falling back
    /// on every truncated CGNR step (490–532 in 200 VO windows) made the windows 10–15 %
    /// slower and no more accurate. The optimizer solves an untrusted step's damping directly
    /// (``LevenbergMarquardt/Options/directFallback``).
    public var isTrusted = true

    /// Creates a result.
    public init(delta: [Double], predictedDecrease: Double, iterations: Int, termination: String) {
        self.delta = delta
        self.predictedDecrease = predictedDecrease
        self.iterations = iterations
        self.termination = termination
    }
}

/// The linear-algebra half of a trust-region iteration: linearize at the current state,
/// then solve the damped normal equations for as many damping values as the optimizer tries.
///
/// Implementations own their workspaces and symbolic analyses, so reusing one step solver
/// for repeated solves of the same structure skips that work.
public protocol StepSolver {
    /// The problem type this solver linearizes.
    associatedtype Problem: LeastSquaresProblem
    /// Name of the linear solver for a plan (`cholmod`, `pcg-ic`, ...).
    func linearSolverName(for plan: PrecisionPlan) -> String
    /// Symbolic analyses done from scratch since creation.
    var symbolicAnalyses: Int { get }
    /// Symbolic analyses that extended an earlier one to a grown problem since creation.
    var extendedAnalyses: Int { get }
    /// Seconds spent in symbolic analysis since creation.
    var analysisSeconds: Double { get }
    /// Seconds spent building linear systems from linearizations since creation (normal
    /// equations, layouts, casts), inside ``linearize(_:plan:)`` or ``solve(damping:plan:)``.
    var assemblySeconds: Double { get }
    /// Linearizes at the problem's current state with residuals in `plan.residual`.
    mutating func linearize(_ problem: inout Problem, plan: PrecisionPlan) throws -> LinearizationResult
    /// Solves (JᵀJ + λ D) δ = −Jᵀ r for the last linearization, D as `damping` says.
    mutating func solve(damping: Damping, plan: PrecisionPlan) throws -> StepResult
    /// Checks the solver's options before a solve starts.
    func validateOptions() throws(OptimizerError)
}

extension StepSolver {
    /// Solvers without options to check accept everything.
    public func validateOptions() throws(OptimizerError) {}
    /// Solvers without incremental analysis never extend one.
    public var extendedAnalyses: Int { 0 }
    /// Solvers that do not time their analysis report none.
    public var analysisSeconds: Double { 0 }
    /// Solvers that do not time their assembly report none.
    public var assemblySeconds: Double { 0 }
}

/// The damping term λ D of one Levenberg-Marquardt step.
public struct Damping: Sendable, Equatable {
    /// How D is chosen.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// D = diag(JᵀJ) clamped to [minDiagonal, maxDiagonal]: Marquardt's scaling (Ceres).
        case marquardt
        /// D = I: Levenberg's damping (GTSAM's default).
        case levenberg
    }

    /// λ.
    public var lambda: Double
    /// The choice of D.
    public var kind: Kind
    /// Lower clamp of diag(JᵀJ) (Marquardt).
    public var minDiagonal: Double
    /// Upper clamp of diag(JᵀJ) (Marquardt).
    public var maxDiagonal: Double

    /// Creates a damping term.
    public init(lambda: Double, kind: Kind = .marquardt, minDiagonal: Double = 1e-6, maxDiagonal: Double = 1e32) {
        self.lambda = lambda
        self.kind = kind
        self.minDiagonal = minDiagonal
        self.maxDiagonal = maxDiagonal
    }

    /// λ D as a vector, given diag(JᵀJ).
    public func shift(diagonal: [Double]) -> [Double] {
        switch kind {
        case .marquardt: return diagonal.map { lambda * min(max($0, minDiagonal), maxDiagonal) }
        case .levenberg: return [Double](repeating: lambda, count: diagonal.count)
        }
    }
}
