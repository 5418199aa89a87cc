import Testing
@testable import SLAMSparse

@Suite struct ValidationTests {
    @Test func productsRejectWrongVectorLengths() throws {
        let m = try CSRMatrix<Float>(rowCount: 2, columnCount: 3, triplets: [(0, 0, 1), (1, 2, 2)])
        var y = [Float](repeating: 0, count: 2)
        #expect(throws: SparseError.dimensionMismatch(expected: 3, actual: 2)) { try m.multiply([1, 2], into: &y) }
        var short = [Float](repeating: 0, count: 1)
        #expect(throws: SparseError.dimensionMismatch(expected: 2, actual: 1)) { try m.multiply([1, 2, 3], into: &short) }
        #expect(throws: SparseError.dimensionMismatch(expected: 3, actual: 2)) { try m.multiplyTransposed([1, 2], into: &y) }
        try m.multiply([1, 2, 3], into: &y)
        #expect(y == [1, 6])
        try m.multiply([1, 2, 3], into: &y, accumulate: true)
        #expect(y == [2, 12])
    }

    @Test func blockMatrixChecksAndMultiplies() throws {
        #expect(throws: SparseError.indexOutOfBounds(row: 0, column: 2)) {
            try BlockCSRMatrix<Double>(blockSize: 2, blockRowCount: 1, blockColumnCount: 2, blockRowPointers: [0, 1], blockColumnIndices: [2], values: [1, 2, 3, 4])
        }
        let m = try BlockCSRMatrix<Double>(
            blockSize: 2, blockRowCount: 1, blockColumnCount: 2, blockRowPointers: [0, 1],
            blockColumnIndices: [1], values: [1, 2, 3, 4])
        var y = [0.0, 0.0]
        try m.multiply([9, 9, 1, 1], into: &y)
        #expect(y == [3, 7])
        var yt = [0.0, 0.0, 0.0, 0.0]
        try m.multiplyTransposed([1, 1], into: &yt)
        #expect(yt == [0, 0, 4, 6])
    }

    @Test func baJacobianRejectsBadIndicesAndLengths() throws {
        #expect(throws: SparseError.indexOutOfBounds(row: 0, column: 3)) {
            try BAJacobian<Float>(poseCount: 3, landmarkCount: 1, poseIndices: [3], landmarkIndices: [0], blocks: .init(repeating: 0, count: 18))
        }
        #expect(throws: SparseError.indexOutOfBounds(row: 2, column: -1)) {
            try BAJacobian<Float>(poseCount: 3, landmarkCount: 1, poseIndices: [0, 1], landmarkIndices: [0, -1], blocks: .init(repeating: 0, count: 36))
        }
        #expect(throws: SparseError.nonFinite(index: 5)) {
            var blocks = [Float](repeating: 0, count: 18)
            blocks[5] = .nan
            return try BAJacobian<Float>(poseCount: 1, landmarkCount: 1, poseIndices: [0], landmarkIndices: [0], blocks: blocks)
        }
        // One observation: J = [1…6 | 7 8 9; 10…15 | 16 17 18] applied to ones.
        let j = try BAJacobian<Double>(
            poseCount: 1, landmarkCount: 1, poseIndices: [0], landmarkIndices: [0],
            blocks: (1...18).map(Double.init))
        var r = [0.0, 0.0]
        try j.multiply(.init(repeating: 1, count: 9), into: &r)
        #expect(r == [45, 126])
        var g = [Double](repeating: 0, count: 9)
        try j.multiplyTransposed([1, 1], into: &g)
        #expect(g == [11, 13, 15, 17, 19, 21, 23, 25, 27])
    }

    @Test func triangularFactorRejectsUpperEntriesAndNonTriangularDiagonal() {
        #expect(throws: SparseError.indexOutOfBounds(row: 0, column: 1)) {
            try TriangularFactor<Float>(blockSize: 1, blockCount: 2, rowPointers: [0, 1, 1], columnIndices: [1], values: [1], inverseDiagonal: [1, 1])
        }
        #expect(throws: SparseError.invalidArgument("inverse diagonal block 0 is not lower triangular")) {
            try TriangularFactor<Float>(blockSize: 2, blockCount: 1, rowPointers: [0, 0], columnIndices: [], values: [], inverseDiagonal: [1, 1, 0, 1])
        }
    }

    /// A row pointer past the entries in the middle of the array (first and last are right)
    /// used to be read through before its row was checked: each compressed-row type refuses
    /// it as an invalid pointer instead.
    @Test func middleRowPointerPastTheEntriesIsRefused() {
        #expect(throws: SparseError.invalidRowPointers(row: 0)) {
            try CSRMatrix<Double>(rowCount: 2, columnCount: 10, rowPointers: [0, 3, 2], columnIndices: [0, 1], values: [1, 2])
        }
        #expect(throws: SparseError.invalidRowPointers(row: 0)) {
            try BlockCSRMatrix<Double>(
                blockSize: 1, blockRowCount: 2, blockColumnCount: 10, blockRowPointers: [0, 3, 2],
                blockColumnIndices: [0, 1], values: [1, 2])
        }
        #expect(throws: SparseError.invalidRowPointers(row: 1)) {
            try TriangularFactor<Float>(
                blockSize: 1, blockCount: 3, rowPointers: [0, 0, 2, 1], columnIndices: [0], values: [1], inverseDiagonal: [1, 1, 1])
        }
    }

    /// Sizes whose products overflow Int or int32_t, and negative sizes, are shape errors.
    @Test func sizesBeyondTheKernelsRangeAreRefused() {
        #expect(throws: SparseError.self) {
            try BlockCSRMatrix<Double>(
                blockSize: 1 << 40, blockRowCount: 0, blockColumnCount: 0, blockRowPointers: [0], blockColumnIndices: [], values: [])
        }
        #expect(throws: SparseError.self) {
            try BlockCSRMatrix<Double>(
                blockSize: 6, blockRowCount: Int.max, blockColumnCount: 0, blockRowPointers: [0], blockColumnIndices: [], values: [])
        }
        #expect(throws: SparseError.self) {
            try TriangularFactor<Float>(
                blockSize: 1 << 32, blockCount: 1 << 32, rowPointers: [0], columnIndices: [], values: [], inverseDiagonal: [])
        }
        #expect(throws: SparseError.self) { try CSRMatrix<Double>(rowCount: -1, columnCount: 2, triplets: []) }
        #expect(throws: SparseError.self) {
            try CSRMatrix<Double>(rowCount: 1, columnCount: 3_000_000_000, triplets: [(0, 2_500_000_000, 1)])
        }
    }

    /// `values` is writable for in-place refills; a length change is an error at the next
    /// product or conversion, not an out-of-range read in a kernel.
    @Test func valuesOfTheWrongLengthAreRefusedBeforeAKernelReadsThem() throws {
        var csr = try CSRMatrix<Double>(rowCount: 2, columnCount: 3, triplets: [(0, 0, 1), (1, 2, 2)])
        csr.values = [1]
        var y = [0.0, 0.0]
        #expect(throws: SparseError.shapeMismatch("1 values for 2 stored entries")) { try csr.multiply([1, 2, 3], into: &y) }
        #expect(throws: SparseError.self) { try csr.converted(to: Float.self) }
        var block = try BlockCSRMatrix<Double>(
            blockSize: 2, blockRowCount: 1, blockColumnCount: 2, blockRowPointers: [0, 1], blockColumnIndices: [1], values: [1, 2, 3, 4])
        block.values.removeLast()
        #expect(throws: SparseError.shapeMismatch("3 values for 1 blocks of 2×2")) { try block.multiply([9, 9, 1, 1], into: &y) }
        #expect(throws: SparseError.self) { try block.converted(to: Float16.self) }
    }

    @Test func conversionReportAddsAndDescribes() {
        let a = ConversionReport(valueCount: 3, overflowCount: 1, flushedCount: 0)
        let b = ConversionReport(valueCount: 2, overflowCount: 0, flushedCount: 2)
        #expect(a + b == ConversionReport(valueCount: 5, overflowCount: 1, flushedCount: 2))
        #expect(!(a + b).isClean)
        #expect((a + b).description == "5 values, 1 overflowed, 2 flushed")
    }
}

@Suite struct VectorKernelTests {
    @Test func smallExactCases() throws {
        // Small integers: every fp32 operation below is exact, so results compare with ==.
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        let y: [Float] = Array(repeating: 2, count: 11)
        for path in KernelPath.allCases where path.isSupported {
            #expect(try VectorKernels.dot(x, y, path: path) == 132)
            var z = y
            try VectorKernels.axpy(-1, x, &z, path: path)
            #expect(z == x.map { 2 - $0 })
            z = y
            try VectorKernels.xpby(x, 0.5, &z, path: path)
            #expect(z == x.map { $0 + 1 })
        }
        var short: [Float] = [0, 0]
        #expect(throws: SparseError.dimensionMismatch(expected: 11, actual: 2)) { try VectorKernels.axpy(1, x, &short) }
        #expect(throws: SparseError.dimensionMismatch(expected: 11, actual: 2)) { try VectorKernels.dot(x, short) }
    }
}
