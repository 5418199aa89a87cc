import Foundation
import MixedSLAM
import Testing

/// Small pose graphs generated in code: a loop of poses with odometry and loop closures.
enum PoseGraphFixture {
    struct Random {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-52 - 1
        }

        /// Exp(n) with translation and rotation parts uniform in [−scale, scale].
        mutating func perturbation(_ scale: Double) -> SE3<Double> {
            SE3.exp(SE3<Double>.Tangent(
                translation: SIMD3(uniform(), uniform(), uniform()) * scale,
                rotation: SIMD3(uniform(), uniform(), uniform()) * scale))
        }
    }

    /// An SE(3) graph: a helix of `poses`, odometry i→i+1 and a loop closure every 7 poses back
    /// to one 5 poses earlier; measurements perturbed by `noise`, start perturbed by `drift`.
    static func se3(poses: Int, noise: Double, drift: Double, seed: UInt64) throws -> Problem {
        var random = Random(state: seed)
        let truth = (0..<poses).map { i -> SE3<Double> in
            let a = Double(i) * 0.3
            return SE3(
                rotation: SO3.exp(SIMD3(0.1 * sin(a), 0.05, a)),
                translation: SIMD3(3 * cos(a), 3 * sin(a), 0.1 * Double(i)))
        }
        var problem = Problem()
        for i in 0..<poses { try problem.addSE3(id: i, truth[i] * random.perturbation(i == 0 ? 0 : drift)) }
        var pairs = (0..<(poses - 1)).map { ($0, $0 + 1) }
        for i in stride(from: 7, to: poses, by: 7) { pairs.append((i - 5, i)) }
        let information = try InformationMatrix(
            [100, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0,
             0, 0, 0, 400, 0, 0, 0, 0, 0, 0, 400, 0, 0, 0, 0, 0, 0, 400], dimension: 6)
        for (i, j) in pairs {
            let z = truth[i].inverse * truth[j] * random.perturbation(noise)
            _ = try problem.add(BetweenFactorSE3(from: i, to: j, measurement: z, information: information))
        }
        return problem
    }
}

@Suite struct LevenbergMarquardtTests {
    private func solve(_ problem: Problem, _ preset: PrecisionPlan.Preset, options: LevenbergMarquardt.Options = .init()) throws -> (Problem, Summary) {
        var p = problem
        var solver = PoseGraphStepSolver()
        let summary = try LevenbergMarquardt(options: options).minimize(
            &p, plan: .preset(preset, for: .poseGraph), stepSolver: &solver)
        return (p, summary)
    }

    @Test func noiseFreeGraphReachesZeroCost() throws {
        let problem = try PoseGraphFixture.se3(poses: 40, noise: 0, drift: 0.05, seed: 1)
        #expect(problem.cost(precision: .fp64) > 1)
        let (_, summary) = try solve(problem, .fp64)
        #expect(summary.finalCost < 1e-16)
        #expect(summary.isConverged)
    }

    /// Adaptive takes a step computed below fp64 only when its gain ratio reaches
    /// `switchingMinGainRatio` and its linear solve converged; a poorer step is solved again
    /// one precision up (reason `poorStep`). A bound no step can reach forces that at the first
    /// iteration; without the bound no step is judged poor. Both reach the fp64 optimum.
    @Test(arguments: [0.0, 0.25, 0.9999])
    func adaptiveTakesOnlyTrustedLowPrecisionSteps(bound: Double) throws {
        let problem = try PoseGraphFixture.se3(poses: 60, noise: 0.01, drift: 0.3, seed: 5)
        let (_, reference) = try solve(problem, .fp64)
        var options = LevenbergMarquardt.Options()
        options.switchingMinGainRatio = bound
        let (_, adaptive) = try solve(problem, .adaptive, options: options)
        #expect(abs(adaptive.finalCost - reference.finalCost) <= 1e-9 * reference.finalCost)
        for detail in adaptive.iterationDetails where detail.accepted && !detail.plan.hasPrefix("adaptive(fp64/fp64/fp64/fp64") {
            #expect(detail.gainRatio >= bound, "iteration \(detail.iteration): gain \(detail.gainRatio)")
            #expect(detail.linearTermination == "converged", "iteration \(detail.iteration)")
        }
        let poor = adaptive.switches.filter { $0.reason == "poorStep" }
        if bound == 0 { #expect(poor.isEmpty) }
        if bound == 0.9999 { #expect(poor.first?.iteration == 2, "\(adaptive.switches)") }
    }

    /// A CG solve that stalls with fp32 products and vectors is not repeated with a
    /// higher-precision preconditioner (that changes how fast CG converges, not where it
    /// stalls): adaptive pose-graph solves escalate straight to the direct fp64 solve. Bundle
    /// adjustment's fp16 products are raised first instead (they set CGNR's floor).
    @Test func stalledPreconditionedSolvesEscalateToTheDirectSolve() throws {
        let problem = try PoseGraphFixture.se3(poses: 60, noise: 0.01, drift: 0.05, seed: 2)
        let (_, reference) = try solve(problem, .fp64)
        var p = problem
        var options = PoseGraphStepSolver.Options()
        options.conjugateGradient.maxIterations = 2
        var solver = PoseGraphStepSolver(options: options)
        let adaptive = try LevenbergMarquardt().minimize(&p, plan: .preset(.adaptive, for: .poseGraph), stepSolver: &solver)
        let first = try #require(adaptive.switches.first)
        #expect(first.reason == "cgStagnation" && first.component == "linearSolver", "\(adaptive.switches)")
        #expect(first.from == .fp16 && first.to == .fp64)
        #expect(abs(adaptive.finalCost - reference.finalCost) <= 1e-9 * reference.finalCost)

        let scenario = try BundleAdjustmentFixture.scenario()
        var (window, _) = try BundleAdjustmentFixture.windowProblem(scenario, size: 6)
        var baOptions = BundleAdjustmentStepSolver.Options()
        baOptions.cgnr.conjugateGradient.maxIterations = 2
        var baSolver = BundleAdjustmentStepSolver(options: baOptions)
        let ba = try LevenbergMarquardt().minimize(
            &window, plan: .preset(.adaptive, for: .bundleAdjustment), stepSolver: &baSolver)
        let firstBA = try #require(ba.switches.first)
        #expect(firstBA.reason == "cgStagnation" && firstBA.component == "matrixVector", "\(ba.switches)")
    }

    /// A fixed plan whose CG solve fails solves that damping again with the direct fp64 solver
    /// (LAPACK dsposv's policy) and keeps its plan: with PCG cut to 2 iterations, mixed PGO
    /// still reaches the fp64 optimum, every fallback is recorded with its reason, and without
    /// the fallback the same solve ends far from it. The naive fp16 plan never falls back, and
    /// BA's CGNR vouches for its truncated steps: cut to 2 iterations, its steps are taken.
    @Test func failedIterativeSolvesFallBackToTheDirectSolve() throws {
        let problem = try PoseGraphFixture.se3(poses: 60, noise: 0.01, drift: 0.3, seed: 5)
        let (_, reference) = try solve(problem, .fp64)
        var solverOptions = PoseGraphStepSolver.Options()
        solverOptions.conjugateGradient.maxIterations = 2
        solverOptions.maxRefinements = 0
        func mixed(fallback: Bool) throws -> Summary {
            var p = problem
            var options = LevenbergMarquardt.Options()
            options.directFallback = fallback
            var solver = PoseGraphStepSolver(options: solverOptions)
            return try LevenbergMarquardt(options: options).minimize(
                &p, plan: .preset(.mixed, for: .poseGraph), stepSolver: &solver)
        }
        let withFallback = try mixed(fallback: true)
        #expect(withFallback.directFallbacks > 0)
        let reasons = withFallback.iterationDetails.map(\.directFallbackReason).filter { !$0.isEmpty }
        #expect(reasons.count == withFallback.directFallbacks)
        #expect(reasons.allSatisfy { ["stagnated", "maxIterations"].contains($0) }, "\(reasons)")
        #expect(withFallback.switches.isEmpty && withFallback.planName == "mixed")
        // fp32 residuals resolve the cost to about u₃₂ · (number of terms).
        #expect(abs(withFallback.finalCost - reference.finalCost) <= 1e-5 * reference.finalCost)
        let first = try #require(withFallback.iterationDetails.first { !$0.directFallbackReason.isEmpty })
        #expect(withFallback.fullReport.contains("direct fallbacks     \(withFallback.directFallbacks) (iteration: reason) \(first.iteration): \(first.directFallbackReason)"))
        let without = try mixed(fallback: false)
        #expect(without.directFallbacks == 0)
        #expect(without.finalCost > (1 + 1e-3) * reference.finalCost, "\(without.briefReport)")

        var naive = problem
        var naiveSolver = PoseGraphStepSolver(options: solverOptions)
        let fp16 = try LevenbergMarquardt().minimize(&naive, plan: .preset(.fp16, for: .poseGraph), stepSolver: &naiveSolver)
        #expect(fp16.directFallbacks == 0)

        let scenario = try BundleAdjustmentFixture.scenario()
        var (window, _) = try BundleAdjustmentFixture.windowProblem(scenario, size: 6)
        var baOptions = BundleAdjustmentStepSolver.Options()
        baOptions.cgnr.conjugateGradient.maxIterations = 2
        var cgnr = BundleAdjustmentStepSolver(options: baOptions)
        let ba = try LevenbergMarquardt().minimize(&window, plan: .preset(.mixed, for: .bundleAdjustment), stepSolver: &cgnr)
        #expect(ba.directFallbacks == 0)
        #expect(ba.iterationDetails.contains { $0.accepted && $0.linearTermination == "maxIterations" })
    }

    /// Every plan reaches the fp64 optimum on a small noisy graph; adaptive to 1e-9 relative.
    @Test func plansReachTheCholmodOptimum() throws {
        let problem = try PoseGraphFixture.se3(poses: 60, noise: 0.01, drift: 0.05, seed: 2)
        let (_, reference) = try solve(problem, .fp64)
        #expect(reference.linearSolver == "cholmod")
        #expect(reference.isConverged)
        let (_, adaptive) = try solve(problem, .adaptive)
        #expect(abs(adaptive.finalCost - reference.finalCost) <= 1e-9 * reference.finalCost)
        #expect(!adaptive.switches.isEmpty)
        for preset in [PrecisionPlan.Preset.fp32, .mixed] {
            let (_, summary) = try solve(problem, preset)
            #expect(summary.linearSolver == "pcg-ic")
            // fp32 residuals resolve the cost to about u₃₂ · (number of terms).
            #expect(abs(summary.finalCost - reference.finalCost) <= 1e-4 * reference.finalCost, "\(preset)")
        }
    }

    /// With λ = 0 one LM iteration is one Gauss-Newton step: δ = −(JᵀJ)⁻¹ Jᵀ r, here computed
    /// independently from a dense Jacobian with LAPACK.
    @Test func gaussNewtonStepMatchesDenseNormalEquations() throws {
        var problem = try PoseGraphFixture.se3(poses: 12, noise: 0.02, drift: 0.1, seed: 3)
        var linearization = Linearization(structure: problem.structure)
        problem.linearize(precision: .fp64, into: &linearization)
        let s = problem.structure
        let n = s.tangentDimension
        var h = [Double](repeating: 0, count: n * n), g = [Double](repeating: 0, count: n)
        var jacobian = [[Double]](repeating: [Double](repeating: 0, count: n), count: s.residualDimension)
        for f in 0..<s.factorCount {
            let m = s.residualDimension(ofFactor: f)
            for b in s.factorBlockOffsets[f]..<s.factorBlockOffsets[f + 1] {
                let v = s.blockVariables[b], d = s.tangentDimension(ofFreeVariable: v)
                let block = linearization.jacobianBlock(b)
                for row in 0..<m {
                    for c in 0..<d {
                        jacobian[s.residualOffsets[f] + row][s.tangentOffsets[v] + c] = block[block.startIndex + row * d + c]
                    }
                }
            }
        }
        for (row, r) in zip(jacobian, linearization.residuals) {
            for i in 0..<n {
                g[i] += row[i] * r
                for j in 0..<n { h[j * n + i] += row[i] * row[j] }
            }
        }
        let factor = try DenseCholesky(columnMajor: h, dimension: n)
        var delta = g.map { -$0 }
        try factor.solve(&delta)
        let expected = try problem.retracted(by: delta)

        var options = LevenbergMarquardt.Options()
        options.gaussNewton = true
        options.maxIterations = 1
        let (stepped, _) = try solve(problem, .fp64, options: options)
        for id in 0..<12 {
            let a = try #require(stepped.se3(id)), b = try #require(expected.se3(id))
            let difference = (a.inverse * b).log()
            #expect(difference.translation.norm < 1e-10 && difference.rotation.norm < 1e-10, "pose \(id): \(difference)")
        }
    }

    /// fp32 residuals leave a gradient noise of about u₃₂ · cost: once a barely damped step
    /// predicts less than `singleNoiseFloor` of the cost and the fp64 cost refuses it, the
    /// fixed fp32 and mixed plans stop instead of raising λ over noise. With the floor at 0
    /// (never) the same graphs end in runs of rejected steps.
    @Test func fixedFp32PlansStopAtTheirResidualNoiseFloor() throws {
        var rejectedWithoutFloor = 0
        for seed in UInt64(1)...4 {
            let problem = try PoseGraphFixture.se3(poses: 150, noise: 0.01, drift: 0.3, seed: seed)
            let (_, reference) = try solve(problem, .fp64)
            for preset in [PrecisionPlan.Preset.mixed, .fp32] {
                let (_, summary) = try solve(problem, preset)
                #expect(summary.termination == .functionTolerance)
                #expect(summary.iterationDetails.filter { !$0.accepted }.count <= 1, "\(preset) seed \(seed)")
                #expect(abs(summary.finalCost - reference.finalCost) <= 1e-9 * reference.finalCost)
                var options = LevenbergMarquardt.Options()
                options.singleNoiseFloor = 0
                let (_, unbounded) = try solve(problem, preset, options: options)
                rejectedWithoutFloor = max(rejectedWithoutFloor, unbounded.iterationDetails.filter { !$0.accepted }.count)
            }
        }
        #expect(rejectedWithoutFloor >= 5)
    }

    /// A rejected step leaves the state as it was: stopped right after the first rejected
    /// iteration, LM returns bit for bit the poses and cost of stopping right before it. (With
    /// the default λ₀ = 1e-4 this graph rejects no step; λ₀ = 1e-8 makes its seventh and last step fail.)
    @Test func rejectedStepsNeverWorsenTheState() throws {
        let problem = try PoseGraphFixture.se3(poses: 30, noise: 0.01, drift: 0.8, seed: 4)
        var options = LevenbergMarquardt.Options()
        options.initialLambda = 1e-8
        let (_, summary) = try solve(problem, .fp64, options: options)
        #expect(summary.finalCost <= summary.initialCost)
        let rejected = try #require(
            summary.iterationDetails.firstIndex { !$0.accepted }, "this start must make LM reject a step")
        options.maxIterations = rejected
        let (before, stoppedBefore) = try solve(problem, .fp64, options: options)
        options.maxIterations = rejected + 1
        let (after, stoppedAfter) = try solve(problem, .fp64, options: options)
        #expect(stoppedAfter.iterationDetails.last?.accepted == false)
        #expect(stoppedAfter.finalCost == stoppedBefore.finalCost)
        #expect(problem.variableIDs.count == 30)
        for id in problem.variableIDs {
            let a = try #require(after.se3(id)), b = try #require(before.se3(id))
            #expect(a.translation == b.translation && a.rotation.w == b.rotation.w
                && a.rotation.vector == b.rotation.vector, "pose \(id)")
        }
    }

    @Test func optionsAreValidated() {
        var options = LevenbergMarquardt.Options()
        options.initialLambda = -1
        #expect(throws: OptimizerError.self) { try options.validate() }
        for decrease in [0.0, 1.0, .nan] {
            var o = LevenbergMarquardt.Options()
            o.minLambdaDecrease = decrease
            #expect(throws: OptimizerError.self) { try o.validate() }
        }
    }

    /// After a step whose gain ratio is near 1, Nielsen's factor 1 − (2ρ − 1)³ is near 0 and λ
    /// falls by exactly `minLambdaDecrease`: by default 10× with Levenberg damping (GTSAM's
    /// factor) and 3× with Marquardt damping (Nielsen's); every choice reaches the optimum.
    @Test(arguments: [(nil, Damping.Kind.levenberg, 0.1), (nil, .marquardt, 1.0 / 3.0), (0.5, .levenberg, 0.5)])
    func lambdaFallsByTheSmallestDecreaseAfterAPerfectStep(bound: Double?, damping: Damping.Kind, decrease: Double) throws {
        let problem = try PoseGraphFixture.se3(poses: 40, noise: 0.01, drift: 0.02, seed: 9)
        let (_, reference) = try solve(problem, .fp64)
        var options = LevenbergMarquardt.Options()
        options.minLambdaDecrease = bound
        options.damping = damping
        let (_, summary) = try solve(problem, .fp64, options: options)
        let details = summary.iterationDetails
        let perfect = try #require(details.indices.dropLast().first { details[$0].accepted && details[$0].gainRatio > 0.99 })
        #expect(abs(details[perfect + 1].lambda / details[perfect].lambda - decrease) <= 1e-12)
        #expect(abs(summary.finalCost - reference.finalCost) <= 1e-9 * reference.finalCost)
    }

    /// Every phase of a solve is timed, and the phases do not overlap: the analysis and
    /// assembly that run inside linearize and the linear solve are not counted there again, so
    /// the phases add up to at most the total, and the per-iteration records add up to the
    /// summary's phases.
    @Test(arguments: [PrecisionPlan.Preset.fp64, .mixed])
    func phaseTimesAreDisjoint(preset: PrecisionPlan.Preset) throws {
        let problem = try PoseGraphFixture.se3(poses: 60, noise: 0.01, drift: 0.05, seed: 7)
        let (_, summary) = try solve(problem, preset)
        expectDisjointPhases(summary)
    }

    @Test func reSolveReusesTheSymbolicAnalysis() throws {
        var problem = try PoseGraphFixture.se3(poses: 30, noise: 0.01, drift: 0.05, seed: 5)
        var solver = PoseGraphStepSolver()
        let first = try LevenbergMarquardt().minimize(&problem, plan: .preset(.fp64, for: .poseGraph), stepSolver: &solver)
        #expect(first.symbolicAnalyses > 0)
        try problem.setSE3(29, problem.se3(29)! * SE3.exp(.init(translation: SIMD3(0.1, 0, 0), rotation: .zero)))
        let second = try LevenbergMarquardt().minimize(&problem, plan: .preset(.fp64, for: .poseGraph), stepSolver: &solver)
        #expect(second.symbolicAnalyses == 0)
        #expect(second.reusedSymbolicAnalysis)
    }
}

private func simd_distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    let d = a - b
    return (d * d).sum().squareRoot()
}
