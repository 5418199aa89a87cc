/// Everything `slam-bench report` measured: the g2o datasets, the sequences (loop closure and,
/// when run, visual odometry), the kernels, the external cross-checks and the threshold checks.
/// Its JSON form is `report.json` (schema `mixedslam-bench/1`, command `report`).
public struct BenchmarkReport: Sendable, Codable {
    /// Whether this was a `--quick` run (fewer datasets, smaller sequences).
    public var quick: Bool
    /// Plans compared, in order.
    public var plans: [String]
    /// The dataset directory read, if any.
    public var datasetDirectory: String?
    /// g2o files present in the dataset directory but left out (quick run), by name.
    public var skippedDatasets: [String]
    /// Every g2o file solved with every plan.
    public var datasets: [DatasetResult]
    /// The sequences: `lc` and, when run, `vo`.
    public var sequences: [SequenceResult]
    /// Kernel throughput (quick sizes), if run.
    public var kernels: KernelBenchmark.Report?
    /// External cross-checks (evo, GTSAM) read back from the scripts' outputs.
    public var crossChecks: [CrossCheck]
    /// Figures the plotting script drew: file name (relative to the report folder) and caption.
    public var figures: [Figure]
    /// The thresholds applied and their outcome (empty until evaluated).
    public var checks: [ThresholdCheck]
    /// Seconds the suite took (solves, not scripts).
    public var suiteSeconds: Double

    /// A figure of the report.
    public struct Figure: Sendable, Codable, Equatable {
        /// PNG file name relative to the report folder.
        public var file: String
        /// One-line caption.
        public var caption: String

        /// Creates a figure entry.
        public init(file: String, caption: String) {
            self.file = file
            self.caption = caption
        }
    }

    /// Creates a report; cross-checks, figures and checks start empty.
    public init(
        quick: Bool, plans: [String], datasetDirectory: String?, skippedDatasets: [String],
        datasets: [DatasetResult], sequences: [SequenceResult], kernels: KernelBenchmark.Report?, suiteSeconds: Double
    ) {
        self.quick = quick
        self.plans = plans
        self.datasetDirectory = datasetDirectory
        self.skippedDatasets = skippedDatasets
        self.datasets = datasets
        self.sequences = sequences
        self.kernels = kernels
        self.crossChecks = []
        self.figures = []
        self.checks = []
        self.suiteSeconds = suiteSeconds
    }

    /// The checks that failed.
    public var breaches: [ThresholdCheck] { checks.filter(\.isBreach) }
}
