import SLAMSparse

/// M = the block diagonal of JᵀJ + D for bundle adjustment: one `cameraSize²` block per camera
/// and one 3×3 block per point, each inverted once in fp64 and applied in fp32.
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
        public init(_ system: BundleAdjustmentSystem, columnScale: [Double]) {
            let c = system.cameraSize, p = BundleAdjustmentSystem.pointSize, m = system.residualSize
            cameraSize = c
            cameraCount = system.cameraCount
            pointCount = system.pointCount
            let pointOffset = cameraCount * c
            var cameraBlocks = [Double](repeating: 0, count: cameraCount * c * c)
            var pointBlocks = [Double](repeating: 0, count: pointCount * p * p)
            for k in 0..<system.observationCount {
                let camera = Int(system.cameraIndex[k]), point = Int(system.pointIndex[k])
                for row in 0..<m {
                    if camera >= 0 {
                        let base = (k * m + row) * c
                        for i in 0..<c {
                            let a = system.cameraBlocks[base + i] * columnScale[camera * c + i]
                            for j in 0..<c {
                                cameraBlocks[camera * c * c + i * c + j] += a * system.cameraBlocks[base + j] * columnScale[camera * c + j]
                            }
                        }
                    }
                    if point >= 0 {
                        let base = (k * m + row) * p
                        for i in 0..<p {
                            let a = system.pointBlocks[base + i] * columnScale[pointOffset + point * p + i]
                            for j in 0..<p {
                                pointBlocks[point * p * p + i * p + j] += a * system.pointBlocks[base + j] * columnScale[pointOffset + point * p + j]
                            }
                        }
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
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` when a block is singular.
    public init(_ system: BundleAdjustmentSystem, damping: [Double], columnScale: [Double]) throws(LinearSolverError) {
        try self.init(Blocks(system, columnScale: columnScale), damping: damping)
    }

    /// Inverts the blocks of ĴᵀĴ + diag(damping) from precomputed undamped `blocks`.
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` when a block is singular,
    ///   ``LinearSolverError/dimensionMismatch(expected:actual:)`` for a wrong damping length.
    public init(_ blocks: Blocks, damping: [Double]) throws(LinearSolverError) {
        let c = blocks.cameraSize, p = BundleAdjustmentSystem.pointSize
        cameraSize = c
        cameraCount = blocks.cameraCount
        pointCount = blocks.pointCount
        dimension = cameraCount * c + pointCount * p
        guard damping.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: damping.count) }
        let pointOffset = cameraCount * c
        var inverses = [Float](repeating: 0, count: cameraCount * c * c + pointCount * p * p)
        for camera in 0..<cameraCount {
            var block = Array(blocks.cameraBlocks[(camera * c * c)..<((camera + 1) * c * c)])
            for i in 0..<c { block[i * c + i] += damping[camera * c + i] }
            let inverse = try Self.invert(block, c, column: camera * c)
            for i in 0..<(c * c) { inverses[camera * c * c + i] = Float(inverse[i]) }
        }
        let pointBase = cameraCount * c * c
        for point in 0..<pointCount {
            var block = Array(blocks.pointBlocks[(point * p * p)..<((point + 1) * p * p)])
            for i in 0..<p { block[i * p + i] += damping[pointOffset + point * p + i] }
            let inverse = try Self.invert(block, p, column: pointOffset + point * p)
            for i in 0..<(p * p) { inverses[pointBase + point * p * p + i] = Float(inverse[i]) }
        }
        self.inverses = inverses
    }

    /// z = M⁻¹ r block by block.
    public func apply(_ r: [Float], into z: inout [Float]) {
        let c = cameraSize, p = BundleAdjustmentSystem.pointSize
        for camera in 0..<cameraCount {
            let o = camera * c, base = camera * c * c
            for i in 0..<c {
                var sum: Float = 0
                for j in 0..<c { sum += inverses[base + i * c + j] * r[o + j] }
                z[o + i] = sum
            }
        }
        let pointOffset = cameraCount * c, pointBase = cameraCount * c * c
        for point in 0..<pointCount {
            let o = pointOffset + point * p, base = pointBase + point * p * p
            for i in 0..<p {
                var sum: Float = 0
                for j in 0..<p { sum += inverses[base + i * p + j] * r[o + j] }
                z[o + i] = sum
            }
        }
    }

    /// Inverse of a small symmetric positive definite block by Cholesky (column-major LAPACK).
    private static func invert(_ block: [Double], _ n: Int, column: Int) throws(LinearSolverError) -> [Double] {
        let factor: DenseCholesky
        do {
            factor = try DenseCholesky(columnMajor: block, dimension: n)
        } catch {
            throw .notPositiveDefinite(column: column)
        }
        var identity = [Double](repeating: 0, count: n * n)
        for i in 0..<n { identity[i * n + i] = 1 }
        try factor.solve(&identity, columns: n)
        return identity
    }
}
