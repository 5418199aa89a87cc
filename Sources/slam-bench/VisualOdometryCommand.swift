import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench vo`: many independent VO windows solved with every plan.
struct VisualOdometry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vo",
        abstract: "Solve sliding-window BA problems of a synthetic VO tour with every plan: ATE distributions, cumulative ATE histograms, window and linear-solve times.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Windows to solve, spread over the tour (0: all 1,703).")
    var windows = 1703

    @Option(help: "Keyframes per window.")
    var windowSize = 50

    @Option(help: "Keyframes of the synthetic tour.")
    var keyframes = 1752

    @Option(help: "CGNR relative tolerance, the inexact-Newton forcing term (default: the driver's, 1e-2).")
    var cgTolerance: Double?

    @Option(help: "CGNR preconditioner: block-jacobi (default) or lagged-schur (the reduced camera system of an earlier linearization, refactored when CG needs more than --schur-refresh iterations).")
    var cgnrPreconditioner = "block-jacobi"

    @Option(help: "With --cgnr-preconditioner lagged-schur: CG iterations above which the next solve refactors the reduced camera system.")
    var schurRefresh = 5

    @Option(help: "Maximum LM iterations per window.")
    var maxIterations = 20

    @Option(help: "Lower bound of LM's λ per window (default: the driver's, 1e-6).")
    var minLambda: Double?

    @Option(help: "LM relative cost-decrease tolerance per window (default: the driver's, 1e-4).")
    var functionTolerance: Double?

    @Option(help: "With --sequence: what the driver does with a leaving keyframe's observations: landmarkPriors (needs --huber > 0), drop.")
    var marginalization = "landmarkPriors"

    @Option(help: "With --sequence: Huber threshold of the driver's reprojection factors, whitened pixels (0: no robust kernel).")
    var huber = 2.0

    @Flag(help: "Print every window's full solver report for each plan (per-iteration cost, lambda, gain, CG iterations, phase times); use with a small --windows.")
    var fullReport = false

    @Flag(help: "Also run the SlidingWindowBA driver over the windows' keyframes for each plan (whole-trajectory ATE, Sim(3)).")
    var sequence = false

    func run() throws {
        LinearAlgebraThreads.setCount(1)
        let plans = try common.presets()
        guard (1...GroundRobotRoute.maximumCount).contains(keyframes) else {
            throw ValidationError("--keyframes must be 1 to \(GroundRobotRoute.maximumCount)")
        }
        guard (1...keyframes).contains(windowSize) else {
            throw ValidationError("--window-size must be 1 to --keyframes (\(keyframes))")
        }
        var options = VisualOdometryBenchmark.Options()
        options.scenario.keyframeCount = keyframes
        options.scenario.seed = common.seed
        options.windowSize = windowSize
        options.windowCount = windows > 0 ? windows : nil
        options.optimizer.maxIterations = maxIterations
        options.optimizer.directFallback = common.directFallback
        guard let fate = SlidingWindowBA.Marginalization(rawValue: marginalization) else {
            throw ValidationError("--marginalization: drop or landmarkPriors")
        }
        options.marginalization = fate
        guard huber >= 0, huber.isFinite else { throw ValidationError("--huber must be ≥ 0") }
        options.kernel = huber > 0 ? .huber(threshold: huber) : .none
        guard fate == .drop || huber > 0 else {
            throw ValidationError("--marginalization landmarkPriors needs a robust kernel (--huber > 0); use --marginalization drop without one")
        }
        if let functionTolerance { options.optimizer.functionTolerance = functionTolerance }
        if let minLambda {
            guard minLambda > 0, minLambda.isFinite else { throw ValidationError("--min-lambda must be > 0") }
            options.optimizer.minLambda = minLambda
            options.optimizer.initialLambda = max(options.optimizer.initialLambda, minLambda)
        }
        if let cgTolerance { options.stepSolver.cgnr.conjugateGradient.relativeTolerance = cgTolerance }
        guard let preconditioning = CGNR.Preconditioning(rawValue: cgnrPreconditioner) else {
            throw ValidationError("--cgnr-preconditioner: block-jacobi or lagged-schur")
        }
        guard schurRefresh >= 0 else { throw ValidationError("--schur-refresh must be ≥ 0") }
        options.stepSolver.cgnr.preconditioning = preconditioning
        options.stepSolver.cgnr.schurRefreshIterations = schurRefresh
        switch common.solver {
        case "auto", "cgnr": options.stepSolver.iterativeMethod = .cgnr
        case "schur", "dense-schur": options.stepSolver.iterativeMethod = .denseSchur
        case "cholmod": options.stepSolver.iterativeMethod = .cholmod
        default: throw ValidationError("vo solvers: auto, cgnr, schur, cholmod")
        }
        var progress = ProgressReporter(enabled: !common.quiet)
        let reports: ((Int, String, Summary) -> Void)? = fullReport
            ? { window, plan, summary in print("window ending at keyframe \(window), \(plan)\n\(summary.fullReport)\n") } : nil
        let result = try VisualOdometryBenchmark.run(
            plans: plans, options: options, progress: { done, total in progress.update("vo windows", done: done, total: total) },
            reports: reports)
        var sequences: [VisualOdometryBenchmark.SequenceResult] = []
        if sequence {
            let scenario = try VisualOdometryScenario(options: options.scenario)
            let count = windows > 0 && windows < keyframes ? min(keyframes, windows + windowSize - 1) : keyframes
            for plan in plans {
                sequences.append(try VisualOdometryBenchmark.sequence(
                    scenario, plan: plan, keyframes: count, options: options) { done, total in
                    progress.update("vo sequence \(plan.rawValue)", done: done, total: total)
                })
            }
        }
        let summary = try VisualOdometrySummary(result, plans: plans, sequences: sequences)
        print(summary.table.rendered)
        if !common.quiet {
            print("")
            print(summary.timeTable.rendered)
            print("")
            print(summary.histogramTable.rendered)
            if !sequences.isEmpty {
                print("")
                print(summary.sequenceTable.rendered)
            }
            print("")
            print(summary.ratioLines.joined(separator: "\n"))
        }
        if let path = common.json { try writeJSON(summary, command: "vo", to: path) }
        if let path = common.csv {
            try writeCSV(
                header: ["window", "plan", "linearSolver", "ate", "initialCost", "finalCost", "iterations",
                         "linearIterations", "totalSeconds", "linearSolveSeconds", "observations", "landmarks", "termination"],
                rows: result.solves.map {
                    ["\($0.window)", $0.plan, $0.linearSolver, "\($0.ate)", "\($0.initialCost)", "\($0.finalCost)",
                     "\($0.iterations)", "\($0.linearIterations)", "\($0.totalSeconds)", "\($0.linearSolveSeconds)",
                     "\($0.observations)", "\($0.landmarks)", $0.termination]
                }, to: path)
        }
    }
}

/// The vo results reduced to what the reference method reports, per plan.
struct VisualOdometrySummary: Encodable {
    struct Plan: Encodable {
        var plan: String
        var linearSolver: String
        var ate: LoopClosureSummary.Distribution
        var totalSeconds: LoopClosureSummary.Distribution
        var linearSolveSeconds: LoopClosureSummary.Distribution
        var iterations: LoopClosureSummary.Distribution
        var linearIterations: LoopClosureSummary.Distribution
        /// Fraction of windows with ATE ≤ each of `histogramEdges`.
        var histogram: [Double]
        /// Windows whose solve did not reach a converged termination.
        var unconverged: Int
        /// Steps solved directly after a failed CGNR solve, over all windows.
        var directFallbacks: Int
        /// Relative final-cost excess over fp64's solve of the same window (absent without fp64).
        var finalCostExcess: LoopClosureSummary.Distribution?
    }

    struct Sequence: Encodable {
        var plan: String
        var marginalization: String
        var rejectedLandmarkPriors: Int
        var keyframes: Int
        var trajectoryATE: Double
        var trajectoryATESE3: Double
        var windowATE: LoopClosureSummary.Distribution?
        var solveSeconds: LoopClosureSummary.Distribution
        var linearSolveSeconds: LoopClosureSummary.Distribution
        var lowParallaxSkips: Int
        var behindCameraSkips: Int
        var observationsBehindCamera: Int
    }

    /// Ratios of one plan's statistic to another's (`mixed/fp64 ate.median`, ...).
    struct Ratio: Encodable {
        var name: String
        var value: Double
        var target: Double?
    }

    var windows: Int
    var startATE: LoopClosureSummary.Distribution
    var histogramEdges: [Double]
    var plans: [Plan]
    var sequences: [Sequence]
    var ratios: [Ratio]

    init(
        _ result: VisualOdometryBenchmark.Result, plans presets: [PrecisionPlan.Preset],
        sequences: [VisualOdometryBenchmark.SequenceResult]
    ) throws {
        windows = result.startATE.count
        startATE = try LoopClosureSummary.Distribution(result.startATE)
        histogramEdges = try ateHistogramEdges(result.solves.map(\.ate))
        let edges = histogramEdges
        plans = try presets.map { preset in
            let mine = result.solves.filter { $0.plan == preset.rawValue }
            return Plan(
                plan: preset.rawValue, linearSolver: mine.first?.linearSolver ?? "",
                ate: try LoopClosureSummary.Distribution(mine.map(\.ate)),
                totalSeconds: try LoopClosureSummary.Distribution(mine.map(\.totalSeconds)),
                linearSolveSeconds: try LoopClosureSummary.Distribution(mine.map(\.linearSolveSeconds)),
                iterations: try LoopClosureSummary.Distribution(mine.map { Double($0.iterations) }),
                linearIterations: try LoopClosureSummary.Distribution(mine.map { Double($0.linearIterations) }),
                histogram: try CumulativeHistogram(values: mine.map(\.ate), edges: edges).fractions,
                unconverged: mine.filter { !["functionTolerance", "gradientTolerance", "parameterTolerance", "zeroCost"].contains($0.termination) }.count,
                directFallbacks: mine.reduce(0) { $0 + $1.directFallbacks },
                finalCostExcess: presets.contains(.fp64)
                    ? try LoopClosureSummary.Distribution(result.finalCostExcess(of: preset.rawValue)) : nil)
        }
        self.sequences = try sequences.map {
            Sequence(
                plan: $0.plan, marginalization: $0.marginalization,
                rejectedLandmarkPriors: $0.rejectedLandmarkPriors, keyframes: $0.keyframes, trajectoryATE: $0.trajectoryATE,
                trajectoryATESE3: $0.trajectoryATESE3,
                windowATE: $0.windowATE.isEmpty ? nil : try LoopClosureSummary.Distribution($0.windowATE),
                solveSeconds: try LoopClosureSummary.Distribution($0.solveSeconds),
                linearSolveSeconds: try LoopClosureSummary.Distribution($0.linearSolveSeconds),
                lowParallaxSkips: $0.lowParallaxSkips, behindCameraSkips: $0.behindCameraSkips,
                observationsBehindCamera: $0.observationsBehindCamera)
        }
        var ratios: [Ratio] = []
        let byName = Dictionary(uniqueKeysWithValues: plans.map { ($0.plan, $0) })
        if let mixed = byName["mixed"], let fp64 = byName["fp64"] {
            ratios.append(Ratio(name: "mixed/fp64 ate.median", value: mixed.ate.median / fp64.ate.median, target: 1.01))
            ratios.append(Ratio(name: "mixed/fp64 ate.p99", value: mixed.ate.p99 / fp64.ate.p99, target: 1.05))
            ratios.append(Ratio(
                name: "mixed/fp64 totalSeconds.median (\(mixed.linearSolver) vs \(fp64.linearSolver))",
                value: mixed.totalSeconds.median / fp64.totalSeconds.median, target: nil))
            ratios.append(Ratio(
                name: "mixed/fp64 linearSolveSeconds.median (\(mixed.linearSolver) vs \(fp64.linearSolver))",
                value: mixed.linearSolveSeconds.median / fp64.linearSolveSeconds.median, target: nil))
        }
        if let fp16 = byName["fp16"], let fp64 = byName["fp64"] {
            ratios.append(Ratio(name: "fp16/fp64 ate.median", value: fp16.ate.median / fp64.ate.median, target: nil))
            ratios.append(Ratio(name: "fp16/fp64 ate.p99", value: fp16.ate.p99 / fp64.ate.p99, target: nil))
        }
        if let mixed = byName["mixed"], let fp32 = byName["fp32"] {
            ratios.append(Ratio(
                name: "mixed/fp32 linearSolveSeconds.median", value: mixed.linearSolveSeconds.median / fp32.linearSolveSeconds.median,
                target: 0.59))
            ratios.append(Ratio(
                name: "mixed/fp32 linearSolveSeconds.mean", value: mixed.linearSolveSeconds.mean / fp32.linearSolveSeconds.mean,
                target: 0.59))
        }
        self.ratios = ratios
    }

    var table: TextTable {
        var t = TextTable([
            "plan", "solver", "windows", "ATE mean m", "median", "90%", "99%", "max", "not converged", "fallbacks",
            "cost vs fp64 median", "99%",
        ])
        t.add(["start", "", "\(windows)", fmt(startATE.mean, 3), fmt(startATE.median, 3), fmt(startATE.p90, 3),
               fmt(startATE.p99, 3), fmt(startATE.max, 3), "", "", "", ""])
        for p in plans {
            t.add([p.plan, p.linearSolver, "\(windows)", fmt(p.ate.mean, 4), fmt(p.ate.median, 4), fmt(p.ate.p90, 4),
                   fmt(p.ate.p99, 4), fmt(p.ate.max, 4), "\(p.unconverged)", "\(p.directFallbacks)",
                   p.finalCostExcess.map { fmt($0.median, 3) } ?? "", p.finalCostExcess.map { fmt($0.p99, 3) } ?? ""])
        }
        return t
    }

    var timeTable: TextTable {
        var t = TextTable(["plan", "solve ms median", "90%", "99%", "max", "linear ms median", "linear 99%", "LM its median", "CG its median"])
        for p in plans {
            t.add([p.plan, fmt(p.totalSeconds.median * 1000, 3), fmt(p.totalSeconds.p90 * 1000, 3),
                   fmt(p.totalSeconds.p99 * 1000, 3), fmt(p.totalSeconds.max * 1000, 3),
                   fmt(p.linearSolveSeconds.median * 1000, 3), fmt(p.linearSolveSeconds.p99 * 1000, 3),
                   fmt(p.iterations.median, 3), fmt(p.linearIterations.median, 4)])
        }
        return t
    }

    var histogramTable: TextTable {
        cumulativeHistogramTable(edges: histogramEdges, plans.map { ($0.plan, $0.histogram) })
    }

    var sequenceTable: TextTable {
        var t = TextTable(["sequence plan", "marginalization", "keyframes", "trajectory ATE Sim(3) m", "SE(3) m", "window ATE median", "solve ms median", "skips parallax/behind/obs"])
        for s in sequences {
            t.add([s.plan, s.marginalization, "\(s.keyframes)", fmt(s.trajectoryATE, 4), fmt(s.trajectoryATESE3, 4),
                   s.windowATE.map { fmt($0.median, 4) } ?? "", fmt(s.solveSeconds.median * 1000, 3),
                   "\(s.lowParallaxSkips)/\(s.behindCameraSkips)/\(s.observationsBehindCamera)"])
        }
        return t
    }

    var ratioLines: [String] {
        ratios.map { r in "\(r.name) = \(fmt(r.value, 4))" + (r.target.map { " (target ≤ \(fmt($0, 3)))" } ?? "") }
    }
}
