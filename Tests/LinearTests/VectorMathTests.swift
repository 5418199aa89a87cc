import Testing
@testable import SLAMLinear
import SLAMSparse
import MixedSLAMTestSupport

@Suite struct VectorMathTests {
    /// The specification: eight scalar partial sums, entry k to sum k mod 8, the tail to sum
    /// 0, added pairwise.
    private func eightSums(_ x: [Float], _ y: [Float]) -> Float {
        var s = [Float](repeating: 0, count: 8)
        var k = 0
        while k + 8 <= x.count {
            for lane in 0..<8 { s[lane] += x[k + lane] * y[k + lane] }
            k += 8
        }
        while k < x.count {
            s[0] += x[k] * y[k]
            k += 1
        }
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
    }

    /// Bit for bit the eight-sum order (CG's iterates do not depend on how it is vectorized),
    /// and within the fp32 bound of the fp64 dot, for lengths with and without a tail.
    @Test(arguments: [0, 1, 7, 8, 9, 64, 1003])
    func dotIsTheEightSumOrder(count: Int) {
        var random = SeededGenerator(seed: UInt64(count) + 3)
        let x = (0..<count).map { _ in Float(random.uniform()) }
        let y = (0..<count).map { _ in Float(random.uniform()) }
        let dot = x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in VectorMath.dot(x, y) } }
        #expect(dot.bitPattern == eightSums(x, y).bitPattern)
        var exact = 0.0, magnitude = 0.0
        for k in 0..<count {
            exact += Double(x[k]) * Double(y[k])
            magnitude += abs(Double(x[k]) * Double(y[k]))
        }
        #expect(abs(Double(dot) - exact) <= Double(count / 8 + 4) * Precision.fp32.unitRoundoff * magnitude)
    }
}
