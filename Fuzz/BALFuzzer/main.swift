import MixedSLAM

/// libFuzzer entry for the BAL reader: any byte string must load or throw a `FormatError`;
/// small problems that load are costed and solved for a few iterations, and the solved state
/// must stay finite. Built by `scripts/fuzz.sh`, not by `swift build`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBAL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard var dataset = try? BALReader.read(text: text) else { return 0 }
    FuzzChecks.solveSmall(&dataset.problem)
    return 0
}
