import CKernels
import SLAMSparse

/// A linearized bundle-adjustment problem in fp64: the whitened Jacobian in its natural
/// observation-row layout, and the residual.
///
/// Observation k contributes `residualSize` rows (2 for a reprojection) with a dense block
/// for its camera (`residualSize × cameraSize`, row-major) and one for its point
/// (`residualSize × 3`). A camera or point held fixed has index -1 in its observation and
/// no columns. Columns are ordered cameras first, then points.
public struct BundleAdjustmentSystem: Sendable {
    /// Rows per observation.
    public let residualSize: Int
    /// Tangent dimension of a camera (6 for SE(3) poses, 9 for BAL cameras).
    public let cameraSize: Int
    /// Number of free cameras.
    public let cameraCount: Int
    /// Number of free points.
    public let pointCount: Int
    /// Free-camera index of each observation, or -1 when that camera is fixed.
    public var cameraIndex: [Int32]
    /// Free-point index of each observation, or -1 when that point is fixed.
    public var pointIndex: [Int32]
    /// Camera blocks, `residualSize × cameraSize` row-major per observation.
    public var cameraBlocks: [Double]
    /// Point blocks, `residualSize × 3` row-major per observation.
    public var pointBlocks: [Double]
    /// Whitened residuals, `residualSize` per observation.
    public var residuals: [Double]

    /// Point tangent dimension.
    public static let pointSize = 3

    /// Number of observations.
    public var observationCount: Int { cameraIndex.count }
    /// Number of unknowns: cameras then points.
    public var columnCount: Int { cameraCount * cameraSize + pointCount * Self.pointSize }

    /// Creates a system with zeroed blocks for the given observation structure.
    public init(
        residualSize: Int = 2, cameraSize: Int, cameraCount: Int, pointCount: Int,
        cameraIndex: [Int32], pointIndex: [Int32]
    ) throws(LinearSolverError) {
        guard cameraIndex.count == pointIndex.count else {
            throw .dimensionMismatch(expected: cameraIndex.count, actual: pointIndex.count)
        }
        for c in cameraIndex where c < -1 || Int(c) >= cameraCount {
            throw .dimensionMismatch(expected: cameraCount, actual: Int(c))
        }
        for p in pointIndex where p < -1 || Int(p) >= pointCount {
            throw .dimensionMismatch(expected: pointCount, actual: Int(p))
        }
        self.residualSize = residualSize
        self.cameraSize = cameraSize
        self.cameraCount = cameraCount
        self.pointCount = pointCount
        self.cameraIndex = cameraIndex
        self.pointIndex = pointIndex
        let n = cameraIndex.count
        cameraBlocks = [Double](repeating: 0, count: n * residualSize * cameraSize)
        pointBlocks = [Double](repeating: 0, count: n * residualSize * Self.pointSize)
        residuals = [Double](repeating: 0, count: n * residualSize)
    }

    /// g = Jᵀ r, cameras then points.
    public func gradient() -> [Double] { gradientAndDiagonal().gradient }

    /// diag(JᵀJ), cameras then points: the LM damping scale.
    public func hessianDiagonal() -> [Double] { gradientAndDiagonal().diagonal }

    /// g = Jᵀ r and diag(JᵀJ) in one pass over J (`ck_ba_gradient_diag_f64`), cameras then
    /// points.
    public func gradientAndDiagonal() -> (gradient: [Double], diagonal: [Double]) {
        var g = [Double](repeating: 0, count: columnCount), d = g
        _ = ck_ba_gradient_diag_f64(
            Int32(cameraSize), Int32(residualSize), Int32(cameraCount), Int32(pointCount), Int32(observationCount),
            cameraIndex, pointIndex, cameraBlocks, pointBlocks, residuals, &g, &d)
        return (g, d)
    }

    /// ‖J x‖² in fp64 (`ck_ba_jx_norm2_f64`); x has ``columnCount`` entries, cameras first.
    public func jacobianProductNormSquared(_ x: [Double]) -> Double {
        precondition(x.count == columnCount, "BundleAdjustmentSystem: dimension mismatch")
        return ck_ba_jx_norm2_f64(
            Int32(cameraSize), Int32(residualSize), Int32(cameraCount), Int32(observationCount),
            cameraIndex, pointIndex, cameraBlocks, pointBlocks, x)
    }
}

extension BundleAdjustmentSystem {
    /// JᵀJ as a symmetric CSR matrix with both triangles and every diagonal entry stored:
    /// the input of the fp64 reference solve by ``Cholmod``. Keep a
    /// ``BundleAdjustmentNormalMatrix`` instead to refill the same pattern after each
    /// linearization.
    public func normalMatrix() throws(LinearSolverError) -> CSRMatrix<Double> {
        var normal = try BundleAdjustmentNormalMatrix(pattern: self)
        try normal.update(self)
        return normal.matrix
    }
}
