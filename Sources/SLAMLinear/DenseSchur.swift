import CKernels
import CLapack
import SLAMSparse

/// Solves the damped bundle-adjustment normal equations (JᵀJ + diag(d)) δ = −Jᵀ r by
/// eliminating the points (Schur complement) and factoring the dense reduced camera system
/// with LAPACK: the classic BA solver, in fp64.
///
/// Points are independent given the cameras, so their 3×3 blocks are inverted one by one;
/// the reduced system S = Hcc − Hcp Hpp⁻¹ Hpc is only (cameras × cameraSize)² and dense. The
/// elimination runs in the CKernels Schur kernel (`ck_ba_schur_f64`); the solver keeps its
/// workspaces (S, the point inverses, the observation-by-point lists) for the next solve.
///
/// S takes 8 n² bytes and its factorization n³/3 flops for n = cameras × camera size, so the
/// solver refuses systems past ``maximumDimension`` before allocating anything; larger
/// problems belong to a sparse factorization (``Cholmod`` on the full normal equations,
/// which ``BundleAdjustmentStepSolver`` switches to) or to CGNR.
public struct DenseSchur: Sendable {
    /// The default of ``maximumDimension``: 8,192 (S of 512 MiB; its factorization takes
    /// several seconds on one core).
    public static let defaultMaximumDimension = 8192

    /// Largest reduced camera system (cameras × camera size) the solver forms. Default
    /// ``defaultMaximumDimension``.
    public var maximumDimension: Int

    /// Seconds spent forming S and eliminating points in the last solve.
    public private(set) var eliminationSeconds = 0.0
    /// Seconds spent factoring and solving S in the last solve.
    public private(set) var factorSeconds = 0.0

    private var reduced: [Double] = []
    private var pointInverses: [Double] = []
    private var pointStart: [Int32] = []
    private var byPoint: [Int32] = []
    private var work: [Double] = []
    private var packed32: [Float] = []
    private var work32: [Float] = []
    private var cameraColumns: [Int32] = []

    /// Creates a solver that forms reduced camera systems of at most `maximumDimension`.
    public init(maximumDimension: Int = DenseSchur.defaultMaximumDimension) {
        self.maximumDimension = maximumDimension
    }

    /// Whether the reduced camera system of `system` is within ``maximumDimension``.
    public func accepts(_ system: BundleAdjustmentSystem) -> Bool {
        system.cameraCount * system.cameraSize <= maximumDimension
    }

    private func checkDimension(_ system: BundleAdjustmentSystem) throws(LinearSolverError) {
        guard accepts(system) else {
            throw .tooLarge(
                what: "the dense reduced camera system (cameras × camera size)",
                size: system.cameraCount * system.cameraSize, limit: maximumDimension)
        }
    }

    /// Returns δ (cameras then points) solving (JᵀJ + diag(damping)) δ = −Jᵀ r.
    ///
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` when a point block or the
    ///   reduced camera system is not positive definite (raise the damping),
    ///   ``LinearSolverError/nonFinite(_:)`` when the system holds NaN or infinity,
    ///   ``LinearSolverError/tooLarge(what:size:limit:)`` past ``maximumDimension``.
    public mutating func solve(_ system: BundleAdjustmentSystem, damping: [Double]) throws(LinearSolverError) -> [Double] {
        try solve(system, gradient: try system.gradient(), damping: damping)
    }

    /// ``solve(_:damping:)`` with g = Jᵀ r already computed (the step solver keeps it per
    /// linearization).
    public mutating func solve(
        _ system: BundleAdjustmentSystem, gradient g: [Double], damping: [Double]
    ) throws(LinearSolverError) -> [Double] {
        let start = ContinuousClock.now
        let cameraColumnCount = system.cameraCount * system.cameraSize
        var rhs = try eliminate(system, gradient: g, damping: damping)
        let eliminated = ContinuousClock.now
        var delta = [Double](repeating: 0, count: system.columnCount)
        if cameraColumnCount > 0 {
            try DenseCholesky.factorAndSolve(&reduced, dimension: cameraColumnCount, &rhs)
            for i in 0..<cameraColumnCount { delta[i] = rhs[i] }
        }
        let solved = ContinuousClock.now
        backSubstitute(system, g, &delta)
        guard delta.allSatisfy(\.isFinite) else { throw .nonFinite("Schur-complement step") }
        let end = ContinuousClock.now
        eliminationSeconds = (eliminated - start).seconds + (end - solved).seconds
        factorSeconds = (solved - eliminated).seconds
        return delta
    }

    /// Writes the lower Cholesky factor L (column-major, fp32; the upper triangle is garbage)
    /// of the damped reduced camera system S = (Hcc + Dc) − Hcp (Hpp + Dp)⁻¹ Hpc into
    /// `factor`: CGNR's ``CGNR/Preconditioning/laggedSchur``.
    ///
    /// S is formed and factored in fp32 (`ck_ba_schur_s_f32`, `spotrf`), half the memory
    /// traffic of the fp64 elimination, which is enough for a preconditioner. When the fp32
    /// factorization breaks down (S positive definite but too ill-conditioned for fp32), S is
    /// formed and factored in fp64 and L rounded to fp32.
    ///
    /// - Returns: the precision S was factored in.
    /// - Throws: ``LinearSolverError/notPositiveDefinite(column:)`` as ``solve(_:damping:)``,
    ///   ``LinearSolverError/nonFinite(_:)`` for a non-finite factor,
    ///   ``LinearSolverError/tooLarge(what:size:limit:)`` past ``maximumDimension``.
    @discardableResult
    public mutating func reducedCameraFactor(
        _ system: BundleAdjustmentSystem, damping: [Double], into factor: inout [Float]
    ) throws(LinearSolverError) -> Precision {
        try system.checkShape()
        try checkDimension(system)
        let c = system.cameraSize, n = system.cameraCount * c
        guard damping.count == system.columnCount else {
            throw .dimensionMismatch(expected: system.columnCount, actual: damping.count)
        }
        let maxObservations = groupByPoint(system)
        if factor.count != n * n { factor = [Float](repeating: 0, count: n * n) }
        resize(&packed32, Self.packedCount(system))
        resize(&work32, 6 * Self.paddedRows(c) * maxObservations)
        resize(&cameraColumns, maxObservations)
        var failed: Int32 = -1
        let status = ck_ba_schur_s_f32(
            CK_PATH_AUTO, Int32(c), Int32(system.residualSize), Int32(system.cameraCount), Int32(system.pointCount),
            Int32(system.observationCount), system.cameraIndex, pointStart, byPoint, system.cameraBlocks,
            system.pointBlocks, damping, &factor, &packed32, &work32, &cameraColumns, &failed)
        if status == CK_ERR_BREAKDOWN.rawValue {
            throw .notPositiveDefinite(column: n + Int(failed) * BundleAdjustmentSystem.pointSize)
        }
        if status != CK_OK.rawValue { throw .library(name: "ck_ba_schur_s_f32", status: Int(status)) }
        if n == 0 { return .fp32 }
        let info = LAPACKE_spotrf_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), &factor, Int32(n))
        if info < 0 { throw .library(name: "LAPACKE_spotrf_work", status: Int(info)) }
        // A non-finite entry of L reaches a later diagonal entry, which `spotrf` reports.
        if info == 0, (0..<n).allSatisfy({ factor[$0 * n + $0].isFinite }) { return .fp32 }
        _ = try eliminate(system, gradient: [Double](repeating: 0, count: system.columnCount), damping: damping)
        try DenseCholesky.factorInPlace(&reduced, dimension: n)
        var finite = true
        for column in 0..<n {
            for row in column..<n {
                factor[column * n + row] = Float(reduced[column * n + row])
                finite = finite && factor[column * n + row].isFinite
            }
        }
        guard finite else { throw .nonFinite("reduced camera factor") }
        return .fp64
    }

    /// Forms S in `reduced` and the point inverses; returns the reduced right-hand side.
    private mutating func eliminate(
        _ system: BundleAdjustmentSystem, gradient g: [Double], damping: [Double]
    ) throws(LinearSolverError) -> [Double] {
        let c = system.cameraSize, m = system.residualSize, p = BundleAdjustmentSystem.pointSize
        let cameraColumnCount = system.cameraCount * c
        try system.checkShape()
        try checkDimension(system)
        guard damping.count == system.columnCount else {
            throw .dimensionMismatch(expected: system.columnCount, actual: damping.count)
        }
        guard g.count == system.columnCount else { throw .dimensionMismatch(expected: system.columnCount, actual: g.count) }
        let pointCount = system.pointCount, observationCount = system.observationCount
        let maxObservations = groupByPoint(system)
        resize(&reduced, cameraColumnCount * cameraColumnCount)
        resize(&pointInverses, pointCount * p * p)
        resize(&work, 6 * c * maxObservations)
        resize(&cameraColumns, maxObservations)
        var rhs = [Double](repeating: 0, count: cameraColumnCount)
        var failed: Int32 = -1
        let status = ck_ba_schur_f64(
            CK_PATH_AUTO, Int32(c), Int32(m), Int32(system.cameraCount), Int32(pointCount), Int32(observationCount),
            system.cameraIndex, pointStart, byPoint, system.cameraBlocks, system.pointBlocks, damping, g,
            &reduced, &rhs, &pointInverses, &work, &cameraColumns, &failed)
        if status == CK_ERR_BREAKDOWN.rawValue {
            throw .notPositiveDefinite(column: cameraColumnCount + Int(failed) * p)
        }
        if status != CK_OK.rawValue { throw .library(name: "ck_ba_schur_f64", status: Int(status)) }
        return rhs
    }

    /// Rows of a block column of the fp32 Schur kernel's packed S: the camera size rounded up to 8.
    private static func paddedRows(_ cameraSize: Int) -> Int { (cameraSize + 7) / 8 * 8 }

    /// Elements of the fp32 Schur kernel's packed lower block triangle of S.
    private static func packedCount(_ system: BundleAdjustmentSystem) -> Int {
        let cameras = system.cameraCount
        return cameras * (cameras + 1) / 2 * system.cameraSize * paddedRows(system.cameraSize)
    }

    private func resize<T: Numeric>(_ buffer: inout [T], _ count: Int) {
        if buffer.count != count { buffer = [T](repeating: 0, count: count) }
    }

    /// Observations grouped by point (counting sort), so each point is eliminated once;
    /// returns the largest observation count of a point.
    private mutating func groupByPoint(_ system: BundleAdjustmentSystem) -> Int {
        let pointCount = system.pointCount
        pointStart = [Int32](repeating: 0, count: pointCount + 1)
        for k in 0..<system.observationCount where system.pointIndex[k] >= 0 { pointStart[Int(system.pointIndex[k]) + 1] += 1 }
        for i in 0..<pointCount { pointStart[i + 1] += pointStart[i] }
        resize(&byPoint, Int(pointStart[pointCount]))
        var fill = pointStart
        for k in 0..<system.observationCount where system.pointIndex[k] >= 0 {
            let point = Int(system.pointIndex[k])
            byPoint[Int(fill[point])] = Int32(k)
            fill[point] += 1
        }
        var maxObservations = 0
        for j in 0..<pointCount { maxObservations = max(maxObservations, Int(pointStart[j + 1] - pointStart[j])) }
        return maxObservations
    }

    /// δp = Hpp⁻¹ (−g_p − Hpc δc), with δc already in `delta`.
    private func backSubstitute(_ system: BundleAdjustmentSystem, _ g: [Double], _ delta: inout [Double]) {
        let c = system.cameraSize, m = system.residualSize, p = BundleAdjustmentSystem.pointSize
        let cameraColumnCount = system.cameraCount * c
        let pointCount = system.pointCount
        var pointRhs = (0..<(pointCount * p)).map { -g[cameraColumnCount + $0] }
        system.cameraBlocks.withUnsafeBufferPointer { cb in
            system.pointBlocks.withUnsafeBufferPointer { pb in
                delta.withUnsafeMutableBufferPointer { d in
                    pointRhs.withUnsafeMutableBufferPointer { pr in
                        for k in 0..<system.observationCount where system.cameraIndex[k] >= 0 && system.pointIndex[k] >= 0 {
                            let camera = Int(system.cameraIndex[k]), point = Int(system.pointIndex[k])
                            for row in 0..<m {
                                var jc = 0.0
                                for i in 0..<c { jc += cb[(k * m + row) * c + i] * d[camera * c + i] }
                                for j in 0..<p { pr[point * p + j] -= pb[(k * m + row) * p + j] * jc }
                            }
                        }
                        pointInverses.withUnsafeBufferPointer { inverse in
                            for point in 0..<pointCount {
                                for i in 0..<p {
                                    var sum = 0.0
                                    for j in 0..<p { sum += inverse[point * p * p + i * p + j] * pr[point * p + j] }
                                    d[cameraColumnCount + point * p + i] = sum
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
