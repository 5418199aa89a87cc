import CKernels
import SLAMLinear
import SLAMSparse

/// The step solver for pose graphs: assembles the block Hessian H = JᵀJ (3×3 blocks for
/// SE(2), 6×6 for SE(3)) and gradient g = Jᵀr in fp64, then solves (H + λD) δ = −g either
/// directly with CHOLMOD (fp64 plans) or with PCG preconditioned by a static block
/// incomplete Cholesky factor (other plans).
///
/// The PCG path works on the Jacobi-scaled system Ĥ = S (H + λD) S with S = diag(H + λD)^-½
/// (unit diagonal, |Ĥᵢⱼ| ≤ 1), so fp16 copies of Ĥ and of its IC factor cannot overflow;
/// Ĥ's products run at the plan's `matrixVector` precision, the factor's triangular solves at
/// `triangularSolve`, vectors in fp32. The naive `fp16` plan skips the scaling and casts H
/// itself, which is what makes it fragile.
///
/// Everything symbolic — the Hessian pattern, the scatter map from Jacobian blocks to Hessian
/// blocks, CHOLMOD's analysis, the AMD ordering — is computed once per structure and reused
/// by every linearization and every later solve with this instance. When the problem grew
/// (variables appended, factors added, as a robot's pose graph does), the fill-reducing
/// orderings are extended instead of recomputed: the earlier variables keep their order and
/// the new ones follow, like iSAM's incremental ordering, until the graph has grown by
/// ``Options/reorderingGrowth`` since the last fresh ordering.
public struct PoseGraphStepSolver: StepSolver {
    /// When the incomplete-Cholesky preconditioner is recomputed.
    public enum RefreshPolicy: String, Sendable, Codable, CaseIterable {
        /// Factored once per problem structure ("static"), reused in every iteration and solve.
        case once
        /// Factored again for every linear solve.
        case everySolve
        /// Refactored when the last solve did not converge, or when CG needs more than
        /// ``Options/adaptiveRefreshGrowth`` times the iterations it needed right after the
        /// last factorization.
        case adaptive
    }

    /// The preconditioner of the PCG path.
    public enum PreconditionerKind: String, Sendable, Codable, CaseIterable {
        /// Block incomplete Cholesky on the Hessian's pattern plus ``Options/preconditionerFillLevel``
        /// levels of fill (AMD ordering, diagonal shift on breakdown): the reference method's
        /// static preconditioner (IC(0) there).
        case incompleteCholesky = "ic0"
        /// CHOLMOD's complete factor, computed once and reused while the Hessian drifts, stored
        /// in the plan's triangular-solve precision.
        case completeCholesky = "cholesky"
    }

    /// The matrix whose products CG computes on the PCG path.
    public enum KrylovOperator: String, Sendable, Codable, CaseIterable {
        /// CG on the scaled damped normal equations Ĥ = S (H + λD) S, stored at the plan's
        /// `matrixVector` precision.
        case normalEquations
        /// CGNR: the products are Ĵᵀ(Ĵ x) + S λD S x with Ĵ = J S stored at the plan's
        /// `matrixVector` precision, so Ĥ is never rounded to it. For graphs whose every
        /// factor has one residual row per tangent coordinate (between factors and pose
        /// priors); others use ``normalEquations``.
        case jacobian
    }

    /// The elimination order of the incomplete-Cholesky preconditioner's block rows.
    public enum PreconditionerOrdering: String, Sendable, Codable, CaseIterable {
        /// Approximate minimum degree (SuiteSparse AMD) of the block pattern: the least fill
        /// for a complete factor, the reference method's choice.
        case amd
        /// The variables' own order (for odometry graphs, along the trajectory). IC(0) drops
        /// the fill instead of computing it, and minimum-degree orderings can weaken it (Duff
        /// and Meurant, 1989). Graph-dependent, measured with fp32 / mixed: 25–36 % fewer CG
        /// iterations on sphere2500 and city10000, 2.4× more on parking-garage.
        case natural
    }

    /// Configuration with documented defaults.
    public struct Options: Sendable {
        /// The PCG preconditioner. Default ``PreconditionerKind/incompleteCholesky``.
        public var preconditioner = PreconditionerKind.incompleteCholesky
        /// Block-row order of the incomplete-Cholesky preconditioner. Default
        /// ``PreconditionerOrdering/amd``.
        public var preconditionerOrdering = PreconditionerOrdering.amd
        /// Fill level of the incomplete-Cholesky preconditioner (``IncompleteCholesky/Options/fillLevel``).
        /// Default 0. IC(1) halves the CG iterations on sphere2500 and city10000 (fp32 PCG there
        /// 29 % / 37 % faster) and needs no breakdown shift on parking-garage, but near fp32's
        /// limit (κ u₃₂ → 1) its fp32 CG corrections stop lowering the fp64 model sooner, so
        /// iterative refinement cannot reach tight forcing terms (1e-8) on ill-conditioned
        /// corridors that IC(0) refines to.
        public var preconditionerFillLevel = 0
        /// Aggregates of a coarse correction added to the incomplete-Cholesky preconditioner
        /// (``TwoLevelPreconditioner``): the free poses in this many runs of consecutive
        /// variables, each run's rigid motions the coarse space. 0 (default) for none.
        ///
        /// With 32: fp32 / mixed CG iterations on sphere2500 2506 → 853 and city10000 6862 →
        /// 2736, about 35–45 % less PCG time; on small graphs (intel, smallGrid3D) the coarse
        /// solve costs more than it saves. Not the default because it reaches flat modes fp32
        /// cannot resolve: a first solve that fails there drops the coarse level for that
        /// factor (parking-garage: 30 % slower), and on the corridor of the refinement tests
        /// its fp32 steps carry large errors along those modes.
        public var coarseAggregates = 0
        /// Preconditioner refresh policy. Default ``RefreshPolicy/adaptive``: static while CG
        /// stays fast, refactored when the Hessian has drifted (measured on the g2o
        /// benchmarks: a purely static IC(0) from the start point stalls CG on sphere2500).
        public var refresh: RefreshPolicy = .adaptive
        /// Options of each low-precision CG solve. Its tolerance is the tightest relative
        /// residual one correction solve aims for; iterative refinement goes further.
        public var conjugateGradient: ConjugateGradient.Options = {
            var options = ConjugateGradient.Options()
            options.relativeTolerance = 1e-6
            options.maxIterations = 1000
            return options
        }()
        /// Largest forcing term η far from the optimum: a step is accepted from the linear
        /// solver when its relative fp64 residual is below η or its relative energy-norm error
        /// is below η². Default 1e-3 (measured on the g2o benchmarks: 1e-2 lets inexact early
        /// steps from MIT's poor start lead LM into another local minimum).
        public var maxForcing = 1e-3
        /// Smallest forcing term η near the optimum, reached through mixed-precision iterative
        /// refinement (fp64 residual, low-precision correction solves). Default 1e-10.
        public var minForcing = 1e-10
        /// Most refinement steps (correction solves after the first) per linear solve.
        /// Default 10.
        public var maxRefinements = 10
        /// Growth of CG iterations that triggers an adaptive refresh. Default 2.
        public var adaptiveRefreshGrowth = 2.0
        /// CG iterations below which an adaptive refresh never triggers. Default 20.
        public var adaptiveRefreshMinimum = 20
        /// Kernel path and fp16 arithmetic of the products and triangular solves.
        public var kernel = KernelOptions()
        /// The products of the PCG path. Default ``KrylovOperator/normalEquations``.
        public var krylovOperator = KrylovOperator.normalEquations
        /// Whether the direct path uses CHOLMOD even for non-fp64 plans. Default false.
        public var alwaysDirect = false
        /// Growth of the free variable count, relative to the count at the last fresh
        /// ordering, up to which a grown problem extends the existing orderings instead of
        /// computing new ones. Default 0.2: appending keeps the old variables' elimination
        /// order, whose fill slowly degrades as loop closures arrive, so a fresh AMD ordering
        /// is computed every 20 % of growth. 0 always reorders.
        public var reorderingGrowth = 0.2

        /// Creates options with the documented defaults.
        public init() {}

        /// Checks the ranges: the CG options (``ConjugateGradient/Options/validate()``),
        /// 0 < `minForcing` ≤ `maxForcing` < 1, a fill level of 0 or 1, non-negative coarse aggregates,
        /// refinements and refresh minimum, a refresh growth ≥ 1 and a finite, non-negative
        /// reordering growth. ``LevenbergMarquardt/minimize(_:plan:stepSolver:)`` calls it.
        /// - Throws: ``OptimizerError/invalidOption(_:)`` naming the option.
        public func validate() throws(OptimizerError) {
            do { try conjugateGradient.validate() } catch { throw .invalidOption("conjugateGradient: \(error)") }
            guard minForcing > 0, minForcing <= maxForcing, maxForcing < 1 else {
                throw .invalidOption("need 0 < minForcing ≤ maxForcing < 1")
            }
            for (name, value) in [
                ("preconditionerFillLevel", preconditionerFillLevel), ("coarseAggregates", coarseAggregates),
                ("maxRefinements", maxRefinements), ("adaptiveRefreshMinimum", adaptiveRefreshMinimum),
            ] where value < 0 {
                throw .invalidOption("\(name) must be ≥ 0")
            }
            // IncompleteCholesky computes levels 0 and 1 only; a higher level would fail every
            // factorization and leave each step to the direct fallback.
            guard preconditionerFillLevel <= 1 else { throw .invalidOption("preconditionerFillLevel must be 0 or 1") }
            guard adaptiveRefreshGrowth >= 1, adaptiveRefreshGrowth.isFinite else {
                throw .invalidOption("adaptiveRefreshGrowth must be finite and ≥ 1")
            }
            guard reorderingGrowth >= 0, reorderingGrowth.isFinite else {
                throw .invalidOption("reorderingGrowth must be finite and ≥ 0")
            }
        }

    }

    /// The options of this solver.
    public var options: Options

    /// Checks ``options`` (``Options/validate()``).
    public func validateOptions() throws(OptimizerError) { try options.validate() }
    /// Symbolic analyses done from scratch (pattern builds, CHOLMOD analyses, AMD orderings).
    public private(set) var symbolicAnalyses = 0
    /// Symbolic analyses that extended an earlier solve's orderings to a grown problem.
    public private(set) var extendedAnalyses = 0
    /// Seconds spent in symbolic analysis, fresh or extended.
    public private(set) var analysisSeconds = 0.0
    /// Seconds spent assembling the normal equations (and the coarse basis) since creation.
    public private(set) var assemblySeconds = 0.0

    private var linearization: Linearization?
    private var blockSize = 0
    private var hessian: BlockCSRMatrix<Double>?
    /// For each factor, for each ordered pair (a, b) of its blocks, the Hessian block index.
    private var scatter: [Int32] = []
    private var scatterOffsets: [Int] = []
    private var diagonalBlock: [Int] = []
    /// J's block pattern (a block row per factor, a block column per free variable) when every
    /// factor has `blockSize` residual rows, and the structure's block index of each stored block.
    private var jacobianPattern: BlockCSRMatrix<Double>?
    private var jacobianSource: [Int] = []
    private var gradient: [Double] = []
    private var diagonal: [Double] = []
    /// Whether the last linearization's gradient and Hessian diagonal are finite.
    private var linearizationIsFinite = true
    private var cholmod: Cholmod?
    private var ordering: [Int32]?
    private var incompleteFactor: IncompleteCholesky?
    private var completeFactor: CholeskyPreconditioner?
    private var coarseCorrection: CoarseCorrection?
    /// Per free variable, its coarse basis block Ad(Xᵢ⁻¹ X_c) (row-major) and aggregate.
    private var coarseBasis: [Double] = []
    private var coarseAggregate: [Int32] = []
    private var preconditionerCholmod: Cholmod?
    private var preconditionerPrecision: Precision?
    private var iterationsAfterRefresh = 0
    private var lastIterations = 0
    private var lastSolveConverged = true
    private var conjugateGradient = ConjugateGradient()
    private var initialGradientNorm = 0.0
    /// The structure of the last analysis, to recognize a grown problem.
    private var analyzedStructure: ProblemStructure?
    /// Free variable count when the orderings were last computed from scratch.
    private var orderedVariableCount = 0

    /// Creates a solver; all analysis happens on the first linearization.
    public init(options: Options = Options()) { self.options = options }

    /// `cholmod` for fp64 plans (or with ``Options/alwaysDirect``), `pcg-ic` otherwise.
    public func linearSolverName(for plan: PrecisionPlan) -> String {
        usesDirectSolver(plan) ? "cholmod" : "pcg-ic"
    }

    private func usesDirectSolver(_ plan: PrecisionPlan) -> Bool {
        options.alwaysDirect || (plan.matrixVector == .fp64 && plan.triangularSolve == .fp64)
    }

    /// Evaluates residuals and Jacobians at `plan.residual` and assembles H and g in fp64.
    public mutating func linearize(_ problem: inout Problem, plan: PrecisionPlan) throws -> LinearizationResult {
        let structure = problem.structure
        if structure.buildID != analyzedStructure?.buildID {
            let t0 = ContinuousClock.now
            try analyze(structure)
            analysisSeconds += (ContinuousClock.now - t0).seconds
        }
        var lin = linearization ?? Linearization(structure: structure)
        linearization = nil
        problem.linearize(precision: plan.residual, into: &lin)
        defer { linearization = lin }
        let assemblyStart = ContinuousClock.now
        defer { assemblySeconds += (ContinuousClock.now - assemblyStart).seconds }
        if options.coarseAggregates > 0 && !usesDirectSolver(plan) { computeCoarseBasis(problem, structure) }
        guard var h = hessian else { throw LinearSolverError.patternChanged }
        hessian = nil
        defer { hessian = h }
        let b = blockSize, bb = b * b
        for k in h.values.indices { h.values[k] = 0 }
        for k in gradient.indices { gradient[k] = 0 }
        ck_normal_blocks_f64(
            Int32(b), structure.factorCount, structure.residualOffsets, structure.factorBlockOffsets,
            structure.blockJacobianOffsets, structure.blockVariables, scatterOffsets, scatter,
            lin.jacobians, lin.residuals, &h.values, &gradient)
        var maxNorm = 0.0
        for (v, block) in diagonalBlock.enumerated() {
            for i in 0..<b { diagonal[v * b + i] = h.values[block * bb + i * b + i] }
        }
        for g in gradient { maxNorm = max(maxNorm, abs(g)) }
        let overflow = try LinearizationResult.overflow(
            gradient: gradient, diagonal: diagonal, plan: plan, what: "gradient")
        linearizationIsFinite = overflow == nil
        if let overflow { return overflow }
        if initialGradientNorm == 0 { initialGradientNorm = maxNorm }
        return LinearizationResult(gradientMaxNorm: maxNorm)
    }

    /// Solves (H + λD) δ = −g for the last linearization.
    public mutating func solve(damping: Damping, plan: PrecisionPlan) throws -> StepResult {
        guard let h = hessian else { throw LinearSolverError.patternChanged }
        guard linearizationIsFinite else { throw LinearSolverError.nonFinite("the linearization overflowed") }
        let n = gradient.count
        let shift = damping.shift(diagonal: diagonal)
        var delta = [Double](repeating: 0, count: n)
        var result: StepResult
        if usesDirectSolver(plan) {
            if cholmod == nil {
                cholmod = Cholmod()
            }
            let solver = cholmod!
            if !solver.isAnalyzed(for: h) {
                let t0 = ContinuousClock.now
                try solver.analyze(h)
                analysisSeconds += (ContinuousClock.now - t0).seconds
                symbolicAnalyses += 1
            }
            try solver.factorize(h, diagonalShift: shift)
            try solver.solve(gradient.map { -$0 }, into: &delta)
            result = StepResult(delta: delta, predictedDecrease: 0, iterations: 1, termination: "direct")
        } else {
            result = try iterativeSolve(h, shift: shift, plan: plan, into: &delta)
        }
        result.predictedDecrease = try modelDecrease(h, result.delta)
        return result
    }

    /// m(0) − m(δ) = −gᵀδ − ½ δᵀHδ in fp64.
    private func modelDecrease(_ h: BlockCSRMatrix<Double>, _ delta: [Double]) throws -> Double {
        var hd = [Double](repeating: 0, count: delta.count)
        try h.multiply(delta, into: &hd, options: options.kernel)
        var gd = 0.0, dhd = 0.0
        for k in delta.indices {
            gd += gradient[k] * delta[k]
            dhd += delta[k] * hd[k]
        }
        return -gd - 0.5 * dhd
    }

    private mutating func iterativeSolve(
        _ h: BlockCSRMatrix<Double>, shift: [Double], plan: PrecisionPlan, into delta: inout [Double]
    ) throws -> StepResult {
        let n = gradient.count
        let scaled = plan.scalesBeforeHalfCast
        // S = diag(H + λD)^-½ (identity for the naive plan).
        var s = [Double](repeating: 1, count: n)
        if scaled {
            for k in 0..<n {
                let d = diagonal[k] + shift[k]
                s[k] = d > 0 ? 1 / d.squareRoot() : 1
            }
        }
        var system = h
        let b = blockSize
        for blockRow in 0..<system.blockRowCount {
            for k in Int(system.blockRowPointers[blockRow])..<Int(system.blockRowPointers[blockRow + 1]) {
                let column0 = Int(system.blockColumnIndices[k]) * b
                for i in 0..<b {
                    for j in 0..<b {
                        system.values[k * b * b + i * b + j] *= s[blockRow * b + i] * s[column0 + j]
                    }
                }
            }
        }
        for (v, block) in diagonalBlock.enumerated() {
            for i in 0..<b {
                system.values[block * b * b + i * b + i] += shift[v * b + i] * s[v * b + i] * s[v * b + i]
            }
        }
        let rhs = (0..<n).map { -gradient[$0] * s[$0] }

        var result = StepResult(delta: [], predictedDecrease: 0, iterations: 0, termination: "")
        let refresh: Bool
        let missing = incompleteFactor == nil && completeFactor == nil
        switch options.refresh {
        case .once: refresh = missing || preconditionerPrecision != plan.triangularSolve
        case .everySolve: refresh = true
        case .adaptive:
            refresh = missing || preconditionerPrecision != plan.triangularSolve || !lastSolveConverged
                || Double(lastIterations) > max(
                    options.adaptiveRefreshGrowth * Double(iterationsAfterRefresh), Double(options.adaptiveRefreshMinimum))
        }
        if refresh {
            if ordering == nil {
                let t0 = ContinuousClock.now
                switch options.preconditionerOrdering {
                case .amd: ordering = try AMDOrdering.blockPermutation(of: system)
                case .natural: ordering = Array(0..<Int32(system.blockRowCount))
                }
                analysisSeconds += (ContinuousClock.now - t0).seconds
                symbolicAnalyses += 1
            }
            switch options.preconditioner {
            case .incompleteCholesky:
                var icOptions = IncompleteCholesky.Options(storage: plan.triangularSolve)
                icOptions.kernel = options.kernel
                icOptions.fillLevel = options.preconditionerFillLevel
                let factor = try IncompleteCholesky(matrix: system, permutation: ordering, options: icOptions)
                incompleteFactor = factor
                completeFactor = nil
                coarseCorrection = nil
                if options.coarseAggregates > 0 {
                    var scaled = coarseBasis
                    for i in 0..<system.blockRowCount {
                        for t in 0..<b { for c in 0..<b { scaled[(i * b + t) * b + c] /= s[i * b + t] } }
                    }
                    // A coarse matrix that does not factor in fp64 leaves the fine level alone.
                    coarseCorrection = try? CoarseCorrection(
                        matrix: system, aggregate: coarseAggregate, aggregateCount: Int(coarseAggregate.last ?? 0) + 1,
                        basis: scaled, kernel: options.kernel)
                }
                result.preconditionerShift = factor.shift
                result.halfOverflows += factor.conversionReport.overflowCount
                result.halfUnderflows += factor.conversionReport.flushedCount
            case .completeCholesky:
                if preconditionerCholmod == nil { preconditionerCholmod = Cholmod() }
                let factor = try CholeskyPreconditioner(
                    system, storage: plan.triangularSolve, kernel: options.kernel, cholmod: preconditionerCholmod!)
                completeFactor = factor
                incompleteFactor = nil
                result.halfOverflows += factor.conversionReport.overflowCount
                result.halfUnderflows += factor.conversionReport.flushedCount
            }
            preconditionerPrecision = plan.triangularSolve
            result.factoredPreconditioner = true
        }
        lastSolveConverged = false
        let relativeGradient = initialGradientNorm > 0 ? (gradient.map(abs).max() ?? 0) / initialGradientNorm : 1
        let forcing = max(options.minForcing, min(options.maxForcing, relativeGradient.squareRoot()))
        var conversion = ConversionReport()
        var operand: ScaledOperator
        if options.krylovOperator == .jacobian, var j = jacobianPattern, let lin = linearization {
            let bb = b * b
            for (k, source) in jacobianSource.enumerated() {
                let column0 = Int(j.blockColumnIndices[k]) * b
                let offset = analyzedStructure!.blockJacobianOffsets[source]
                for r in 0..<b {
                    for c in 0..<b { j.values[k * bb + r * b + c] = lin.jacobians[offset + r * b + c] * s[column0 + c] }
                }
            }
            let damping = (0..<n).map { shift[$0] * s[$0] * s[$0] }
            operand = try ScaledOperator(jacobian: j, damping: damping, plan: plan, kernel: options.kernel, conversion: &conversion)
        } else {
            operand = try ScaledOperator(system, plan: plan, kernel: options.kernel, conversion: &conversion)
        }
        result.halfOverflows += conversion.overflowCount
        result.halfUnderflows += conversion.flushedCount

        // Mixed-precision iterative refinement: the residual of the fp64 iterate is computed
        // from the fp64 scaled system, and each correction is solved by low-precision PCG, so
        // the step's accuracy is set by the fp64 residual, not by fp32 CG's attainable accuracy.
        let rhsNorm = norm(rhs)
        let target = forcing * rhsNorm
        var x = [Double](repeating: 0, count: n)
        var residual = rhs
        var residualNorm = rhsNorm
        var candidate = x
        var product = x
        var correction: [Float] = []
        var iterations = 0
        var termination = ConjugateGradient.Termination.converged
        var refinements = 0
        var model = 0.0
        var energyConverged = false
        while residualNorm > target && rhsNorm > 0 {
            let magnitude = residual.reduce(0) { max($0, abs($1)) }
            let correctionRHS = residual.map { Float($0 / magnitude) }
            var cgOptions = options.conjugateGradient
            cgOptions.energyTolerance = forcing * forcing
            // A switching plan escalates precision when CG stalls, so it keeps the quick
            // residual-norm stagnation test and no refinement; fixed plans refine instead.
            cgOptions.stagnationTest = plan.switching ? .residualNorm : .energy
            conjugateGradient.options = cgOptions
            let report: ConjugateGradient.Report
            // Each factor is moved out while CG runs so its workspace is mutated in place.
            if let coarse = coarseCorrection, let fine = incompleteFactor {
                incompleteFactor = nil
                coarseCorrection = nil
                var m = try TwoLevelPreconditioner(fine: fine, coarse: coarse)
                defer { incompleteFactor = m.fine; coarseCorrection = m.coarse }
                report = try operand.solve(&conjugateGradient, &m, correctionRHS, &correction)
            } else if var m = incompleteFactor {
                incompleteFactor = nil
                defer { incompleteFactor = m }
                report = try operand.solve(&conjugateGradient, &m, correctionRHS, &correction)
            } else {
                var m = completeFactor!
                completeFactor = nil
                defer { completeFactor = m }
                report = try operand.solve(&conjugateGradient, &m, correctionRHS, &correction)
            }
            iterations += report.iterations
            termination = report.termination
            // CG minimizes q(x) = ½ xᵀĤx − b̂ᵀx; a correction that does not lower q in fp64
            // is discarded: the low-precision solve has resolved what it can of this system.
            let solved = report.termination != .nonFinite && report.termination != .indefinite
            var candidateNorm = 0.0, candidateModel = 0.0
            if solved {
                for k in 0..<n { candidate[k] = x[k] + magnitude * Double(correction[k]) }
                try system.multiply(candidate, into: &product, options: options.kernel)
                for k in 0..<n {
                    let r = rhs[k] - product[k]
                    candidateNorm += r * r
                    candidateModel -= 0.5 * candidate[k] * (rhs[k] + r)
                }
                candidateNorm = candidateNorm.squareRoot()
            }
            guard solved && candidateModel < model else {
                if refinements == 0 && coarseCorrection != nil {
                    // The coarse space reaches modes flatter than fp32 products resolve
                    // (κ u₃₂ ≳ 1: parking-garage at small λ), so CG's answer is noise there:
                    // this factor continues on the fine level alone.
                    coarseCorrection = nil
                    result.droppedCoarseCorrection = true
                    continue
                }
                // Not even the first solve lowered the model: no usable step at this damping.
                guard refinements > 0 else { throw LinearSolverError.notPositiveDefinite(column: -1) }
                break
            }
            refinements += 1
            swap(&x, &candidate)
            for k in 0..<n { residual[k] = rhs[k] - product[k] }
            let gain = model - candidateModel
            let previousNorm = residualNorm
            residualNorm = candidateNorm
            model = candidateModel
            // Converged in the energy norm: CG met its tolerance, or the correction changed
            // the model by a negligible fraction, so the remaining error cannot matter to the
            // nonlinear step. Otherwise CG stopped at its precision's floor: refine, restarting
            // from the fp64 residual of the current iterate. A CG that ran out of iterations is
            // restarted too (the fp64 residual sheds its fp32 drift) if it cut the residual
            // tenfold; a slower one ends the solve unconverged, for the optimizer to solve this
            // damping directly (LevenbergMarquardt.Options.directFallback): parking-garage's
            // fp32 and mixed plans spent 11,000 CG iterations on each such solve before.
            if report.termination == .converged || gain <= forcing * forcing * abs(model) {
                energyConverged = true
                break
            }
            let slow = report.termination == .maxIterations && candidateNorm > 0.1 * previousNorm
            if plan.switching || refinements > options.maxRefinements || slow { break }
        }
        if refresh { iterationsAfterRefresh = iterations }
        lastIterations = iterations
        for k in 0..<n { delta[k] = x[k] * s[k] }
        result.delta = delta
        result.iterations = iterations
        if residualNorm <= target || energyConverged {
            termination = .converged
        } else if termination == .converged {
            termination = .stagnated
        }
        lastSolveConverged = termination == .converged
        result.isTrusted = lastSolveConverged
        result.termination = termination.rawValue
        return result
    }

    /// Groups the free poses into `coarseAggregates` runs of consecutive variables and stores
    /// each pose's coarse block Ad(Xᵢ⁻¹ X_c), c the first pose of its run.
    private mutating func computeCoarseBasis(_ problem: Problem, _ structure: ProblemStructure) {
        let count = structure.freeVariableCount
        let groups = min(options.coarseAggregates, count)
        let b = blockSize
        coarseAggregate = (0..<count).map { Int32($0 * groups / count) }
        coarseBasis = [Double](repeating: 0, count: count * b * b)
        var first = 0
        for i in 0..<count {
            if i == 0 || coarseAggregate[i] != coarseAggregate[i - 1] { first = i }
            let id = structure.freeVariableIDs[i], anchor = structure.freeVariableIDs[first]
            if b == 6, let x = problem.se3(id), let c = problem.se3(anchor) {
                let ad = (x.inverse * c).adjoint
                for r in 0..<6 { for k in 0..<6 { coarseBasis[i * 36 + r * 6 + k] = ad[r, k] } }
            } else if b == 3, let x = problem.se2(id), let c = problem.se2(anchor) {
                let ad = (x.inverse * c).adjoint
                for r in 0..<3 { for k in 0..<3 { coarseBasis[i * 9 + r * 3 + k] = ad[r, k] } }
            } else {
                for r in 0..<b { coarseBasis[i * b * b + r * b + r] = 1 }
            }
        }
    }

    private func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Builds the Hessian block pattern (both triangles) and the scatter map for `structure`,
    /// and extends or drops the orderings and factorizations of the previous structure.
    private mutating func analyze(_ structure: ProblemStructure) throws {
        let count = structure.freeVariableCount
        let sizes = Set((0..<count).map { structure.tangentDimension(ofFreeVariable: $0) })
        guard sizes.count <= 1 else {
            throw OptimizerError.invalidOption("pose-graph solver needs one tangent dimension for every free variable, got \(sizes.sorted())")
        }
        let b = sizes.first ?? 1
        // Both triangles from the sorted upper pattern by counting: row i is the transposed
        // entries (rows j < i that hold column i, met in increasing j) followed by upper row i.
        let upperOffsets = structure.hessianRowOffsets, upperColumns = structure.hessianColumns
        var pointers = [Int32](repeating: 0, count: count + 1)
        for i in 0..<count {
            pointers[i + 1] += Int32(upperOffsets[i + 1] - upperOffsets[i])
            for k in upperOffsets[i]..<upperOffsets[i + 1] where upperColumns[k] != i {
                pointers[upperColumns[k] + 1] += 1
            }
        }
        for i in 0..<count { pointers[i + 1] += pointers[i] }
        var columns = [Int32](repeating: 0, count: Int(pointers[count]))
        var next = pointers.map(Int.init)
        for i in 0..<count {
            for k in upperOffsets[i]..<upperOffsets[i + 1] where upperColumns[k] != i {
                let j = upperColumns[k]
                columns[next[j]] = Int32(i)
                next[j] += 1
            }
        }
        for i in 0..<count {
            for k in upperOffsets[i]..<upperOffsets[i + 1] {
                columns[next[i]] = Int32(upperColumns[k])
                next[i] += 1
            }
        }
        func blockIndex(_ i: Int, _ j: Int) -> Int32 {
            let start = Int(pointers[i]), end = Int(pointers[i + 1])
            var lo = start, hi = end
            while lo < hi {
                let mid = (lo + hi) / 2
                if columns[mid] < Int32(j) { lo = mid + 1 } else { hi = mid }
            }
            return Int32(lo)
        }
        let matrix = try BlockCSRMatrix<Double>(
            blockSize: b, blockRowCount: count, blockColumnCount: count, blockRowPointers: pointers,
            blockColumnIndices: columns, values: [Double](repeating: 0, count: columns.count * b * b))
        scatter = []
        scatterOffsets = [0]
        for f in 0..<structure.factorCount {
            let variables = structure.freeVariables(ofFactor: f)
            for a in variables {
                for c in variables { scatter.append(blockIndex(a, c)) }
            }
            scatterOffsets.append(scatter.count)
        }
        diagonalBlock = (0..<count).map { Int(blockIndex($0, $0)) }
        jacobianPattern = nil
        jacobianSource = []
        if (0..<structure.factorCount).allSatisfy({ structure.residualDimension(ofFactor: $0) == b }) {
            var rowPointers: [Int32] = [0], blockColumns: [Int32] = []
            // The arrays, not the structure, in the comparator: a closure over `structure`
            // copied all of its arrays for every factor's sort.
            let blockOffsets = structure.factorBlockOffsets, blockVariables = structure.blockVariables
            for f in 0..<structure.factorCount {
                let blocks = (blockOffsets[f]..<blockOffsets[f + 1]).sorted { blockVariables[$0] < blockVariables[$1] }
                for block in blocks {
                    jacobianSource.append(block)
                    blockColumns.append(Int32(blockVariables[block]))
                }
                rowPointers.append(Int32(blockColumns.count))
            }
            jacobianPattern = try? BlockCSRMatrix<Double>(
                blockSize: b, blockRowCount: structure.factorCount, blockColumnCount: count,
                blockRowPointers: rowPointers, blockColumnIndices: blockColumns,
                values: [Double](repeating: 0, count: blockColumns.count * b * b))
        }
        hessian = matrix
        blockSize = b
        gradient = [Double](repeating: 0, count: count * b)
        diagonal = gradient
        linearization = Linearization(structure: structure)
        incompleteFactor = nil
        completeFactor = nil
        preconditionerCholmod = nil
        initialGradientNorm = 0
        let previous = analyzedStructure
        analyzedStructure = structure
        if let previous, extendsOrdering(of: previous, to: structure),
            ordering != nil || cholmod?.permutation != nil
        {
            let added = Int32(previous.freeVariableCount)..<Int32(count)
            ordering = ordering.map { $0 + added }
            if let solver = cholmod {
                if let old = solver.permutation {
                    try solver.analyze(matrix, permutation: old + (Int32(old.count)..<Int32(count * b)))
                } else {
                    cholmod = nil
                }
            }
            extendedAnalyses += 1
        } else {
            cholmod = nil
            ordering = nil
            orderedVariableCount = count
            symbolicAnalyses += 1
        }
    }

    /// Whether `new` keeps every free variable of `old` at its index (variables were only
    /// appended) and has not outgrown ``Options/reorderingGrowth``, so the old orderings,
    /// followed by the new variables, still order it.
    private func extendsOrdering(of old: ProblemStructure, to new: ProblemStructure) -> Bool {
        let limit = Double(orderedVariableCount) * (1 + options.reorderingGrowth)
        return old.freeVariableCount > 0 && Double(new.freeVariableCount) <= limit
            && new.freeVariableIDs.starts(with: old.freeVariableIDs)
    }
}

/// The Jacobi-scaled system Ĥ stored at a plan's `matrixVector` precision, converted once per
/// linear solve and shared by every correction solve of the iterative refinement.
/// The scaled system's operator at the plan's `matrixVector` precision: Ĥ, or CGNR's Ĵᵀ Ĵ +
/// diag(S λD S).
private struct ScaledOperator {
    private var operand: any LinearOperator

    /// Ĥ cast to `plan.matrixVector`; `conversion` receives what an fp16 cast did.
    init(_ system: BlockCSRMatrix<Double>, plan: PrecisionPlan, kernel: KernelOptions, conversion: inout ConversionReport) throws {
        switch plan.matrixVector {
        case .fp64: operand = BlockMatrixOperator(system, kernel: kernel)
        case .fp32: operand = BlockMatrixOperator(try system.converted(to: Float.self).matrix, kernel: kernel)
        case .fp16:
            let (matrix, report) = try system.converted(to: Float16.self)
            conversion = report
            operand = BlockMatrixOperator(matrix, kernel: kernel)
        }
    }

    /// Ĵᵀ Ĵ + diag(damping) with Ĵ cast to `plan.matrixVector`; `conversion` receives what an
    /// fp16 cast did.
    init(
        jacobian: BlockCSRMatrix<Double>, damping: [Double], plan: PrecisionPlan, kernel: KernelOptions,
        conversion: inout ConversionReport
    ) throws {
        let shift = damping.map(Float.init)
        switch plan.matrixVector {
        case .fp64: operand = JacobianNormalOperator(jacobian, diagonalShift: shift, kernel: kernel)
        case .fp32:
            operand = JacobianNormalOperator(try jacobian.converted(to: Float.self).matrix, diagonalShift: shift, kernel: kernel)
        case .fp16:
            let (matrix, report) = try jacobian.converted(to: Float16.self)
            conversion = report
            operand = JacobianNormalOperator(matrix, diagonalShift: shift, kernel: kernel)
        }
    }

    /// Runs `cg` on the operator's system with right-hand side `b`, preconditioned by `m`.
    mutating func solve<M: Preconditioner>(
        _ cg: inout ConjugateGradient, _ m: inout M, _ b: [Float], _ x: inout [Float]
    ) throws -> ConjugateGradient.Report {
        try Self.run(&operand, &cg, &m, b, &x)
    }

    private static func run<A: LinearOperator, M: Preconditioner>(
        _ a: inout A, _ cg: inout ConjugateGradient, _ m: inout M, _ b: [Float], _ x: inout [Float]
    ) throws -> ConjugateGradient.Report {
        try cg.solve(&a, preconditioner: &m, rhs: b, solution: &x)
    }
}
