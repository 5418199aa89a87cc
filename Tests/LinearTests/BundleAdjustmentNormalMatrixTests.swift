import Testing
@testable import SLAMLinear
import SLAMSparse
import MixedSLAMTestSupport

@Suite struct BundleAdjustmentNormalMatrixTests {
    /// Observations of a few cameras and points, with fixed cameras and points (index -1),
    /// camera-only and point-only rows, and one (camera, point) pair observed twice.
    private func system(cameraSize: Int, residualSize: Int, seed: UInt64) throws -> BundleAdjustmentSystem {
        var random = SeededGenerator(seed: seed)
        let cameras = 4, points = 9
        var cameraIndex: [Int32] = [], pointIndex: [Int32] = []
        for camera in -1..<cameras {
            for point in -1..<points where random.uniform() > -0.3 {
                cameraIndex.append(Int32(camera))
                pointIndex.append(Int32(point))
            }
        }
        cameraIndex.append(2)
        pointIndex.append(5)
        cameraIndex.append(2)
        pointIndex.append(5)
        var system = try BundleAdjustmentSystem(
            residualSize: residualSize, cameraSize: cameraSize, cameraCount: cameras, pointCount: points,
            cameraIndex: cameraIndex, pointIndex: pointIndex)
        randomize(&system, &random)
        return system
    }

    private func randomize(_ system: inout BundleAdjustmentSystem, _ random: inout SeededGenerator) {
        for k in system.cameraBlocks.indices { system.cameraBlocks[k] = random.uniform() }
        for k in system.pointBlocks.indices { system.pointBlocks[k] = random.uniform() }
    }

    /// JᵀJ from the explicit dense J: row block k has C_k in its camera's columns and P_k in
    /// its point's.
    private func denseNormal(_ s: BundleAdjustmentSystem) -> [[Double]] {
        let n = s.columnCount, m = s.residualSize, c = s.cameraSize
        var j = [[Double]]()
        for k in 0..<s.observationCount {
            for row in 0..<m {
                var line = [Double](repeating: 0, count: n)
                if s.cameraIndex[k] >= 0 {
                    for col in 0..<c { line[Int(s.cameraIndex[k]) * c + col] = s.cameraBlocks[(k * m + row) * c + col] }
                }
                if s.pointIndex[k] >= 0 {
                    for col in 0..<3 {
                        line[s.cameraCount * c + Int(s.pointIndex[k]) * 3 + col] = s.pointBlocks[(k * m + row) * 3 + col]
                    }
                }
                j.append(line)
            }
        }
        return (0..<n).map { a in (0..<n).map { b in j.reduce(0) { $0 + $1[a] * $1[b] } } }
    }

    private func dense(_ h: CSRMatrix<Double>) -> [[Double]] {
        var out = [[Double]](repeating: [Double](repeating: 0, count: h.columnCount), count: h.rowCount)
        var diagonalStored = [Bool](repeating: false, count: h.rowCount)
        for row in 0..<h.rowCount {
            var last = -1
            for k in Int(h.rowPointers[row])..<Int(h.rowPointers[row + 1]) {
                let column = Int(h.columnIndices[k])
                #expect(column > last, "row \(row): columns strictly increasing")
                last = column
                out[row][column] = h.values[k]
                if column == row { diagonalStored[row] = true }
            }
        }
        #expect(diagonalStored.allSatisfy { $0 })
        return out
    }

    /// The refilled matrix equals JᵀJ of the explicit J entry for entry, after the first fill
    /// and after new values, for both camera kinds and for a residual size the fast path does
    /// not cover.
    @Test(arguments: [(6, 2), (9, 2), (6, 3)])
    func equalsTheDenseNormalMatrix(cameraSize: Int, residualSize: Int) throws {
        var s = try system(cameraSize: cameraSize, residualSize: residualSize, seed: UInt64(cameraSize + residualSize))
        var normal = try BundleAdjustmentNormalMatrix(pattern: s)
        var random = SeededGenerator(seed: 99)
        for _ in 0..<2 {
            try normal.update(s)
            let expected = denseNormal(s), actual = dense(normal.matrix)
            let scale = expected.joined().map(abs).max()!
            for a in expected.indices {
                for b in expected.indices {
                    #expect(abs(actual[a][b] - expected[a][b]) <= 1e-14 * scale, "(\(a), \(b))")
                }
            }
            randomize(&s, &random)
        }
    }

    /// The entry count is known before the pattern is built: one entry fewer allowed than JᵀJ
    /// has is refused with the exact count (the public initializer's limit is 2³¹ − 1, the
    /// reach of CHOLMOD's and the kernels' 32-bit indices).
    @Test(arguments: [6, 9])
    func refusesMoreEntriesThanItsIndicesReach(cameraSize: Int) throws {
        let s = try system(cameraSize: cameraSize, residualSize: 2, seed: 5)
        let entries = try BundleAdjustmentNormalMatrix(pattern: s).matrix.values.count
        #expect(throws: LinearSolverError.tooLarge(
            what: "the bundle-adjustment normal matrix's entries", size: entries, limit: entries - 1)) {
            try BundleAdjustmentNormalMatrix(pattern: s, maximumEntries: entries - 1)
        }
        #expect(try BundleAdjustmentNormalMatrix(pattern: s, maximumEntries: entries).matrix.values.count == entries)
    }

    @Test func rejectsAnotherStructure() throws {
        let s = try system(cameraSize: 6, residualSize: 2, seed: 1)
        var normal = try BundleAdjustmentNormalMatrix(pattern: s)
        let other = try system(cameraSize: 6, residualSize: 2, seed: 2)
        #expect(normal.matches(s))
        #expect(!normal.matches(other))
        #expect(throws: LinearSolverError.patternChanged) { try normal.update(other) }
    }
}
