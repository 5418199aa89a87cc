import CKernels
import Testing
import SLAMSparse

@Suite struct ConversionTests {
    /// Values around the fp16 limits, repeated so the SIMD body and the scalar tail both run.
    static let probes: [Float] = [
        1e5, -7e4, 65504, 65519, 65520, 6.2e-5, 6.0e-5, 1e-8, -3e-6, 0, -0.0, .infinity, 1, 0.1,
    ]
    // Per copy: overflow 1e5, -7e4, 65520 (rounds up to inf); flushed 6.0e-5, 1e-8, -3e-6
    // (6.0e-5 is below the 6.1035e-5 minimum normal; 0 and ±0 are not flushes; inf is not an
    // overflow of a finite value).

    @Test(arguments: supportedPaths)
    func float32ToFloat16CountsOverflowAndFlush(path: KernelPath) throws {
        let copies = 5
        let src = Array(repeating: Self.probes, count: copies).flatMap { $0 }
        var dst = [Float16](repeating: 0, count: src.count)
        var counts = ck_convert_counts(overflow: 0, flushed: 0)
        #expect(ck_convert_f32_to_f16(ck_path(rawValue: path.rawValue), Int64(src.count), src, &dst, &counts) == 0)
        #expect(counts.overflow == Int64(3 * copies))
        #expect(counts.flushed == Int64(3 * copies))
        for (s, d) in zip(src, dst) { #expect(d == Float16(s) || (d.isNaN && s.isNaN)) }
        var back = [Float](repeating: 0, count: dst.count)
        #expect(ck_convert_f16_to_f32(ck_path(rawValue: path.rawValue), Int64(dst.count), dst, &back) == 0)
        for (d, b) in zip(dst, back) { #expect(Float(d) == b) }
    }

    /// fp64 → fp32 counts exactly whether the out-of-range values sit in the SIMD body or the
    /// tail, and counts nothing for values in range (±0, a NaN and ±inf are neither).
    @Test(arguments: supportedPaths)
    func doubleToFloat32Counts(path: KernelPath) throws {
        let p = ck_path(rawValue: path.rawValue)
        let inRange: [Double] = [3.0, -1e-30, 0, -0.0, .nan, 1e38, .infinity, -2.5, 1.2e-38]
        let outOfRange: [Double] = [1e39, -3.5e38, 1e-40, -1e-50, 1.1e-38, 3.5e38]
        for (src, over, flushed) in [
            (inRange + inRange, 0, 0), (outOfRange + inRange, 3, 3), (inRange + outOfRange, 3, 3),
        ] {
            var single = [Float](repeating: 0, count: src.count)
            var counts = ck_convert_counts(overflow: 0, flushed: 0)
            #expect(ck_convert_f64_to_f32(p, Int64(src.count), src, &single, &counts) == 0)
            #expect(counts.overflow == over && counts.flushed == flushed, "\(src) on \(path)")
            for (s, d) in zip(src, single) { #expect(d == Float(s) || (d.isNaN && s.isNaN)) }
        }
    }

    @Test func doubleConversionsCount() throws {
        let src: [Double] = [1e39, 1e-40, 1e-50, 3.0, 1e5, 1e-9]
        var single = [Float](repeating: 0, count: src.count)
        var counts = ck_convert_counts(overflow: 0, flushed: 0)
        #expect(ck_convert_f64_to_f32(CK_PATH_AUTO, Int64(src.count), src, &single, &counts) == 0)
        #expect(counts.overflow == 1)
        #expect(counts.flushed == 2)
        var half = [Float16](repeating: 0, count: src.count)
        counts = ck_convert_counts(overflow: 0, flushed: 0)
        #expect(ck_convert_f64_to_f16(CK_PATH_AUTO, Int64(src.count), src, &half, &counts) == 0)
        #expect(counts.overflow == 2)
        #expect(counts.flushed == 3)
    }

    @Test func matrixConversionReportsAndRejectsOverflow() throws {
        let m = try CSRMatrix<Double>(
            rowCount: 2, columnCount: 2, triplets: [(0, 0, 1e-9), (0, 1, 0.5), (1, 1, 2)])
        let (half, report) = try m.converted(to: Float16.self)
        #expect(report == ConversionReport(valueCount: 3, overflowCount: 0, flushedCount: 1))
        #expect(half.values == [0, 0.5, 2])
        let big = try CSRMatrix<Double>(rowCount: 1, columnCount: 1, triplets: [(0, 0, 1e6)])
        #expect(throws: SparseError.conversionOverflow(ConversionReport(valueCount: 1, overflowCount: 1))) {
            try big.converted(to: Float16.self)
        }
        let (single, exact) = try big.converted(to: Float.self)
        #expect(single.values == [1e6])
        #expect(exact.isClean)
    }
}
