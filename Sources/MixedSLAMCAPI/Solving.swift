import MixedSLAM
import MixedSLAMC

extension GraphHandle {
    /// Minimizes the graph with `plan` and `options`, reusing the graph's step solver. On a
    /// throw the poses are restored to their values before the call and the step solver is
    /// replaced by a fresh one, so a failed solve leaves no half-updated state behind.
    func optimize(plan: PrecisionPlan, options: LevenbergMarquardt.Options) throws -> Summary {
        let before = problem.values
        do {
            return try LevenbergMarquardt(options: options).minimize(&problem, plan: plan, stepSolver: &stepSolver)
        } catch {
            try problem.restore(before)
            stepSolver = PoseGraphStepSolver()
            throw error
        }
    }
}

extension CConversions {
    /// Levenberg-Marquardt options from the C struct; NULL gives the defaults. Range checks
    /// are left to ``LevenbergMarquardt/Options/validate()``.
    static func options(_ c: UnsafePointer<msl_options>?) -> LevenbergMarquardt.Options {
        var options = LevenbergMarquardt.Options()
        guard let c = c?.pointee else { return options }
        options.maxIterations = Int(c.max_iterations)
        options.functionTolerance = c.function_tolerance
        options.gradientTolerance = c.gradient_tolerance
        options.parameterTolerance = c.parameter_tolerance
        options.timeBudgetSeconds = c.time_budget_seconds == 0 ? nil : c.time_budget_seconds
        return options
    }

    /// The C summary of a solve that started with `plan`.
    static func summary(_ s: Summary, plan: PrecisionPlan) -> msl_summary {
        var c = msl_summary()
        c.initial_cost = s.initialCost
        c.final_cost = s.finalCost
        c.iterations = Int32(clamping: s.iterations)
        c.accepted_steps = Int32(clamping: s.acceptedSteps)
        c.linear_iterations = Int32(clamping: s.linearIterations)
        c.precision_switches = Int32(clamping: s.switches.count)
        c.direct_fallbacks = Int32(clamping: s.directFallbacks)
        c.residual_seconds = s.residualSeconds
        c.linearize_seconds = s.linearizeSeconds
        c.assembly_seconds = s.assemblySeconds
        c.analysis_seconds = s.analysisSeconds
        c.linear_solve_seconds = s.linearSolveSeconds
        c.update_seconds = s.updateSeconds
        c.total_seconds = s.totalSeconds
        copy(s.planName, into: &c.plan)
        copy(s.linearSolver, into: &c.linear_solver)
        c.initial_residual = precision(plan.residual)
        c.initial_matrix_vector = precision(plan.matrixVector)
        c.initial_triangular_solve = precision(plan.triangularSolve)
        c.initial_vectors = precision(plan.vectors)
        let final = finalPlan(plan, after: s.switches)
        c.final_residual = precision(final.residual)
        c.final_matrix_vector = precision(final.matrixVector)
        c.final_triangular_solve = precision(final.triangularSolve)
        c.final_vectors = precision(final.vectors)
        c.termination = termination(s.termination)
        c.converged = s.isConverged ? 1 : 0
        c.symbolic_analyses = Int32(clamping: s.symbolicAnalyses)
        c.reused_symbolic_analysis = s.reusedSymbolicAnalysis ? 1 : 0
        c.extended_symbolic_analyses = Int32(clamping: s.extendedSymbolicAnalyses)
        c.half_overflows = Int64(s.halfOverflowCount)
        c.half_underflows = Int64(s.halfUnderflowCount)
        return c
    }

    /// `plan` with the adaptive plan's switches applied in order (`linearSolver` raises every
    /// component, as ``PrecisionPlan/escalated()`` does).
    static func finalPlan(_ plan: PrecisionPlan, after switches: [PrecisionSwitch]) -> PrecisionPlan {
        var p = plan
        for s in switches {
            switch s.component {
            case "residual": p.residual = s.to
            case "matrixVector": p.matrixVector = s.to
            case "triangularSolve": p.triangularSolve = s.to
            case "vectors": p.vectors = s.to
            default:
                p.residual = max(p.residual, s.to)
                p.matrixVector = max(p.matrixVector, s.to)
                p.triangularSolve = max(p.triangularSolve, s.to)
                p.vectors = max(p.vectors, s.to)
            }
        }
        return p
    }
}

/// `msl_graph_optimize`: Levenberg-Marquardt with a named precision plan.
@_cdecl("msl_graph_optimize")
public func cGraphOptimize(
    _ graph: OpaquePointer?, _ plan: UnsafePointer<CChar>?, _ options: UnsafePointer<msl_options>?,
    _ summary: UnsafeMutablePointer<msl_summary>?
) -> msl_status {
    withGraph(graph, "optimize") { g in
        let name = String(cString: try required(plan, "plan"))
        guard let precisionPlan = PrecisionPlan(name: name, for: .poseGraph) else {
            throw CAPIError(
                MSL_ERROR_UNKNOWN_PLAN, "unknown plan '\(name)' (expected fp64, fp32, fp16, mixed or adaptive)")
        }
        let result = try g.optimize(plan: precisionPlan, options: CConversions.options(options))
        summary?.pointee = CConversions.summary(result, plan: precisionPlan)
    }
}
