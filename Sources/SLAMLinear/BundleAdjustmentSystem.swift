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
    public private(set) var cameraIndex: [Int32]
    /// Free-point index of each observation, or -1 when that point is fixed.
    public private(set) var pointIndex: [Int32]
    /// Camera blocks, `residualSize × cameraSize` row-major per observation. Writable in place
    /// (a linearization refills them); every solver checks the lengths of the blocks and
    /// residuals (``checkShape()``) before a kernel reads them.
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
    ///
    /// - Throws: ``LinearSolverError/invalidOption(_:)`` for sizes or counts out of range
    ///   (sizes ≥ 1, counts ≥ 0, every row and column count below 2³¹, the kernels'
    ///   `int32_t`), ``LinearSolverError/dimensionMismatch(expected:actual:)`` for index
    ///   arrays of different lengths or an index out of range.
    public init(
        residualSize: Int = 2, cameraSize: Int, cameraCount: Int, pointCount: Int,
        cameraIndex: [Int32], pointIndex: [Int32]
    ) throws(LinearSolverError) {
        guard (1...64).contains(residualSize), (1...64).contains(cameraSize), cameraCount >= 0, pointCount >= 0,
              fitsKernelIndex(cameraCount, times: cameraSize), fitsKernelIndex(pointCount, times: Self.pointSize),
              fitsKernelIndex(cameraIndex.count, times: residualSize * cameraSize),
              cameraCount * cameraSize + pointCount * Self.pointSize < Int(Int32.max)
        else {
            throw .invalidOption(
                "bundle-adjustment system: residual size \(residualSize), camera size \(cameraSize), "
                    + "\(cameraCount) cameras, \(pointCount) points, \(cameraIndex.count) observations")
        }
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

    /// Checks that the blocks and residuals still have the lengths of ``observationCount``
    /// observations: they are writable, and the kernels read them by observation.
    ///
    /// - Throws: ``LinearSolverError/dimensionMismatch(expected:actual:)`` naming the first
    ///   array of the wrong length.
    public func checkShape() throws(LinearSolverError) {
        let n = observationCount
        for (count, expected) in [
            (cameraBlocks.count, n * residualSize * cameraSize), (pointBlocks.count, n * residualSize * Self.pointSize),
            (residuals.count, n * residualSize),
        ] where count != expected {
            throw .dimensionMismatch(expected: expected, actual: count)
        }
    }

    /// g = Jᵀ r, cameras then points. Throws as ``checkShape()``.
    public func gradient() throws(LinearSolverError) -> [Double] { try gradientAndDiagonal().gradient }

    /// diag(JᵀJ), cameras then points: the LM damping scale. Throws as ``checkShape()``.
    public func hessianDiagonal() throws(LinearSolverError) -> [Double] { try gradientAndDiagonal().diagonal }

    /// g = Jᵀ r and diag(JᵀJ) in one pass over J (`ck_ba_gradient_diag_f64`), cameras then
    /// points. Throws as ``checkShape()``.
    public func gradientAndDiagonal() throws(LinearSolverError) -> (gradient: [Double], diagonal: [Double]) {
        try checkShape()
        var g = [Double](repeating: 0, count: columnCount), d = g
        _ = ck_ba_gradient_diag_f64(
            Int32(cameraSize), Int32(residualSize), Int32(cameraCount), Int32(pointCount), Int32(observationCount),
            cameraIndex, pointIndex, cameraBlocks, pointBlocks, residuals, &g, &d)
        return (g, d)
    }

    /// ‖J x‖² in fp64 (`ck_ba_jx_norm2_f64`); x has ``columnCount`` entries, cameras first.
    ///
    /// - Throws: ``LinearSolverError/dimensionMismatch(expected:actual:)`` for a wrong length
    ///   of `x`, or as ``checkShape()``.
    public func jacobianProductNormSquared(_ x: [Double]) throws(LinearSolverError) -> Double {
        try checkShape()
        guard x.count == columnCount else { throw .dimensionMismatch(expected: columnCount, actual: x.count) }
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
