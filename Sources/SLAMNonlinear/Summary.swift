import Foundation
import SLAMSparse

/// Why a nonlinear solve stopped.
public enum TerminationReason: String, Sendable, Codable, Equatable {
    /// Relative cost decrease fell below ``LevenbergMarquardt/Options/functionTolerance``, or
    /// below what the plan's residual precision resolves (``LevenbergMarquardt/Options/singleNoiseFloor``).
    case functionTolerance
    /// The gradient's max-norm fell below ``LevenbergMarquardt/Options/gradientTolerance``.
    case gradientTolerance
    /// The step became smaller than ``LevenbergMarquardt/Options/parameterTolerance``.
    case parameterTolerance
    /// The iteration limit was reached.
    case maxIterations
    /// The time budget was exhausted.
    case timeBudget
    /// The damping grew past its limit without an acceptable step: no further progress possible.
    case noProgress
    /// The cost is zero (a consistent problem): nothing left to minimize.
    case zeroCost
    /// The problem has no free variables or no factors.
    case nothingToSolve
    /// Residuals or Jacobians overflow the plan's residual precision (naive fp16 with large
    /// information; fp32 only near 1e38) and the plan cannot switch: the state is left where
    /// the overflow was met (the start, when the initial cost overflows).
    case residualOverflow
}

/// One precision change made by the `adaptive` plan, and why.
public struct PrecisionSwitch: Sendable, Codable, Equatable {
    /// The first iteration that ran at the new precision.
    public var iteration: Int
    /// Component switched (`residual`, `matrixVector`, `triangularSolve`, `vectors`, `linearSolver`).
    public var component: String
    /// Precision before.
    public var from: Precision
    /// Precision after.
    public var to: Precision
    /// Why (`overflow`, `cgStagnation`, `rejectedStep`, `poorStep`, `noiseFloor`, `nonFiniteStep`,
    /// `linearSolverFailure`).
    public var reason: String

    /// Creates a record of one switch.
    public init(iteration: Int, component: String, from: Precision, to: Precision, reason: String) {
        self.iteration = iteration
        self.component = component
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// What happened in one nonlinear iteration (accepted or rejected step).
public struct IterationSummary: Sendable, Codable, Equatable {
    /// Iteration number, from 1.
    public var iteration = 0
    /// Cost before the step.
    public var cost = 0.0
    /// Cost after the step if accepted, else the trial cost.
    public var newCost = 0.0
    /// Damping λ used for the step.
    public var lambda = 0.0
    /// Gain ratio ρ = actual / predicted decrease.
    public var gainRatio = 0.0
    /// Whether the step was accepted.
    public var accepted = false
    /// ‖δ‖₂ of the step.
    public var stepNorm = 0.0
    /// ‖g‖∞ of the gradient at the start of the iteration.
    public var gradientMaxNorm = 0.0
    /// Linear solver iterations (CG), 1 for a direct solve.
    public var linearIterations = 0
    /// How the linear solver ended (e.g. `direct`, `converged`, `stagnated`).
    public var linearTermination = ""
    /// The plan in force for this iteration.
    public var plan = ""
    /// Why the plan's iterative solve failed when the direct fp64 solve produced this step
    /// instead (``LevenbergMarquardt/Options/directFallback``): `stagnated`, `maxIterations`,
    /// `nonFiniteStep` or `linearSolverFailure`; empty otherwise.
    public var directFallbackReason = ""
    /// Seconds in residual/Jacobian evaluation, assembly, linear solve, update (retraction)
    /// and the trial step's residual-only evaluation, as in ``Summary``.
    public var linearizeSeconds = 0.0, assemblySeconds = 0.0, linearSolveSeconds = 0.0, updateSeconds = 0.0,
        residualSeconds = 0.0

    /// Creates an empty record.
    public init() {}
}

/// The outcome of a nonlinear solve, modeled on Ceres' `Solver::Summary`.
public struct Summary: Sendable, Codable, Equatable {
    /// Name of the plan requested (`fp64`, `mixed`, …).
    public var planName = ""
    /// Linear solver used (`cholmod`, `pcg-ic`, `cgnr`, `dense-schur`).
    public var linearSolver = ""
    /// Cost ½ Σ ρ(‖S e‖²) at the start.
    public var initialCost = 0.0
    /// Cost at the returned state.
    public var finalCost = 0.0
    /// Nonlinear iterations (accepted and rejected).
    public var iterations = 0
    /// Accepted steps.
    public var acceptedSteps = 0
    /// Total linear-solver iterations (CG iterations; 1 per direct solve).
    public var linearIterations = 0
    /// Per-iteration details.
    public var iterationDetails: [IterationSummary] = []
    /// Precision switches made (adaptive plan).
    public var switches: [PrecisionSwitch] = []
    /// Values that overflowed to ±inf on fp16 casts, summed over the solve.
    public var halfOverflowCount = 0
    /// Values flushed to zero or subnormal on fp16 casts, summed over the solve.
    public var halfUnderflowCount = 0
    /// Diagonal shifts applied to incomplete factorizations after breakdown.
    public var preconditionerShifts: [Double] = []
    /// Steps solved by the direct fp64 solver after the plan's iterative solve failed
    /// (``LevenbergMarquardt/Options/directFallback``).
    public var directFallbacks = 0
    /// Solves whose coarse correction was dropped (see ``PoseGraphStepSolver/Options/coarseAggregates``).
    public var droppedCoarseCorrections = 0
    /// Preconditioner (re)factorizations done.
    public var preconditionerFactorizations = 0
    /// Of these, factorizations done in fp64 because the fp32 one broke down (the lagged
    /// Schur preconditioner's reduced camera system, ``CGNR/Report/reducedSystemPrecision``).
    public var fp64PreconditionerFactorizations = 0
    /// Symbolic analyses done (ordering, pattern, CHOLMOD analysis): 0 when reused from an
    /// earlier solve of the same structure.
    public var symbolicAnalyses = 0
    /// Symbolic analyses that extended an earlier solve's orderings to a grown problem
    /// instead of recomputing them.
    public var extendedSymbolicAnalyses = 0
    /// Whether the solve reused an earlier solve's symbolic analysis, as it was (the problem
    /// only changed values) or extended (the problem grew): no analysis from scratch.
    public var reusedSymbolicAnalysis = false
    /// Seconds spent in each phase. The phases do not overlap: together with the
    /// optimizer's bookkeeping they make up ``totalSeconds``.
    ///
    /// Residual-only evaluations: the initial and final cost and each trial step's.
    public var residualSeconds = 0.0
    /// Residual and Jacobian evaluations.
    public var linearizeSeconds = 0.0
    /// Building the linear system from a linearization: the normal equations (pose graphs),
    /// the bundle-adjustment layout with its gradient and diagonal, and CGNR's
    /// damping-independent preparation (equilibration, the cast of Ĵ).
    public var assemblySeconds = 0.0
    /// Symbolic analysis: patterns, orderings, CHOLMOD's analysis (see ``symbolicAnalyses``).
    public var analysisSeconds = 0.0
    /// Linear solves: numeric factorizations and solves, preconditioner setup and Krylov
    /// iterations, without the analysis and assembly they trigger.
    public var linearSolveSeconds = 0.0
    /// State updates (the fp64 retraction).
    public var updateSeconds = 0.0
    /// Wall-clock seconds of the whole solve.
    public var totalSeconds = 0.0
    /// Why the solve stopped.
    public var termination = TerminationReason.maxIterations

    /// Creates an empty summary.
    public init() {}

    /// Whether the solve ended at a converged state (a tolerance met or zero cost).
    public var isConverged: Bool {
        switch termination {
        case .functionTolerance, .gradientTolerance, .parameterTolerance, .zeroCost: return true
        default: return false
        }
    }

    /// A one-line report: plan, costs, iterations, time, termination.
    public var briefReport: String {
        "\(planName) [\(linearSolver)]: cost \(format(initialCost)) -> \(format(finalCost)), "
            + "\(iterations) iterations (\(acceptedSteps) accepted, \(linearIterations) linear), "
            + "\(format(totalSeconds * 1000)) ms, \(termination.rawValue)"
    }

    /// A multi-line report like Ceres' `FullReport()`: per-iteration table, per-phase times,
    /// precision switches, cast counts and the termination reason.
    public var fullReport: String {
        var lines = ["MixedSLAM solver summary", ""]
        lines.append("plan                 \(planName)")
        lines.append("linear solver        \(linearSolver)")
        lines.append("initial cost         \(format(initialCost))")
        lines.append("final cost           \(format(finalCost))")
        lines.append("iterations           \(iterations) (\(acceptedSteps) accepted)")
        lines.append("linear iterations    \(linearIterations)")
        lines.append("symbolic analyses    \(symbolicAnalyses) from scratch, \(extendedSymbolicAnalyses) extended"
            + (reusedSymbolicAnalysis ? " (earlier analysis reused)" : ""))
        lines.append("preconditioner       \(preconditionerFactorizations) factorizations (\(fp64PreconditionerFactorizations) in fp64), shifts \(preconditionerShifts.map(format)), coarse level dropped \(droppedCoarseCorrections)×")
        lines.append("fp16 casts           \(halfOverflowCount) overflowed, \(halfUnderflowCount) flushed")
        if directFallbacks > 0 {
            let fallbacks = iterationDetails.filter { !$0.directFallbackReason.isEmpty }
                .map { "\($0.iteration): \($0.directFallbackReason)" }
            lines.append("direct fallbacks     \(directFallbacks) (iteration: reason) \(fallbacks.joined(separator: ", "))")
        }
        lines.append("")
        lines.append("iter  cost          new cost      lambda     gain      step      |g|inf    lin  linear end  plan")
        for it in iterationDetails {
            lines.append(
                [pad("\(it.iteration)", 4), pad(format(it.cost), 13), pad(format(it.newCost), 13),
                 pad(format(it.lambda), 10), pad(format(it.gainRatio), 9), pad(format(it.stepNorm), 9),
                 pad(format(it.gradientMaxNorm), 9), pad("\(it.linearIterations)", 4),
                 pad(it.directFallbackReason.isEmpty ? it.linearTermination : "fallback", 11), (it.accepted ? "" : "rejected ") + it.plan]
                    .joined(separator: " "))
        }
        if !switches.isEmpty {
            lines.append("")
            lines.append("precision switches")
            for s in switches {
                lines.append("  iteration \(s.iteration): \(s.component) \(s.from) -> \(s.to) (\(s.reason))")
            }
        }
        lines.append("")
        lines.append("time (ms)            residual \(format(residualSeconds * 1000)), linearize \(format(linearizeSeconds * 1000)), "
            + "assembly \(format(assemblySeconds * 1000)), analysis \(format(analysisSeconds * 1000)), "
            + "linear solve \(format(linearSolveSeconds * 1000)), update \(format(updateSeconds * 1000)), "
            + "total \(format(totalSeconds * 1000))")
        lines.append("termination          \(termination.rawValue)")
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// Formats a number compactly with 5 significant digits (%.5g).
func format(_ value: Double) -> String {
    String(format: "%.5g", value)
}
