import MixedSLAMC

/// The fuzz input as a stream of C API calls: each call is one opcode byte followed by its
/// arguments. Values come either from one byte (small, mostly valid numbers) or from eight
/// raw bytes (any bit pattern: NaN, ±Inf, subnormals, 1e308), chosen by a flag bit.
private struct CallStream {
    var bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    var isEmpty: Bool { position >= bytes.count }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func id() -> Int64 { Int64(byte() % 12) }

    mutating func value() -> Double {
        let b = byte()
        guard b & 0x80 != 0 else { return Double(Int8(bitPattern: b << 1)) / 32 }
        var bits: UInt64 = 0
        for _ in 0..<8 { bits = bits << 8 | UInt64(byte()) }
        return Double(bitPattern: bits)
    }

    mutating func values(_ n: Int) -> [Double] { (0..<n).map { _ in value() } }

    /// An information matrix in `layout`: every other input uses a valid diagonal one.
    mutating func information(_ n: Int, layout: msl_information_layout) -> [Double] {
        let count = layout == MSL_INFORMATION_UPPER ? n * (n + 1) / 2 : n * n
        guard byte() & 1 == 1 else {
            var m = [Double](repeating: 0, count: count)
            if layout == MSL_INFORMATION_UPPER {
                var k = 0
                for i in 0..<n { m[k] = 100; k += n - i }
            } else {
                for i in 0..<n { m[i * n + i] = 100 }
            }
            return m
        }
        return values(count)
    }
}

/// libFuzzer entry for the C API's input path: any call sequence must return a status (never
/// crash), and after every optimize call that returns MSL_OK or MSL_ERROR_SOLVER every pose
/// must be finite. Built by `scripts/fuzz.sh`, not by `swift build`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCAPI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let graph = msl_graph_create() else { return 0 }
    defer { msl_graph_destroy(graph) }
    var calls = CallStream(bytes: UnsafeBufferPointer(start: data, count: size))
    var optimizations = 0
    while !calls.isEmpty {
        switch calls.byte() % 9 {
        case 0: _ = msl_graph_add_pose_se2(graph, calls.id(), calls.values(3))
        case 1: _ = msl_graph_add_pose_se3(graph, calls.id(), calls.values(7))
        case 2:
            let layout = calls.byte() & 1 == 0 ? MSL_INFORMATION_UPPER : MSL_INFORMATION_FULL
            let (from, to, z) = (calls.id(), calls.id(), calls.values(3))
            _ = msl_graph_add_edge_se2(graph, from, to, z, calls.information(3, layout: layout), layout, nil)
        case 3:
            let layout = calls.byte() & 1 == 0 ? MSL_INFORMATION_UPPER : MSL_INFORMATION_FULL
            let (from, to, z) = (calls.id(), calls.id(), calls.values(7))
            _ = msl_graph_add_edge_se3(graph, from, to, z, calls.information(6, layout: layout), layout, nil)
        case 4: _ = msl_graph_set_fixed(graph, calls.id(), Int32(calls.byte() & 1))
        case 5: _ = msl_graph_set_gauge(graph, msl_gauge(rawValue: UInt32(calls.byte() % 3)))
        case 6: _ = msl_graph_set_pose_se2(graph, calls.id(), calls.values(3))
        case 7: _ = msl_graph_set_pose_se3(graph, calls.id(), calls.values(7))
        default:
            // A few solves per input keep one execution within milliseconds.
            guard optimizations < 3 else { continue }
            optimizations += 1
            let plans = ["fp64", "fp32", "fp16", "mixed", "adaptive", "bogus"]
            var options = msl_options()
            msl_options_default(&options)
            options.max_iterations = Int32(calls.byte() % 6)
            var summary = msl_summary()
            let status = msl_graph_optimize(graph, plans[Int(calls.byte()) % plans.count], &options, &summary)
            if status == MSL_OK || status == MSL_ERROR_SOLVER { checkFinite(graph) }
        }
    }
    return 0
}

/// Stops the run (libFuzzer saves the input) if any pose of the graph is NaN or infinite.
private func checkFinite(_ graph: OpaquePointer) {
    var pose = [Double](repeating: 0, count: 7)
    for id in Int64(0)..<12 {
        if msl_graph_get_pose_se2(graph, id, &pose) == MSL_OK, !pose[0..<3].allSatisfy(\.isFinite) {
            fatalError("SE(2) pose \(id) is not finite after optimize")
        }
        if msl_graph_get_pose_se3(graph, id, &pose) == MSL_OK, !pose.allSatisfy(\.isFinite) {
            fatalError("SE(3) pose \(id) is not finite after optimize")
        }
    }
}
