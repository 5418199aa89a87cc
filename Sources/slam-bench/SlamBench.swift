import ArgumentParser
import Foundation

/// `slam-bench`: compares fp64 / fp32 / fp16 / mixed SLAM solves and writes reports.
///
/// Argument parsing and printing only; the logic lives in the libraries.
@main
struct SlamBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slam-bench",
        abstract: "Compare fp64, fp32, fp16 and mixed-precision SLAM solves.",
        discussion: """
            Every benchmark is single-threaded: OpenBLAS runs one thread, and CHOLMOD's OpenMP \
            regions (which ask for 4 threads whatever the core count) are limited to one by \
            OMP_THREAD_LIMIT=1, which slam-bench sets for itself unless the environment sets it.
            """,
        subcommands: [PoseGraphCommand.self, IncrementalCommand.self, LoopClosure.self, Kernels.self, VisualOdometry.self, BundleAdjustment.self,
                      Report.self, Tour.self],
        defaultSubcommand: Tour.self)

    static func main() {
        limitOpenMPThreads()
        main(nil)
    }

    /// libgomp reads OMP_THREAD_LIMIT once, when it is loaded, so the variable must be in the
    /// environment before the process starts: set it and start again, once.
    private static func limitOpenMPThreads() {
        guard ProcessInfo.processInfo.environment["OMP_THREAD_LIMIT"] == nil else { return }
        setenv("OMP_THREAD_LIMIT", "1", 1)
        let arguments = CommandLine.arguments
        var argv = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // execv returns only on failure: go on with OpenMP's default threads.
        for pointer in argv { free(pointer) }
    }
}
