/// The Jacobian of a bundle-adjustment problem in observation layout, ready for CGNR.
///
/// Observation `k` contributes residual rows `2k, 2k+1` and two dense blocks: a 2×6 block on
/// pose `poseIndices[k]` and a 2×3 block on landmark `landmarkIndices[k]`. They are stored
/// together as the 2×9 row-major matrix `[P | L]` (18 values per observation), the order both
/// J p (row dot products) and Jᵀ q (two scaled rows added into a pose and a landmark) stream.
/// The unknown vector is `[pose 0 (6), pose 1 (6), …, landmark 0 (3), …]`.
public struct BAJacobian<Scalar: SparseScalar>: Sendable {
    /// Number of poses (6 unknowns each).
    public let poseCount: Int
    /// Number of landmarks (3 unknowns each).
    public let landmarkCount: Int
    /// Pose of each observation.
    public let poseIndices: [Int32]
    /// Landmark of each observation.
    public let landmarkIndices: [Int32]
    /// `[P_k | L_k]` as 2×9 row-major, 18 values per observation.
    public let blocks: [Scalar]

    /// Number of observations.
    public var observationCount: Int { poseIndices.count }
    /// Rows of J: 2 per observation.
    public var rowCount: Int { 2 * observationCount }
    /// Columns of J: 6 per pose then 3 per landmark.
    public var columnCount: Int { 6 * poseCount + 3 * landmarkCount }

    /// Creates a Jacobian after checking indices, lengths and finiteness of the blocks.
    public init(
        poseCount: Int, landmarkCount: Int, poseIndices: [Int32], landmarkIndices: [Int32],
        blocks: [Scalar]
    ) throws(SparseError) {
        guard poseCount >= 0, landmarkCount >= 0, poseCount < Int(Int32.max) / 6, landmarkCount < Int(Int32.max) / 3 else {
            throw .shapeMismatch("\(poseCount) poses, \(landmarkCount) landmarks")
        }
        guard landmarkIndices.count == poseIndices.count else {
            throw .shapeMismatch("\(poseIndices.count) pose indices, \(landmarkIndices.count) landmark indices")
        }
        guard blocks.count == 18 * poseIndices.count else {
            throw .shapeMismatch("\(blocks.count) block values for \(poseIndices.count) observations (18 each)")
        }
        for k in poseIndices.indices {
            guard poseIndices[k] >= 0, Int(poseIndices[k]) < poseCount else {
                throw .indexOutOfBounds(row: 2 * k, column: Int(poseIndices[k]))
            }
            guard landmarkIndices[k] >= 0, Int(landmarkIndices[k]) < landmarkCount else {
                throw .indexOutOfBounds(row: 2 * k, column: Int(landmarkIndices[k]))
            }
        }
        for (k, value) in blocks.enumerated() where !value.isFinite { throw .nonFinite(index: k) }
        self.poseCount = poseCount
        self.landmarkCount = landmarkCount
        self.poseIndices = poseIndices
        self.landmarkIndices = landmarkIndices
        self.blocks = blocks
    }

    init(unchecked poseCount: Int, _ landmarkCount: Int, _ poseIndices: [Int32], _ landmarkIndices: [Int32], _ blocks: [Scalar]) {
        self.poseCount = poseCount
        self.landmarkCount = landmarkCount
        self.poseIndices = poseIndices
        self.landmarkIndices = landmarkIndices
        self.blocks = blocks
    }

    /// r = J x, or r += J x when `accumulate` is true (`x` has ``columnCount`` entries, `r`
    /// has ``rowCount``). Allocation-free.
    /// - Throws: ``SparseError/dimensionMismatch(expected:actual:)``,
    ///   ``SparseError/unsupportedKernelPath(_:)``.
    public func multiply(
        _ x: [Scalar.VectorScalar], into r: inout [Scalar.VectorScalar], accumulate: Bool = false,
        options: KernelOptions = KernelOptions()
    ) throws(SparseError) {
        guard x.count == columnCount else { throw .dimensionMismatch(expected: columnCount, actual: x.count) }
        guard r.count == rowCount else { throw .dimensionMismatch(expected: rowCount, actual: r.count) }
        let landmarkOffset = 6 * poseCount * MemoryLayout<Scalar.VectorScalar>.stride
        let status = poseIndices.withUnsafeBufferPointer { pi in
            landmarkIndices.withUnsafeBufferPointer { li in
                blocks.withUnsafeBytes { b in
                    x.withUnsafeBytes { xb in
                        r.withUnsafeMutableBytes { rb in
                            KernelBridge.baProduct(
                                Scalar.self, accumulate: accumulate, observations: observationCount,
                                poseIndices: pi.baseAddress, landmarkIndices: li.baseAddress,
                                blocks: b.baseAddress, posePart: xb.baseAddress,
                                landmarkPart: xb.baseAddress.map { $0 + landmarkOffset },
                                r: rb.baseAddress, options: options)
                        }
                    }
                }
            }
        }
        try KernelBridge.check(status, options)
    }

    /// g = Jᵀ q, or g += Jᵀ q when `accumulate` is true (`q` has ``rowCount`` entries, `g`
    /// has ``columnCount``). Allocation-free. Same errors as ``multiply(_:into:accumulate:options:)``.
    public func multiplyTransposed(
        _ q: [Scalar.VectorScalar], into g: inout [Scalar.VectorScalar], accumulate: Bool = false,
        options: KernelOptions = KernelOptions()
    ) throws(SparseError) {
        guard q.count == rowCount else { throw .dimensionMismatch(expected: rowCount, actual: q.count) }
        guard g.count == columnCount else { throw .dimensionMismatch(expected: columnCount, actual: g.count) }
        let landmarkOffset = 6 * poseCount * MemoryLayout<Scalar.VectorScalar>.stride
        let status = poseIndices.withUnsafeBufferPointer { pi in
            landmarkIndices.withUnsafeBufferPointer { li in
                blocks.withUnsafeBytes { b in
                    q.withUnsafeBytes { qb in
                        g.withUnsafeMutableBytes { gb in
                            KernelBridge.baTransposedProduct(
                                Scalar.self, accumulate: accumulate, observations: observationCount,
                                poses: poseCount, landmarks: landmarkCount,
                                poseIndices: pi.baseAddress, landmarkIndices: li.baseAddress,
                                blocks: b.baseAddress, q: qb.baseAddress, posePart: gb.baseAddress,
                                landmarkPart: gb.baseAddress.map { $0 + landmarkOffset },
                                options: options)
                        }
                    }
                }
            }
        }
        try KernelBridge.check(status, options)
    }

    /// The same Jacobian with blocks stored as `T`, and what the narrowing did.
    ///
    /// - Throws: ``SparseError/conversionOverflow(_:)``: equilibrate columns first.
    public func converted<T: SparseScalar>(
        to type: T.Type, path: KernelPath? = nil
    ) throws(SparseError) -> (jacobian: BAJacobian<T>, report: ConversionReport) {
        let (converted, report) = try PrecisionConversion.convert(blocks, to: type, path: path)
        return (BAJacobian<T>(unchecked: poseCount, landmarkCount, poseIndices, landmarkIndices, converted), report)
    }
}
