import SLAMSparse

/// JᵀJ of a ``BundleAdjustmentSystem`` as a symmetric CSR matrix (both triangles, every
/// diagonal entry stored): the input of the fp64 reference solve by ``Cholmod``.
///
/// The pattern depends only on which camera and point each observation couples, so it is
/// built once per observation structure; ``update(_:)`` then refills the values from each
/// new linearization, without sorting, which is what LM needs between iterations.
///
/// A camera's c scalar rows share one layout: its own c columns, then three columns for each
/// point it observes, in increasing order. A point's three rows hold c columns for each
/// camera that observes it, in increasing order, then its own three.
public struct BundleAdjustmentNormalMatrix: Sendable {
    /// The matrix, with the values of the last ``update(_:)`` (zero before the first).
    public private(set) var matrix: CSRMatrix<Double>

    private let residualSize: Int
    private let cameraSize: Int
    private let cameraIndex: [Int32]
    private let pointIndex: [Int32]
    /// Slot of the first entry of each camera's (then each point's) first row.
    private let rowStart: [Int]
    /// Entries per row of each camera, then of each point.
    private let rowLength: [Int]
    /// Per observation: offset of its point's block within its camera's rows, and of its
    /// camera's block within its point's rows (-1 when the camera or the point is fixed).
    private let pointOffsetInCameraRow: [Int32]
    private let cameraOffsetInPointRow: [Int32]

    /// Builds the pattern of JᵀJ for the observation structure of `system`, with zero values.
    ///
    /// - Throws: ``LinearSolverError/tooLarge(what:size:limit:)`` when JᵀJ has more entries
    ///   than 32-bit indices (CHOLMOD's and the kernels') reach; nothing large is allocated
    ///   then. ``LinearSolverError/nonFinite(_:)`` if the pattern cannot form a CSR matrix
    ///   (it always can for a validated system).
    public init(pattern system: BundleAdjustmentSystem) throws(LinearSolverError) {
        try self.init(pattern: system, maximumEntries: Int(Int32.max))
    }

    /// ``init(pattern:)`` refusing more than `maximumEntries` entries: tests reach the
    /// refusal without a system of 2³¹ entries.
    package init(pattern system: BundleAdjustmentSystem, maximumEntries: Int) throws(LinearSolverError) {
        let c = system.cameraSize, p = BundleAdjustmentSystem.pointSize
        let cameraCount = system.cameraCount, pointCount = system.pointCount
        residualSize = system.residualSize
        cameraSize = c
        cameraIndex = system.cameraIndex
        pointIndex = system.pointIndex
        // The distinct points of each camera and cameras of each point, sorted.
        var pointsOfCamera = [[Int32]](repeating: [], count: cameraCount)
        var camerasOfPoint = [[Int32]](repeating: [], count: pointCount)
        for k in 0..<system.observationCount where cameraIndex[k] >= 0 && pointIndex[k] >= 0 {
            pointsOfCamera[Int(cameraIndex[k])].append(pointIndex[k])
            camerasOfPoint[Int(pointIndex[k])].append(cameraIndex[k])
        }
        for i in 0..<cameraCount { pointsOfCamera[i] = Array(Set(pointsOfCamera[i])).sorted() }
        for j in 0..<pointCount { camerasOfPoint[j] = Array(Set(camerasOfPoint[j])).sorted() }

        let entries = pointsOfCamera.reduce(0) { $0 + c * (c + p * $1.count) }
            + camerasOfPoint.reduce(0) { $0 + p * (c * $1.count + p) }
        guard entries <= maximumEntries else {
            throw .tooLarge(what: "the bundle-adjustment normal matrix's entries", size: entries, limit: maximumEntries)
        }
        let n = system.columnCount
        var rowStart = [Int](repeating: 0, count: cameraCount + pointCount)
        var rowLength = [Int](repeating: 0, count: cameraCount + pointCount)
        var pointers = [Int32](repeating: 0, count: n + 1)
        var columns: [Int32] = []
        let pointColumn0 = cameraCount * c
        for i in 0..<cameraCount {
            var row = Array(Int32(i * c)..<Int32(i * c + c))
            for j in pointsOfCamera[i] { row += Int32(pointColumn0 + Int(j) * p)..<Int32(pointColumn0 + Int(j) * p + p) }
            rowStart[i] = columns.count
            rowLength[i] = row.count
            for r in 0..<c {
                columns += row
                pointers[i * c + r + 1] = Int32(columns.count)
            }
        }
        for j in 0..<pointCount {
            var row: [Int32] = []
            for i in camerasOfPoint[j] { row += Int32(Int(i) * c)..<Int32(Int(i) * c + c) }
            row += Int32(pointColumn0 + j * p)..<Int32(pointColumn0 + j * p + p)
            rowStart[cameraCount + j] = columns.count
            rowLength[cameraCount + j] = row.count
            for r in 0..<p {
                columns += row
                pointers[pointColumn0 + j * p + r + 1] = Int32(columns.count)
            }
        }
        var pointOffset = [Int32](repeating: -1, count: system.observationCount)
        var cameraOffset = [Int32](repeating: -1, count: system.observationCount)
        for k in 0..<system.observationCount where cameraIndex[k] >= 0 && pointIndex[k] >= 0 {
            let i = Int(cameraIndex[k]), j = Int(pointIndex[k])
            let pointRank = Self.rank(of: pointIndex[k], in: pointsOfCamera[i])
            let cameraRank = Self.rank(of: cameraIndex[k], in: camerasOfPoint[j])
            pointOffset[k] = Int32(c + pointRank * p)
            cameraOffset[k] = Int32(cameraRank * c)
        }
        self.rowStart = rowStart
        self.rowLength = rowLength
        pointOffsetInCameraRow = pointOffset
        cameraOffsetInPointRow = cameraOffset
        do {
            matrix = try CSRMatrix(
                rowCount: n, columnCount: n, rowPointers: pointers, columnIndices: columns,
                values: [Double](repeating: 0, count: columns.count))
        } catch {
            throw .nonFinite("bundle-adjustment normal matrix pattern")
        }
    }

    /// Whether `system` has the observation structure this pattern was built for.
    public func matches(_ system: BundleAdjustmentSystem) -> Bool {
        system.residualSize == residualSize && system.cameraSize == cameraSize
            && system.cameraIndex == cameraIndex && system.pointIndex == pointIndex
    }

    /// Replaces the values by JᵀJ of `system`, which must match the pattern.
    ///
    /// - Throws: ``LinearSolverError/patternChanged`` when `system` does not ``matches(_:)``.
    public mutating func update(_ system: BundleAdjustmentSystem) throws(LinearSolverError) {
        guard matches(system) else { throw .patternChanged }
        try system.checkShape()
        let m = residualSize, c = cameraSize, p = BundleAdjustmentSystem.pointSize
        let cameraCount = system.cameraCount
        var values = matrix.values
        matrix.values = []
        defer { matrix.values = values }
        values.withUnsafeMutableBufferPointer { h in
            for k in h.indices { h[k] = 0 }
            system.cameraBlocks.withUnsafeBufferPointer { cameraBlocks in
                system.pointBlocks.withUnsafeBufferPointer { pointBlocks in
                    for k in 0..<cameraIndex.count {
                        let i = Int(cameraIndex[k]), j = Int(pointIndex[k])
                        let cam = cameraBlocks.baseAddress! + k * m * c, pt = pointBlocks.baseAddress! + k * m * p
                        if i >= 0 {
                            let start = rowStart[i], length = rowLength[i]
                            Self.accumulate(h, at: start, stride: length, cam, c, cam, c, m)
                            if j >= 0 {
                                Self.accumulate(h, at: start + Int(pointOffsetInCameraRow[k]), stride: length, cam, c, pt, p, m)
                            }
                        }
                        if j >= 0 {
                            let start = rowStart[cameraCount + j], length = rowLength[cameraCount + j]
                            Self.accumulate(h, at: start + length - p, stride: length, pt, p, pt, p, m)
                            if i >= 0 {
                                Self.accumulate(h, at: start + Int(cameraOffsetInPointRow[k]), stride: length, pt, p, cam, c, m)
                            }
                        }
                    }
                }
            }
        }
    }

    /// h[at + r·stride + s] += Σ_row a[row, r] b[row, s] for the m × ra block a and the m × rb
    /// block b (row-major).
    private static func accumulate(
        _ h: UnsafeMutableBufferPointer<Double>, at start: Int, stride: Int,
        _ a: UnsafePointer<Double>, _ ra: Int, _ b: UnsafePointer<Double>, _ rb: Int, _ m: Int
    ) {
        let h = h.baseAddress! + start
        if m == 2 {
            // Reprojections: two rows, spelled out so the loop over s vectorizes.
            for r in 0..<ra {
                let a0 = a[r], a1 = a[ra + r], out = h + r * stride
                for s in 0..<rb { out[s] += a0 * b[s] + a1 * b[rb + s] }
            }
            return
        }
        for r in 0..<ra {
            for s in 0..<rb {
                var sum = 0.0
                for row in 0..<m { sum += a[row * ra + r] * b[row * rb + s] }
                h[r * stride + s] += sum
            }
        }
    }

    /// Position of `value` in the sorted `list`, which contains it.
    private static func rank(of value: Int32, in list: [Int32]) -> Int {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
