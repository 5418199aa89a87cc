import Foundation
import MixedSLAM
import MixedSLAMC
@testable import MixedSLAMCAPI
import Testing
import MixedSLAMTestSupport

/// The C API (called through mixedslam.h, as C programs call it) against the Swift API on the
/// examples' loop-closure graphs, and the C API's handling of bad input.
///
/// With `MIXEDSLAM_CAPI_REFERENCE=<directory>` in the environment, the Swift API's `mixed`
/// poses are also written to <directory>/reference-se2.txt and reference-se3.txt in the
/// examples' output format; scripts/test-c-api.sh compares the C and C++ examples with them.
@Suite struct CAPIReferenceTests {
    enum Kind { case se2, se3 }

    struct Solve {
        var poses: [[Double]]
        /// (initial cost, final cost, analyses from scratch, extended analyses, reused) for the
        /// three solves: odometry only, after loop closures, and again unchanged.
        var solves: [(initial: Double, final: Double, analyses: Int, extended: Int, reused: Bool)]
    }

    // MARK: The two paths

    private func throughCAPI(_ graph: LoopClosureGraph, _ kind: Kind, plan: String) throws -> Solve {
        let g = try #require(msl_graph_create())
        defer { msl_graph_destroy(g) }
        func ok(_ status: msl_status, _ sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(status == MSL_OK, "\(String(cString: msl_last_error(g)))", sourceLocation: sourceLocation)
        }
        func add(_ e: LoopClosureGraph.Edge) {
            switch kind {
            case .se2:
                ok(msl_graph_add_edge_se2(
                    g, Int64(e.from), Int64(e.to), e.measurement, LoopClosureGraph.informationSE2Upper,
                    MSL_INFORMATION_UPPER, nil))
            case .se3:
                ok(msl_graph_add_edge_se3(
                    g, Int64(e.from), Int64(e.to), e.measurement, LoopClosureGraph.informationSE3Full,
                    MSL_INFORMATION_FULL, nil))
            }
        }
        var result = Solve(poses: [], solves: [])
        func optimize() {
            var s = msl_summary()
            ok(msl_graph_optimize(g, plan, nil, &s))
            result.solves.append((
                s.initial_cost, s.final_cost, Int(s.symbolic_analyses), Int(s.extended_symbolic_analyses),
                s.reused_symbolic_analysis != 0))
        }
        for (id, pose) in graph.initial.enumerated() {
            ok(kind == .se2 ? msl_graph_add_pose_se2(g, Int64(id), pose) : msl_graph_add_pose_se3(g, Int64(id), pose))
        }
        graph.odometry.forEach(add)
        optimize()
        graph.loopClosures.forEach(add)
        optimize()
        optimize()
        for id in graph.initial.indices {
            var pose = [Double](repeating: .nan, count: kind == .se2 ? 3 : 7)
            ok(kind == .se2 ? msl_graph_get_pose_se2(g, Int64(id), &pose) : msl_graph_get_pose_se3(g, Int64(id), &pose))
            result.poses.append(pose)
        }
        return result
    }

    private func throughSwiftAPI(_ graph: LoopClosureGraph, _ kind: Kind, plan: PrecisionPlan.Preset) throws -> Solve {
        func se2(_ p: [Double]) -> SE2<Double> { SE2(x: p[0], y: p[1], theta: p[2]) }
        func se3(_ p: [Double]) -> SE3<Double> {
            SE3(rotation: SO3(normalizingW: p[6], x: p[3], y: p[4], z: p[5])!, translation: SIMD3(p[0], p[1], p[2]))
        }
        let upper = LoopClosureGraph.informationSE2Upper
        let information2 = try InformationMatrix(
            [upper[0], upper[1], upper[2], upper[1], upper[3], upper[4], upper[2], upper[4], upper[5]], dimension: 3)
        let information3 = try InformationMatrix(LoopClosureGraph.informationSE3Full, dimension: 6)
        var problem = Problem()
        func add(_ e: LoopClosureGraph.Edge) throws {
            switch kind {
            case .se2:
                try problem.add(BetweenFactorSE2(from: e.from, to: e.to, measurement: se2(e.measurement), information: information2))
            case .se3:
                try problem.add(BetweenFactorSE3(from: e.from, to: e.to, measurement: se3(e.measurement), information: information3))
            }
        }
        var solver = PoseGraphStepSolver()
        var result = Solve(poses: [], solves: [])
        func optimize() throws {
            let s = try LevenbergMarquardt().minimize(&problem, plan: .preset(plan, for: .poseGraph), stepSolver: &solver)
            result.solves.append((s.initialCost, s.finalCost, s.symbolicAnalyses, s.extendedSymbolicAnalyses, s.reusedSymbolicAnalysis))
        }
        for (id, pose) in graph.initial.enumerated() {
            if kind == .se2 { try problem.addSE2(id: id, se2(pose)) } else { try problem.addSE3(id: id, se3(pose)) }
        }
        try graph.odometry.forEach(add)
        try optimize()
        try graph.loopClosures.forEach(add)
        try optimize()
        try optimize()
        for id in graph.initial.indices {
            if kind == .se2 {
                let p = try #require(problem.se2(id))
                result.poses.append([p.translation.x, p.translation.y, p.theta])
            } else {
                let p = try #require(problem.se3(id))
                let q = p.rotation.quaternionXYZW * (p.rotation.w < 0 ? -1 : 1)
                result.poses.append([p.translation.x, p.translation.y, p.translation.z, q.x, q.y, q.z, q.w])
            }
        }
        return result
    }

    /// Largest translation error to the ground truth.
    private func maxTranslationError(_ poses: [[Double]], _ truth: [[Double]], _ kind: Kind) -> Double {
        let n = kind == .se2 ? 2 : 3
        return zip(poses, truth).map { p, t in (0..<n).map { (p[$0] - t[$0]) * (p[$0] - t[$0]) }.reduce(0, +).squareRoot() }
            .max() ?? .infinity
    }

    // MARK: Tests

    /// The same graph solved through the C functions and through the Swift API gives the same
    /// poses to 1e-9 (the computations are the same, so in practice bit for bit), and the C
    /// summaries report the same costs and analysis reuse.
    @Test(arguments: [Kind.se2, .se3], [PrecisionPlan.Preset.fp64, .mixed, .adaptive])
    func cAPIMatchesSwiftAPI(kind: Kind, plan: PrecisionPlan.Preset) throws {
        let graph = kind == .se2 ? LoopClosureGraph.se2() : LoopClosureGraph.se3()
        let c = try throughCAPI(graph, kind, plan: plan.rawValue)
        let swift = try throughSwiftAPI(graph, kind, plan: plan)
        var maxDifference = 0.0
        for (a, b) in zip(c.poses, swift.poses) {
            for (x, y) in zip(a, b) { maxDifference = largerError(maxDifference, abs(x - y)) }
        }
        #expect(c.poses.count == LoopClosureGraph.poseCount)
        #expect(maxDifference <= 1e-9, "max |C − Swift| = \(maxDifference)")
        for (a, b) in zip(c.solves, swift.solves) {
            #expect(
                a.initial == b.initial && a.final == b.final && a.analyses == b.analyses && a.extended == b.extended
                    && a.reused == b.reused)
        }
        // Adding loop closures changes the structure: the orderings of the first solve are
        // extended, and what that solve never computed (it may have stopped before a
        // factorization; adaptive may escalate to CHOLMOD) is analyzed from scratch. The
        // unchanged re-solve reuses the analysis.
        let grown = c.solves[1]
        #expect(grown.analyses + grown.extended > 0 && grown.extended <= 1)
        #expect(grown.reused == (grown.analyses == 0))
        #expect(c.solves[2].analyses == 0 && c.solves[2].reused)
        #expect(c.solves[1].final < 0.1 * c.solves[1].initial)
        // Loop closure reduces the dead-reckoning drift.
        let before = maxTranslationError(graph.initial, graph.truth, kind)
        let after = maxTranslationError(c.poses, graph.truth, kind)
        #expect(after < before, "max translation error \(before) -> \(after)")

        if plan == .mixed, let directory = ProcessInfo.processInfo.environment["MIXEDSLAM_CAPI_REFERENCE"] {
            let tag = kind == .se2 ? "se2" : "se3"
            let lines = swift.poses.enumerated().map { id, p in
                ([tag, "\(id)"] + p.map { String(format: "%.17g", $0) }).joined(separator: " ")
            }
            try (lines.joined(separator: "\n") + "\n").write(
                toFile: "\(directory)/reference-\(tag).txt", atomically: true, encoding: .utf8)
        }
    }
}

/// Bad input through the C API returns a status and a message naming the culprit, and leaves
/// the graph unchanged; nothing crashes and no pose becomes NaN.
@Suite struct CAPIErrorTests {
    private let identity3: [Double] = [1, 0, 0, 1, 0, 1]
    private let origin2: [Double] = [0, 0, 0]
    private let origin3: [Double] = [0, 0, 0, 0, 0, 0, 1]

    private func message(_ g: OpaquePointer) -> String { String(cString: msl_last_error(g)) }

    private func counts(_ g: OpaquePointer) -> (Int64, Int64) {
        var poses: Int64 = -1, edges: Int64 = -1
        #expect(msl_graph_pose_count(g, &poses) == MSL_OK && msl_graph_edge_count(g, &edges) == MSL_OK)
        return (poses, edges)
    }

    /// A graph with SE(2) poses 0 and 1 and one edge between them.
    private func twoPoses() throws -> OpaquePointer {
        let g = try #require(msl_graph_create())
        #expect(msl_graph_add_pose_se2(g, 0, origin2) == MSL_OK)
        #expect(msl_graph_add_pose_se2(g, 1, [1, 0, 0]) == MSL_OK)
        #expect(msl_graph_add_edge_se2(g, 0, 1, [1, 0, 0], identity3, MSL_INFORMATION_UPPER, nil) == MSL_OK)
        return g
    }

    @Test func nullArguments() throws {
        let g = try twoPoses()
        defer { msl_graph_destroy(g) }
        var pose = [0.0, 0, 0]
        #expect(msl_graph_add_pose_se2(nil, 2, origin2) == MSL_ERROR_NULL_ARGUMENT)
        #expect(String(cString: msl_last_error(nil)).contains("NULL"))
        #expect(msl_graph_add_pose_se2(g, 2, nil) == MSL_ERROR_NULL_ARGUMENT)
        #expect(message(g).contains("pose"))
        #expect(msl_graph_add_edge_se2(g, 0, 1, nil, identity3, MSL_INFORMATION_UPPER, nil) == MSL_ERROR_NULL_ARGUMENT)
        #expect(msl_graph_add_edge_se2(g, 0, 1, origin2, nil, MSL_INFORMATION_UPPER, nil) == MSL_ERROR_NULL_ARGUMENT)
        #expect(msl_graph_optimize(g, nil, nil, nil) == MSL_ERROR_NULL_ARGUMENT)
        #expect(msl_graph_get_pose_se2(g, 0, nil) == MSL_ERROR_NULL_ARGUMENT)
        #expect(msl_graph_cost(nil, nil) == MSL_ERROR_NULL_ARGUMENT)
        #expect(msl_graph_get_pose_se2(g, 1, &pose) == MSL_OK)
        #expect(message(g).isEmpty)
        msl_graph_destroy(nil)
        msl_options_default(nil)
        #expect(counts(g) == (2, 1))
    }

    @Test func nonFiniteValuesAndZeroQuaternion() throws {
        let g = try twoPoses()
        defer { msl_graph_destroy(g) }
        #expect(msl_graph_add_pose_se2(g, 2, [.nan, 0, 0]) == MSL_ERROR_INVALID_VALUE)
        #expect(message(g) == "add SE(2) pose 2: pose has a NaN or infinite component")
        #expect(msl_graph_add_pose_se2(g, 2, [0, 0, .infinity]) == MSL_ERROR_INVALID_VALUE)
        #expect(msl_graph_add_edge_se2(g, 0, 1, [0, .nan, 0], identity3, MSL_INFORMATION_UPPER, nil) == MSL_ERROR_INVALID_VALUE)
        #expect(msl_graph_set_pose_se2(g, 1, [0, 0, .nan]) == MSL_ERROR_INVALID_VALUE)
        #expect(counts(g) == (2, 1))
        var pose = [0.0, 0, 0]
        #expect(msl_graph_get_pose_se2(g, 1, &pose) == MSL_OK)
        #expect(pose == [1, 0, 0])

        let h = try #require(msl_graph_create())
        defer { msl_graph_destroy(h) }
        #expect(msl_graph_add_pose_se3(h, 0, [0, 0, 0, 0, 0, 0, 0]) == MSL_ERROR_INVALID_VALUE)
        #expect(message(h).contains("zero quaternion"))
        // A quaternion off unit length is rescaled, as in g2o files.
        #expect(msl_graph_add_pose_se3(h, 0, [1, 2, 3, 0, 0, 0, 2]) == MSL_OK)
        var pose3 = [Double](repeating: .nan, count: 7)
        #expect(msl_graph_get_pose_se3(h, 0, &pose3) == MSL_OK)
        #expect(pose3 == [1, 2, 3, 0, 0, 0, 1])
    }

    @Test func unknownDuplicateAndWrongKindIDs() throws {
        let g = try twoPoses()
        defer { msl_graph_destroy(g) }
        #expect(msl_graph_add_edge_se2(g, 0, 7, origin2, identity3, MSL_INFORMATION_UPPER, nil) == MSL_ERROR_UNKNOWN_ID)
        #expect(message(g).contains("7"))
        #expect(msl_graph_add_pose_se2(g, 1, origin2) == MSL_ERROR_DUPLICATE_ID)
        #expect(msl_graph_add_edge_se2(g, 1, 1, origin2, identity3, MSL_INFORMATION_UPPER, nil) == MSL_ERROR_SELF_LOOP)
        #expect(msl_graph_add_pose_se3(g, 5, origin3) == MSL_ERROR_WRONG_KIND)
        #expect(msl_graph_add_edge_se3(g, 0, 1, origin3, [Double](repeating: 0, count: 21), MSL_INFORMATION_UPPER, nil)
            == MSL_ERROR_INFORMATION)
        var identity21 = [Double](repeating: 0, count: 21)
        for k in [0, 6, 11, 15, 18, 20] { identity21[k] = 1 }
        #expect(msl_graph_add_edge_se3(g, 0, 1, origin3, identity21, MSL_INFORMATION_UPPER, nil) == MSL_ERROR_WRONG_KIND)
        var pose = [Double](repeating: 0, count: 7)
        #expect(msl_graph_get_pose_se3(g, 0, &pose) == MSL_ERROR_WRONG_KIND)
        #expect(msl_graph_get_pose_se2(g, 9, &pose) == MSL_ERROR_UNKNOWN_ID)
        #expect(msl_graph_set_fixed(g, 9, 1) == MSL_ERROR_UNKNOWN_ID)
        #expect(msl_graph_set_gauge(g, msl_gauge(rawValue: 7)) == MSL_ERROR_INVALID_VALUE)
        #expect(counts(g) == (2, 1))
        var kind = MSL_POSE_NONE
        #expect(msl_graph_pose_kind(g, &kind) == MSL_OK && kind == MSL_POSE_SE2)
    }

    /// Indefinite, singular, asymmetric and non-finite information matrices are rejected;
    /// the upper and full layouts of the same matrix are accepted alike.
    @Test func informationMatrices() throws {
        let g = try twoPoses()
        defer { msl_graph_destroy(g) }
        func add(_ information: [Double], _ layout: msl_information_layout) -> msl_status {
            msl_graph_add_edge_se2(g, 1, 0, [-1, 0, 0], information, layout, nil)
        }
        #expect(add([1, 2, 0, 1, 0, 1], MSL_INFORMATION_UPPER) == MSL_ERROR_INFORMATION)  // eigenvalue −1
        #expect(message(g).contains("1 -> 0"))
        #expect(add([1, 0, 0, 0, 0, 1], MSL_INFORMATION_UPPER) == MSL_ERROR_INFORMATION)  // singular
        #expect(add([1, 0, 0, 1, 0, .nan], MSL_INFORMATION_UPPER) == MSL_ERROR_INFORMATION)
        #expect(add([1, 0.5, 0, 0, 1, 0, 0, 0, 1], MSL_INFORMATION_FULL) == MSL_ERROR_INFORMATION)  // asymmetric
        #expect(add(identity3, msl_information_layout(rawValue: 9)) == MSL_ERROR_INVALID_VALUE)
        #expect(counts(g) == (2, 1))
        var index: Int64 = -1
        #expect(msl_graph_add_edge_se2(g, 1, 0, [-1, 0, 0], [4, 1, 0, 3, 0, 2], MSL_INFORMATION_UPPER, &index) == MSL_OK)
        #expect(index == 1)
        #expect(msl_graph_add_edge_se2(g, 1, 0, [-1, 0, 0], [4, 1, 0, 1, 3, 0, 0, 0, 2], MSL_INFORMATION_FULL, &index) == MSL_OK)
        #expect(index == 2)
    }

    @Test func plansAndOptions() throws {
        let g = try twoPoses()
        defer { msl_graph_destroy(g) }
        #expect(msl_graph_set_pose_se2(g, 1, [1.5, 0.2, 0.1]) == MSL_OK)
        #expect(msl_graph_optimize(g, "fp128", nil, nil) == MSL_ERROR_UNKNOWN_PLAN)
        #expect(message(g).contains("fp128"))
        var options = msl_options()
        msl_options_default(&options)
        #expect(options.max_iterations == 100 && options.function_tolerance == 1e-10 && options.time_budget_seconds == 0)
        var bad = options
        bad.function_tolerance = .nan
        #expect(msl_graph_optimize(g, "fp64", &bad, nil) == MSL_ERROR_INVALID_OPTIONS)
        bad = options
        bad.time_budget_seconds = -1
        #expect(msl_graph_optimize(g, "fp64", &bad, nil) == MSL_ERROR_INVALID_OPTIONS)
        bad = options
        bad.max_iterations = -1
        #expect(msl_graph_optimize(g, "fp64", &bad, nil) == MSL_ERROR_INVALID_OPTIONS)
        var pose = [0.0, 0, 0]
        #expect(msl_graph_get_pose_se2(g, 1, &pose) == MSL_OK)
        #expect(pose[0] == 1.5 && pose[1] == 0.2 && abs(pose[2] - 0.1) <= 1e-16)

        var summary = msl_summary()
        #expect(msl_graph_optimize(g, "fp64", &options, &summary) == MSL_OK)
        #expect(summary.converged == 1 && summary.final_cost < 1e-20 && summary.initial_cost > 0.01)
        #expect(String(cString: msl_termination_string(summary.termination)) != "unknown termination")
        let plan = withUnsafeBytes(of: summary.plan) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        let solver = withUnsafeBytes(of: summary.linear_solver) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        #expect(plan == "fp64" && solver == "cholmod")
        #expect(summary.final_residual == MSL_FP64 && summary.final_triangular_solve == MSL_FP64)
        #expect(msl_graph_get_pose_se2(g, 1, &pose) == MSL_OK)
        #expect(abs(pose[0] - 1) < 1e-9 && abs(pose[1]) < 1e-9 && abs(pose[2]) < 1e-9)

        // The mixed plan for pose graphs runs the preconditioner's triangular solves in fp16.
        #expect(msl_graph_set_pose_se2(g, 1, [1.5, 0.2, 0.1]) == MSL_OK)
        #expect(msl_graph_optimize(g, "mixed", nil, &summary) == MSL_OK)
        #expect(summary.initial_triangular_solve == MSL_FP16 && summary.initial_residual == MSL_FP32)
        #expect(summary.reused_symbolic_analysis == 0)
    }

    /// The C summary carries the Swift summary's direct fallbacks (fp32/mixed steps solved by
    /// CHOLMOD after a failed PCG solve).
    @Test func summaryCountsDirectFallbacks() {
        var summary = Summary()
        summary.planName = "mixed"
        summary.directFallbacks = 3
        let c = CConversions.summary(summary, plan: .preset(.mixed, for: .poseGraph))
        #expect(c.direct_fallbacks == 3 && c.precision_switches == 0)
    }

    /// A pose held fixed does not move; with the explicit gauge the first pose moves.
    @Test func fixedPosesAndGauge() throws {
        let g = try twoPoses()
        defer { msl_graph_destroy(g) }
        #expect(msl_graph_set_gauge(g, MSL_GAUGE_EXPLICIT) == MSL_OK)
        #expect(msl_graph_set_fixed(g, 1, 1) == MSL_OK)
        #expect(msl_graph_set_pose_se2(g, 0, [0.3, -0.2, 0.1]) == MSL_OK)
        #expect(msl_graph_optimize(g, "fp64", nil, nil) == MSL_OK)
        var pose = [0.0, 0, 0]
        #expect(msl_graph_get_pose_se2(g, 1, &pose) == MSL_OK && pose == [1, 0, 0])
        #expect(msl_graph_get_pose_se2(g, 0, &pose) == MSL_OK)
        #expect(abs(pose[0]) < 1e-9 && abs(pose[1]) < 1e-9 && abs(pose[2]) < 1e-9)
        var cost = Double.nan
        #expect(msl_graph_cost(g, &cost) == MSL_OK && cost < 1e-20)
    }

    /// Finite input whose cost overflows (poses 1e300 apart) is a solver error, not a NaN pose:
    /// every plan reports it and the poses keep their values.
    @Test func overflowingCostIsASolverError() throws {
        let g = try #require(msl_graph_create())
        defer { msl_graph_destroy(g) }
        let far: [Double] = [1e300, -1e300, 1]
        #expect(msl_graph_add_pose_se2(g, 0, origin2) == MSL_OK)
        #expect(msl_graph_add_pose_se2(g, 1, far) == MSL_OK)
        #expect(msl_graph_add_edge_se2(g, 0, 1, [1, 0, 0], identity3, MSL_INFORMATION_UPPER, nil) == MSL_OK)
        for plan in PrecisionPlan.Preset.allCases {
            #expect(msl_graph_optimize(g, plan.rawValue, nil, nil) == MSL_ERROR_SOLVER)
            #expect(message(g).contains("not finite"))
            var pose = [0.0, 0, 0]
            #expect(msl_graph_get_pose_se2(g, 1, &pose) == MSL_OK)
            #expect(pose[0] == far[0] && pose[1] == far[1] && abs(pose[2] - far[2]) <= 1e-16)
        }
    }

    /// An empty graph and a graph without edges optimize to "nothing to solve", not a crash.
    @Test func emptyGraphs() throws {
        let g = try #require(msl_graph_create())
        defer { msl_graph_destroy(g) }
        var summary = msl_summary()
        #expect(msl_graph_optimize(g, "mixed", nil, &summary) == MSL_OK, "\(message(g))")
        #expect(msl_graph_add_pose_se3(g, 0, origin3) == MSL_OK)
        #expect(msl_graph_add_pose_se3(g, 1, origin3) == MSL_OK)
        #expect(msl_graph_optimize(g, "adaptive", nil, &summary) == MSL_OK, "\(message(g))")
        #expect(summary.final_cost == 0)
    }
}
