import Foundation
import MixedSLAM

/// The fixed suite of `slam-bench report`: every g2o file of the dataset directory with every
/// plan, the loop-closure sequence, the visual-odometry windows, and the kernels — so two reports of two commits compare
/// number for number.
public enum BenchmarkSuite {
    /// What to run, with documented defaults.
    public struct Options: Sendable {
        /// Folder holding the g2o files; nil runs no dataset. Default nil.
        public var datasetDirectory: String?
        /// Plans compared. Default all five presets.
        public var plans: [PrecisionPlan.Preset] = PrecisionPlan.Preset.allCases
        /// Quick run (CI): only `quickDatasets`, the quick loop-closure sizes. Default false.
        public var quick = false
        /// The g2o files a quick run solves (when present): the ones that solve in seconds.
        public var quickDatasets = [
            "tinyGrid3D.g2o", "smallGrid3D.g2o", "intel.g2o", "MIT.g2o", "kitti_05.g2o", "parking-garage.g2o",
        ]
        /// Loop-closure sequence of a full run: 2,000 poses, 100 problems.
        public var loopClosure: LoopClosureSequenceBenchmark.Options = {
            var options = LoopClosureSequenceBenchmark.Options()
            options.problemCount = 100
            return options
        }()
        /// Loop-closure sequence of a quick run: 1,000 poses, 30 problems.
        public var quickLoopClosure: LoopClosureSequenceBenchmark.Options = {
            var options = LoopClosureSequenceBenchmark.Options()
            options.scenario.poseCount = 1000
            options.problemCount = 30
            return options
        }()
        /// Visual-odometry windows of a full run: 200 windows of 50 keyframes.
        public var visualOdometry: VisualOdometryBenchmark.Options = {
            var options = VisualOdometryBenchmark.Options()
            options.windowCount = 200
            return options
        }()
        /// Visual-odometry windows of a quick run: 30 windows of 50 keyframes.
        public var quickVisualOdometry: VisualOdometryBenchmark.Options = {
            var options = VisualOdometryBenchmark.Options()
            options.windowCount = 30
            return options
        }()
        /// Run the visual-odometry windows. Default true.
        public var runsVisualOdometry = true
        /// Run the loop-closure sequence. Default true.
        public var runsLoopClosure = true
        /// Run the kernel benchmark (always its quick sizes). Default true.
        public var runsKernels = true
        /// Folder to write every plan's optimized dataset trajectory into as
        /// `<file base>-<plan>.tum`; nil writes none. Default nil.
        public var trajectoryDirectory: String?
        /// LM options of the dataset solves.
        public var optimizer = LevenbergMarquardt.Options()
        /// Step-solver options of the dataset solves.
        public var solver = PoseGraphStepSolver.Options()

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// A progress event: a task name and how much of it is done.
    public typealias Progress = (_ task: String, _ done: Int, _ total: Int) -> Void

    /// Runs the suite. Cross-checks, figures and threshold checks are added by the caller.
    public static func run(options: Options, progress: Progress = { _, _, _ in }) throws -> BenchmarkReport {
        let start = ContinuousClock.now
        let (files, skipped) = try datasetFiles(options)
        var datasets: [DatasetResult] = []
        for (index, name) in files.enumerated() {
            progress("datasets (\(name))", index, files.count)
            datasets.append(try solveDataset(name, options: options))
        }
        if !files.isEmpty { progress("datasets", files.count, files.count) }
        var sequences: [SequenceResult] = []
        if options.runsLoopClosure {
            let lc = options.quick ? options.quickLoopClosure : options.loopClosure
            let result = try LoopClosureSequenceBenchmark.run(plans: options.plans, options: lc) { done, total in
                progress("lc problems", done, total)
            }
            sequences.append(SequenceResult(
                loopClosure: result, plans: options.plans,
                setup: "\(lc.scenario.poseCount) poses, \(result.ateWithoutLoopClosure.count) problems spread over the loop-closure events, seed \(lc.scenario.seed)"))
        }
        if options.runsVisualOdometry {
            let vo = options.quick ? options.quickVisualOdometry : options.visualOdometry
            let result = try VisualOdometryBenchmark.run(plans: options.plans, options: vo) { done, total in
                progress("vo windows", done, total)
            }
            sequences.append(SequenceResult(
                visualOdometry: result, plans: options.plans, windowSize: vo.windowSize,
                setup: "\(result.startATE.count) windows of \(vo.windowSize) keyframes spread over a \(vo.scenario.keyframeCount)-keyframe tour, start perturbation σ \(vo.startTranslationSigma) m / \(vo.startRotationSigma) rad, seed \(vo.seed)"))
        }
        var kernels: KernelBenchmark.Report?
        if options.runsKernels {
            progress("kernels (quick)", 0, 1)
            kernels = try KernelBenchmark.run(options: .init(quick: true))
            progress("kernels (quick)", 1, 1)
        }
        return BenchmarkReport(
            quick: options.quick, plans: options.plans.map(\.rawValue), datasetDirectory: options.datasetDirectory,
            skippedDatasets: skipped, datasets: datasets, sequences: sequences, kernels: kernels,
            suiteSeconds: (ContinuousClock.now - start).seconds)
    }

    /// The g2o files to solve (sorted) and those a quick run leaves out.
    static func datasetFiles(_ options: Options) throws -> (run: [String], skipped: [String]) {
        guard let directory = options.datasetDirectory else { return ([], []) }
        let all: [String]
        do {
            all = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".g2o") }.sorted()
        } catch {
            throw EvaluationError.invalidArgument("cannot list dataset directory \(directory): \(error.localizedDescription)")
        }
        guard options.quick else { return (all, []) }
        return (all.filter(options.quickDatasets.contains), all.filter { !options.quickDatasets.contains($0) })
    }

    static func solveDataset(_ name: String, options: Options) throws -> DatasetResult {
        let path = "\(options.datasetDirectory!)/\(name)"
        let loadStart = ContinuousClock.now
        let (problem, load) = try G2OReader.read(contentsOf: path)
        let loadSeconds = (ContinuousClock.now - loadStart).seconds
        let base = (name as NSString).deletingPathExtension
        let (results, _) = try PoseGraphBenchmark.run(
            problem, plans: options.plans, options: options.optimizer, solverOptions: options.solver,
            trajectories: options.trajectoryDirectory.map { directory in
                { plan, solved in
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    try TUMTrajectory.write(try TUMTrajectory.poses(of: solved), to: "\(directory)/\(base)-\(plan).tum")
                }
            })
        return DatasetResult(
            file: name, vertices: problem.variableIDs.count, edges: load.edgeCount,
            chainedInitialization: load.chainedInitialization, loadSeconds: loadSeconds, plans: results)
    }
}
