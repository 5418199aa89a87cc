import MixedSLAM

/// libFuzzer entry for the g2o reader: any byte string must load or throw a `FormatError`;
/// small graphs that load are also costed and solved for a few iterations, and the solved
/// state must stay finite. Built by `scripts/fuzz.sh`, not by `swift build`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzG2O(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard var (problem, _) = try? G2OReader.read(text: text) else { return 0 }
    FuzzChecks.solveSmall(&problem)
    return 0
}
