import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench report`: the fixed CI suite, written as Markdown + JSON + CSV + figures, with
/// thresholds that fail the run.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the fixed benchmark suite and write report.md, report.json, CSV files, TUM trajectories and figures; exit non-zero when a threshold is breached.",
        discussion: """
            The suite: every .g2o file of the dataset directory with every plan, the synthetic \
            loop-closure sequence, the synthetic visual-odometry windows (bundle adjustment), and \
            the kernels (quick sizes). --quick (CI, a few minutes) solves \
            only tinyGrid3D, smallGrid3D, intel, MIT, kitti_05 and parking-garage, a smaller \
            loop-closure sequence and fewer VO windows.

            Written into --out: report.md (its "## Summary" section is what CI prints), report.json \
            (schema mixedslam-bench/1, docs/benchmarks.md), datasets.csv, lc-solves.csv, \
            vo-solves.csv, kernels.csv, checks.csv, trajectories/<file>-<plan>.tum, and, when the Python \
            environment exists (scripts/setup-python.sh), figures/*.png and the evo and GTSAM \
            cross-checks (crosscheck-evo.json, crosscheck-gtsam.json). Without Python the figures \
            and cross-checks are skipped and the report says so.

            Thresholds (default bench/thresholds.json): fp64 cost vs the reference costs, \
            adaptive/mixed cost vs fp64, loop closure lowering ATE, evo agreeing with our ATE. \
            Each breach is printed and the exit status is 1.

            Example: slam-bench report --out /tmp/r --quick
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Folder to write the report into (created).")
    var out: String

    @Option(help: "Thresholds file (default: bench/thresholds.json when it exists, else the built-in defaults without reference costs).")
    var thresholds: String?

    @Flag(help: "The CI subset: six datasets, a smaller loop-closure sequence, 30 VO windows (a few minutes in release on 2 cores).")
    var quick = false

    @Flag(help: "Do not run the Python scripts (figures, evo and GTSAM cross-checks).")
    var noScripts = false

    @Option(help: "Python interpreter for the scripts (default: MIXEDSLAM_PYTHON, else .venv-bench/bin/python, else python3).")
    var python: String?

    @Option(help: "Folder of the report scripts.")
    var scriptsDir = "scripts"

    func run() throws {
        LinearAlgebraThreads.setCount(1)
        let limits = try loadThresholds()
        var options = BenchmarkSuite.Options()
        options.datasetDirectory = common.datasetDirectory()
        options.plans = try common.presets()
        options.quick = quick
        options.loopClosure.scenario.seed = common.seed
        options.quickLoopClosure.scenario.seed = common.seed
        options.visualOdometry.scenario.seed = common.seed
        options.quickVisualOdometry.scenario.seed = common.seed
        options.trajectoryDirectory = "\(out)/trajectories"
        if common.solver == "cholmod" { options.solver.alwaysDirect = true }
        options.optimizer.directFallback = common.directFallback
        for path in [\BenchmarkSuite.Options.loopClosure, \.quickLoopClosure] {
            options[keyPath: path].optimizer.directFallback = common.directFallback
        }
        for path in [\BenchmarkSuite.Options.visualOdometry, \.quickVisualOdometry] {
            options[keyPath: path].optimizer.directFallback = common.directFallback
        }
        if options.datasetDirectory == nil {
            FileHandle.standardError.write(Data("report: no dataset directory (use --dataset-dir); solving no g2o file\n".utf8))
        }
        var progress = ProgressReporter(enabled: !common.quiet)
        var report = try BenchmarkSuite.run(options: options) { task, done, total in
            progress.update(task, done: done, total: total)
        }
        report.checks = limits.evaluate(report)
        try ReportWriter.write(report, thresholds: limits, to: out)
        if !noScripts { try runScripts(into: &report) }
        report.checks = limits.evaluate(report)
        try ReportWriter.write(report, thresholds: limits, to: out)
        if let path = common.json { try ReportWriter.json(report).write(to: URL(fileURLWithPath: path)) }
        if let path = common.csv {
            try CSVReportWriter.files(report)["datasets.csv"]!.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let markdown = MarkdownReportWriter.summary(report, thresholds: limits)
        print(markdown)
        print("report written to \(out)/report.md (suite \(fmt(report.suiteSeconds, 3)) s)")
        let breaches = report.breaches
        if !breaches.isEmpty {
            for breach in breaches { FileHandle.standardError.write(Data("threshold breached: \(breach.description)\n".utf8)) }
            throw ExitCode(1)
        }
    }

    private func loadThresholds() throws -> ReportThresholds {
        if let thresholds { return try ReportThresholds.read(contentsOf: thresholds) }
        let checkedIn = "bench/thresholds.json"
        if FileManager.default.fileExists(atPath: checkedIn) { return try ReportThresholds.read(contentsOf: checkedIn) }
        FileHandle.standardError.write(Data("report: \(checkedIn) not found; built-in thresholds without reference costs\n".utf8))
        return ReportThresholds()
    }

    /// Runs the plotting and cross-check scripts and reads their outputs back; a script that
    /// is missing or fails is reported and skipped, never fatal (the Swift numbers stand alone).
    private func runScripts(into report: inout BenchmarkReport) throws {
        let interpreter = python ?? ProcessInfo.processInfo.environment["MIXEDSLAM_PYTHON"]
            ?? (FileManager.default.isExecutableFile(atPath: ".venv-bench/bin/python") ? ".venv-bench/bin/python" : "python3")
        let scripts: [(file: String, output: String)] = [
            ("plot_report.py", "figures.json"), ("crosscheck_evo.py", "crosscheck-evo.json"),
            ("crosscheck_gtsam.py", "crosscheck-gtsam.json"),
        ]
        for (file, output) in scripts {
            let path = "\(scriptsDir)/\(file)"
            guard FileManager.default.fileExists(atPath: path) else {
                FileHandle.standardError.write(Data("report: \(path) not found; skipped\n".utf8))
                continue
            }
            if !common.quiet { FileHandle.standardError.write(Data("report: running \(file)\n".utf8)) }
            try? FileManager.default.removeItem(atPath: "\(out)/\(output)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [interpreter, path, out] + (quick ? ["--quick"] : [])
            do {
                try process.run()
                process.waitUntilExit()
            } catch {
                FileHandle.standardError.write(Data("report: cannot run \(interpreter) \(path): \(error); skipped\n".utf8))
                continue
            }
            if process.terminationStatus != 0 {
                FileHandle.standardError.write(Data("report: \(file) exited with status \(process.terminationStatus)\n".utf8))
            }
            guard let data = FileManager.default.contents(atPath: "\(out)/\(output)") else { continue }
            let decoder = JSONDecoder()
            if output == "figures.json" {
                report.figures = try decoder.decode([BenchmarkReport.Figure].self, from: data)
            } else {
                report.crossChecks.append(try decoder.decode(CrossCheck.self, from: data))
            }
        }
    }
}
