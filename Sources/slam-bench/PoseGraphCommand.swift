import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench pgo`: one g2o pose graph, every plan side by side.
struct PoseGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgo",
        abstract: "Solve g2o pose graphs with every plan: costs, iterations, CG iterations, times, ATE against the fp64 solution.",
        discussion: """
            FILE may be a path or a file name inside --dataset-dir; with no FILE every .g2o file \
            of the dataset directory is solved. fp64 always runs first with CHOLMOD as the reference.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "g2o files (paths, or names inside the dataset directory).")
    var files: [String] = []

    @Option(help: "Solves per plan (1 to 1000); times are medians.")
    var repeats = 1

    @Option(help: "SE(3) error: logmap (GTSAM, default) or g2o (quaternion vector part).")
    var se3Error: String = "logmap"

    @Option(help: "PCG preconditioner: ic0 (block incomplete Cholesky) or cholesky (static complete factor).")
    var preconditioner: String = "ic0"

    @Option(help: "Preconditioner refresh: once (static), everySolve, adaptive.")
    var refresh: String = "adaptive"

    @Option(help: "Block-row order of the IC preconditioner: amd or natural (the file's vertex order).")
    var icOrdering: String = "amd"

    @Option(help: "Fill level of the incomplete-Cholesky preconditioner: 0 (IC(0)) or 1 (IC(1)).")
    var icFill: Int = 0

    @Option(help: "Products of the PCG path: normalEquations (CG on the scaled damped Hessian) or jacobian (CGNR: Jᵀ(J x), the Hessian never rounded).")
    var krylov = "normalEquations"

    @Option(help: "Aggregates of a coarse correction (rigid motions of runs of poses) added to the IC preconditioner; 0: none.")
    var coarseAggregates: Int = 0

    @Option(help: "Write every plan's optimized trajectory as TUM files into this folder.")
    var tumDir: String?

    @Option(help: "Maximum LM iterations per plan.")
    var maxIterations = LevenbergMarquardt.Options().maxIterations

    @Option(help: "Smallest LM damping λ (default: the optimizer's, 1e-16).")
    var minLambda: Double?

    @Flag(help: "Print every plan's full solver report (per-iteration cost, lambda, gain, CG iterations, switches, phase times).")
    var fullReport = false

    func run() throws {
        LinearAlgebraThreads.setCount(1)
        let plans = try common.presets()
        var readOptions = G2OReadOptions()
        switch se3Error.lowercased() {
        case "logmap": readOptions.se3Error = .logMap
        case "g2o": readOptions.se3Error = .g2o
        default: throw ValidationError("--se3-error must be logmap or g2o")
        }
        var solverOptions = PoseGraphStepSolver.Options()
        if common.solver == "cholmod" { solverOptions.alwaysDirect = true }
        guard let kind = PoseGraphStepSolver.PreconditionerKind(rawValue: preconditioner) else {
            throw ValidationError("--preconditioner must be ic0 or cholesky")
        }
        guard let policy = PoseGraphStepSolver.RefreshPolicy(rawValue: refresh) else {
            throw ValidationError("--refresh must be once, everySolve or adaptive")
        }
        guard let icOrder = PoseGraphStepSolver.PreconditionerOrdering(rawValue: icOrdering) else {
            throw ValidationError("--ic-ordering must be amd or natural")
        }
        guard (0...1).contains(icFill) else { throw ValidationError("--ic-fill must be 0 or 1") }
        guard let krylovOperator = PoseGraphStepSolver.KrylovOperator(rawValue: krylov) else {
            throw ValidationError("--krylov must be normalEquations or jacobian")
        }
        solverOptions.krylovOperator = krylovOperator
        guard coarseAggregates >= 0 else { throw ValidationError("--coarse-aggregates must be 0 or more") }
        // Medians settle within a few repeats; a huge count would only run (and store times) for ever.
        guard (1...1000).contains(repeats) else { throw ValidationError("--repeats must be 1 to 1000") }
        solverOptions.preconditioner = kind
        solverOptions.preconditionerOrdering = icOrder
        solverOptions.preconditionerFillLevel = icFill
        solverOptions.coarseAggregates = coarseAggregates
        solverOptions.refresh = policy
        var optimizer = LevenbergMarquardt.Options()
        optimizer.maxIterations = maxIterations
        optimizer.directFallback = common.directFallback
        if let minLambda {
            optimizer.minLambda = minLambda
            optimizer.initialLambda = max(optimizer.initialLambda, minLambda)
        }
        try optimizer.validate()
        let paths = try resolveFiles()
        var all: [PoseGraphFileResult] = []
        for path in paths {
            let name = (path as NSString).lastPathComponent
            let loadStart = ContinuousClock.now
            let (problem, report) = try G2OReader.read(contentsOf: path, options: readOptions)
            let loadSeconds = (ContinuousClock.now - loadStart).seconds
            if !common.quiet {
                print("\(name): \(report.vertexCount) vertices, \(report.edgeCount) edges, loaded in \(fmt(loadSeconds * 1000, 3)) ms"
                    + (report.chainedInitialization ? ", initialized by chaining odometry" : "")
                    + (report.projectedInformationCount > 0 ? ", \(report.projectedInformationCount) information matrices projected to PSD" : ""))
            }
            let (results, _) = try PoseGraphBenchmark.run(
                problem, plans: plans, repeats: repeats, options: optimizer, solverOptions: solverOptions,
                trajectories: tumDir.map { dir in { plan, solved in try Self.writeTUM(solved, dir, name, plan) } },
                reports: fullReport ? { plan, summary in print("\(name) \(plan)\n\(summary.fullReport)\n") } : nil)
            var table = TextTable(["plan", "solver", "initial cost", "final cost", "iters", "CG iters", "fallbacks", "linear ms", "total ms", "ATE vs fp64 m", "end"])
            for r in results {
                table.add([r.plan, r.linearSolver, fmt(r.initialCost), fmt(r.finalCost, 6), "\(r.iterations)", "\(r.linearIterations)",
                           "\(r.directFallbacks)", fmt(r.linearSolveSeconds * 1000, 4), fmt(r.totalSeconds * 1000, 4), fmt(r.ateRMSE, 3), r.termination])
            }
            print(paths.count > 1 || !common.quiet ? "\(name)\n\(table.rendered)\n" : table.rendered)
            all.append(PoseGraphFileResult(file: name, vertices: report.vertexCount, edges: report.edgeCount, loadSeconds: loadSeconds, plans: results))
        }
        if let path = common.json { try writeJSON(all, command: "pgo", to: path) }
        if let path = common.csv {
            try writeCSV(
                header: ["file", "plan", "linearSolver", "initialCost", "finalCost", "iterations", "linearIterations", "linearSolveSeconds", "totalSeconds", "ateRMSE", "termination"],
                rows: all.flatMap { file in file.plans.map { r in
                    [file.file, r.plan, r.linearSolver, "\(r.initialCost)", "\(r.finalCost)", "\(r.iterations)", "\(r.linearIterations)",
                     "\(r.linearSolveSeconds)", "\(r.totalSeconds)", "\(r.ateRMSE)", r.termination]
                } }, to: path)
        }
    }

    private func resolveFiles() throws -> [String] {
        let directory = common.datasetDirectory()
        if files.isEmpty {
            guard let directory else { throw ValidationError("no FILE given and no dataset directory found (use --dataset-dir)") }
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".g2o") }.sorted()
            return names.map { "\(directory)/\($0)" }
        }
        return try files.map { file in
            if FileManager.default.fileExists(atPath: file) { return file }
            if let directory, FileManager.default.fileExists(atPath: "\(directory)/\(file)") { return "\(directory)/\(file)" }
            throw ValidationError("no such file: \(file)")
        }
    }

    private static func writeTUM(_ problem: Problem, _ directory: String, _ name: String, _ plan: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = (name as NSString).deletingPathExtension
        try TUMTrajectory.write(try TUMTrajectory.poses(of: problem), to: "\(directory)/\(base)-\(plan).tum")
    }
}

/// One file's results in the pgo JSON.
struct PoseGraphFileResult: Encodable {
    var file: String
    var vertices: Int
    var edges: Int
    var loadSeconds: Double
    var plans: [PoseGraphBenchmark.PlanResult]
}
