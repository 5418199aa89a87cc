import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench` with no arguments: a short synthetic tour comparing every plan side by side.
struct Tour: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A short built-in synthetic tour (the default): a growing loop-closure sequence and visual-odometry windows solved with fp64, fp32, fp16, mixed and adaptive, side by side (about a minute in a release build).",
        discussion: """
            Needs no data. Each plan solves the same sequence of pose graphs a robot builds \
            while touring a house, then the same 50-keyframe bundle-adjustment windows of a \
            camera's tour; the tables show the trajectory error (ATE, after alignment, against \
            ground truth) and the solve time. fp16 is the naive all-fp16 plan, shown for \
            comparison; mixed uses fp16 only where it is safe; adaptive switches precision and \
            polishes at fp64.

            Next steps: `slam-bench pgo intel.g2o` (a public dataset, see --dataset-dir), \
            `slam-bench lc` (the full sequence), `slam-bench report --out /tmp/r` (everything, \
            with figures), `slam-bench help <subcommand>`.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Poses of the synthetic house tour.")
    var poses = 600

    @Option(help: "Loop-closure problems solved per plan.")
    var problems = 20

    @Option(help: "Visual-odometry windows (50 keyframes each) solved per plan; 0 skips VO.")
    var windows = 15

    @Option(help: "Online steps (10 poses each) of the growing house graph, re-solved warm and cold; 0 skips them.")
    var onlineSteps = 5

    func run() throws {
        LinearAlgebraThreads.setCount(1)
        let plans = try common.presets()
        let options = common.loopClosureOptions(poses: poses, problems: problems)
        if !common.quiet {
            print("MixedSLAM tour, plans \(plans.map(\.rawValue).joined(separator: ", ")).")
            print("Loop closure: \(poses)-pose synthetic house tour, \(problems) pose graphs as loops close (SE(2), PGO).")
            fflush(nil)
        }
        var progress = ProgressReporter(enabled: !common.quiet)
        let start = ContinuousClock.now
        let result = try LoopClosureSequenceBenchmark.run(plans: plans, options: options) { done, total in
            progress.update("loop-closure problems", done: done, total: total)
        }
        let sequence = SequenceResult(
            loopClosure: result, plans: plans, setup: "\(poses) poses, \(problems) problems, seed \(common.seed)")
        print(table(sequence))
        fflush(nil)
        var voOptions = VisualOdometryBenchmark.Options()
        voOptions.scenario.seed = common.seed
        voOptions.windowCount = windows
        voOptions.optimizer.directFallback = common.directFallback
        let voResult = windows > 0
            ? try VisualOdometryBenchmark.run(plans: plans, options: voOptions) { done, total in
                progress.update("VO windows", done: done, total: total)
            }
            : nil
        let vo = voResult.map {
            SequenceResult(
                visualOdometry: $0, plans: plans, windowSize: voOptions.windowSize,
                setup: "\($0.startATE.count) windows of \(voOptions.windowSize) keyframes, seed \(common.seed)")
        }
        if let vo {
            print("\nVisual odometry: \(vo.setup); bundle adjustment of each window from a perturbed start.")
            print(table(vo))
        }
        if onlineSteps > 0 {
            var online = IncrementalPoseGraphBenchmark.Options()
            online.steps = onlineSteps
            var house = LoopClosureScenario<SE2<Double>>.Options()
            house.seed = common.seed
            let scenario = try LoopClosureScenario<SE2<Double>>(options: house)
            let r = try IncrementalPoseGraphBenchmark.run(try scenario.makeProblem(), name: "house", options: online)
            print("\nOnline: a \(scenario.poseCount)-pose house graph grown \(online.posesPerStep) poses at a time"
                + " (PoseGraph, fp64), \(onlineSteps) steps; warm re-solve with the extended analysis vs a cold batch solve.")
            print("median warm \(fmt(r.warmSecondsMedian * 1000, 3)) ms, cold \(fmt(r.coldSecondsMedian * 1000, 3)) ms"
                + " (median per-step warm/cold \(fmt(r.warmOverCold, 2))); analysis reused in every step: "
                + "\(r.reusedInEveryStep ? "yes" : "no"); same optimum: max relative cost difference "
                + "\(fmt(r.maxRelativeCostDifference, 2)). More: slam-bench incremental.")
        }
        if !common.quiet {
            print("\ntour finished in \(fmt((ContinuousClock.now - start).seconds, 3)) s. More: slam-bench --help, slam-bench report --out /tmp/r")
        }
        let sequences = [sequence] + (vo.map { [$0] } ?? [])
        if let path = common.json { try writeJSON(sequences, command: "tour", to: path) }
        if let path = common.csv {
            try writeCSV(
                header: ["sequence", "problem", "poses", "plan", "ate", "finalCost", "totalSeconds", "linearSolveSeconds", "iterations"],
                rows: sequences.flatMap { s in s.solves.map {
                    [s.name, "\($0.problem)", "\($0.poses)", $0.plan, "\($0.ate)", "\($0.finalCost)", "\($0.totalSeconds)",
                     "\($0.linearSolveSeconds)", "\($0.iterations)"]
                } }, to: path)
        }
    }

    /// A sequence's plans side by side, with each plan's final cost relative to fp64's
    /// (median and worst over the problems).
    private func table(_ sequence: SequenceResult) -> String {
        var table = TextTable([
            "", "ATE mean m", "ATE 90%", "ATE max", "cost vs fp64 median", "max", "solve ms median", "linear ms median", "total s",
        ])
        if let baseline = sequence.baseline {
            table.add([sequence.baselineLabel ?? "baseline", fmt(baseline.mean, 3), fmt(baseline.p90, 3), fmt(baseline.max, 3), "", "", "", "", ""])
        }
        for plan in sequence.plans {
            table.add([plan.plan, fmt(plan.ate.mean, 3), fmt(plan.ate.p90, 3), fmt(plan.ate.max, 3),
                       plan.finalCostExcess.map { fmt($0.median, 2) } ?? "", plan.finalCostExcess.map { fmt($0.max, 2) } ?? "",
                       fmt(plan.totalSeconds.median * 1000, 3), fmt(plan.linearSolveSeconds.median * 1000, 3), fmt(plan.sumSeconds, 3)])
        }
        return table.rendered
    }
}
