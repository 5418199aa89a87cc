import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench lc`: the growing loop-closure sequence.
struct LoopClosure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lc",
        abstract: "Solve a growing synthetic loop-closure sequence with every plan: ATE without/with loop closure, cumulative ATE histograms, solve time vs graph size.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Poses of the synthetic house tour.")
    var poses = 2000

    @Option(help: "Problems to solve, spread over the loop-closure events (0: every event).")
    var problems = 800

    func run() throws {
        LinearAlgebraThreads.setCount(1)
        let plans = try common.presets()
        let options = common.loopClosureOptions(poses: poses, problems: problems > 0 ? problems : nil)
        var progress = ProgressReporter(enabled: !common.quiet)
        let result = try LoopClosureSequenceBenchmark.run(plans: plans, options: options) { done, total in
            progress.update("lc problems", done: done, total: total)
        }
        let summary = try LoopClosureSummary(result, plans: plans)
        print(summary.table.rendered)
        if !common.quiet {
            print("")
            print(summary.histogramTable.rendered)
            print("")
            print(summary.timeTable.rendered)
        }
        if let path = common.json { try writeJSON(summary, command: "lc", to: path) }
        if let path = common.csv {
            try writeCSV(
                header: ["problem", "poses", "edges", "plan", "ate", "finalCost", "totalSeconds", "linearSolveSeconds", "iterations"],
                rows: result.solves.map {
                    ["\($0.problem)", "\($0.poses)", "\($0.edges)", $0.plan, "\($0.ate)", "\($0.finalCost)",
                     "\($0.totalSeconds)", "\($0.linearSolveSeconds)", "\($0.iterations)"]
                }, to: path)
        }
    }
}

/// The lc results reduced to what the reference method reports, per plan.
struct LoopClosureSummary: Encodable {
    struct Distribution: Encodable {
        var mean: Double, median: Double, p90: Double, p99: Double, max: Double

        init(_ values: [Double]) throws {
            let stats = try ErrorStatistics(values)
            let sample = try SortedSample(values)
            mean = stats.mean
            median = stats.median
            p90 = try sample.percentile(90)
            p99 = try sample.percentile(99)
            max = stats.maximum
        }
    }

    struct Plan: Encodable {
        var plan: String
        var ate: Distribution
        var totalSeconds: Distribution
        var linearSolveSeconds: Distribution
        var histogram: [Double]
        /// Median solve seconds per graph-size bin (`sizeBins`).
        var secondsBySize: [Double]
    }

    var problems: Int
    var ateWithoutLoopClosure: Distribution
    var histogramEdges: [Double]
    var sizeBins: [Int]
    var plans: [Plan]
    var solves: [LoopClosureSequenceBenchmark.Solve]

    init(_ result: LoopClosureSequenceBenchmark.Result, plans presets: [PrecisionPlan.Preset]) throws {
        problems = result.ateWithoutLoopClosure.count
        ateWithoutLoopClosure = try Distribution(result.ateWithoutLoopClosure)
        histogramEdges = try ateHistogramEdges(result.solves.map(\.ate) + result.ateWithoutLoopClosure)
        let maxPoses = result.solves.map(\.poses).max() ?? 1
        let sizeBins = (1...10).map { $0 * maxPoses / 10 }
        let histogramEdges = self.histogramEdges
        self.sizeBins = sizeBins
        solves = result.solves
        plans = try presets.map { preset in
            let mine = result.solves.filter { $0.plan == preset.rawValue }
            let bySize = try sizeBins.indices.map { b -> Double in
                let low = b == 0 ? 0 : sizeBins[b - 1]
                let times = mine.filter { $0.poses > low && $0.poses <= sizeBins[b] }.map(\.totalSeconds)
                return times.isEmpty ? .nan : try PoseGraphBenchmark.median(times)
            }
            return Plan(
                plan: preset.rawValue, ate: try Distribution(mine.map(\.ate)),
                totalSeconds: try Distribution(mine.map(\.totalSeconds)),
                linearSolveSeconds: try Distribution(mine.map(\.linearSolveSeconds)),
                histogram: try CumulativeHistogram(values: mine.map(\.ate), edges: histogramEdges).fractions,
                secondsBySize: bySize)
        }
    }

    var table: TextTable {
        var t = TextTable(["plan", "problems", "ATE mean m", "ATE 90%", "ATE 99%", "ATE max", "solve ms median", "linear ms median"])
        t.add(["no loop closure", "\(problems)", fmt(ateWithoutLoopClosure.mean, 3), fmt(ateWithoutLoopClosure.p90, 3),
               fmt(ateWithoutLoopClosure.p99, 3), fmt(ateWithoutLoopClosure.max, 3), "", ""])
        for p in plans {
            t.add([p.plan, "\(problems)", fmt(p.ate.mean, 3), fmt(p.ate.p90, 3), fmt(p.ate.p99, 3), fmt(p.ate.max, 3),
                   fmt(p.totalSeconds.median * 1000, 3), fmt(p.linearSolveSeconds.median * 1000, 3)])
        }
        return t
    }

    var histogramTable: TextTable {
        cumulativeHistogramTable(edges: histogramEdges, plans.map { ($0.plan, $0.histogram) })
    }

    var timeTable: TextTable {
        var t = TextTable(["poses ≤"] + plans.map { "\($0.plan) ms" })
        for (b, size) in sizeBins.enumerated() {
            t.add(["\(size)"] + plans.map { fmt($0.secondsBySize[b] * 1000, 3) })
        }
        return t
    }
}
