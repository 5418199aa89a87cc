import Foundation
import MixedSLAM
import Testing
@testable import MixedSLAMEval

/// The report pipeline on a tiny synthetic suite: a generated g2o file in a temporary
/// dataset directory and a short loop-closure sequence.
@Suite("Report") struct ReportTests {
    static let plans: [PrecisionPlan.Preset] = [.fp64, .fp32, .mixed, .adaptive]

    /// A dataset directory holding one pose graph generated in code (a 150-pose house tour
    /// started from chained odometry), and the suite options that run it with a 4-problem
    /// loop-closure sequence and two 12-keyframe VO windows.
    static func tinySuite() throws -> (options: BenchmarkSuite.Options, directory: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("report-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var scenarioOptions = LoopClosureScenario<SE2<Double>>.Options()
        scenarioOptions.poseCount = 150
        scenarioOptions.seed = 3
        let scenario = try LoopClosureScenario<SE2<Double>>(options: scenarioOptions)
        try G2OWriter.write(try scenario.makeProblem(), to: "\(directory)/tour150.g2o")
        var options = BenchmarkSuite.Options()
        options.datasetDirectory = directory
        options.plans = plans
        options.quick = true
        options.quickDatasets = ["tour150.g2o"]
        options.quickLoopClosure.scenario.poseCount = 300
        options.quickLoopClosure.problemCount = 4
        options.quickVisualOdometry.scenario.keyframeCount = 20
        options.quickVisualOdometry.windowSize = 12
        options.quickVisualOdometry.windowCount = 2
        options.runsKernels = false
        options.trajectoryDirectory = "\(directory)/out/trajectories"
        return (options, directory)
    }

    @Test func tinySuitePassesHonestThresholdsAndBreachesBrokenOnes() throws {
        let (options, directory) = try Self.tinySuite()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var report = try BenchmarkSuite.run(options: options)
        #expect(report.datasets.map(\.file) == ["tour150.g2o"])
        let dataset = try #require(report.datasets.first)
        #expect(dataset.plans.map(\.plan) == Self.plans.map(\.rawValue))
        let fp64 = try #require(dataset.result(of: "fp64"))

        // The fp64 cost itself as the reference: every rule holds on an honest run.
        let honest = ReportThresholds(referenceFinalCosts: ["tour150.g2o": fp64.finalCost])
        report.checks = honest.evaluate(report)
        // 1 reference rule, 2 plan-vs-fp64 rules, 4 loop-closure rules.
        #expect(report.checks.count == 1 + 2 + 4)
        #expect(report.breaches.isEmpty, "\(report.breaches.map(\.description))")

        // Half the achieved cost as the reference: unreachable, so exactly that rule breaks,
        // and the breach names the dataset.
        let broken = ReportThresholds(referenceFinalCosts: ["tour150.g2o": fp64.finalCost / 2])
        report.checks = broken.evaluate(report)
        #expect(report.breaches.count == 1)
        #expect(report.breaches.first?.subject == "tour150.g2o")
        #expect(report.breaches.first?.description.hasPrefix("BREACH tour150.g2o") == true)

        // A negative plan tolerance demands a cost below the fp64 optimum: a breach per plan.
        let impossible = ReportThresholds(finalCostRelativeToFP64: ["mixed": -0.5])
        report.checks = impossible.evaluate(report)
        #expect(report.breaches.map(\.subject) == ["tour150.g2o mixed"])

        // The same failure listed as a known gap is reported with its reason, not a breach.
        let documented = ReportThresholds(
            finalCostRelativeToFP64: ["mixed": -0.5], knownGaps: ["tour150.g2o mixed": "test gap"])
        report.checks = documented.evaluate(report)
        #expect(report.breaches.isEmpty)
        #expect(report.checks.first { $0.subject == "tour150.g2o mixed" }?.description.hasPrefix("KNOWN GAP (test gap)") == true)

        // Every plan wrote its trajectory.
        for plan in Self.plans {
            let tum = try TUMTrajectory.read(contentsOf: "\(directory)/out/trajectories/tour150-\(plan.rawValue).tum")
            #expect(tum.count == dataset.vertices)
        }
    }

    @Test func writersShowEveryPlanAndRoundTrip() throws {
        let (options, directory) = try Self.tinySuite()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var report = try BenchmarkSuite.run(options: options)
        let thresholds = ReportThresholds(referenceFinalCosts: ["tour150.g2o": 1e300])
        report.checks = thresholds.evaluate(report)
        let out = "\(directory)/out"
        try ReportWriter.write(report, thresholds: thresholds, to: out)

        let markdown = try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)
        let summary = try #require(markdown.components(separatedBy: MarkdownReportWriter.summaryHeading).dropFirst().first)
        for plan in Self.plans { #expect(summary.contains(" \(plan.rawValue) |")) }
        #expect(summary.contains("| tour150.g2o |"))
        #expect(summary.contains("| no loop closure |"))
        #expect(summary.contains("| start (before BA) |"))
        #expect(report.sequences.map(\.name) == ["lc", "vo"])
        #expect(summary.contains("no breach in \(report.checks.count) checks"))

        let datasetsCSV = try String(contentsOfFile: "\(out)/datasets.csv", encoding: .utf8)
        #expect(datasetsCSV.split(separator: "\n").count == 1 + Self.plans.count)
        let lcCSV = try String(contentsOfFile: "\(out)/lc-solves.csv", encoding: .utf8)
        let lc = try #require(report.sequences.first)
        #expect(lcCSV.split(separator: "\n").count == 1 + lc.solves.count + lc.baselineATE.count)
        #expect(lc.solves.count == 4 * Self.plans.count)
        let voCSV = try String(contentsOfFile: "\(out)/vo-solves.csv", encoding: .utf8)
        #expect(voCSV.split(separator: "\n").count == 1 + 2 * Self.plans.count + 2)

        let decoded = try ReportWriter.read(json: try Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))
        #expect(decoded.datasets == report.datasets)
        #expect(decoded.sequences == report.sequences)
        #expect(decoded.checks == report.checks)
    }

    @Test func nonFiniteValuesBreachAndSurviveJSON() throws {
        let solve = { (plan: String, ate: Double) in
            SequenceSolve(problem: 0, poses: 10, plan: plan, ate: ate, finalCost: 1, totalSeconds: 0.1,
                          linearSolveSeconds: 0.05, iterations: 3)
        }
        let sequence = SequenceResult(
            name: "lc", title: "t", setup: "s", plans: ["fp64", "fp16"],
            solves: [solve("fp64", 0.01), solve("fp16", .nan)], baselineLabel: "no loop closure", baselineATE: [0.5])
        var report = BenchmarkReport(
            quick: true, plans: ["fp64", "fp16"], datasetDirectory: nil, skippedDatasets: [], datasets: [],
            sequences: [sequence], kernels: nil, suiteSeconds: 0)
        report.checks = ReportThresholds(loopClosureReducesATE: ["fp64", "fp16"]).evaluate(report)
        #expect(report.checks.map(\.passed) == [true, false])
        #expect(report.breaches.first?.subject == "lc fp16")
        let decoded = try ReportWriter.read(json: try ReportWriter.json(report))
        #expect(decoded.sequences[0].summary(of: "fp16")?.ate.mean.isNaN == true)
    }

    /// Each plan's final cost relative to fp64's, paired by problem; nil without fp64.
    @Test func finalCostExcessIsRelativeToFp64PerProblem() throws {
        let solve = { (problem: Int, plan: String, cost: Double) in
            SequenceSolve(problem: problem, poses: 10, plan: plan, ate: 0.01, finalCost: cost, totalSeconds: 0.1,
                          linearSolveSeconds: 0.05, iterations: 3)
        }
        let sequence = SequenceResult(
            name: "vo", title: "t", setup: "s", plans: ["fp64", "mixed"],
            solves: [solve(0, "fp64", 100), solve(0, "mixed", 101), solve(1, "mixed", 199), solve(1, "fp64", 200)])
        let mixed = try #require(sequence.summary(of: "mixed")?.finalCostExcess)
        #expect(mixed.count == 2)
        #expect(abs(mixed.max - 0.01) <= 1e-15 && abs(mixed.median - 0.0025) <= 1e-15)
        #expect(sequence.summary(of: "fp64")?.finalCostExcess?.max == 0)
        let withoutFp64 = SequenceResult(name: "vo", title: "t", setup: "s", plans: ["mixed"], solves: [solve(0, "mixed", 1)])
        #expect(withoutFp64.summary(of: "mixed")?.finalCostExcess == nil)
        #expect(MarkdownReportWriter.sequenceTable(sequence).rendered.contains("| 0.01 |"))
        #expect(CostExcess.relative(0, over: 0) == 0 && CostExcess.relative(1e-3, over: 0) == .infinity)
    }

    /// Size bins of the solve-time table up to the largest pose count: no overflow at Int.max,
    /// and a bin whose times are not finite reads "–" instead of a median.
    @Test func sequenceDetailsBinHugePoseCountsAndNonFiniteTimes() throws {
        let solve = { (poses: Int, plan: String, seconds: Double) in
            SequenceSolve(problem: 0, poses: poses, plan: plan, ate: 0.01, finalCost: 1, totalSeconds: seconds,
                          linearSolveSeconds: 0.001, iterations: 3)
        }
        let sequence = SequenceResult(
            name: "lc", title: "t", setup: "s", plans: ["fp64", "fp16"],
            solves: [solve(10, "fp64", 0.002), solve(.max, "fp64", 0.004), solve(.max, "fp16", .nan)])
        let rows = MarkdownReportWriter.sequenceDetails(sequence).split(separator: "\n").filter { $0.hasPrefix("| ") }
        let limits = rows.dropFirst().map { $0.split(separator: "|")[0].trimmingCharacters(in: .whitespaces) }
        // Int.max = 5q + 2: ⌊k · Int.max / 5⌋ = kq + ⌊2k / 5⌋.
        let q = Int.max / 5
        #expect(limits == ["\(q)", "\(2 * q)", "\(3 * q + 1)", "\(4 * q + 1)", "\(Int.max)"])
        #expect(rows[1].contains("| 2 |") && rows[5].contains("| 4 |") && rows[5].hasSuffix("| – |"))
    }

    @Test func sampleSummaryPercentiles() {
        let summary = SampleSummary((1...11).map(Double.init))
        #expect(summary.count == 11)
        #expect(summary.mean == 6)
        #expect(summary.median == 6)
        #expect(summary.p90 == 10)
        #expect(summary.max == 11)
        #expect(SampleSummary([]).mean.isNaN)
    }

    @Test func checkedInThresholdsParseWithEveryReferenceCost() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let thresholds = try ReportThresholds.read(contentsOf: root.appendingPathComponent("bench/thresholds.json").path)
        #expect(thresholds.referenceFinalCosts.count == 8)
        #expect(thresholds.referenceFinalCosts["intel.g2o"] == 22.502)
        #expect(thresholds.finalCostRelativeToFP64["adaptive"] == 1e-6)
        #expect(thresholds.finalCostRelativeToFP64["mixed"] == 1e-6)
    }

    @Test func wrongSchemaIsRejected() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("thresholds-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var thresholds = ReportThresholds()
        thresholds.schema = "something/2"
        try JSONEncoder().encode(thresholds).write(to: URL(fileURLWithPath: path))
        #expect(throws: EvaluationError.self) { try ReportThresholds.read(contentsOf: path) }
    }
}
