import CKernels

/// Converts stored values between precisions, counting overflow and flush-to-zero.
public enum PrecisionConversion {
    /// Returns `values` converted to `T`, with the report of what narrowing did.
    ///
    /// Widening and same-precision conversions are exact and report only the value count.
    /// - Throws: ``SparseError/conversionOverflow(_:)`` when a finite value would become
    ///   ±inf (the converted values are discarded; the report says how many overflowed).
    public static func convert<S: SparseScalar, T: SparseScalar>(
        _ values: [S], to _: T.Type, path: KernelPath? = nil
    ) throws(SparseError) -> (values: [T], report: ConversionReport) {
        let n = values.count
        if T.precision >= S.precision {
            return (values.map { T($0) }, ConversionReport(valueCount: n))
        }
        var counts = ck_convert_counts(overflow: 0, flushed: 0)
        let cPath = path?.cValue ?? CK_PATH_AUTO
        var status = Int32(CK_OK.rawValue)
        let result = [T](unsafeUninitializedCapacity: n) { buffer, count in
            let dst = UnsafeMutableRawPointer(buffer.baseAddress)
            values.withUnsafeBytes { src in
                let s = src.baseAddress
                switch (S.precision, T.precision) {
                case (.fp64, .fp32):
                    status = ck_convert_f64_to_f32(
                        cPath, Int64(n), s?.assumingMemoryBound(to: Double.self),
                        dst?.assumingMemoryBound(to: Float.self), &counts)
                case (.fp64, _):
                    status = ck_convert_f64_to_f16(
                        cPath, Int64(n), s?.assumingMemoryBound(to: Double.self),
                        dst?.assumingMemoryBound(to: Float16.self), &counts)
                default:
                    status = ck_convert_f32_to_f16(
                        cPath, Int64(n), s?.assumingMemoryBound(to: Float.self),
                        dst?.assumingMemoryBound(to: Float16.self), &counts)
                }
            }
            if status != Int32(CK_OK.rawValue) {
                for i in 0..<n { buffer[i] = 0 }
            }
            count = n
        }
        try KernelBridge.check(status, KernelOptions(path: path))
        let report = ConversionReport(
            valueCount: n, overflowCount: Int(counts.overflow), flushedCount: Int(counts.flushed))
        if report.overflowCount > 0 { throw .conversionOverflow(report) }
        return (result, report)
    }
}
