/// Writes `report.md`: a Summary section short enough for a CI log and a pull-request
/// comment (threshold outcome, final cost and time of every plan on every dataset, the
/// sequences' ATE), then the details, cross-checks, figures and every threshold check.
public enum MarkdownReportWriter {
    /// The heading CI prints from (`sed -n '/^## Summary/,/^## Pose graphs/p'`).
    public static let summaryHeading = "## Summary"

    /// The whole document, given the thresholds that produced `report.checks`.
    public static func markdown(_ report: BenchmarkReport, thresholds: ReportThresholds) -> String {
        var out = "# MixedSLAM benchmark report\n\n"
        out += "\(report.quick ? "Quick run (`--quick`)" : "Full run"); plans \(report.plans.joined(separator: ", ")); "
        out += "datasets from `\(report.datasetDirectory ?? "(none)")`; suite \(NumberFormat.significant(report.suiteSeconds, 3)) s. "
        out += "Reproduce: docs/benchmarks.md.\n\n"
        out += summary(report, thresholds: thresholds)
        out += poseGraphDetails(report)
        for sequence in report.sequences { out += sequenceDetails(sequence) }
        if let kernels = report.kernels { out += kernelSection(kernels) }
        out += crossCheckSection(report)
        out += figureSection(report)
        out += checkSection(report)
        return out
    }

    /// The Summary section alone: threshold outcome, final costs and times per dataset and
    /// plan, and each sequence's ATE table.
    public static func summary(_ report: BenchmarkReport, thresholds: ReportThresholds) -> String {
        var out = "\(summaryHeading)\n\n"
        let breaches = report.breaches
        let gaps = report.checks.filter { !$0.passed && $0.knownGap != nil }
        out += breaches.isEmpty
            ? "**Thresholds: no breach in \(report.checks.count) checks.**\n\n"
            : "**Thresholds: \(breaches.count) of \(report.checks.count) checks FAILED:**\n\n"
                + breaches.map { "- \($0.description)\n" }.joined() + "\n"
        if !gaps.isEmpty {
            out += "**Known gaps (documented in bench/thresholds.json, open problems):**\n\n"
                + gaps.map { "- \($0.description)\n" }.joined() + "\n"
        }
        if !report.datasets.isEmpty {
            out += "Final cost (½ Σ‖whitened residual‖²) per plan; reference: GTSAM 4.3 LM (datasets README).\n\n"
            var costs = MarkdownTable(["dataset", "poses", "edges", "reference"] + report.plans)
            var times = MarkdownTable(["dataset (total ms)"] + report.plans)
            for dataset in report.datasets {
                costs.add([dataset.file, "\(dataset.vertices)", "\(dataset.edges)",
                           thresholds.referenceFinalCosts[dataset.file].map { NumberFormat.significant($0) } ?? "–"]
                          + report.plans.map { plan in dataset.result(of: plan).map { NumberFormat.significant($0.finalCost, 6) } ?? "–" })
                times.add([dataset.file] + report.plans.map { plan in
                    dataset.result(of: plan).map { NumberFormat.milliseconds($0.totalSeconds) } ?? "–"
                })
            }
            out += costs.rendered + "\n" + times.rendered + "\n"
            if !report.skippedDatasets.isEmpty {
                out += "Not run in this quick run: \(report.skippedDatasets.joined(separator: ", ")).\n\n"
            }
        }
        for sequence in report.sequences {
            out += "\(sequence.title): \(sequence.setup).\n\n" + sequenceTable(sequence).rendered + "\n"
        }
        return out
    }

    static func sequenceTable(_ sequence: SequenceResult) -> MarkdownTable {
        var table = MarkdownTable(["\(sequence.name)", "problems", "ATE mean m", "ATE median", "ATE 90 %", "ATE max",
                                   "solve ms median", "linear ms median", "total s", "cost vs fp64 median", "cost vs fp64 max"])
        if let label = sequence.baselineLabel, let baseline = sequence.baseline {
            table.add([label, "\(baseline.count)", NumberFormat.significant(baseline.mean, 3),
                       NumberFormat.significant(baseline.median, 3), NumberFormat.significant(baseline.p90, 3),
                       NumberFormat.significant(baseline.max, 3), "", "", "", "", ""])
        }
        for plan in sequence.plans {
            table.add([plan.plan, "\(plan.ate.count)", NumberFormat.significant(plan.ate.mean, 3),
                       NumberFormat.significant(plan.ate.median, 3), NumberFormat.significant(plan.ate.p90, 3),
                       NumberFormat.significant(plan.ate.max, 3), NumberFormat.milliseconds(plan.totalSeconds.median),
                       NumberFormat.milliseconds(plan.linearSolveSeconds.median), NumberFormat.significant(plan.sumSeconds, 3),
                       plan.finalCostExcess.map { NumberFormat.significant($0.median, 2) } ?? "–",
                       plan.finalCostExcess.map { NumberFormat.significant($0.max, 2) } ?? "–"])
        }
        return table
    }

    static func poseGraphDetails(_ report: BenchmarkReport) -> String {
        guard !report.datasets.isEmpty else { return "" }
        var out = "## Pose graphs\n\nEach plan starts from the file's vertices (or chained odometry); ATE is against the fp64 solution (no alignment, shared gauge). Trajectories: `trajectories/<file>-<plan>.tum`.\n\n"
        for dataset in report.datasets {
            out += "### \(dataset.file)\n\n\(dataset.vertices) poses, \(dataset.edges) edges"
                + (dataset.chainedInitialization ? ", initialized by chaining odometry" : "")
                + ", loaded in \(NumberFormat.milliseconds(dataset.loadSeconds)) ms.\n\n"
            var table = MarkdownTable(["plan", "solver", "initial cost", "final cost", "iters", "CG iters", "linear ms",
                                       "total ms", "ATE vs fp64 m", "fp16 overflow/underflow", "end", "switches", "fallbacks"],
                                      rightAligned: [2, 3, 4, 5, 6, 7, 8, 9, 12])
            for r in dataset.plans {
                table.add([r.plan, r.linearSolver, NumberFormat.significant(r.initialCost), NumberFormat.significant(r.finalCost, 8),
                           "\(r.iterations)", "\(r.linearIterations)", NumberFormat.milliseconds(r.linearSolveSeconds),
                           NumberFormat.milliseconds(r.totalSeconds), NumberFormat.significant(r.ateRMSE, 3),
                           "\(r.halfOverflows)/\(r.halfUnderflows)", r.termination, "\(r.switches.count)", "\(r.directFallbacks)"])
            }
            out += table.rendered + "\n"
        }
        return out
    }

    static func sequenceDetails(_ sequence: SequenceResult) -> String {
        let out = "## \(sequence.title)\n\n\(sequence.setup).\n\n"
        let sizes = Array(Set(sequence.solves.map(\.poses))).sorted()
        guard let largest = sizes.last else { return out }
        // ⌊k · largest / 5⌋ without forming k · largest, which overflows for a pose count
        // beyond Int.max / 5 (a report read back from JSON holds any count).
        let bins = (1...5).map { largest / 5 * $0 + largest % 5 * $0 / 5 }
        var table = MarkdownTable(["poses ≤ (median solve ms)"] + sequence.plans.map(\.plan))
        for (b, upper) in bins.enumerated() {
            let lower = b == 0 ? 0 : bins[b - 1]
            table.add(["\(upper)"] + sequence.plans.map { plan in
                let times = sequence.solves.filter { $0.plan == plan.plan && $0.poses > lower && $0.poses <= upper }.map(\.totalSeconds)
                // "–" for an empty bin, and for times that are not finite (a report read back
                // from JSON may hold "nan").
                return (try? PoseGraphBenchmark.median(times)).map { NumberFormat.milliseconds($0) } ?? "–"
            })
        }
        return out + table.rendered + "\n"
    }

    static func kernelSection(_ kernels: KernelBenchmark.Report) -> String {
        let out = "## Kernels (quick sizes, path \(kernels.path))\n\n"
        var table = MarkdownTable(["kernel", "problem", "ratio", "value", "target"], rightAligned: [3, 4])
        for r in kernels.ratios {
            table.add([r.kernel, r.problem, r.name, NumberFormat.significant(r.value, 3),
                       r.target.map { "≥ \(NumberFormat.significant($0, 2)) \(r.reached == true ? "reached" : "missed")" } ?? ""])
        }
        return out + table.rendered + "\n"
    }

    static func crossCheckSection(_ report: BenchmarkReport) -> String {
        guard !report.crossChecks.isEmpty else { return "" }
        var out = "## Cross-checks\n\n"
        for check in report.crossChecks {
            out += "### \(check.tool)\(check.version.map { " \($0)" } ?? "")\n\n"
            guard check.status == "ok" else {
                out += "Skipped: \(check.reason ?? "no reason given").\n\n"
                continue
            }
            let timed = check.rows.contains { $0.theirsSeconds != nil }
            var table = MarkdownTable(["subject", "quantity", "ours", check.tool, "relative difference"]
                                      + (timed ? ["our ms", "\(check.tool) ms", "\(check.tool) iters"] : []),
                                      rightAligned: Set(2..<(timed ? 8 : 5)))
            for row in check.rows {
                table.add([row.subject, row.quantity, NumberFormat.significant(row.ours, 8), NumberFormat.significant(row.theirs, 8),
                           NumberFormat.significant(row.relativeDifference, 2)]
                          + (timed ? [row.oursSeconds.map(NumberFormat.milliseconds) ?? "–",
                                      row.theirsSeconds.map(NumberFormat.milliseconds) ?? "–",
                                      row.theirsIterations.map { "\($0)" } ?? "–"] : []))
            }
            out += table.rendered + "\n"
        }
        return out
    }

    static func figureSection(_ report: BenchmarkReport) -> String {
        var out = "## Figures\n\n"
        guard !report.figures.isEmpty else {
            return out + "None drawn (matplotlib unavailable: run `scripts/setup-python.sh`).\n\n"
        }
        for figure in report.figures {
            out += "![\(figure.caption)](\(figure.file))\n\n*\(figure.caption)*\n\n"
        }
        return out
    }

    static func checkSection(_ report: BenchmarkReport) -> String {
        let out = "## Threshold checks\n\n"
        var table = MarkdownTable(["", "subject", "rule", "value", "limit"], rightAligned: [3, 4])
        for check in report.checks {
            table.add([check.passed ? "ok" : check.knownGap == nil ? "**BREACH**" : "known gap", check.subject, check.rule,
                       NumberFormat.significant(check.value, 8), NumberFormat.significant(check.limit, 8)])
        }
        return out + table.rendered
    }
}
