import CKernels
import SLAMSparse
import Testing
import MixedSLAMTestSupport

/// `ck_normal_blocks_f64`: H = Σ JᵀJ and g = Σ Jᵀr from per-factor Jacobian blocks, against a
/// dense fp64 sum, for the constant-size instances (3 and 6 columns with as many rows) and the
/// general body (rows differing between factors).
@Suite struct NormalEquationKernelTests {
    @Test(arguments: [(3, false), (6, false), (3, true), (6, true)])
    func blocksMatchDenseSums(blockSize b: Int, mixedRows: Bool) {
        var rng = SeededGenerator(seed: UInt64(b * 10 + (mixedRows ? 1 : 0)))
        let variables = 5
        // Unary and binary factors, one of them on a repeated pair; with mixedRows, every
        // third factor has b + 1 rows.
        let factorVariables: [[Int]] = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0], [2], [0, 3], [1, 2], [4]]
        var residualOffsets = [0], factorBlocks = [0], blockOffsets = [0], blockVariables: [Int] = []
        var scatterOffsets = [0], scatter: [Int32] = []
        for (f, vars) in factorVariables.enumerated() {
            let m = mixedRows && f % 3 == 0 ? b + 1 : b
            residualOffsets.append(residualOffsets.last! + m)
            for v in vars {
                blockVariables.append(v)
                blockOffsets.append(blockOffsets.last! + m * b)
            }
            factorBlocks.append(blockVariables.count)
            // H stored as a dense grid of blocks: block (i, j) at index i·variables + j.
            for i in vars { for j in vars { scatter.append(Int32(i * variables + j)) } }
            scatterOffsets.append(scatter.count)
        }
        let jac = (0..<blockOffsets.last!).map { _ in rng.uniform() }
        let res = (0..<residualOffsets.last!).map { _ in rng.uniform() }

        let n = variables * b
        var hRef = [Double](repeating: 0, count: n * n), gRef = [Double](repeating: 0, count: n)
        for f in factorVariables.indices {
            let m = residualOffsets[f + 1] - residualOffsets[f]
            for row in 0..<m {
                var jRow = [Double](repeating: 0, count: n)
                for k in factorBlocks[f]..<factorBlocks[f + 1] {
                    for c in 0..<b { jRow[blockVariables[k] * b + c] += jac[blockOffsets[k] + row * b + c] }
                }
                let r = res[residualOffsets[f] + row]
                for i in 0..<n {
                    gRef[i] += jRow[i] * r
                    for j in 0..<n { hRef[i * n + j] += jRow[i] * jRow[j] }
                }
            }
        }

        var h = [Double](repeating: 0, count: variables * variables * b * b)
        var g = [Double](repeating: 0, count: n)
        #expect(
            ck_normal_blocks_f64(
                Int32(b), factorVariables.count, residualOffsets, factorBlocks, blockOffsets, blockVariables,
                scatterOffsets, scatter, jac, res, &h, &g) == 0)
        // Each entry sums at most 3·(b + 1) products of values in [−1, 1].
        let tolerance = gamma(3 * (b + 1), Precision.fp64.unitRoundoff) * Double(3 * (b + 1))
        for i in 0..<n {
            #expect(abs(g[i] - gRef[i]) <= tolerance, "g[\(i)]")
            for j in 0..<n {
                let stored = h[((i / b) * variables + j / b) * b * b + (i % b) * b + j % b]
                #expect(abs(stored - hRef[i * n + j]) <= tolerance, "H[\(i), \(j)]")
            }
        }
    }

    @Test func blockSizeOutsideOneToNineIsAnArgumentError() {
        var h = [Double](repeating: 0, count: 1), g = h
        let offsets = [0, 0]
        #expect(ck_normal_blocks_f64(10, 1, offsets, offsets, offsets, [], offsets, [], [], [], &h, &g) == 3)
        #expect(ck_normal_blocks_f64(0, 1, offsets, offsets, offsets, [], offsets, [], [], [], &h, &g) == 3)
    }
}
