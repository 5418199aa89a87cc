import SLAMLinear
import SLAMSparse

/// Levenberg-Marquardt (and Gauss-Newton) trust-region minimization of ½ Σ ρ(‖S e‖²), with
/// the linear algebra at the precision plan's precisions and the state update in fp64.
///
/// Each iteration linearizes, solves (JᵀJ + λ D) δ = −Jᵀ r with D = diag(JᵀJ) clamped to
/// [``Options/minDiagonal``, ``Options/maxDiagonal``] (Ceres' scaling), retracts x ⊞ δ in
/// fp64 and accepts the step when the gain ratio ρ = actual / predicted decrease exceeds
/// ``Options/minGainRatio``. λ follows Nielsen's rule: × max(``Options/minLambdaDecrease``,
/// 1 − (2ρ − 1)³) on success, × ν with ν doubling on failure.
///
/// With the `adaptive` plan, components start low and are escalated (fp16 → fp32 → fp64)
/// when a cast overflows, CG stagnates or breaks down, a step rejected at low precision is
/// accepted at higher precision, or progress reaches the low precision's noise floor; every
/// switch is recorded in the ``Summary``. The adaptive plan ends its solve at fp64, so its
/// optimum is the fp64 optimum.
public struct LevenbergMarquardt: Sendable {
    /// Stopping rules and damping policy; every default is documented and checked by
    /// ``validate()``.
    public struct Options: Sendable, Equatable, Codable {
        /// Iteration limit (accepted plus rejected steps). Default 100.
        public var maxIterations = 100
        /// Stop when the relative cost decrease of an accepted step is below this. Default 1e-10.
        public var functionTolerance = 1e-10
        /// Stop when ‖Jᵀ r‖∞ is below this. Default 1e-10.
        public var gradientTolerance = 1e-10
        /// Stop when ‖δ‖ ≤ parameterTolerance · (‖x‖ + parameterTolerance), approximated by
        /// ‖δ‖ ≤ parameterTolerance · (1 + ‖δ‖). Default 1e-10.
        public var parameterTolerance = 1e-10
        /// λ of the first iteration. Default 1e-5 (GTSAM's `lambdaInitial`).
        public var initialLambda = 1e-5
        /// Stop with ``TerminationReason/noProgress`` when λ exceeds this. Default 1e16.
        public var maxLambda = 1e16
        /// Smallest λ used. Default 1e-16.
        public var minLambda = 1e-16
        /// D = diag(JᵀJ) (Marquardt, Ceres' choice) or D = I (Levenberg, GTSAM's default).
        /// Default ``Damping/Kind/levenberg``: on the public g2o benchmarks it reaches GTSAM's
        /// optima in GTSAM's iteration counts, where Marquardt scaling crawls on MIT.
        public var damping = Damping.Kind.levenberg
        /// Lower clamp of D's entries. Default 1e-6.
        public var minDiagonal = 1e-6
        /// Upper clamp of D's entries. Default 1e32.
        public var maxDiagonal = 1e32
        /// Smallest factor λ is multiplied by after an accepted step (Nielsen's rule multiplies
        /// by max(this, 1 − (2ρ − 1)³), so near-perfect gains reach it); nil (default) chooses
        /// by the damping. Levenberg damping (D = I) is on an absolute scale, so λ has decades
        /// to travel before the flattest modes see undamped steps: 0.1, GTSAM's `lambdaFactor`,
        /// takes parking-garage 8 fp64 iterations (154 ms) where Nielsen's 1/3 took 12
        /// (315 ms), to the same cost, with every other g2o benchmark in as many fp64 iterations
        /// (adaptive on MIT takes 68 instead of 54, 50 ms either way).
        /// Marquardt damping (D = diag(JᵀJ)) is relative and starts small: 1/3, Nielsen's own;
        /// 0.1 there left dubrovnik-3-7's mixed CGNR at 6.7e-4 after 100 iterations (2.1e-8
        /// with 1/3) and gained no LM iteration in 200 VO windows.
        public var minLambdaDecrease: Double?

        /// ``minLambdaDecrease``, or the damping's default when it is nil.
        var lambdaDecreaseBound: Double { minLambdaDecrease ?? (damping == .levenberg ? 0.1 : 1.0 / 3.0) }
        /// Accept a step when the gain ratio exceeds this. Default 1e-3.
        public var minGainRatio = 1e-3
        /// Gauss-Newton: λ = 0 and every step accepted. Default false.
        public var gaussNewton = false
        /// Wall-clock budget in seconds; nil for none. Default nil.
        public var timeBudgetSeconds: Double?
        /// Relative decrease that fp16 rounding hides. Adaptive plan: escalate when an accepted
        /// step's relative decrease is below this for a plan whose lowest precision is fp16.
        /// Fixed plans with fp16 residuals stop (``TerminationReason/functionTolerance``) when a
        /// rejected, barely damped step (λ ≤ ``initialLambda``) predicted a decrease below it:
        /// their gradient carries this much noise. Default 1e-4.
        public var halfNoiseFloor = 1e-4
        /// The same for fp32 (the `mixed` and `fp32` plans' residuals). Default 1e-7.
        public var singleNoiseFloor = 1e-7

        /// The noise floor of a precision below fp64: ``halfNoiseFloor`` for fp16, else
        /// ``singleNoiseFloor``.
        func noiseFloor(_ precision: Precision) -> Double {
            precision == .fp16 ? halfNoiseFloor : singleNoiseFloor
        }
        /// Adaptive plan: a step computed below fp64 is taken only when its gain ratio reaches
        /// this and its linear solve converged; otherwise the same λ is solved again at the next
        /// precision. Default 0.25 (Marquardt's "poor agreement" bound): on MIT, two fp32 steps
        /// with gains 0.09 and 0.43 (the second from an unconverged CG) led LM into a basin
        /// that even fp64 steps could not leave (cost 6.8e7 against the optimum's 385).
        public var switchingMinGainRatio = 0.25
        /// Fixed plans below fp64 (`fp32`, `mixed`; never the naive `fp16`): a damping whose
        /// iterative solve fails is solved again by the direct fp64 solver on the same
        /// linearization, and the next damping tries the plan's own solver again — the policy
        /// of LAPACK's mixed-precision `dsposv`, which falls back to a double-precision
        /// factorization when its single-precision refinement fails. A solve fails when it
        /// breaks down, returns a non-finite step, or stops short of its forcing term with a
        /// step its solver does not vouch for (``StepResult/isTrusted``).
        /// ``Summary/directFallbacks`` counts the fallbacks. Default true: fp32 PCG cannot
        /// resolve MIT's flat corridor modes (κ u₃₂ ≈ 86); without the fallback its fp32 and
        /// mixed plans end 100 iterations far above the optimum (cost 418 and 1.2e6 against 385).
        public var directFallback = true

        /// Creates options with the documented defaults.
        public init() {}

        /// Checks every option's range.
        public func validate() throws(OptimizerError) {
            guard maxIterations >= 0 else { throw .invalidOption("maxIterations must be ≥ 0") }
            for (name, value) in [
                ("functionTolerance", functionTolerance), ("gradientTolerance", gradientTolerance),
                ("parameterTolerance", parameterTolerance),
            ] where !(value >= 0 && value.isFinite) {
                throw .invalidOption("\(name) must be finite and ≥ 0")
            }
            guard initialLambda > 0, minLambda > 0, maxLambda >= initialLambda, initialLambda >= minLambda,
                  maxLambda.isFinite else {
                throw .invalidOption("need 0 < minLambda ≤ initialLambda ≤ maxLambda < ∞")
            }
            guard minDiagonal > 0, maxDiagonal >= minDiagonal, maxDiagonal.isFinite else {
                throw .invalidOption("need 0 < minDiagonal ≤ maxDiagonal < ∞")
            }
            guard minGainRatio > 0, minGainRatio < 1 else { throw .invalidOption("minGainRatio must be in (0, 1)") }
            guard lambdaDecreaseBound > 0, lambdaDecreaseBound < 1 else {
                throw .invalidOption("minLambdaDecrease must be in (0, 1)")
            }
            guard switchingMinGainRatio >= 0, switchingMinGainRatio < 1 else {
                throw .invalidOption("switchingMinGainRatio must be in [0, 1)")
            }
            if let budget = timeBudgetSeconds, !(budget > 0) {
                throw .invalidOption("timeBudgetSeconds must be > 0")
            }
        }
    }

    /// The options of this optimizer.
    public var options: Options

    /// Creates an optimizer.
    public init(options: Options = Options()) { self.options = options }

    /// Minimizes `problem` in place, starting from its current state, with `plan`.
    ///
    /// The returned state is always the best accepted one: rejected steps, solver failures
    /// and budgets never leave a worse or non-finite state behind.
    ///
    /// - Throws: ``OptimizerError`` for invalid options or a non-finite initial cost, the
    ///   step solver's errors from a linearization, and
    ///   `LinearSolverError.dimensionMismatch` when the step solver returns a step whose
    ///   length is not the problem's free dimension.
    public func minimize<Solver: StepSolver>(
        _ problem: inout Solver.Problem, plan initialPlan: PrecisionPlan, stepSolver: inout Solver
    ) throws -> Summary {
        try options.validate()
        try stepSolver.validateOptions()
        let start = ContinuousClock.now
        var summary = Summary()
        summary.planName = initialPlan.preset.rawValue
        var plan = initialPlan
        let analysesBefore = stepSolver.symbolicAnalyses
        let extensionsBefore = stepSolver.extendedAnalyses
        let analysisSecondsBefore = stepSolver.analysisSeconds
        summary.linearSolver = stepSolver.linearSolverName(for: plan)
        // Residual-only evaluations, timed as their own phase.
        func evaluateCost(_ precision: Precision) -> Double {
            let t = ContinuousClock.now
            defer { summary.residualSeconds += (ContinuousClock.now - t).seconds }
            return problem.cost(precision: precision)
        }
        // The step solver's analysis and assembly seconds since `mark`: taken out of the phase
        // (linearize, linear solve) that ran them, so the phases do not overlap.
        func nested(since mark: (analysis: Double, assembly: Double)) -> (analysis: Double, assembly: Double) {
            (stepSolver.analysisSeconds - mark.analysis, stepSolver.assemblySeconds - mark.assembly)
        }
        func mark() -> (analysis: Double, assembly: Double) { (stepSolver.analysisSeconds, stepSolver.assemblySeconds) }

        // Steps are judged by the fp64 cost, so a step computed from a low-precision
        // linearization is accepted only if it truly decreases the cost. The naive fp16 plan
        // alone judges at its own residual precision, as an all-fp16 solver would.
        func judgingPrecision(_ plan: PrecisionPlan) -> Precision {
            plan.scalesBeforeHalfCast ? .fp64 : plan.residual
        }
        var cost = evaluateCost(judgingPrecision(plan))
        summary.initialCost = judgingPrecision(plan) == .fp64 ? cost : evaluateCost(.fp64)
        guard summary.initialCost.isFinite else { throw OptimizerError.nonFiniteCost }
        var lambda = options.gaussNewton ? 0 : options.initialLambda
        var nu = 2.0
        var needsLinearization = true
        var gradientMaxNorm = 0.0
        if problem.freeDimension == 0 {
            summary.termination = .nothingToSolve
            summary.finalCost = summary.initialCost
            return summary
        }
        // Residuals too large for the plan's residual precision: escalate (adaptive) or stop.
        while !cost.isFinite {
            guard plan.switching, let (next, change) = plan.escalated() else {
                summary.termination = .residualOverflow
                summary.finalCost = summary.initialCost
                summary.totalSeconds = (ContinuousClock.now - start).seconds
                return summary
            }
            summary.switches.append(PrecisionSwitch(
                iteration: 1, component: change.component, from: change.from, to: change.to, reason: "overflow"))
            plan = next
            cost = evaluateCost(judgingPrecision(plan))
        }

        func elapsed() -> Double { (ContinuousClock.now - start).seconds }
        // A switch takes effect at the next iteration to run, whatever triggered it.
        func escalate(_ reason: String, toDirect: Bool = false) -> Bool {
            guard plan.switching, let (next, change) = toDirect ? plan.directSolve() : plan.escalated() else {
                return false
            }
            summary.switches.append(PrecisionSwitch(
                iteration: summary.iterations + 1, component: change.component, from: change.from, to: change.to,
                reason: reason))
            let residualChanged = next.residual != plan.residual
            plan = next
            if residualChanged {
                cost = evaluateCost(judgingPrecision(plan))
                needsLinearization = true
            }
            return true
        }

        // A fixed plan's failed iterative solve is redone by the direct fp64 solver (see
        // Options.directFallback); returns the step and, for a fallback, why the plan's failed.
        let fallbackPlan = options.directFallback && !initialPlan.switching && initialPlan.scalesBeforeHalfCast
            ? initialPlan.directSolve()?.0 : nil
        func solveWithFallback(_ damping: Damping, _ plan: PrecisionPlan) throws -> (StepResult, String?) {
            guard let direct = fallbackPlan, stepSolver.linearSolverName(for: plan) != stepSolver.linearSolverName(for: direct)
            else {
                return (try stepSolver.solve(damping: damping, plan: plan), nil)
            }
            let reason: String
            var failed: StepResult?
            do {
                let step = try stepSolver.solve(damping: damping, plan: plan)
                let finite = step.delta.allSatisfy(\.isFinite)
                if finite && step.isTrusted { return (step, nil) }
                reason = finite ? step.termination : "nonFiniteStep"
                failed = step
            } catch {
                reason = "linearSolverFailure"
            }
            var step = try stepSolver.solve(damping: damping, plan: direct)
            if let failed {
                step.iterations += failed.iterations
                step.halfOverflows += failed.halfOverflows
                step.halfUnderflows += failed.halfUnderflows
                step.preconditionerShift = failed.preconditionerShift
                step.factoredPreconditioner = failed.factoredPreconditioner
                step.preconditionerFactoredInFP64 = failed.preconditionerFactoredInFP64
                step.droppedCoarseCorrection = failed.droppedCoarseCorrection
            }
            return (step, reason)
        }

        summary.termination = .maxIterations
        iterations: while summary.iterations < options.maxIterations {
            if let budget = options.timeBudgetSeconds, elapsed() > budget {
                summary.termination = .timeBudget
                break
            }
            if cost == 0 {
                summary.termination = .zeroCost
                break
            }
            var detail = IterationSummary()
            if needsLinearization {
                let t0 = ContinuousClock.now, before = mark()
                let linearization = try stepSolver.linearize(&problem, plan: plan)
                let inner = nested(since: before)
                detail.linearizeSeconds = max(0, (ContinuousClock.now - t0).seconds - inner.analysis - inner.assembly)
                detail.assemblySeconds = inner.assembly
                summary.linearizeSeconds += detail.linearizeSeconds
                summary.assemblySeconds += detail.assemblySeconds
                summary.halfOverflowCount += linearization.halfOverflows
                summary.halfUnderflowCount += linearization.halfUnderflows
                gradientMaxNorm = linearization.gradientMaxNorm
                needsLinearization = false
                if linearization.nonFiniteEntries > 0 {
                    // Only a higher residual precision helps: the direct fp64 plan.
                    if escalate("overflow", toDirect: true) { continue iterations }
                    summary.termination = .residualOverflow
                    break
                }
                if linearization.halfOverflows > 0, escalate("overflow") {
                    continue iterations
                }
                if gradientMaxNorm <= options.gradientTolerance {
                    summary.termination = .gradientTolerance
                    break
                }
            }
            summary.iterations += 1
            detail.iteration = summary.iterations
            detail.cost = cost
            detail.lambda = lambda
            detail.gradientMaxNorm = gradientMaxNorm
            detail.plan = plan.description

            let t1 = ContinuousClock.now, beforeSolve = mark()
            func recordSolveSeconds() {
                let inner = nested(since: beforeSolve)
                detail.linearSolveSeconds = max(0, (ContinuousClock.now - t1).seconds - inner.analysis - inner.assembly)
                detail.assemblySeconds += inner.assembly
                summary.linearSolveSeconds += detail.linearSolveSeconds
                summary.assemblySeconds += inner.assembly
            }
            let damping = Damping(
                lambda: lambda, kind: options.damping, minDiagonal: options.minDiagonal,
                maxDiagonal: options.maxDiagonal)
            let step: StepResult
            do {
                let (solved, fallbackReason) = try solveWithFallback(damping, plan)
                step = solved
                if let reason = fallbackReason {
                    detail.directFallbackReason = reason
                    summary.directFallbacks += 1
                }
            } catch {
                recordSolveSeconds()
                detail.linearTermination = "failed"
                summary.iterationDetails.append(detail)
                if escalate("linearSolverFailure") { continue }
                guard !options.gaussNewton, lambda < options.maxLambda else {
                    summary.termination = .noProgress
                    break
                }
                lambda = max(lambda * nu, options.minLambda)
                nu *= 2
                continue
            }
            recordSolveSeconds()
            // A step solver written outside this package could return a step of another
            // length; retracting by it would misread the state.
            guard step.delta.count == problem.freeDimension else {
                throw LinearSolverError.dimensionMismatch(expected: problem.freeDimension, actual: step.delta.count)
            }
            detail.linearIterations = step.iterations
            detail.linearTermination = step.termination
            summary.linearIterations += step.iterations
            summary.halfOverflowCount += step.halfOverflows
            summary.halfUnderflowCount += step.halfUnderflows
            if let shift = step.preconditionerShift { summary.preconditionerShifts.append(shift) }
            if step.factoredPreconditioner { summary.preconditionerFactorizations += 1 }
            if step.preconditionerFactoredInFP64 { summary.fp64PreconditionerFactorizations += 1 }
            if step.droppedCoarseCorrection { summary.droppedCoarseCorrections += 1 }

            let cgStalled = step.termination == ConjugateGradient.Termination.stagnated.rawValue
                || step.termination == ConjugateGradient.Termination.maxIterations.rawValue
            // A switching plan below fp64 only takes steps it can trust (see
            // Options.switchingMinGainRatio): an unconverged one is solved again, one level up.
            let lowPrecisionStep = plan.switching && plan.lowest < .fp64
            // With fp32 (or better) products and vectors, the preconditioner's precision only
            // changes how fast CG converges, not the level where it stagnates: raising it would
            // repeat the stalled solve, so the direct solve comes next.
            let productsAndVectorsAreSingle = plan.matrixVector >= .fp32 && plan.vectors >= .fp32
            if cgStalled, lowPrecisionStep, escalate("cgStagnation", toDirect: productsAndVectorsAreSingle) {
                summary.iterationDetails.append(detail)
                continue
            }
            let stepNorm = step.delta.reduce(0) { $0 + $1 * $1 }.squareRoot()
            detail.stepNorm = stepNorm
            guard stepNorm.isFinite else {
                summary.iterationDetails.append(detail)
                if escalate("nonFiniteStep") { continue }
                lambda = max(lambda * nu, options.minLambda)
                nu *= 2
                if lambda > options.maxLambda || options.gaussNewton {
                    summary.termination = .noProgress
                    break
                }
                continue
            }
            if stepNorm <= options.parameterTolerance * (1 + stepNorm) {
                summary.iterationDetails.append(detail)
                if escalate("noiseFloor") { continue }
                summary.termination = .parameterTolerance
                break
            }
            // A direct solve's step with little damping is (nearly) the Gauss-Newton step:
            // when even it predicts a decrease below the function tolerance, no later step can
            // resolve one. It is still tried; whether or not the fp64 cost accepts it (the two
            // costs may differ only in their last bits), the solve ends there instead of
            // raising λ over rounding noise (Ceres' model-cost test). Inexact Krylov steps and
            // heavily damped steps are exempt: they predict little because they are short.
            let modelConverged = step.termination == "direct" && lambda <= options.initialLambda
                && step.predictedDecrease >= 0 && step.predictedDecrease <= options.functionTolerance * cost

            let t2 = ContinuousClock.now
            let saved = problem.snapshot
            try problem.retract(by: step.delta)
            detail.updateSeconds = (ContinuousClock.now - t2).seconds
            summary.updateSeconds += detail.updateSeconds
            let residualBefore = summary.residualSeconds
            let newCost = evaluateCost(judgingPrecision(plan))
            detail.residualSeconds = summary.residualSeconds - residualBefore
            detail.newCost = newCost
            let actual = cost - newCost
            let gain = step.predictedDecrease > 0 ? actual / step.predictedDecrease : (actual > 0 ? 1 : -1)
            detail.gainRatio = gain

            let poorLowPrecisionStep = lowPrecisionStep && gain < options.switchingMinGainRatio
            if newCost.isFinite && (options.gaussNewton || gain > options.minGainRatio) && !poorLowPrecisionStep {
                detail.accepted = true
                summary.acceptedSteps += 1
                summary.iterationDetails.append(detail)
                let relativeDecrease = actual / max(cost, .leastNormalMagnitude)
                cost = newCost
                needsLinearization = true
                if !options.gaussNewton {
                    let factor = 1 - pow3(2 * gain - 1)
                    lambda = min(max(lambda * max(options.lambdaDecreaseBound, factor), options.minLambda), options.maxLambda)
                    nu = 2
                }
                if plan.switching && plan.lowest < .fp64 && relativeDecrease < options.noiseFloor(plan.lowest) {
                    _ = escalate("noiseFloor")
                    continue
                }
                if abs(relativeDecrease) < options.functionTolerance || modelConverged {
                    summary.termination = .functionTolerance
                    break
                }
            } else {
                try problem.restore(saved)
                summary.iterationDetails.append(detail)
                // A fixed plan that linearizes below fp64 has a gradient with that precision's
                // rounding noise: once a barely damped step predicts less than the noise floor
                // and the fp64 cost refuses it, raising λ only shortens steps along noise.
                let belowResidualNoise = !plan.switching && plan.residual < .fp64 && lambda <= options.initialLambda
                    && step.predictedDecrease >= 0
                    && step.predictedDecrease <= options.noiseFloor(plan.residual) * cost
                if modelConverged || belowResidualNoise {
                    summary.termination = .functionTolerance
                    break
                }
                if escalate(newCost.isFinite && gain > options.minGainRatio ? "poorStep" : "rejectedStep") { continue }
                if options.gaussNewton {
                    summary.termination = .noProgress
                    break
                }
                lambda *= nu
                nu *= 2
                if lambda > options.maxLambda {
                    summary.termination = .noProgress
                    break
                }
            }
        }
        summary.symbolicAnalyses = stepSolver.symbolicAnalyses - analysesBefore
        summary.extendedSymbolicAnalyses = stepSolver.extendedAnalyses - extensionsBefore
        summary.reusedSymbolicAnalysis = analysesBefore + extensionsBefore > 0 && summary.symbolicAnalyses == 0
        summary.analysisSeconds = stepSolver.analysisSeconds - analysisSecondsBefore
        summary.linearSolver = stepSolver.linearSolverName(for: plan)
        summary.finalCost = evaluateCost(.fp64)
        summary.totalSeconds = elapsed()
        return summary
    }
}

private func pow3(_ x: Double) -> Double { x * x * x }

/// Why an optimizer refused to run or stopped without a result.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option is out of range.
    case invalidOption(String)
    /// The cost at the initial state is NaN or infinite.
    case nonFiniteCost

    public var description: String {
        switch self {
        case .invalidOption(let what): return "invalid option: \(what)"
        case .nonFiniteCost: return "the cost at the initial state is not finite"
        }
    }
}

extension PrecisionPlan {
    /// The plan with its lowest component raised one precision level — or, once nothing is
    /// below fp32, the fp64 preset (direct fp64 solve) — and a description of the change;
    /// `nil` when everything is already fp64.
    public func escalated() -> (PrecisionPlan, (component: String, from: Precision, to: Precision))? {
        var next = self
        let lowest = self.lowest
        guard lowest < .fp64 else { return nil }
        if lowest == .fp16 {
            for (path, name) in [
                (\PrecisionPlan.triangularSolve, "triangularSolve"), (\PrecisionPlan.matrixVector, "matrixVector"),
                (\PrecisionPlan.residual, "residual"), (\PrecisionPlan.vectors, "vectors"),
            ] where next[keyPath: path] == .fp16 {
                next[keyPath: path] = .fp32
                return (next, (name, .fp16, .fp32))
            }
        }
        return directSolve()
    }

    /// The plan with every component fp64 (the direct fp64 solve) and a description of the
    /// change; `nil` when everything is already fp64.
    public func directSolve() -> (PrecisionPlan, (component: String, from: Precision, to: Precision))? {
        let lowest = self.lowest
        guard lowest < .fp64 else { return nil }
        var next = self
        next.residual = .fp64
        next.matrixVector = .fp64
        next.triangularSolve = .fp64
        next.vectors = .fp64
        return (next, ("linearSolver", lowest, .fp64))
    }
}
