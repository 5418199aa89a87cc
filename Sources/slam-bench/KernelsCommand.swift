import ArgumentParser
import Foundation
import MixedSLAM
import MixedSLAMEval

/// `slam-bench kernels`: kernel throughput and fp16/fp32, fp64/fp32 speed ratios.
struct Kernels: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the sparse kernels (BA Jacobian products, 6×6 block SpMV, triangular solves) in fp64/fp32/fp16.")

    @Flag(help: "Base sizes and fewer repetitions (CI; well under 30 s).")
    var quick = false

    @Flag(help: "Only problems larger than the last-level cache: a 5,000-keyframe BA Jacobian, 250,000-pose 6×6 and 100,000-pose 3×3 graphs (about a minute, 2.2 GB).")
    var large = false

    @Option(help: "Kernel path: scalar, avx2 or avx512fp16 (default: MIXEDSLAM_KERNEL_PATH or the best supported).")
    var path: String?

    @Option(help: "Write the full report as JSON (schema mixedslam-bench/1, docs/benchmarks.md) to this file.")
    var json: String?

    func validate() throws {
        if quick && large { throw ValidationError("--quick and --large exclude each other") }
    }

    func run() throws {
        var kernelPath: KernelPath?
        if let path {
            guard let p = KernelPath.allCases.first(where: { $0.description == path }) else {
                throw ValidationError("unknown kernel path '\(path)' (scalar, avx2, avx512fp16)")
            }
            guard p.isSupported else { throw ValidationError("kernel path \(path) is not supported on this CPU") }
            kernelPath = p
        }
        switch KernelPath.environmentStatus {
        case .unsupported, .unrecognized:
            print("warning: MIXEDSLAM_KERNEL_PATH ignored (\(KernelPath.environmentStatus)); using \(KernelPath.active)")
        default: break
        }
        let report = try KernelBenchmark.run(
            options: .init(quick: quick, path: kernelPath, large: large), progress: { print("… \($0)") })
        print("path: \(report.path)\(report.nativeHalfArithmetic ? "" : " (fp16-native arithmetic is emulated on this CPU)")")
        print(pad("kernel", 18) + pad("problem", 13) + pad("variant", 13) + pad("median µs", 12, right: true) + pad("GB/s", 9, right: true))
        for m in report.measurements {
            print(pad(m.kernel, 18) + pad(m.problem, 13) + pad(m.variant, 13)
                  + pad(String(format: "%.2f", m.medianSeconds * 1e6), 12, right: true)
                  + pad(String(format: "%.2f", m.gigabytesPerSecond), 9, right: true))
        }
        print("")
        print(pad("kernel", 18) + pad("problem", 13) + pad("ratio", 18) + pad("value", 8, right: true) + "  target")
        for r in report.ratios {
            let target = r.target.map { String(format: "≥ %.1f %@", $0, r.reached == true ? "reached" : "MISSED") } ?? ""
            print(pad(r.kernel, 18) + pad(r.problem, 13) + pad(r.name, 18)
                  + pad(String(format: "%.2f", r.value), 8, right: true) + "  " + target)
        }
        if let json {
            try writeJSON(report, command: "kernels", to: json)
            print("wrote \(json)")
        }
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
