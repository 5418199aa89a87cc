import Testing
@testable import SLAMSparse

@Suite struct CSRMatrixTests {
    @Test func tripletsAreSortedAndDuplicatesSummed() throws {
        let m = try CSRMatrix<Double>(
            rowCount: 2, columnCount: 3,
            triplets: [(1, 2, 4.0), (0, 1, 1.0), (1, 0, 2.0), (0, 1, 0.5)])
        #expect(m.rowPointers == [0, 1, 3])
        #expect(m.columnIndices == [1, 0, 2])
        #expect(m.values == [1.5, 2.0, 4.0])
        #expect(m.dense() == [[0, 1.5, 0], [2, 0, 4]])
    }

    @Test func rejectsUnsortedOutOfBoundsAndNonFinite() {
        #expect(throws: SparseError.unsortedIndices(row: 0)) {
            try CSRMatrix<Float>(rowCount: 1, columnCount: 3, rowPointers: [0, 2], columnIndices: [2, 1], values: [1, 2])
        }
        #expect(throws: SparseError.indexOutOfBounds(row: 0, column: 3)) {
            try CSRMatrix<Float>(rowCount: 1, columnCount: 3, rowPointers: [0, 1], columnIndices: [3], values: [1])
        }
        #expect(throws: SparseError.nonFinite(index: 0)) {
            try CSRMatrix<Float16>(rowCount: 1, columnCount: 3, rowPointers: [0, 1], columnIndices: [0], values: [.nan])
        }
    }
}
