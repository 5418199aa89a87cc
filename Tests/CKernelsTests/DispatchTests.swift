import CKernels
import Testing
import SLAMSparse
import MixedSLAMTestSupport

@Suite(.serialized) struct DispatchTests {
    @Test func bestPathIsSupportedAndScalarAlwaysIs() {
        #expect(KernelPath.scalar.isSupported)
        #expect(KernelPath.best.isSupported)
        #expect(KernelPath.active.isSupported)
    }

    @Test func forcingAPathChangesTheActivePathAndAutoRestoresTheBest() throws {
        let before = KernelPath.active
        try KernelPath.force(.scalar)
        #expect(KernelPath.active == .scalar)
        try KernelPath.force(nil)
        #expect(KernelPath.active == KernelPath.best)
        try KernelPath.force(before)
    }

    @Test(.enabled(if: !KernelPath.avx512fp16.isSupported, "this CPU has AVX512-FP16: nothing unsupported to force"))
    func forcingAnUnsupportedPathFailsCleanly() throws {
        let before = KernelPath.active
        #expect(throws: SparseError.unsupportedKernelPath("avx512fp16")) { try KernelPath.force(.avx512fp16) }
        #expect(KernelPath.active == before)
        let m = try CSRMatrix<Float>(rowCount: 1, columnCount: 1, triplets: [(0, 0, 2)])
        var y: [Float] = [7]
        #expect(throws: SparseError.unsupportedKernelPath("avx512fp16")) {
            try m.multiply([1], into: &y, options: KernelOptions(path: .avx512fp16))
        }
        #expect(y == [7], "an unsupported path writes nothing")
    }

    @Test(.enabled(if: KernelPath.avx512fp16.isSupported, "CPU lacks AVX512-FP16; its kernels compile but cannot run here"))
    func avx512fp16PathRunsNativeHalfArithmetic() throws {
        let m = try randomCSR(rows: 9, columns: 30, density: 0.5, seed: 4)
        let variant = Variant(storage: .fp16, half: .float16)
        try checkCSR(m, as: Float16.self, variant: variant, path: .avx512fp16)
    }

    @Test func vectorOperationsMatchDoubleReference() {
        let n = 1003
        let x = randomVector(n, as: Float.self, seed: 1), y = randomVector(n, as: Float.self, seed: 2)
        for path in supportedPaths {
            let p = ck_path(rawValue: path.rawValue)
            let dot = Double(ck_dot_f32(p, Int64(n), x, y))
            var exact = 0.0, magnitude = 0.0
            for i in 0..<n { exact += Double(x[i]) * Double(y[i]); magnitude += abs(Double(x[i]) * Double(y[i])) }
            #expect(abs(dot - exact) <= gamma(n, Precision.fp32.unitRoundoff) * magnitude, "dot \(path)")
            var z = y
            #expect(ck_axpy_f32(p, Int64(n), 0.5, x, &z) == 0)
            for i in 0..<n { #expect(z[i] == y[i] + 0.5 * x[i] || abs(Double(z[i]) - (Double(y[i]) + 0.5 * Double(x[i]))) <= 2 * Precision.fp32.unitRoundoff * (abs(Double(y[i])) + abs(0.5 * Double(x[i])))) }
            z = y
            #expect(ck_xpby_f32(p, Int64(n), x, -0.25, &z) == 0)
            for i in 0..<n { #expect(abs(Double(z[i]) - (Double(x[i]) - 0.25 * Double(y[i]))) <= 2 * Precision.fp32.unitRoundoff * (abs(Double(x[i])) + abs(0.25 * Double(y[i])))) }
        }
    }
}
