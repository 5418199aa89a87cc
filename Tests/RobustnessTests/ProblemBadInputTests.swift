import MixedSLAM
import Testing

/// Bad input through the Swift API: information matrices, factors and variables, and graph
/// shapes (no fixed variable, disconnected components) that the solver must survive.
@Suite("Problem bad input")
struct ProblemBadInputTests {
    @Test("Information matrices: asymmetric, indefinite, non-finite and mis-sized are typed defects; zero and PSD-singular are legal")
    func informationMatrices() throws {
        #expect(throws: InformationMatrix.Defect.asymmetric(maxDifference: 1)) {
            try InformationMatrix([2, 1, 0, 2], dimension: 2)
        }
        #expect(throws: InformationMatrix.Defect.indefinite(smallestEigenvalue: -1)) {
            try InformationMatrix([1, 0, 0, -1], dimension: 2)
        }
        #expect(throws: InformationMatrix.Defect.nonFinite) { try InformationMatrix([1, 0, 0, .nan], dimension: 2) }
        #expect(throws: InformationMatrix.Defect.nonFinite) { try InformationMatrix([.infinity, 0, 0, 1], dimension: 2) }
        #expect(throws: InformationMatrix.Defect.wrongSize(expected: 9, actual: 4)) {
            try InformationMatrix([1, 0, 0, 1], dimension: 3)
        }
        // Asymmetry below 10⁻⁹ relative is rounding, not a defect.
        #expect(throws: Never.self) { try InformationMatrix([1e12, 1e2, 1e2 + 1e-2, 1e12], dimension: 2) }
        let zero = try InformationMatrix([0, 0, 0, 0], dimension: 2)
        #expect(zero.squareRoot.allSatisfy { $0 == 0 })
        // Rank one: S is diag(√λ)Vᵀ, and SᵀS reproduces Ω.
        let rankOne = try InformationMatrix([1, 1, 1, 1], dimension: 2)
        let s = rankOne.squareRoot
        let back = [s[0] * s[0] + s[2] * s[2], s[0] * s[1] + s[2] * s[3], s[1] * s[0] + s[3] * s[2], s[1] * s[1] + s[3] * s[3]]
        #expect(zip(back, [1.0, 1, 1, 1]).allSatisfy { abs($0 - $1) <= 8 * Double.ulpOfOne })
        // Repair path for file-like input: projection gives the nearest PSD matrix, which validates.
        let repaired = try InformationMatrix.projected([1, 2, 0, 2, 1, 0, 0, 0, 1], dimension: 3)
        #expect(throws: Never.self) { try InformationMatrix(repaired, dimension: 3) }
        // Diagonal spanning 1e2…1e12: S = diag(√Ω) exactly enough that SᵀS = Ω to rounding.
        let span = try InformationMatrix([1e2, 0, 0, 0, 1e7, 0, 0, 0, 1e12], dimension: 3)
        for (k, v) in [1e2, 1e7, 1e12].enumerated() {
            #expect(abs(span.squareRoot[4 * k] * span.squareRoot[4 * k] - v) <= 4 * Double.ulpOfOne * v)
        }
    }

    @Test("Factors and variables: NaN, self-loops, unknown and duplicate ids, wrong kinds are typed errors")
    func factorsAndVariables() throws {
        var p = Problem()
        try p.addSE2(id: 0, .identity)
        try p.addSE2(id: 1, SE2(x: 1, y: 0, theta: 0))
        #expect(throws: ProblemError.duplicateVariable(id: 1)) { try p.addSE2(id: 1, .identity) }
        #expect(throws: ProblemError.duplicateVariable(id: 1)) { try p.addPoint3(id: 1, .zero) }
        #expect(throws: ProblemError.nonFiniteValue(id: 2)) { try p.addSE2(id: 2, SE2(x: .nan, y: 0, theta: 0)) }
        #expect(throws: ProblemError.nonFiniteValue(id: 2)) { try p.addSE2(id: 2, SE2(x: 0, y: 0, theta: .infinity)) }
        #expect(throws: ProblemError.nonFiniteValue(id: 3)) { try p.addPoint3(id: 3, SIMD3(0, .infinity, 0)) }
        #expect(throws: ProblemError.nonFiniteValue(id: 4)) {
            try p.addSE3(id: 4, SE3(rotation: .identity, translation: SIMD3(.nan, 0, 0)))
        }
        // Setting a value validates like adding one: NaN never enters the state.
        #expect(throws: ProblemError.nonFiniteValue(id: 1)) { try p.setSE2(1, SE2(x: .nan, y: 0, theta: 0)) }
        #expect(throws: ProblemError.unknownVariable(id: 9)) { try p.setSE2(9, .identity) }
        #expect(throws: ProblemError.wrongVariableKind(id: 1, expected: .se3, actual: .se2)) { try p.setSE3(1, .identity) }
        #expect(nonFiniteVariables(p).isEmpty)

        #expect(throws: ProblemError.selfLoop(id: 1)) {
            try p.add(BetweenFactorSE2(from: 1, to: 1, measurement: .identity))
        }
        #expect(throws: ProblemError.unknownVariable(id: 7)) {
            try p.add(BetweenFactorSE2(from: 0, to: 7, measurement: .identity))
        }
        #expect(throws: ProblemError.wrongVariableKind(id: 0, expected: .se3, actual: .se2)) {
            try p.add(BetweenFactorSE3(from: 0, to: 1, measurement: .identity))
        }
        #expect(throws: FactorError.nonFiniteMeasurement) {
            try BetweenFactorSE2(from: 0, to: 1, measurement: SE2(x: .nan, y: 0, theta: 0))
        }
        #expect(throws: FactorError.informationDimension(expected: 3, actual: 2)) {
            try BetweenFactorSE2(from: 0, to: 1, measurement: .identity, information: .identity(dimension: 2))
        }
        for kernel in [RobustKernel.huber(threshold: 0), .cauchy(scale: .nan), .gemanMcClure(scale: -1), .huber(threshold: .infinity)] {
            // NaN ≠ NaN, so match the case rather than compare the payload.
            let error = #expect(throws: FactorError.self) {
                try BetweenFactorSE2(from: 0, to: 1, measurement: .identity, kernel: kernel)
            }
            guard case .invalidKernel = error else { Issue.record("\(kernel): \(String(describing: error))"); continue }
        }
        #expect(p.factorCount == 0)
    }

    /// CG options that used to trap inside the solve (a remainder by zero, a negative range, a
    /// history array of Int.max entries) are typed errors before any work; a window longer
    /// than any solve (Int.max) turns its test off.
    @Test("Rotations: zero ones are typed errors, ones off unit length are normalized, unit ones kept bit for bit")
    func rotations() throws {
        var p = Problem()
        let zero3 = SE3(rotation: SO3(uncheckedW: 0, vector: .zero), translation: SIMD3(1, 2, 3))
        let zero2 = SE2(rotation: SO2(uncheckedCosine: 0, sine: 0), translation: SIMD2(1, 2))
        #expect(throws: ProblemError.degenerateRotation(id: 0)) { try p.addSE3(id: 0, zero3) }
        #expect(throws: ProblemError.degenerateRotation(id: 1)) { try p.addSE2(id: 1, zero2) }
        // w = 2: rescaled to the unit quaternion of the same rotation (90° about z).
        let scaled = SE3(rotation: SO3(uncheckedW: 2, vector: SIMD3(0, 0, 2)), translation: SIMD3(1, 0, 0))
        try p.addSE3(id: 0, scaled)
        let stored = try #require(p.se3(0))
        #expect(abs(stored.rotation.w - 0.5.squareRoot()) <= Double.ulpOfOne)
        #expect(abs(stored.rotation.vector.z - 0.5.squareRoot()) <= Double.ulpOfOne)
        #expect(throws: ProblemError.degenerateRotation(id: 0)) { try p.setSE3(0, zero3) }
        #expect(p.se3(0) == stored)
        let unit = SE3(rotation: SO3.exp(SIMD3(0.3, -0.2, 0.1)), translation: SIMD3(4, 5, 6))
        try p.setSE3(0, unit)
        #expect(p.se3(0) == unit)
        try p.addSE2(id: 1, SE2(rotation: SO2(uncheckedCosine: 3, sine: 4), translation: SIMD2(1, 2)))
        let planar = try #require(p.se2(1))
        #expect(abs(planar.rotation.cosine - 0.6) <= Double.ulpOfOne && abs(planar.rotation.sine - 0.8) <= Double.ulpOfOne)
        // Measurements: the same rules, as FactorError.
        #expect(throws: FactorError.degenerateRotation) { try BetweenFactorSE3(from: 0, to: 2, measurement: zero3) }
        #expect(throws: FactorError.degenerateRotation) { try PriorFactorSE3(variable: 0, measurement: zero3) }
        #expect(throws: FactorError.degenerateRotation) { try BetweenFactorSE2(from: 1, to: 3, measurement: zero2) }
        #expect(throws: FactorError.degenerateRotation) { try PriorFactorSE2(variable: 1, measurement: zero2) }
        let between = try BetweenFactorSE3(from: 0, to: 2, measurement: scaled)
        #expect(between.measurement.rotation == stored.rotation)
        // A keyframe's initial pose.
        var driver = try SlidingWindowBA(calibration: PinholeCalibration(fx: 500, fy: 500, cx: 320, cy: 240))
        #expect(throws: SlidingWindowError.degenerateRotation(keyframe: 0)) {
            try driver.addKeyframe(id: 0, observations: [], pose: zero3)
        }
        #expect(driver.windowKeyframes.isEmpty)
    }

    @Test("Snapshots from another layout and steps that overflow are refused with the state unchanged")
    func snapshotsAndSteps() throws {
        var p = Problem()
        p.gauge = .explicitOnly
        try p.addSE3(id: 0, SE3(rotation: .identity, translation: SIMD3(1e308, 0, 0)))
        try p.addPoint3(id: 1, SIMD3(0, 0, -1e308))
        let before = p.values
        try p.addPoint3(id: 2, .zero)
        #expect(throws: ProblemError.snapshotLayout) { try p.restore(before) }
        #expect(p.point3(2) == .zero)
        let values = p.values
        // Each step is finite, but moves a translation or a point past the largest Double.
        var step = [Double](repeating: 0, count: 12)
        step[0] = 1e308
        #expect(throws: ProblemError.nonFiniteStep(index: 0)) { try p.retract(delta: step) }
        step[0] = 0
        step[8] = -1e308
        #expect(throws: ProblemError.nonFiniteStep(index: 6)) { try p.retract(delta: step) }
        #expect(p.values == values)
        step[8] = 1
        try p.retract(delta: step)
        #expect(p.point3(1) == SIMD3(0, 0, -1e308 + 1))
    }

    @Test("Invalid CG and step-solver options are typed errors; Int.max windows turn their tests off")
    func stepSolverOptionRefusals() throws {
        let base = try circleGraph(count: 10)
        let refusals: [(String, (inout PoseGraphStepSolver.Options) -> Void)] = [
            ("residualReplacementInterval must be ≥ 1", { $0.conjugateGradient.residualReplacementInterval = 0 }),
            ("energyDelay must be ≥ 1", { $0.conjugateGradient.energyDelay = -1 }),
            ("stagnationWindow must be ≥ 1", { $0.conjugateGradient.stagnationWindow = -1 }),
            ("relativeTolerance must be finite and ≥ 0", { $0.conjugateGradient.relativeTolerance = .nan }),
        ]
        for (message, change) in refusals {
            var solverOptions = PoseGraphStepSolver.Options()
            change(&solverOptions)
            var p = base
            #expect(throws: OptimizerError.invalidOption("conjugateGradient: invalid option: \(message)")) {
                try solvePoseGraph(&p, .mixed, solverOptions: solverOptions)
            }
        }
        var forcing = PoseGraphStepSolver.Options()
        forcing.minForcing = .nan
        var p = base
        #expect(throws: OptimizerError.invalidOption("need 0 < minForcing ≤ maxForcing < 1")) {
            try solvePoseGraph(&p, .mixed, solverOptions: forcing)
        }
        var ba = BundleAdjustmentStepSolver.Options()
        ba.cgnr.conjugateGradient.residualReplacementInterval = 0
        #expect(throws: OptimizerError.invalidOption(
            "cgnr.conjugateGradient: invalid option: residualReplacementInterval must be ≥ 1")) { try ba.validate() }
        var window = SlidingWindowBA.Options()
        window.kernel = .huber(threshold: -1)
        #expect(throws: OptimizerError.self) { _ = try SlidingWindowBA(calibration: PinholeCalibration(fx: 500, fy: 500, cx: 320, cy: 240), options: window) }
        window = SlidingWindowBA.Options()
        window.stepSolver.cgnr.conjugateGradient.energyDelay = 0
        #expect(throws: OptimizerError.self) { _ = try SlidingWindowBA(calibration: PinholeCalibration(fx: 500, fy: 500, cx: 320, cy: 240), options: window) }

        var unbounded = PoseGraphStepSolver.Options()
        unbounded.conjugateGradient.stagnationWindow = .max
        unbounded.conjugateGradient.energyDelay = .max
        var q = base
        let reference = try solvePoseGraph(&q, .fp64)
        q = base
        let summary = try solvePoseGraph(&q, .mixed, solverOptions: unbounded)
        // The optimum of this noise-free circle is 0: both end within 1e-9 of the start's cost.
        #expect(summary.initialCost > 1)
        #expect(abs(summary.finalCost - reference.finalCost) <= 1e-9 * summary.initialCost)
    }

    @Test("Invalid optimizer options and a non-finite initial cost are typed errors before any work")
    func optimizerRefusals() throws {
        var p = try circleGraph(count: 10)
        var options = LevenbergMarquardt.Options()
        options.initialLambda = -1
        #expect(throws: OptimizerError.invalidOption("need 0 < minLambda ≤ initialLambda ≤ maxLambda < ∞")) {
            try solvePoseGraph(&p, .fp64, options: options)
        }
        // An infinite λ ceiling would let LM raise λ forever instead of stopping at noProgress.
        options = LevenbergMarquardt.Options()
        options.maxLambda = .infinity
        #expect(throws: OptimizerError.invalidOption("need 0 < minLambda ≤ initialLambda ≤ maxLambda < ∞")) {
            try solvePoseGraph(&p, .fp64, options: options)
        }
        options = LevenbergMarquardt.Options()
        options.timeBudgetSeconds = .nan
        #expect(throws: OptimizerError.invalidOption("timeBudgetSeconds must be > 0")) {
            try solvePoseGraph(&p, .fp64, options: options)
        }
        // A landmark on the camera's image plane has no projection: the cost is not finite.
        var ba = Problem()
        ba.gauge = .explicitOnly
        try ba.addSE3(id: 0, .identity)
        try ba.addPoint3(id: 1, SIMD3(1, 1, 0))
        try ba.add(ReprojectionFactor(
            pose: 0, point: 1, measurement: SIMD2(320, 240),
            calibration: PinholeCalibration(fx: 500, fy: 500, cx: 320, cy: 240)))
        var solver = BundleAdjustmentStepSolver()
        #expect(throws: OptimizerError.nonFiniteCost) {
            try LevenbergMarquardt().minimize(&ba, plan: .preset(.fp64, for: .bundleAdjustment), stepSolver: &solver)
        }
        #expect(nonFiniteVariables(ba).isEmpty)

        // Coordinates of 1e200 are finite (only their squared norm overflows): accepted like
        // SE(2)'s, and the solve refuses their overflowing cost, leaving the state as it was.
        var far = Problem()
        try far.addSE3(id: 0, .identity)
        try far.addSE3(id: 1, SE3(rotation: .identity, translation: SIMD3(1e200, 0, 0)))
        try far.addPoint3(id: 2, SIMD3(0, 1e200, 0))
        try far.add(BetweenFactorSE3(from: 0, to: 1, measurement: SE3(rotation: .identity, translation: SIMD3(1, 0, 0))))
        try far.add(PriorFactorPoint3(variable: 2, measurement: SIMD3(0, 0, 1e200)))
        let before = stateValues(far)
        var farSolver = PoseGraphStepSolver()
        #expect(throws: OptimizerError.nonFiniteCost) {
            try LevenbergMarquardt().minimize(&far, plan: .preset(.fp64, for: .poseGraph), stepSolver: &farSolver)
        }
        #expect(stateValues(far) == before)
        #expect(throws: ProblemError.nonFiniteValue(id: 3)) {
            try far.addSE3(id: 3, SE3(rotation: .identity, translation: SIMD3(0, 0, .infinity)))
        }
    }

    @Test("No fixed variable: damping holds the gauge, every plan reaches the optimum; Gauss-Newton stops unchanged")
    func noFixedVariable() throws {
        var base = try circleGraph(count: 30)
        base.gauge = .explicitOnly
        #expect(base.freeDimension == 90)
        for preset in [PrecisionPlan.Preset.fp64, .fp32, .mixed, .adaptive] {
            var p = base
            let summary = try solvePoseGraph(&p, preset)
            #expect(nonFiniteVariables(p).isEmpty, "\(preset)")
            #expect(summary.isConverged, "\(preset): \(summary.termination)")
            // Exact measurements: the optimum is 0; fp32 residuals resolve it to about
            // (u₃₂ · ‖x‖)² · Ω per term.
            let floor = preset == .fp64 || preset == .adaptive ? 1e-18 : 1e-6
            #expect(summary.finalCost <= floor * summary.initialCost, "\(preset): \(summary.finalCost)")
        }
        var options = LevenbergMarquardt.Options()
        options.gaussNewton = true
        var p = base
        let summary = try solvePoseGraph(&p, .fp64, options: options)
        #expect(summary.termination == .noProgress)
        #expect(summary.iterationDetails.first?.linearTermination == "failed")
        #expect(stateValues(p) == stateValues(base))
    }

    @Test("Disconnected graph: counted in the load report; each component reaches its optimum, state finite")
    func disconnectedGraph() throws {
        let a = try circleGraph(count: 20, seed: 3)
        let b = try circleGraph(count: 20, seed: 4)
        var text = try G2OWriter.text(of: a)
        var shifted = Problem()
        for id in b.variableIDs { try shifted.addSE2(id: 100 + id, SE2(x: 50, y: 0, theta: 0) * b.se2(id)!) }
        for case .betweenSE2(let f) in b.factors {
            try shifted.add(BetweenFactorSE2(from: 100 + f.from, to: 100 + f.to, measurement: f.measurement, information: f.information))
        }
        text += try G2OWriter.text(of: shifted) + "VERTEX_SE2 999 0 0 0\n"
        let (problem, report) = try G2OReader.read(text: text)
        #expect(report.componentCount == 3)
        for preset in [PrecisionPlan.Preset.fp64, .mixed, .adaptive] {
            var p = problem
            let summary = try solvePoseGraph(&p, preset)
            #expect(nonFiniteVariables(p).isEmpty, "\(preset)")
            #expect(summary.isConverged, "\(preset): \(summary.termination)")
            let floor = preset == .mixed ? 1e-6 : 1e-18
            #expect(summary.finalCost <= floor * summary.initialCost, "\(preset): \(summary.finalCost)")
            // The isolated vertex has no factor: nothing moves it.
            #expect(p.se2(999) == .identity)
        }
    }
}
