import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// Flags every benchmark subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Comma-separated precision plans to compare: fp64, fp32, fp16, mixed, adaptive.")
    var plans: String = "fp64,fp32,fp16,mixed,adaptive"

    @Option(help: "Linear solver for the non-fp64 plans: auto, cholmod, pcg (PGO), cgnr, schur (BA). fp64 always also runs CHOLMOD as reference.")
    var solver: String = "auto"

    @Option(help: "Folder with public benchmark files (default: ../shared/datasets when it exists).")
    var datasetDir: String?

    @Option(help: "Write the results as JSON (schema: docs/benchmarks.md) to this file.")
    var json: String?

    @Option(help: "Write the results as CSV to this file.")
    var csv: String?

    @Option(help: "Seed of the synthetic scenarios.")
    var seed: UInt64 = 1

    @Flag(help: "Print only the result table.")
    var quiet = false

    @Flag(inversion: .prefixedNo, help: "Let the fp32 and mixed plans solve a damping directly in fp64 when their iterative solve fails (LevenbergMarquardt.Options.directFallback).")
    var directFallback = true

    /// The requested presets, validated.
    func presets() throws -> [PrecisionPlan.Preset] {
        try plans.split(separator: ",").map { name in
            guard let preset = PrecisionPlan.Preset(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("unknown plan '\(name)'; use fp64, fp32, fp16, mixed, adaptive")
            }
            return preset
        }
    }

    /// The synthetic loop-closure sequence these flags ask for: a `poses`-pose house tour
    /// (seeded by `--seed`) solved at `problems` loop-closure events (nil: every event).
    func loopClosureOptions(poses: Int, problems: Int?) -> LoopClosureSequenceBenchmark.Options {
        var options = LoopClosureSequenceBenchmark.Options()
        options.scenario.poseCount = poses
        options.scenario.seed = seed
        options.problemCount = problems
        options.optimizer.directFallback = directFallback
        return options
    }

    /// The dataset folder: the flag, else ../shared/datasets when it exists, else nil.
    func datasetDirectory() -> String? { Self.datasetDirectory(flag: datasetDir) }

    /// The dataset folder for a `--dataset-dir` value: the flag, else ../shared/datasets when
    /// it exists, else nil.
    static func datasetDirectory(flag: String?) -> String? {
        if let flag { return flag }
        let fallback = "../shared/datasets"
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: fallback, isDirectory: &isDirectory) && isDirectory.boolValue
            ? fallback : nil
    }
}

/// Progress for long runs: one rewritten line on a terminal, plain lines otherwise.
struct ProgressReporter {
    let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastPlainLine = ContinuousClock.now

    init(enabled: Bool) { self.enabled = enabled }

    /// Reports `done` of `total` items of `task`; plain output at most every 2 s.
    mutating func update(_ task: String, done: Int, total: Int) {
        guard enabled else { return }
        if isTerminal {
            FileHandle.standardError.write(Data("\r\(task): \(done)/\(total)\u{1B}[K".utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if done == total || ContinuousClock.now - lastPlainLine > .seconds(2) {
            lastPlainLine = ContinuousClock.now
            FileHandle.standardError.write(Data("\(task): \(done)/\(total)\n".utf8))
        }
    }
}
