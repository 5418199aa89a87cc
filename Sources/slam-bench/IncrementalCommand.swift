import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench incremental`: a growing pose graph re-solved after every few poses, warm with
/// the extended analysis against a fresh analysis and a cold batch solve.
struct IncrementalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incremental",
        abstract: "Grow a pose graph a few poses at a time and time the warm re-solve (reused analysis) against fresh and cold solves.",
        discussion: """
            The graph starts with all but STEPS × POSES-PER-STEP poses of FILE, in id order; each step \
            adds the next poses (dead-reckoned from the current estimate) with their edges, then solves \
            warm (PoseGraph with its extended analysis), with a fresh analysis from the same values, and \
            cold (a batch solve from the file's initial values). With no FILE: city10000.g2o from the \
            dataset directory, or the synthetic loop-closure scenario when there is none.
            """)

    @Argument(help: "g2o files (paths, or names inside the dataset directory).")
    var files: [String] = []

    @Option(help: "Steps measured.")
    var steps = 10

    @Option(help: "Poses added per step.")
    var posesPerStep = 10

    @Option(help: "Precision plan of every solve: fp64, fp32, fp16, mixed, adaptive.")
    var plan = "fp64"

    @Option(help: "Folder with public benchmark files (default: ../shared/datasets when it exists).")
    var datasetDir: String?

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: "Seed of the synthetic scenario.")
    var seed: UInt64 = 1

    @Flag(help: "Print only the tables.")
    var quiet = false

    func run() throws {
        LinearAlgebraThreads.setCount(1)
        guard let preset = PrecisionPlan.Preset(rawValue: plan.lowercased()) else {
            throw ValidationError("unknown plan '\(plan)'; use fp64, fp32, fp16, mixed, adaptive")
        }
        var options = IncrementalPoseGraphBenchmark.Options()
        options.steps = steps
        options.posesPerStep = posesPerStep
        options.plan = preset
        var results: [IncrementalPoseGraphBenchmark.Result] = []
        for (name, problem) in try graphs() {
            let result = try IncrementalPoseGraphBenchmark.run(problem, name: name, options: options)
            results.append(result)
            print(Self.render(result, quiet: quiet))
        }
        if let json { try writeJSON(results, command: "incremental", to: json) }
    }

    private func graphs() throws -> [(String, Problem)] {
        let directory = CommonOptions.datasetDirectory(flag: datasetDir)
        var names = files
        if names.isEmpty {
            guard let directory, FileManager.default.fileExists(atPath: "\(directory)/city10000.g2o") else {
                var scenarioOptions = LoopClosureScenario<SE2<Double>>.Options()
                scenarioOptions.seed = seed
                let scenario = try LoopClosureScenario<SE2<Double>>(options: scenarioOptions)
                return [("synthetic house tour (\(scenario.poseCount) poses)", try scenario.makeProblem())]
            }
            names = ["city10000.g2o"]
        }
        return try names.map { file in
            var path = file
            if !FileManager.default.fileExists(atPath: path) {
                guard let directory, FileManager.default.fileExists(atPath: "\(directory)/\(file)") else {
                    throw ValidationError("no such file: \(file)")
                }
                path = "\(directory)/\(file)"
            }
            return ((path as NSString).lastPathComponent, try G2OReader.read(contentsOf: path).problem)
        }
    }

    private static func render(_ r: IncrementalPoseGraphBenchmark.Result, quiet: Bool) -> String {
        var table = TextTable([
            "poses", "edges", "loops", "warm ms", "iters", "analysis", "analysis ms", "fresh ms", "fresh analysis ms",
            "cold ms", "cold iters", "warm/cold",
        ])
        for s in r.steps {
            let analysis = s.warmReusedAnalysis
                ? (s.warmExtendedAnalyses > 0 ? "extended" : "reused") : "scratch (\(s.warmSymbolicAnalyses))"
            table.add([
                "\(s.poseCount)", "\(s.factorCount)", "\(s.loopClosures)", fmt(s.warmSeconds * 1000, 4), "\(s.warmIterations)",
                analysis, fmt(s.warmAnalysisSeconds * 1000, 3), fmt(s.freshSeconds * 1000, 4),
                fmt(s.freshAnalysisSeconds * 1000, 3), fmt(s.coldSeconds * 1000, 4), "\(s.coldIterations)",
                fmt(s.warmSeconds / s.coldSeconds, 3),
            ])
        }
        let header = "\(r.name): \(r.kind), plan \(r.plan), \(r.startPoseCount) poses at start, \(r.steps.count) steps"
        let footer = "median (steps with a loop closure): warm \(fmt(r.warmSecondsMedian * 1000, 4)) ms, "
            + "fresh analysis \(fmt(r.freshSecondsMedian * 1000, 4)) ms, cold \(fmt(r.coldSecondsMedian * 1000, 4)) ms; "
            + "warm/cold \(fmt(r.warmOverCold, 3)), warm/fresh \(fmt(r.warmOverFresh, 3)); "
            + "analysis reused in every step: \(r.reusedInEveryStep ? "yes" : "no"); "
            + "max |warm − cold| / cold cost \(fmt(r.maxRelativeCostDifference, 2))"
        return quiet ? "\(table.rendered)\n\(footer)\n" : "\(header)\n\(table.rendered)\n\(footer)\n"
    }
}
