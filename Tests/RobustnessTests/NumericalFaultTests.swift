import MixedSLAM
import Testing
import MixedSLAMTestSupport

/// Numerical faults inside a solve: fp16 range, solver breakdowns, budgets, divergence.
/// Whatever happens, the state stays finite, the cost never rises above the initial one, and
/// the Summary says what happened.
@Suite("Numerical faults")
struct NumericalFaultTests {
    /// Whether the Summary flags a solve that did not reach the reference optimum: not
    /// converged, fp16 overflows counted, or precision escalated.
    private func flagged(_ s: Summary) -> Bool {
        !s.isConverged || s.halfOverflowCount > 0 || !s.switches.isEmpty
    }

    @Test("Coordinates of 1e5 m with information 1e12: every plan reaches the fp64 optimum or says why not")
    func halfOverflow() throws {
        let base = try circleGraph(count: 30, radius: 1e5, information: [1e12, 1e12, 1e12], drift: 1e-3)
        var reference = base
        let fp64 = try solvePoseGraph(&reference, .fp64)
        #expect(fp64.isConverged)
        #expect(fp64.finalCost <= 1e-20 * fp64.initialCost)
        for preset in PrecisionPlan.Preset.allCases {
            var p = base
            let s = try solvePoseGraph(&p, preset)
            #expect(nonFiniteVariables(p).isEmpty, "\(preset)")
            #expect(s.finalCost <= s.initialCost, "\(preset)")
            let reached = s.finalCost <= 1e-20 * s.initialCost
            #expect(reached || flagged(s), "\(preset): silent \(s.finalCost) with \(s.termination)")
        }
        // Naive fp16 cannot even hold the residuals (‖S e‖ ≈ 1e6·1e-3·1e5): refused, state untouched.
        var naive = base
        let half = try solvePoseGraph(&naive, .fp16)
        #expect(half.termination == .residualOverflow)
        #expect(stateValues(naive) == stateValues(base))
        // Adaptive escalates and finishes at the fp64 optimum.
        var adaptive = base
        let switching = try solvePoseGraph(&adaptive, .adaptive)
        #expect(!switching.switches.isEmpty)
        #expect(switching.finalCost <= 1e-20 * switching.initialCost)
    }

    @Test("Information 1e82: fp32 residuals overflow where fp64's do not; adaptive redoes the linearization in fp64, fixed plans stop with residualOverflow")
    func singlePrecisionOverflow() throws {
        // Whitened residuals ‖S e‖ ≈ 1e41·0.05 exceed fp32's 3.4e38; the fp64 cost (~1e81) and
        // Hessian (~1e84) are finite.
        let base = try circleGraph(count: 30, information: [1e82, 1e82, 1e82])
        var reference = base
        let fp64 = try solvePoseGraph(&reference, .fp64)
        #expect(fp64.initialCost.isFinite && fp64.initialCost > 1e77)
        #expect(fp64.finalCost <= 1e-20 * fp64.initialCost)
        // Before any iteration adaptive switches to the direct fp64 plan, so it then takes
        // fp64's iterations exactly.
        var adaptive = base
        let switching = try solvePoseGraph(&adaptive, .adaptive)
        #expect(switching.switches.map(\.reason) == ["overflow"])
        #expect(switching.switches.first?.iteration == 1 && switching.switches.first?.to == .fp64)
        #expect(switching.finalCost == fp64.finalCost)
        #expect(stateValues(adaptive) == stateValues(reference))
        for preset in [PrecisionPlan.Preset.fp32, .mixed] {
            var p = base
            let s = try solvePoseGraph(&p, preset)
            #expect(s.termination == .residualOverflow && s.iterations == 0, "\(preset)")
            #expect(s.finalCost == s.initialCost, "\(preset)")
            #expect(stateValues(p) == stateValues(base), "\(preset)")
        }
    }

    @Test("Millimetre graph with information 1e-4: fp16 underflows are counted, the solve stays finite")
    func halfUnderflow() throws {
        let base = try circleGraph(count: 30, radius: 1e-3, information: [1e-4, 1e-4, 1e-4], drift: 1e-5)
        for preset in [PrecisionPlan.Preset.fp16, .mixed, .adaptive] {
            var p = base
            let s = try solvePoseGraph(&p, preset)
            #expect(nonFiniteVariables(p).isEmpty, "\(preset)")
            #expect(s.halfUnderflowCount > 0, "\(preset)")
            if preset == .fp16 {
                // The naive plan judges steps by its fp16 cost, as an all-fp16 solver would, so
                // its fp64 cost can end above the start: the Summary's fp64 costs show it.
                #expect(s.finalCost == p.cost(precision: .fp64))
            } else {
                #expect(s.finalCost <= s.initialCost, "\(preset)")
            }
        }
    }

    @Test("Information spanning 1e-2…1e12: after a failed PCG solve LM raises λ or escalates precision, the state stays finite, the Summary tells")
    func illConditioned() throws {
        let base = try circleGraph(count: 30, information: [1e-2, 1e12, 1e2], drift: 0.1)
        var failureCount = 0
        for preset in PrecisionPlan.Preset.allCases {
            var p = base
            let s = try solvePoseGraph(&p, preset)
            #expect(nonFiniteVariables(p).isEmpty, "\(preset)")
            #expect(s.finalCost <= s.initialCost, "\(preset)")
            let failures = s.iterationDetails.filter { $0.linearTermination == "failed" }
            failureCount += failures.count
            // The next iteration runs at a larger λ or at a higher precision, never the same
            // solve again.
            for f in failures {
                guard let next = s.iterationDetails.first(where: { $0.iteration == f.iteration + 1 }) else { continue }
                let escalated = s.switches.contains { $0.iteration == next.iteration && $0.to > $0.from }
                #expect(escalated || next.lambda > f.lambda, "\(preset) iteration \(f.iteration)")
            }
            let reached = s.finalCost <= 1e-12 * s.initialCost
            #expect(reached || flagged(s), "\(preset): silent \(s.finalCost) with \(s.termination)")
        }
        // adaptive's fp32 PCG fails twice on this graph; fp32 and mixed fall back to CHOLMOD.
        #expect(failureCount >= 1)
    }

    @Test("CHOLMOD not positive definite (λ ≈ 0, no gauge): LM raises λ until it factors, then converges")
    func cholmodNotPositiveDefinite() throws {
        var p = try circleGraph(count: 30)
        p.gauge = .explicitOnly
        var options = LevenbergMarquardt.Options()
        options.initialLambda = 1e-300
        options.minLambda = 1e-300
        let s = try solvePoseGraph(&p, .fp64, options: options)
        let failures = s.iterationDetails.filter { $0.linearTermination == "failed" }
        #expect(!failures.isEmpty)
        #expect(zip(failures, failures.dropFirst()).allSatisfy { $0.lambda < $1.lambda })
        #expect(s.isConverged)
        #expect(s.finalCost <= 1e-18 * s.initialCost)
        #expect(nonFiniteVariables(p).isEmpty)
    }

    @Test("Iteration and time budgets stop with their termination reason and the best state")
    func budgets() throws {
        let base = try circleGraph(count: 200, drift: 0.1)
        var options = LevenbergMarquardt.Options()
        options.maxIterations = 2
        for preset in [PrecisionPlan.Preset.fp64, .mixed] {
            var p = base
            let s = try solvePoseGraph(&p, preset, options: options)
            #expect(s.termination == .maxIterations && s.iterations == 2)
            #expect(s.finalCost < s.initialCost)
            #expect(nonFiniteVariables(p).isEmpty)
        }
        options = LevenbergMarquardt.Options()
        options.timeBudgetSeconds = 1e-9
        var p = base
        let s = try solvePoseGraph(&p, .mixed, options: options)
        #expect(s.termination == .timeBudget && s.iterations == 0)
        #expect(stateValues(p) == stateValues(base))
    }

    @Test("Divergent start (headings off by up to 3 rad): steps that raise the cost are rejected, state finite")
    func divergentStart() throws {
        let base = try circleGraph(count: 30, drift: 3)
        for preset in PrecisionPlan.Preset.allCases {
            var p = base
            let s = try solvePoseGraph(&p, preset)
            #expect(nonFiniteVariables(p).isEmpty, "\(preset)")
            #expect(s.finalCost <= s.initialCost, "\(preset)")
            #expect(s.iterationDetails.contains { !$0.accepted }, "\(preset): no step was ever rejected")
            // Every accepted step lowered the judged cost.
            #expect(s.iterationDetails.filter(\.accepted).allSatisfy { $0.newCost <= $0.cost }, "\(preset)")
        }
    }

    @Test("Determinism: the same input solved twice gives bit-identical states and summaries")
    func determinism() throws {
        let base = try circleGraph(count: 200, information: [1e2, 1e4, 1e6], drift: 0.1)
        for preset in PrecisionPlan.Preset.allCases {
            var a = base
            var b = base
            let sa = try solvePoseGraph(&a, preset)
            let sb = try solvePoseGraph(&b, preset)
            #expect(stateValues(a).map(\.bitPattern) == stateValues(b).map(\.bitPattern), "\(preset)")
            #expect(sa.finalCost.bitPattern == sb.finalCost.bitPattern && sa.iterations == sb.iterations, "\(preset)")
            #expect(sa.switches == sb.switches, "\(preset)")
        }
    }
}

/// The bundle-adjustment side of the fp16 range: BAL cameras 1e5 m from the origin,
/// observations with information 1e12 (σ = 1e-6 px), so whitened Jacobian entries reach 1e7.
@Suite("Numerical faults, bundle adjustment")
struct BundleAdjustmentFaultTests {
    private func farProblem() throws -> Problem {
        var random = SeededGenerator(seed: 11)
        let origin = SIMD3<Double>(1e5, 1e5, 0)
        var problem = Problem()
        problem.gauge = .explicitOnly
        let cameras = (0..<4).map { k in
            BALCamera(
                rotation: .exp(SIMD3(0.01 * Double(k), -0.02, 0.005)),
                translation: -(origin + SIMD3(Double(k), 0.3 * Double(k), 0)), focalLength: 500, k1: 0, k2: 0)
        }
        let points = (0..<24).map { _ in
            origin + SIMD3(random.uniform(-4...4), random.uniform(-4...4), random.uniform(-25 ... -15))
        }
        let information = try InformationMatrix([1e12, 0, 0, 1e12], dimension: 2)
        for (k, c) in cameras.enumerated() { try problem.addBALCamera(id: k, c) }
        for (j, x) in points.enumerated() {
            try problem.addPoint3(id: 100 + j, x + SIMD3(random.uniform(-1e-3...1e-3), random.uniform(-1e-3...1e-3), 0))
        }
        for (k, c) in cameras.enumerated() {
            for (j, x) in points.enumerated() {
                let p = c.rotation.act(x) + c.translation
                let pixel = 500 * SIMD2(-p.x / p.z, -p.y / p.z)
                try problem.add(BALReprojectionFactor(camera: k, point: 100 + j, measurement: pixel, information: information))
            }
        }
        return problem
    }

    @Test("Every BA plan stays finite and either reaches the fp64 optimum or flags the shortfall")
    func farCamerasHugeInformation() throws {
        let base = try farProblem()
        for preset in PrecisionPlan.Preset.allCases {
            var p = base
            var solver = BundleAdjustmentStepSolver()
            let s = try LevenbergMarquardt().minimize(&p, plan: .preset(preset, for: .bundleAdjustment), stepSolver: &solver)
            print("far BA \(preset): \(s.termination), cost \(s.initialCost) → \(s.finalCost), "
                + "fp16 overflows \(s.halfOverflowCount), underflows \(s.halfUnderflowCount), switches \(s.switches.count)")
            #expect(nonFiniteVariables(p).isEmpty, "\(preset)")
            if preset != .fp16 { #expect(s.finalCost <= s.initialCost, "\(preset)") }
            let reached = s.finalCost <= 1e-12 * s.initialCost
            #expect(reached || !s.isConverged || s.halfOverflowCount > 0 || !s.switches.isEmpty,
                "\(preset): silent \(s.finalCost) with \(s.termination)")
        }
    }
}
