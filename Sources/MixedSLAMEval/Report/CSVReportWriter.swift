/// The report's CSV files (one row per measured thing, full-precision numbers, RFC 4180
/// quoting): `datasets.csv`, `<sequence>-solves.csv` (e.g. `lc-solves.csv`), `kernels.csv`,
/// `checks.csv`. Column meanings: docs/benchmarks.md.
public enum CSVReportWriter {
    /// File name → CSV text.
    public static func files(_ report: BenchmarkReport) -> [String: String] {
        var files: [String: String] = [:]
        files["datasets.csv"] = csv(
            ["file", "vertices", "edges", "plan", "linearSolver", "initialCost", "finalCost", "iterations",
             "linearIterations", "linearSolveSeconds", "totalSeconds", "ateRMSE", "ateMax", "termination",
             "switches", "halfOverflows", "halfUnderflows", "directFallbacks"],
            report.datasets.flatMap { d in d.plans.map { r in
                [d.file, "\(d.vertices)", "\(d.edges)", r.plan, r.linearSolver, NumberFormat.exact(r.initialCost),
                 NumberFormat.exact(r.finalCost), "\(r.iterations)", "\(r.linearIterations)",
                 NumberFormat.exact(r.linearSolveSeconds), NumberFormat.exact(r.totalSeconds), NumberFormat.exact(r.ateRMSE),
                 NumberFormat.exact(r.ateMax), r.termination, "\(r.switches.count)", "\(r.halfOverflows)", "\(r.halfUnderflows)", "\(r.directFallbacks)"]
            } })
        for sequence in report.sequences {
            files["\(sequence.name)-solves.csv"] = csv(
                ["problem", "poses", "plan", "ate", "finalCost", "totalSeconds", "linearSolveSeconds", "iterations"],
                sequence.solves.map {
                    ["\($0.problem)", "\($0.poses)", $0.plan, NumberFormat.exact($0.ate), NumberFormat.exact($0.finalCost),
                     NumberFormat.exact($0.totalSeconds), NumberFormat.exact($0.linearSolveSeconds), "\($0.iterations)"]
                }
                + (sequence.baselineLabel.map { label in
                    sequence.baselineATE.enumerated().map { ["\($0.offset)", "", label, NumberFormat.exact($0.element), "", "", "", ""] }
                } ?? []))
        }
        if let kernels = report.kernels {
            files["kernels.csv"] = csv(
                ["kernel", "problem", "variant", "medianSeconds", "bytes", "gigabytesPerSecond", "repetitions"],
                kernels.measurements.map {
                    [$0.kernel, $0.problem, $0.variant, NumberFormat.exact($0.medianSeconds), "\($0.bytes)",
                     NumberFormat.exact($0.gigabytesPerSecond), "\($0.repetitions)"]
                })
        }
        files["checks.csv"] = csv(
            ["passed", "subject", "rule", "value", "limit"],
            report.checks.map { ["\($0.passed)", $0.subject, $0.rule, NumberFormat.exact($0.value), NumberFormat.exact($0.limit)] })
        return files
    }

    /// CSV text of a header and rows.
    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        func quote(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
