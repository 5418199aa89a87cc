@testable import SLAMLinear
import MixedSLAMTestSupport
import SLAMSparse

/// A symmetric positive definite block matrix shaped like a pose-graph Hessian: a chain of
/// `poses` blocks plus `loops` random long-range couplings, made diagonally dominant.
func poseGraphHessian(poses: Int, blockSize b: Int, loops: Int, seed: UInt64) throws -> BlockCSRMatrix<Double> {
    var random = SeededGenerator(seed: seed)
    var pairs = Set<[Int]>()
    for i in 0..<(poses - 1) { pairs.insert([i, i + 1]) }
    while pairs.count < poses - 1 + loops {
        let i = Int(random.next() % UInt64(poses)), j = Int(random.next() % UInt64(poses))
        if i != j { pairs.insert([min(i, j), max(i, j)]) }
    }
    var blocks: [[Int]: [Double]] = [:]
    var rowSums = [Double](repeating: 0, count: poses * b)
    for pair in pairs {
        let block = (0..<(b * b)).map { _ in random.uniform() }
        blocks[pair] = block
        var transposed = [Double](repeating: 0, count: b * b)
        for r in 0..<b { for c in 0..<b { transposed[c * b + r] = block[r * b + c] } }
        blocks[[pair[1], pair[0]]] = transposed
        for r in 0..<b {
            for c in 0..<b {
                rowSums[pair[0] * b + r] += abs(block[r * b + c])
                rowSums[pair[1] * b + c] += abs(block[r * b + c])
            }
        }
    }
    for i in 0..<poses {
        var block = [Double](repeating: 0, count: b * b)
        for r in 0..<b {
            for c in 0..<b where c != r {
                let v = 0.1 * (random.uniform() + random.uniform())
                block[r * b + c] += v
                block[c * b + r] += v
            }
        }
        for r in 0..<b {
            let offDiagonal = (0..<b).reduce(0.0) { $0 + ($1 == r ? 0 : abs(block[r * b + $1])) }
            block[r * b + r] = rowSums[i * b + r] + offDiagonal + 1 + random.uniform()
        }
        blocks[[i, i]] = block
    }
    let keys = blocks.keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
    var pointers = [Int32](repeating: 0, count: poses + 1)
    var columns: [Int32] = []
    var values: [Double] = []
    for key in keys {
        pointers[key[0] + 1] += 1
        columns.append(Int32(key[1]))
        values += blocks[key]!
    }
    for i in 0..<poses { pointers[i + 1] += pointers[i] }
    return try BlockCSRMatrix(
        blockSize: b, blockRowCount: poses, blockColumnCount: poses,
        blockRowPointers: pointers, blockColumnIndices: columns, values: values)
}

/// Dense column-major copy of a symmetric source (symmetric, so row-major is the same).
func denseColumnMajor(_ m: BlockCSRMatrix<Double>) -> [Double] {
    let n = m.rowCount
    var dense = [Double](repeating: 0, count: n * n)
    m.forEachEntry { row, column, k in dense[column * n + row] = m.values[k] }
    return dense
}

/// A random BA window: `cameras` cameras (and, with `fixedCamera`, a fixed one, index −1) and
/// `points` points; a (camera, point) pair is observed when a uniform draw in [−1, 1) exceeds
/// `pairThreshold` (camera 0 sees every point with `firstCameraSeesAll`). Camera blocks are
/// uniform in ±`cameraScale`, point blocks and residuals in ±1.
func randomBundleAdjustmentSystem(
    cameraSize: Int = 6, cameras: Int = 6, points: Int = 25, fixedCamera: Bool = true,
    firstCameraSeesAll: Bool = false, pairThreshold: Double = -0.2, cameraScale: Double = 1, seed: UInt64
) throws -> BundleAdjustmentSystem {
    var random = SeededGenerator(seed: seed)
    var cameraIndex: [Int32] = [], pointIndex: [Int32] = []
    for camera in (fixedCamera ? -1 : 0)..<cameras {
        for point in 0..<points where (firstCameraSeesAll && camera == 0) || random.uniform() > pairThreshold {
            cameraIndex.append(Int32(camera))
            pointIndex.append(Int32(point))
        }
    }
    var system = try BundleAdjustmentSystem(
        cameraSize: cameraSize, cameraCount: cameras, pointCount: points,
        cameraIndex: cameraIndex, pointIndex: pointIndex)
    for k in system.cameraBlocks.indices { system.cameraBlocks[k] = random.uniform() * cameraScale }
    for k in system.pointBlocks.indices { system.pointBlocks[k] = random.uniform() }
    for k in system.residuals.indices { system.residuals[k] = random.uniform() }
    return system
}
