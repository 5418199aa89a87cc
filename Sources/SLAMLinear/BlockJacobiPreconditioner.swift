import CKernels
import SLAMSparse

/// M = the block diagonal of JᵀJ + D for bundle adjustment: one `cameraSize²` block per camera
/// and one 3×3 block per point, each inverted once in fp64 and applied in fp32 (stored
/// column-major, as `ck_ba_block_diag_mv_f32` reads them).
public struct BlockJacobiPreconditioner: Preconditioner, Sendable {
    /// Number of rows (= columns).
    public let dimension: Int
    private let cameraSize: Int
    private let cameraCount: Int
    private let pointCount: Int
    private let inverses: [Float]

    /// The undamped diagonal blocks of ĴᵀĴ (Ĵ = J C): what does not change while LM tries
    /// several dampings for one linearization.
    public struct Blocks: Sendable {
        let cameraSize: Int
        let cameraCount: Int
        let pointCount: Int
        let cameraBlocks: [Double]
        let pointBlocks: [Double]

        /// Accumulates the camera and point blocks of ĴᵀĴ for `system` with `columnScale`
        /// applied to J's columns.
        ///
        /// - Throws: ``LinearSolverError/dimensionMismatch(expected:actual:)`` when
        ///   `columnScale` does not have one entry per column or the system's arrays do not
        ///   match its observation count.
        public init(_ system: BundleAdjustmentSystem, columnScale: [Double]) throws(LinearSolverError) {
            try system.checkShape()
            guard columnScale.count == system.columnCount else {
                throw .dimensionMismatch(expected: system.columnCount, actual: columnScale.count)
            }
            let c = system.cameraSize, p = BundleAdjustmentSystem.pointSize, m = system.residualSize
            let cameraCount = system.cameraCount, pointCount = system.pointCount
            cameraSize = c
            self.cameraCount = cameraCount
            self.pointCount = pointCount
            let pointOffset = cameraCount * c
            var cameraBlocks = [Double](repeating: 0, count: cameraCount * c * c)
            var pointBlocks = [Double](repeating: 0, count: pointCount * p * p)
            // Unscaled sums first (one pass over the observations, CKernels), the column
            // scale C B C once per block afterwards.
            _ = ck_ba_diag_blocks_f64(
                CK_PATH_AUTO, Int32(c), Int32(m), Int32(cameraCount), Int32(pointCount), Int32(system.observationCount),
                system.cameraIndex, system.pointIndex, system.cameraBlocks, system.pointBlocks, &cameraBlocks,
                &pointBlocks)
            columnScale.withUnsafeBufferPointer { scale in
                cameraBlocks.withUnsafeMutableBufferPointer { out in
                    for camera in 0..<cameraCount {
                        let s = scale.baseAddress! + camera * c, block = out.baseAddress! + camera * c * c
                        for i in 0..<c { for j in 0..<c { block[i * c + j] *= s[i] * s[j] } }
                    }
                }
                pointBlocks.withUnsafeMutableBufferPointer { out in
                    for point in 0..<pointCount {
                        let s = scale.baseAddress! + pointOffset + point * p, block = out.baseAddress! + point * p * p
                        for i in 0..<p { for j in 0..<p { block[i * p + j] *= s[i] * s[j] } }
                    }
                }
            }
            self.cameraBlocks = cameraBlocks
            self.pointBlocks = pointBlocks
        }
    }

    /// Builds the inverse blocks of JᵀJ + diag(damping) for `system`, with `columnScale`
    /// applied to J's columns first (Ĵ = J C).
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` when a block is singular,
    ///   ``LinearSolverError/dimensionMismatch(expected:actual:)`` as ``Blocks/init(_:columnScale:)``.
    public init(_ system: BundleAdjustmentSystem, damping: [Double], columnScale: [Double]) throws(LinearSolverError) {
        try self.init(Blocks(system, columnScale: columnScale), damping: damping)
    }

    /// Inverts the blocks of ĴᵀĴ + diag(damping) from precomputed undamped `blocks`.
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` when a block is singular,
    ///   ``LinearSolverError/dimensionMismatch(expected:actual:)`` for a wrong damping length.
    public init(_ blocks: Blocks, damping: [Double]) throws(LinearSolverError) {
        let c = blocks.cameraSize, p = BundleAdjustmentSystem.pointSize
        let cameraCount = blocks.cameraCount, pointCount = blocks.pointCount
        cameraSize = c
        self.cameraCount = cameraCount
        self.pointCount = pointCount
        dimension = cameraCount * c + pointCount * p
        guard damping.count == cameraCount * c + pointCount * p else {
            throw .dimensionMismatch(expected: cameraCount * c + pointCount * p, actual: damping.count)
        }
        let pointOffset = cameraCount * c
        var inverses = [Float](repeating: 0, count: cameraCount * c * c + pointCount * p * p)
        let pointBase = cameraCount * c * c
        try inverses.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<Float>) throws(LinearSolverError) in
            try withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * c * c) { (scratch: UnsafeMutableBufferPointer<Double>) throws(LinearSolverError) in
                for camera in 0..<cameraCount {
                    for i in 0..<(c * c) { scratch[i] = blocks.cameraBlocks[camera * c * c + i] }
                    for i in 0..<c { scratch[i * c + i] += damping[camera * c + i] }
                    guard Self.invert(scratch.baseAddress!, c, into: out.baseAddress! + camera * c * c) else {
                        throw .notPositiveDefinite(column: camera * c)
                    }
                }
                for point in 0..<pointCount {
                    for i in 0..<(p * p) { scratch[i] = blocks.pointBlocks[point * p * p + i] }
                    for i in 0..<p { scratch[i * p + i] += damping[pointOffset + point * p + i] }
                    guard Self.invert3(scratch.baseAddress!, into: out.baseAddress! + pointBase + point * p * p) else {
                        throw .notPositiveDefinite(column: pointOffset + point * p)
                    }
                }
            }
        }
        self.inverses = inverses
    }

    /// z = M⁻¹ r block by block (CKernels).
    ///
    /// - Throws: ``LinearSolverError/dimensionMismatch(expected:actual:)`` when `r` or `z`
    ///   does not have ``dimension`` entries.
    public func apply(_ r: [Float], into z: inout [Float]) throws(LinearSolverError) {
        guard r.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: r.count) }
        guard z.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: z.count) }
        _ = ck_ba_block_diag_mv_f32(CK_PATH_AUTO, Int32(cameraSize), Int32(cameraCount), Int32(pointCount), inverses, r, &z)
    }

    /// Inverse of a symmetric positive definite 3×3 block by its adjugate, in fp64, stored to
    /// `out` in fp32; false when the block is not positive definite.
    private static func invert3(_ h: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Float>) -> Bool {
        let a = h[0], b = h[1], c = h[2], d = h[4], e = h[5], f = h[8]
        let c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d
        let det = a * c00 + b * c01 + c * c02
        guard a > 0, a * d - b * b > 0, det > 0, det.isFinite else { return false }
        let c11 = a * f - c * c, c12 = b * c - a * e, c22 = a * d - b * b
        let s = 1 / det
        out[0] = Float(c00 * s)
        out[1] = Float(c01 * s)
        out[2] = Float(c02 * s)
        out[3] = Float(c01 * s)
        out[4] = Float(c11 * s)
        out[5] = Float(c12 * s)
        out[6] = Float(c02 * s)
        out[7] = Float(c12 * s)
        out[8] = Float(c22 * s)
        return true
    }

    /// Inverse of the small symmetric positive definite n×n block `a` (overwritten with its
    /// Cholesky factor L, lower triangle) as A⁻¹ = L⁻ᵀ L⁻¹ in fp64, stored column-major to
    /// `out` in fp32 (each solved column contiguous: the kernel scales columns by r's entries);
    /// false when a pivot is not positive. The blocks are at most 9×9, where LAPACK's call
    /// overhead outweighs the arithmetic.
    private static func invert(_ a: UnsafeMutablePointer<Double>, _ n: Int, into out: UnsafeMutablePointer<Float>) -> Bool {
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > 0, d.isFinite else { return false }
            let l = d.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<max(n, j + 1) {
                var v = a[i * n + j]
                for k in 0..<j { v -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = v / l
            }
        }
        // Column by column: solve L y = e_col, then Lᵀ x = y.
        let x = a + n * n
        for column in 0..<n {
            for i in 0..<n {
                var v = i == column ? 1.0 : 0.0
                for k in 0..<i { v -= a[i * n + k] * x[k] }
                x[i] = v / a[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var v = x[i]
                for k in (i + 1)..<max(n, i + 1) { v -= a[k * n + i] * x[k] }
                x[i] = v / a[i * n + i]
            }
            for i in 0..<n { out[column * n + i] = Float(x[i]) }
        }
        return true
    }
}
