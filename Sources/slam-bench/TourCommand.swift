import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench` with no arguments: a short synthetic tour comparing every plan side by side.
struct Tour: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A short built-in synthetic tour (the default): a growing loop-closure sequence solved with fp64, fp32, fp16, mixed and adaptive, side by side (under a minute in a release build).",
        discussion: """
            Needs no data. Each plan solves the same sequence of pose graphs a robot builds \
            while touring a house; the table shows the trajectory error (ATE, after alignment, \
            against ground truth) and the solve time. fp16 is the naive all-fp16 plan, shown for \
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
    var problems = 30

    func run() throws {
        LinearAlgebraThreads.setCount(1)
        let plans = try common.presets()
        var options = LoopClosureSequenceBenchmark.Options()
        options.scenario.poseCount = poses
        options.scenario.seed = common.seed
        options.problemCount = problems
        if !common.quiet {
            print("MixedSLAM tour: \(poses)-pose synthetic house tour, \(problems) loop-closure problems, plans \(plans.map(\.rawValue).joined(separator: ", ")).")
            fflush(stdout)
        }
        var progress = ProgressReporter(enabled: !common.quiet)
        let start = ContinuousClock.now
        let result = try LoopClosureSequenceBenchmark.run(plans: plans, options: options) { done, total in
            progress.update("loop-closure problems", done: done, total: total)
        }
        let sequence = SequenceResult(
            loopClosure: result, plans: plans, setup: "\(poses) poses, \(problems) problems, seed \(common.seed)")
        var table = TextTable(["", "ATE mean m", "ATE 90%", "ATE max", "final cost (last)", "solve ms median", "linear ms median", "total s"])
        if let baseline = sequence.baseline {
            table.add(["no loop closure", fmt(baseline.mean, 3), fmt(baseline.p90, 3), fmt(baseline.max, 3), "", "", "", ""])
        }
        let last = result.solves.map(\.problem).max() ?? 0
        for plan in sequence.plans {
            let finalCost = result.solves.first { $0.problem == last && $0.plan == plan.plan }?.finalCost ?? .nan
            table.add([plan.plan, fmt(plan.ate.mean, 3), fmt(plan.ate.p90, 3), fmt(plan.ate.max, 3), fmt(finalCost, 6),
                       fmt(plan.totalSeconds.median * 1000, 3), fmt(plan.linearSolveSeconds.median * 1000, 3), fmt(plan.sumSeconds, 3)])
        }
        print(table.rendered)
        if !common.quiet {
            print("\ntour finished in \(fmt((ContinuousClock.now - start).seconds, 3)) s. More: slam-bench --help, slam-bench report --out /tmp/r")
        }
        if let path = common.json { try writeJSON(sequence, command: "tour", to: path) }
        if let path = common.csv {
            try writeCSV(
                header: ["problem", "poses", "plan", "ate", "finalCost", "totalSeconds", "linearSolveSeconds", "iterations"],
                rows: sequence.solves.map {
                    ["\($0.problem)", "\($0.poses)", $0.plan, "\($0.ate)", "\($0.finalCost)", "\($0.totalSeconds)",
                     "\($0.linearSolveSeconds)", "\($0.iterations)"]
                }, to: path)
        }
    }
}
