import MixedSLAMTestSupport
import SLAMSparse

/// Paths this CPU runs; every kernel test loops over them.
let supportedPaths = KernelPath.allCases.filter(\.isSupported)

/// One storage/arithmetic variant of a kernel under test.
struct Variant: CustomStringConvertible, Sendable {
    let storage: Precision
    let half: HalfArithmetic
    /// Unit roundoff bounding every rounding the variant performs (storage, vector cast,
    /// arithmetic): the `u` of the γ bound.
    var unitRoundoff: Double {
        switch storage {
        case .fp64: return Precision.fp64.unitRoundoff
        case .fp32: return Precision.fp32.unitRoundoff
        case .fp16: return Precision.fp16.unitRoundoff
        }
    }
    var description: String { storage == .fp16 ? "fp16/\(half.rawValue)" : storage.rawValue }
    static let all = [
        Variant(storage: .fp64, half: .float32), Variant(storage: .fp32, half: .float32),
        Variant(storage: .fp16, half: .float32), Variant(storage: .fp16, half: .float16),
    ]
}

/// A random m×n CSR matrix with about `density` of its entries stored, values in [-1, 1].
func randomCSR(rows: Int, columns: Int, density: Double, seed: UInt64) throws -> CSRMatrix<Double> {
    var rng = SeededGenerator(seed: seed)
    var triplets: [(row: Int, column: Int, value: Double)] = []
    for r in 0..<rows {
        for c in 0..<columns where Double.random(in: 0..<1, using: &rng) < density {
            triplets.append((r, c, rng.uniform()))
        }
    }
    return try CSRMatrix(rowCount: rows, columnCount: columns, triplets: triplets)
}

/// A pose-graph Hessian H = Σ Jₑᵀ Jₑ (full symmetric, block CSR): odometry edges i→i+1, loop
/// edges i→i+stride, and a prior on pose 0. Edge Jacobians are random B×B blocks plus the
/// identity (as a Lie-group Jacobian is), so H is symmetric positive definite.
func poseGraphHessian(poses: Int, blockSize b: Int, loopStride: Int, seed: UInt64) throws -> BlockCSRMatrix<Double> {
    var rng = SeededGenerator(seed: seed)
    var edges: [(Int, Int)] = (0..<(poses - 1)).map { ($0, $0 + 1) }
    var i = 0
    while i + loopStride < poses { edges.append((i, i + loopStride)); i += loopStride / 2 + 1 }
    var blocks: [Int: [Double]] = [:]  // key = row * poses + column
    func add(_ r: Int, _ c: Int, _ m: [Double]) {
        var cur = blocks[r * poses + c] ?? [Double](repeating: 0, count: b * b)
        for t in 0..<(b * b) { cur[t] += m[t] }
        blocks[r * poses + c] = cur
    }
    func atb(_ a: [Double], _ c: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: b * b)
        for r in 0..<b { for col in 0..<b { for t in 0..<b { out[r * b + col] += a[t * b + r] * c[t * b + col] } } }
        return out
    }
    var identity = [Double](repeating: 0, count: b * b)
    for r in 0..<b { identity[r * b + r] = 1 }
    add(0, 0, identity)
    for (p, q) in edges {
        var ja = [Double](repeating: 0, count: b * b), jb = ja
        for t in 0..<(b * b) { ja[t] = 0.5 * rng.uniform() + identity[t]; jb[t] = 0.5 * rng.uniform() - identity[t] }
        add(p, p, atb(ja, ja)); add(q, q, atb(jb, jb)); add(p, q, atb(ja, jb)); add(q, p, atb(jb, ja))
    }
    var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
    for r in 0..<poses {
        for c in 0..<poses { if let m = blocks[r * poses + c] { columns.append(Int32(c)); values += m } }
        pointers.append(Int32(columns.count))
    }
    return try BlockCSRMatrix(
        blockSize: b, blockRowCount: poses, blockColumnCount: poses, blockRowPointers: pointers,
        blockColumnIndices: columns, values: values)
}

/// The scalar CSR form of a block matrix (same entries, block structure forgotten).
func flatten(_ m: BlockCSRMatrix<Double>) throws -> CSRMatrix<Double> {
    var triplets: [(row: Int, column: Int, value: Double)] = []
    let b = m.blockSize
    for i in 0..<m.blockRowCount {
        for k in Int(m.blockRowPointers[i])..<Int(m.blockRowPointers[i + 1]) {
            let j = Int(m.blockColumnIndices[k])
            for r in 0..<b { for c in 0..<b { triplets.append((i * b + r, j * b + c, m.values[k * b * b + r * b + c])) } }
        }
    }
    return try CSRMatrix(rowCount: m.rowCount, columnCount: m.columnCount, triplets: triplets)
}

/// A random BA Jacobian: every landmark seen by `perLandmark` random poses.
func randomBAJacobian(poses: Int, landmarks: Int, perLandmark: Int, seed: UInt64) throws -> BAJacobian<Double> {
    var rng = SeededGenerator(seed: seed)
    var poseIndices: [Int32] = [], landmarkIndices: [Int32] = [], blocks: [Double] = []
    for l in 0..<landmarks {
        for _ in 0..<perLandmark {
            poseIndices.append(Int32(Int.random(in: 0..<poses, using: &rng)))
            landmarkIndices.append(Int32(l))
            for _ in 0..<18 { blocks.append(rng.uniform()) }
        }
    }
    return try BAJacobian(
        poseCount: poses, landmarkCount: landmarks, poseIndices: poseIndices,
        landmarkIndices: landmarkIndices, blocks: blocks)
}

/// A random vector in [-1, 1] stored as `V` (so the reference uses exactly these values).
func randomVector<V: SparseScalar>(_ n: Int, as _: V.Type, seed: UInt64) -> [V] {
    var rng = SeededGenerator(seed: seed)
    return (0..<n).map { _ in V(rng.uniform()) }
}

/// Converts a stored array to Double for references.
func wide<V: BinaryFloatingPoint>(_ v: [V]) -> [Double] { v.map { Double($0) } }

/// A random rectangular block matrix with some empty block rows (every third) and random
/// block columns, values in [-1, 1].
func randomBSR(blockSize b: Int, blockRows: Int, blockColumns: Int, seed: UInt64) throws -> BlockCSRMatrix<Double> {
    var rng = SeededGenerator(seed: seed)
    var pointers: [Int32] = [0], columns: [Int32] = [], values: [Double] = []
    for i in 0..<blockRows {
        if i % 3 != 2 {
            for j in 0..<blockColumns where Double.random(in: 0..<1, using: &rng) < 0.5 {
                columns.append(Int32(j))
                for _ in 0..<(b * b) { values.append(rng.uniform()) }
            }
        }
        pointers.append(Int32(columns.count))
    }
    return try BlockCSRMatrix(
        blockSize: b, blockRowCount: blockRows, blockColumnCount: blockColumns,
        blockRowPointers: pointers, blockColumnIndices: columns, values: values)
}
