import ArgumentParser

/// `slam-bench`: compares fp64 / fp32 / fp16 / mixed SLAM solves and writes reports.
///
/// Argument parsing and printing only; the logic lives in the libraries.
@main
struct SlamBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slam-bench",
        abstract: "Compare fp64, fp32, fp16 and mixed-precision SLAM solves.",
        subcommands: [PoseGraph.self, LoopClosure.self, Kernels.self, VisualOdometry.self, BundleAdjustment.self,
                      Report.self, Tour.self],
        defaultSubcommand: Tour.self)
}
