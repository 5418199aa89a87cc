import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench ba`: one BAL problem with every plan and BA linear solver.
struct BundleAdjustment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ba",
        abstract: "Solve a BAL bundle-adjustment problem with every plan and linear solver (cgnr, dense-schur, cholmod): costs, iterations, times.",
        discussion: """
            FILE may be a path or a file name inside --dataset-dir. --synthetic generates the \
            50-camera / 5,000-point / 45,000-observation problem instead (--cameras, --points \
            and --observations-per-point change its size). --solver picks one solver (cgnr, \
            schur, cholmod); the default runs all three for every plan.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "BAL file (path, or name inside the dataset directory).")
    var file: String?

    @Flag(help: "Solve the generated synthetic BAL problem.")
    var synthetic = false

    @Option(help: "Cameras of the synthetic problem.")
    var cameras = SyntheticBAL.Options().cameraCount

    @Option(help: "Points of the synthetic problem.")
    var points = SyntheticBAL.Options().pointCount

    @Option(help: "Cameras observing each point of the synthetic problem.")
    var observationsPerPoint = SyntheticBAL.Options().observationsPerPoint

    @Option(help: "CGNR relative tolerance (the inexact-Newton forcing term).")
    var cgTolerance = 1e-6

    @Option(help: "Maximum LM iterations.")
    var maxIterations = 100

    func run() throws {
        LinearAlgebraThreads.setCount(1)
        let plans = try common.presets()
        let methods: [BundleAdjustmentStepSolver.Method]
        switch common.solver {
        case "auto": methods = BundleAdjustmentStepSolver.Method.allCases
        case "cgnr": methods = [.cgnr]
        case "schur", "dense-schur": methods = [.denseSchur]
        case "cholmod": methods = [.cholmod]
        default: throw ValidationError("ba solvers: auto, cgnr, schur, cholmod")
        }
        let name: String
        let problem: Problem
        if synthetic {
            var options = SyntheticBAL.Options()
            options.seed = common.seed
            options.cameraCount = cameras
            options.pointCount = points
            options.observationsPerPoint = observationsPerPoint
            let generated = try SyntheticBAL(options: options)
            problem = generated.problem
            name = "synthetic \(options.cameraCount) cameras, \(options.pointCount) points, \(generated.observationCount) observations"
        } else {
            guard let file else { throw ValidationError("give a BAL FILE or --synthetic") }
            let path = resolve(file)
            problem = try BALReader.read(contentsOf: path).problem
            name = (path as NSString).lastPathComponent
        }
        // Marquardt scaling, Ceres' default for BA: BAL columns (rotation, translation, focal
        // length, distortion) differ in scale by orders of magnitude.
        var optimizer = LevenbergMarquardt.Options()
        optimizer.damping = .marquardt
        optimizer.maxIterations = maxIterations
        optimizer.directFallback = common.directFallback
        var cgnr = CGNR.Options()
        cgnr.conjugateGradient.relativeTolerance = cgTolerance
        cgnr.conjugateGradient.maxIterations = 1000
        let configurations = plans.flatMap { plan in methods.map { BundleAdjustmentBenchmark.Configuration(plan: plan, method: $0) } }
        var progress = ProgressReporter(enabled: !common.quiet)
        let results = try BundleAdjustmentBenchmark.run(
            problem, configurations: configurations, optimizer: optimizer, cgnr: cgnr) { done, total in
            progress.update("ba solves", done: done, total: total)
        }
        var table = TextTable(["plan", "solver", "initial cost", "final cost", "iters", "CG iters", "linear ms", "total ms", "end"])
        for r in results {
            table.add([r.plan, r.linearSolver, fmt(r.initialCost, 6), fmt(r.finalCost, 8), "\(r.iterations)", "\(r.linearIterations)",
                       fmt(r.linearSolveSeconds * 1000, 4), fmt(r.totalSeconds * 1000, 4), r.termination])
        }
        print("\(name)\n\(table.rendered)")
        if let path = common.json { try writeJSON(BundleAdjustmentFileResult(problem: name, results: results), command: "ba", to: path) }
        if let path = common.csv {
            try writeCSV(
                header: ["problem", "plan", "linearSolver", "initialCost", "finalCost", "iterations", "linearIterations", "linearSolveSeconds", "totalSeconds", "termination"],
                rows: results.map { r in
                    [name, r.plan, r.linearSolver, "\(r.initialCost)", "\(r.finalCost)", "\(r.iterations)", "\(r.linearIterations)",
                     "\(r.linearSolveSeconds)", "\(r.totalSeconds)", r.termination]
                }, to: path)
        }
    }

    private func resolve(_ file: String) -> String {
        if FileManager.default.fileExists(atPath: file) { return file }
        if let directory = common.datasetDirectory(), FileManager.default.fileExists(atPath: "\(directory)/\(file)") {
            return "\(directory)/\(file)"
        }
        return file
    }
}

/// The ba results of one problem.
struct BundleAdjustmentFileResult: Encodable {
    var problem: String
    var results: [BundleAdjustmentBenchmark.Result]
}
