import CKernels
import Testing
import SLAMSparse
import MixedSLAMTestSupport

/// The lower block triangle (block column ≤ block row) of a block matrix, as raw arrays.
func lowerTriangle(_ m: BlockCSRMatrix<Double>) -> (pointers: [Int32], columns: [Int32], values: [Double]) {
    let bb = m.blockSize * m.blockSize
    var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
    for i in 0..<m.blockRowCount {
        for k in Int(m.blockRowPointers[i])..<Int(m.blockRowPointers[i + 1]) where Int(m.blockColumnIndices[k]) <= i {
            columns.append(m.blockColumnIndices[k])
            values += m.values[(k * bb)..<((k + 1) * bb)]
        }
        pointers.append(Int32(columns.count))
    }
    return (pointers, columns, values)
}

/// Checks (L Lᵀ)_ij = A_ij + shift·δ_ij on every stored position (i ≥ j) of the lower pattern,
/// within γ(k+2, u_fp64)·(|L||Lᵀ|)_ij, k the number of terms of the inner product.
func expectFactorMatchesPattern(
    blockSize b: Int, pointers: [Int32], columns: [Int32], a: [Double], l: [Double], shift: Double,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let nb = pointers.count - 1, n = nb * b, bb = b * b
    var dense = Array(repeating: Array(repeating: 0.0, count: n), count: n)
    var pattern = Set<Int>()
    for i in 0..<nb {
        for k in Int(pointers[i])..<Int(pointers[i + 1]) {
            let j = Int(columns[k])
            for r in 0..<b { for c in 0..<b { dense[i * b + r][j * b + c] = l[k * bb + r * b + c] } }
            pattern.insert(i * nb + j)
        }
    }
    var worst = 0.0
    for i in 0..<nb {
        for k in Int(pointers[i])..<Int(pointers[i + 1]) {
            let j = Int(columns[k])
            for r in 0..<b {
                for c in 0..<b where i > j || c <= r {
                    let row = i * b + r, col = j * b + c
                    var product = 0.0, magnitude = 0.0, terms = 0
                    for t in 0..<n where dense[row][t] != 0 && dense[col][t] != 0 {
                        product += dense[row][t] * dense[col][t]
                        magnitude += abs(dense[row][t] * dense[col][t])
                        terms += 1
                    }
                    let target = a[k * bb + r * b + c] + (row == col ? shift : 0)
                    let bound = gamma(terms + 2, Precision.fp64.unitRoundoff) * max(magnitude, abs(target))
                    worst = largerError(worst, abs(product - target) / bound)
                }
            }
        }
    }
    #expect(worst <= 1, "L Lᵀ vs A on the pattern: error / bound = \(worst)", sourceLocation: sourceLocation)
}

@Suite struct IncompleteCholeskyKernelTests {
    @Test(arguments: [1, 3, 6])
    func factorReproducesMatrixOnItsPattern(blockSize: Int) throws {
        let h = try poseGraphHessian(poses: 20, blockSize: max(blockSize, 3), loopStride: 6, seed: 17)
        let (pointers, columns, values) = blockSize == 1 ? try lowerTriangle(scalarBlocks(flatten(h))) : lowerTriangle(h)
        var l = [Double](repeating: .nan, count: values.count)
        var row: Int32 = 0
        let status = blockSize == 1
            ? ck_ichol0_csr(Int32(pointers.count - 1), pointers, columns, values, 0, &l, &row)
            : ck_ichol0_bsr(Int32(blockSize), Int32(pointers.count - 1), pointers, columns, values, 0, &l, &row)
        #expect(status == Int32(CK_OK.rawValue))
        #expect(row == -1)
        expectFactorMatchesPattern(
            blockSize: blockSize, pointers: pointers, columns: columns, a: values, l: l, shift: 0)
    }

    @Test func breakdownIsReportedAndShiftRepairsIt() throws {
        // [[1, 2], [2, 1]] is indefinite: the second pivot is 1 − 4 < 0.
        let pointers: [Int32] = [0, 1, 3], columns: [Int32] = [0, 0, 1], values = [1.0, 2, 1]
        var l = [Double](repeating: 0, count: 3)
        var row: Int32 = -1
        #expect(ck_ichol0_csr(2, pointers, columns, values, 0, &l, &row) == Int32(CK_ERR_BREAKDOWN.rawValue))
        #expect(row == 1)
        #expect(ck_ichol0_csr(2, pointers, columns, values, 3.5, &l, &row) == Int32(CK_OK.rawValue))
        expectFactorMatchesPattern(blockSize: 1, pointers: pointers, columns: columns, a: values, l: l, shift: 3.5)
        let blockValues: [Double] = [1, 0, 0, 1, 2, 0, 0, 2, 1, 0, 0, 1]
        var blockL = [Double](repeating: 0, count: blockValues.count)
        #expect(ck_ichol0_bsr(2, 2, pointers, columns, blockValues, 0, &blockL, &row) == Int32(CK_ERR_BREAKDOWN.rawValue))
        #expect(row == 1)
    }

    @Test func missingDiagonalIsAnArgumentError() {
        let pointers: [Int32] = [0, 1, 2], columns: [Int32] = [0, 0], values = [1.0, 0.5]
        var l = [Double](repeating: 0, count: 2)
        var row: Int32 = -1
        #expect(ck_ichol0_csr(2, pointers, columns, values, 0, &l, &row) == Int32(CK_ERR_ARGUMENT.rawValue))
        #expect(row == 1)
    }
}

/// A scalar CSR matrix viewed as a block matrix with 1×1 blocks.
func scalarBlocks(_ m: CSRMatrix<Double>) throws -> BlockCSRMatrix<Double> {
    try BlockCSRMatrix(
        blockSize: 1, blockRowCount: m.rowCount, blockColumnCount: m.columnCount,
        blockRowPointers: m.rowPointers, blockColumnIndices: m.columnIndices, values: m.values)
}
