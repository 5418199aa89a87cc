import CKernels
import SLAMSparse

/// CGNR for bundle adjustment: conjugate gradients on (JᵀJ + D) δ = −Jᵀ r using only the
/// products J p and Jᵀ q, never forming JᵀJ (only the optional lagged-Schur preconditioner
/// forms the reduced camera system, now and then).
///
/// Before the products are cast to a lower precision, J's columns are equilibrated
/// (Ĵ = J C with unit column norms, so every entry is in [−1, 1] and fp16 cannot overflow);
/// CG then solves (ĴᵀĴ + C D C) y = −C Jᵀ r and δ = C y. The products run at
/// `productPrecision` (fp16 storage with fp32 arithmetic in the `mixed` plan), everything else
/// in fp32, with a block-Jacobi preconditioner (one block per camera and per point) or, as an
/// option, a lagged Schur-complement preconditioner (``Preconditioning/laggedSchur``).
/// Fixed cameras or points (index −1) have zero blocks. The damping-independent work is done
/// once per linearization by ``prepare(_:productPrecision:gradient:diagonal:)``; each damping LM tries then costs
/// one preconditioner inversion and the CG iterations.
public struct CGNR: Sendable {
    /// Configuration with documented defaults.
    public struct Options: Sendable, Equatable {
        /// CG stopping rules. Default: relative tolerance 1e-6, 500 iterations.
        public var conjugateGradient = ConjugateGradient.Options()
        /// Equilibrate J's columns before the cast. Default true (off only for the naive plan).
        public var equilibrateColumns = true
        /// Kernel path and fp16 arithmetic.
        public var kernel = KernelOptions()
        /// The preconditioner. Default ``Preconditioning/blockJacobi``.
        public var preconditioning = Preconditioning.blockJacobi
        /// With ``Preconditioning/laggedSchur``: the reduced camera system is factored anew
        /// before a solve when the previous solve took more than this many CG iterations.
        /// Default 5 (in 200 VO windows 3 to 5 were fastest, 12 took 1.1× as long).
        public var schurRefreshIterations = 5
        /// With ``Preconditioning/laggedSchur``: the largest reduced camera system (cameras ×
        /// 6) it forms densely; a larger system is preconditioned by block Jacobi. Default
        /// ``DenseSchur/defaultMaximumDimension`` (8,192).
        public var maxReducedCameraDimension = DenseSchur.defaultMaximumDimension

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// CGNR's preconditioners.
    public enum Preconditioning: String, Sendable, Equatable, CaseIterable {
        /// One block per camera and per point of ĴᵀĴ + D (fp32): cheap to build and apply, but
        /// blind to the coupling along the camera chain, so CG resolves the chain's long,
        /// weakly determined modes slowly.
        case blockJacobi = "block-jacobi"
        /// The points eliminated exactly (the current point blocks and products) and the
        /// reduced camera system S = (Hcc + Dc) − Hcp (Hpp + Dp)⁻¹ Hpc of an earlier
        /// linearization, formed and factored densely in fp32 (fp64 when fp32's factorization
        /// breaks down) and refreshed when CG needs more than
        /// ``Options/schurRefreshIterations`` iterations: Ceres' Schur-complement
        /// preconditioning, lagged so that most LM steps skip forming S. Two coupling
        /// products Â_cl, Â_lc per CG iteration, each about half the work of the full
        /// product. 6×6-camera systems only, whose S is within
        /// ``Options/maxReducedCameraDimension``; others use block Jacobi.
        case laggedSchur = "lagged-schur"
    }

    /// What one solve did.
    public struct Report: Sendable, Equatable {
        /// CG's own report.
        public var conjugateGradient = ConjugateGradient.Report()
        /// What casting Ĵ to the product precision did.
        public var conversion = ConversionReport()
        /// The precision this solve formed and factored the reduced camera system in
        /// (``Preconditioning/laggedSchur``): fp32, or fp64 after fp32's factorization broke
        /// down; nil when it reused the lagged factor.
        public var reducedSystemPrecision: Precision?
        /// Whether this solve formed and factored the reduced camera system.
        public var factoredReducedSystem: Bool { reducedSystemPrecision != nil }
    }

    /// The options of this solver.
    public var options: Options
    private var cg = ConjugateGradient()
    private var prepared: Prepared?
    /// The panel layout of the last system, reused while its camera and point indices stay
    /// the same arrays (every linearization of one problem).
    private var panelLayout: BAKernelOperator.PanelLayout?
    /// ``Preconditioning/laggedSchur``'s reduced camera system: the eliminator, the lagged
    /// factor (column-major, fp32) and the previous solve's CG iterations.
    private var schur = DenseSchur()
    private var reducedFactor: [Float] = []
    private var lastIterations = 0

    /// Everything of one linearization that does not depend on the damping: the column
    /// scale, the scaled right-hand side, the undamped block-Jacobi blocks and Ĵ at the
    /// product precision. Built once per linearization, reused for every damping LM tries.
    private struct Prepared: Sendable {
        var system: BundleAdjustmentSystem
        var precision: Precision
        var scale: [Double]
        var rhs: [Float]
        var blocks: BlockJacobiPreconditioner.Blocks
        var kernel: BAKernelOperator?
        var conversion: ConversionReport
    }

    /// Creates a solver.
    public init(options: Options = Options()) { self.options = options }

    /// Returns δ (cameras then points) solving (JᵀJ + diag(damping)) δ = −Jᵀ r approximately.
    public mutating func solve(
        _ system: BundleAdjustmentSystem, damping: [Double], productPrecision: Precision
    ) throws -> (delta: [Double], report: Report) {
        try prepare(system, productPrecision: productPrecision)
        return try solvePrepared(damping: damping)
    }

    /// Does the damping-independent work for `system` (equilibration, right-hand side,
    /// preconditioner blocks, Ĵ cast to `productPrecision`), so that repeated
    /// ``solvePrepared(damping:)`` calls for the same linearization only invert the damped
    /// preconditioner blocks and run CG.
    ///
    /// - Returns: what casting Ĵ to `productPrecision` did (overflows, flushes).
    /// - Throws: ``LinearSolverError/nonFinite(_:)`` for a non-finite Jacobian or residual.
    /// `gradient` (Jᵀ r) and `diagonal` (diag(JᵀJ)) may be passed when the caller already has
    /// them for this linearization; they are computed otherwise.
    @discardableResult
    public mutating func prepare(
        _ system: BundleAdjustmentSystem, productPrecision: Precision, gradient: [Double]? = nil,
        diagonal: [Double]? = nil
    ) throws -> ConversionReport {
        prepared = nil
        let n = system.columnCount
        // One pass over J yields both when either is missing.
        let computed = gradient == nil || diagonal == nil ? try system.gradientAndDiagonal() : nil
        let diagonal = diagonal ?? computed!.diagonal
        guard diagonal.count == n else { throw LinearSolverError.dimensionMismatch(expected: n, actual: diagonal.count) }
        guard diagonal.allSatisfy(\.isFinite) else { throw LinearSolverError.nonFinite("bundle-adjustment Jacobian") }
        let scale = options.equilibrateColumns
            ? diagonal.map { $0 > 0 ? 1 / $0.squareRoot() : 1 } : [Double](repeating: 1, count: n)
        let g = gradient ?? computed!.gradient
        guard g.count == n else { throw LinearSolverError.dimensionMismatch(expected: n, actual: g.count) }
        guard g.allSatisfy(\.isFinite) else { throw LinearSolverError.nonFinite("gradient") }
        let rhs = (0..<n).map { Float(-g[$0] * scale[$0]) }
        let blocks = try BlockJacobiPreconditioner.Blocks(system, columnScale: scale)
        var kernel: BAKernelOperator?
        var conversion = ConversionReport()
        if panelLayout?.describes(system) != true {
            // Another problem: its reduced camera system has nothing to do with the last one.
            reducedFactor = []
            lastIterations = 0
        }
        if system.cameraSize == 6 && system.residualSize == 2 {
            kernel = BAKernelOperator(
                system, scale: scale, precision: productPrecision, kernel: options.kernel, layout: &panelLayout,
                conversion: &conversion)
        }
        prepared = Prepared(
            system: system, precision: productPrecision, scale: scale, rhs: rhs, blocks: blocks, kernel: kernel,
            conversion: conversion)
        return conversion
    }

    /// Drops the prepared linearization and with it the solver's references to the system's
    /// arrays, so a caller that owns the system can overwrite them in place (without a
    /// copy-on-write copy) before the next ``prepare(_:productPrecision:gradient:diagonal:)``.
    public mutating func discardPrepared() { prepared = nil }

    /// Whether a linearization is prepared with products at `productPrecision`.
    public func isPrepared(for productPrecision: Precision) -> Bool { prepared?.precision == productPrecision }

    /// Solves with the last ``prepare(_:productPrecision:gradient:diagonal:)``'s linearization and `damping`.
    ///
    /// - Throws: ``LinearSolverError/patternChanged`` when nothing was prepared,
    ///   ``LinearSolverError/dimensionMismatch(expected:actual:)`` for a wrong damping length,
    ///   ``LinearSolverError/notPositiveDefinite(column:)`` for a singular preconditioner block.
    public mutating func solvePrepared(damping: [Double]) throws -> (delta: [Double], report: Report) {
        guard var state = prepared else { throw LinearSolverError.patternChanged }
        prepared = nil
        defer { prepared = state }
        let n = state.system.columnCount
        guard damping.count == n else { throw LinearSolverError.dimensionMismatch(expected: n, actual: damping.count) }
        let scaledDamping = (0..<n).map { damping[$0] * state.scale[$0] * state.scale[$0] }
        var preconditioner = try BlockJacobiPreconditioner(state.blocks, damping: scaledDamping)
        cg.options = options.conjugateGradient
        var report = Report()
        report.conversion = state.conversion
        var y: [Float] = []
        if var a = state.kernel {
            state.kernel = nil
            a.damping = scaledDamping.map(Float.init)
            defer { state.kernel = a }
            schur.maximumDimension = options.maxReducedCameraDimension
            if options.preconditioning == .laggedSchur, schur.accepts(state.system) {
                let cameraColumns = 6 * state.system.cameraCount
                if reducedFactor.count != cameraColumns * cameraColumns || lastIterations > options.schurRefreshIterations {
                    do {
                        report.reducedSystemPrecision = try schur.reducedCameraFactor(
                            state.system, damping: damping, into: &reducedFactor)
                    } catch {
                        // The factor was being overwritten: the next solve must factor anew.
                        reducedFactor = []
                        throw error
                    }
                }
                var lagged = ReducedCameraPreconditioner(
                    points: preconditioner, product: a, factor: reducedFactor,
                    cameraScale: (0..<cameraColumns).map { Float(state.scale[$0]) })
                report.conjugateGradient = try cg.solve(&a, preconditioner: &lagged, rhs: state.rhs, solution: &y)
            } else {
                report.conjugateGradient = try cg.solve(&a, preconditioner: &preconditioner, rhs: state.rhs, solution: &y)
            }
            lastIterations = report.conjugateGradient.iterations
        } else {
            var a = GenericNormalEquationsOperator(
                state.system, scale: state.scale, damping: scaledDamping, precision: state.precision)
            report.conjugateGradient = try cg.solve(&a, preconditioner: &preconditioner, rhs: state.rhs, solution: &y)
        }
        let delta = (0..<n).map { Double(y[$0]) * state.scale[$0] }
        return (delta, report)
    }
}

/// y = Ĵᵀ Ĵ x + D x for 6-dof cameras, calling the CKernels bundle-adjustment products
/// directly on buffers owned here and reused for every product: Ĵ stored at the product
/// precision (fp16 with fp32 arithmetic, fp32, or fp64 with fp64 vectors), fp32 vectors at
/// the boundary. (Going through `BAJacobian` would re-validate every block on each
/// linearization in unspecialized generic code, which cost more than the CG iterations.)
///
/// fp32 and fp16 storage with fp32 arithmetic use the pose-panel product
/// `ck_ba_panel_jtjx`: observations grouped by camera in panels of eight, stored lane-wise,
/// so one pass over Ĵ computes Ĵᵀ(Ĵ x) without per-observation horizontal sums (about twice
/// as fast as J p then Jᵀ q). fp64 and native fp16 arithmetic use `ck_ba_jp`/`ck_ba_jtq` on
/// the observation layout.
///
/// A fixed camera or point (index −1) gets a zero block: in the panel layout it points at an
/// extra zero camera / point slot, in the observation layout at camera / point 0 (adding
/// exact zeros); when there is no free camera (point) at all, one zero column block stands in.
struct BAKernelOperator: LinearOperator, Sendable {
    let dimension: Int
    /// Scaled damping, added as D x.
    var damping: [Float] = []
    private let precision: Precision
    private let path: ck_path
    private let nativeHalf: Bool
    private let usesPanels: Bool
    private let observationCount: Int32
    private let poseCount: Int32
    private let landmarkCount: Int32
    private let cameraColumns: Int
    /// Observation layout: camera and point of each observation. Panel layout: camera of each
    /// panel and point of each lane.
    private let poseIndices: [Int32]
    private let landmarkIndices: [Int32]
    private var half: [Float16] = []
    private var single: [Float] = []
    private var double: [Double] = []
    private var xp: [Float] = [], xl: [Float] = [], r: [Float] = [], gp: [Float] = [], gl: [Float] = []
    private var xp64: [Double] = [], xl64: [Double] = [], r64: [Double] = [], gp64: [Double] = [], gl64: [Double] = []
    /// The coupling products' masked input and full output outside the panel layouts.
    private var maskedInput: [Float] = [], fullOutput: [Float] = []

    /// Ĵ = J C laid out for the kernels and cast to `precision`; the conversion report counts
    /// values that overflowed or flushed. fp16 is rounded through fp32 (F16C); the double
    /// rounding stays within one fp16 unit in the last place.
    init(
        _ system: BundleAdjustmentSystem, scale: [Double], precision: Precision, kernel: KernelOptions,
        layout cachedLayout: inout PanelLayout?, conversion: inout ConversionReport
    ) {
        precondition(system.cameraSize == 6 && system.residualSize == 2, "kernel layout is 2×6 + 2×3")
        let m = system.observationCount
        dimension = system.columnCount
        self.precision = precision
        path = kernel.path.map { ck_path(rawValue: $0.rawValue) } ?? CK_PATH_AUTO
        nativeHalf = kernel.halfArithmetic == .float16
        usesPanels = precision == .fp32 || (precision == .fp16 && !nativeHalf)
        cameraColumns = 6 * system.cameraCount
        var counts = ck_convert_counts(overflow: 0, flushed: 0)
        if usesPanels {
            // Ĵ is rounded to fp32 (then fp16) while it is laid out (no fp64 copy), narrowing counted.
            let layout: PanelLayout
            if let cached = cachedLayout, cached.describes(system) {
                layout = cached
            } else {
                layout = PanelLayout(system)
                cachedLayout = layout
            }
            poseIndices = layout.poses
            landmarkIndices = layout.landmarks
            let panelCount = Int32(layout.poses.count)
            observationCount = panelCount
            poseCount = Int32(system.cameraCount + 1)
            landmarkCount = Int32(system.pointCount + 1)
            let cameras = Int32(system.cameraCount)
            if precision == .fp16 {
                half = [Float16](repeating: 0, count: 144 * layout.poses.count)
                _ = ck_ba_pack_panels_f16(
                    path, panelCount, cameras, layout.laneObservations, system.cameraIndex, system.pointIndex,
                    system.cameraBlocks, system.pointBlocks, scale, &half, &counts)
            } else {
                single = [Float](repeating: 0, count: 144 * layout.poses.count)
                _ = ck_ba_pack_panels_f32(
                    path, panelCount, cameras, layout.laneObservations, system.cameraIndex, system.pointIndex,
                    system.cameraBlocks, system.pointBlocks, scale, &single, &counts)
            }
        } else {
            let layout = Self.observations(system, scale: scale)
            poseIndices = layout.poses
            landmarkIndices = layout.landmarks
            observationCount = Int32(m)
            poseCount = Int32(max(system.cameraCount, 1))
            landmarkCount = Int32(max(system.pointCount, 1))
            let blocks = layout.blocks
            switch precision {
            case .fp64:
                double = blocks
                xp64 = [Double](repeating: 0, count: 6 * Int(poseCount))
                xl64 = [Double](repeating: 0, count: 3 * Int(landmarkCount))
                r64 = [Double](repeating: 0, count: 2 * m)
                gp64 = xp64
                gl64 = xl64
            case .fp32, .fp16:
                single = [Float](repeating: 0, count: blocks.count)
                _ = ck_convert_f64_to_f32(CK_PATH_AUTO, Int64(blocks.count), blocks, &single, &counts)
                if precision == .fp16 {
                    half = [Float16](repeating: 0, count: blocks.count)
                    _ = ck_convert_f32_to_f16(CK_PATH_AUTO, Int64(blocks.count), single, &half, &counts)
                    single = []
                }
            }
        }
        conversion = ConversionReport(valueCount: 18 * m, overflowCount: Int(counts.overflow), flushedCount: Int(counts.flushed))
        xp = [Float](repeating: 0, count: 6 * Int(poseCount))
        xl = [Float](repeating: 0, count: (usesPanels ? 4 : 3) * Int(landmarkCount))
        r = usesPanels ? [] : [Float](repeating: 0, count: 2 * m)
        gp = xp
        gl = xl
    }

    /// The observation layout: 18 values [P | L] per observation, fixed blocks zero.
    private static func observations(_ system: BundleAdjustmentSystem, scale: [Double]) -> (poses: [Int32], landmarks: [Int32], blocks: [Double]) {
        let m = system.observationCount, pointOffset = 6 * system.cameraCount
        var poses = [Int32](repeating: 0, count: m), points = [Int32](repeating: 0, count: m)
        var blocks = [Double](repeating: 0, count: 18 * m)
        system.cameraBlocks.withUnsafeBufferPointer { cb in
            system.pointBlocks.withUnsafeBufferPointer { pb in
                scale.withUnsafeBufferPointer { sc in
                    blocks.withUnsafeMutableBufferPointer { b in
                        for k in 0..<m {
                            let camera = Int(system.cameraIndex[k]), point = Int(system.pointIndex[k])
                            poses[k] = Int32(max(camera, 0))
                            points[k] = Int32(max(point, 0))
                            for row in 0..<2 {
                                if camera >= 0 {
                                    for j in 0..<6 { b[18 * k + 9 * row + j] = cb[(2 * k + row) * 6 + j] * sc[camera * 6 + j] }
                                }
                                if point >= 0 {
                                    for j in 0..<3 {
                                        b[18 * k + 9 * row + 6 + j] = pb[(2 * k + row) * 3 + j] * sc[pointOffset + point * 3 + j]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (poses, points, blocks)
    }

    /// The pose-panel layout: observations sorted by camera (stable; fixed cameras last, on the
    /// extra camera slot), eight per panel, value (row, c) of lane t at (9 row + c) 8 + t;
    /// unused lanes and fixed blocks zero, pointing at the extra point slot when unused. Only
    /// the indices are kept here; `ck_ba_pack_panels_*` fills the values.
    struct PanelLayout: Sendable {
        /// The system's shape and indices the layout was computed from.
        let cameraCount: Int, pointCount: Int, cameraIndex: [Int32], pointIndex: [Int32]
        /// Camera of each panel, point of each lane, observation of each lane (−1: unused).
        let poses: [Int32], landmarks: [Int32], laneObservations: [Int32]

        init(_ system: BundleAdjustmentSystem) {
            cameraCount = system.cameraCount
            pointCount = system.pointCount
            cameraIndex = system.cameraIndex
            pointIndex = system.pointIndex
            (poses, landmarks, laneObservations) = Self.indices(system)
        }

        /// Whether `system` has the shape and indices this layout was computed from (an
        /// identity check when they are the same arrays).
        func describes(_ system: BundleAdjustmentSystem) -> Bool {
            cameraCount == system.cameraCount && pointCount == system.pointCount
                && cameraIndex == system.cameraIndex && pointIndex == system.pointIndex
        }

        private static func indices(_ system: BundleAdjustmentSystem) -> (poses: [Int32], landmarks: [Int32], laneObservations: [Int32]) {
            let m = system.observationCount, cameras = system.cameraCount
            var start = [Int](repeating: 0, count: cameras + 2)
            for k in 0..<m {
                let camera = Int(system.cameraIndex[k])
                start[(camera >= 0 ? camera : cameras) + 1] += 1
            }
            var panelCount = 0
            for camera in 0...cameras { panelCount += (start[camera + 1] + 7) / 8 }
            for camera in 0...cameras { start[camera + 1] += start[camera] }
            var order = [Int](repeating: 0, count: m), fill = start
            for k in 0..<m {
                let camera = Int(system.cameraIndex[k])
                let slot = camera >= 0 ? camera : cameras
                order[fill[slot]] = k
                fill[slot] += 1
            }
            var poses = [Int32](repeating: 0, count: panelCount)
            var landmarks = [Int32](repeating: Int32(system.pointCount), count: 8 * panelCount)
            var lanes = [Int32](repeating: -1, count: 8 * panelCount)
            var panel = 0
            for camera in 0...cameras {
                var index = start[camera]
                while index < start[camera + 1] {
                    poses[panel] = Int32(camera)
                    for lane in 0..<min(8, start[camera + 1] - index) {
                        let k = order[index + lane]
                        lanes[8 * panel + lane] = Int32(k)
                        let point = system.pointIndex[k]
                        if point >= 0 { landmarks[8 * panel + lane] = point }
                    }
                    index += 8
                    panel += 1
                }
            }
            return (poses, landmarks, lanes)
        }
    }

    mutating func apply(_ x: [Float], into y: inout [Float]) throws {
        let points = dimension - cameraColumns
        var status: Int32 = 0
        if precision == .fp64 {
            for k in 0..<cameraColumns { xp64[k] = Double(x[k]) }
            for k in 0..<points { xl64[k] = Double(x[cameraColumns + k]) }
            status |= ck_ba_jp_f64(path, 0, observationCount, poseIndices, landmarkIndices, double, xp64, xl64, &r64)
            status |= ck_ba_jtq_f64(
                path, 0, observationCount, poseCount, landmarkCount, poseIndices, landmarkIndices, double, r64,
                &gp64, &gl64)
            for k in 0..<cameraColumns { y[k] = Float(gp64[k]) + damping[k] * x[k] }
            for k in 0..<points { y[cameraColumns + k] = Float(gl64[k]) + damping[cameraColumns + k] * x[cameraColumns + k] }
        } else if usesPanels {
            let cameras = poseCount - 1, landmarks = landmarkCount - 1
            if precision == .fp32 {
                status = ck_ba_panel_normal_mv_f32(
                    path, observationCount, cameras, landmarks, poseIndices, landmarkIndices, single, damping, x, &y,
                    &xp, &xl, &gp, &gl)
            } else {
                status = ck_ba_panel_normal_mv_f16(
                    path, observationCount, cameras, landmarks, poseIndices, landmarkIndices, half, damping, x, &y,
                    &xp, &xl, &gp, &gl)
            }
        } else {
            for k in 0..<cameraColumns { xp[k] = x[k] }
            for k in 0..<points { xl[k] = x[cameraColumns + k] }
            status |= ck_ba_jp_f16n(path, 0, observationCount, poseIndices, landmarkIndices, half, xp, xl, &r)
            status |= ck_ba_jtq_f16n(
                path, 0, observationCount, poseCount, landmarkCount, poseIndices, landmarkIndices, half, r, &gp, &gl)
            for k in 0..<cameraColumns { y[k] = gp[k] + damping[k] * x[k] }
            for k in 0..<points { y[cameraColumns + k] = gl[k] + damping[cameraColumns + k] * x[cameraColumns + k] }
        }
        if status != 0 { throw LinearSolverError.library(name: "CKernels bundle-adjustment product", status: Int(status)) }
    }

    /// y_c = Â_cl x_l, the camera-point block of ĴᵀĴ (no damping): reads only `x`'s point
    /// part and writes only `y`'s camera part.
    mutating func applyCameraPointBlock(_ x: [Float], into y: inout [Float]) throws {
        try applyCoupling(x, into: &y, toCameras: true)
    }

    /// y_l = Â_lc x_c, the point-camera block of ĴᵀĴ (no damping): reads only `x`'s camera
    /// part and writes only `y`'s point part.
    mutating func applyPointCameraBlock(_ x: [Float], into y: inout [Float]) throws {
        try applyCoupling(x, into: &y, toCameras: false)
    }

    /// The panel layouts have kernels for the coupling blocks alone (half the work of the
    /// full product); the others apply the full product to x with the other part zeroed.
    private mutating func applyCoupling(_ x: [Float], into y: inout [Float], toCameras: Bool) throws {
        var status: Int32 = 0
        if usesPanels {
            let panels = observationCount, cameras = poseCount - 1, landmarks = landmarkCount - 1
            switch (precision == .fp16, toCameras) {
            case (true, true):
                status = ck_ba_panel_hcl_mv_f16(path, panels, cameras, landmarks, poseIndices, landmarkIndices, half, x, &y, &xl, &gp)
            case (true, false):
                status = ck_ba_panel_hlc_mv_f16(path, panels, cameras, landmarks, poseIndices, landmarkIndices, half, x, &y, &xp, &gl)
            case (false, true):
                status = ck_ba_panel_hcl_mv_f32(path, panels, cameras, landmarks, poseIndices, landmarkIndices, single, x, &y, &xl, &gp)
            case (false, false):
                status = ck_ba_panel_hlc_mv_f32(path, panels, cameras, landmarks, poseIndices, landmarkIndices, single, x, &y, &xp, &gl)
            }
            if status != 0 { throw LinearSolverError.library(name: "CKernels bundle-adjustment product", status: Int(status)) }
            return
        }
        // The buffers are moved out while `apply` (mutating) runs.
        var masked = maskedInput, full = fullOutput
        maskedInput = []
        fullOutput = []
        defer {
            maskedInput = masked
            fullOutput = full
        }
        if masked.count != dimension {
            masked = [Float](repeating: 0, count: dimension)
            full = masked
        }
        // The block's rows: the part of x that is zeroed is the part of y that is written.
        let rows = toCameras ? 0..<cameraColumns : cameraColumns..<dimension
        for k in 0..<dimension { masked[k] = rows.contains(k) ? 0 : x[k] }
        try apply(masked, into: &full)
        for k in rows { y[k] = full[k] }
    }
}

/// The same operator for camera sizes the kernels do not cover (BAL's 9-parameter cameras),
/// in plain Swift loops with blocks rounded to `precision` (fp16 storage still counts as fp16).
struct GenericNormalEquationsOperator: LinearOperator {
    let system: BundleAdjustmentSystem
    let cameraBlocks: [Float]
    let pointBlocks: [Float]
    let damping: [Float]
    var dimension: Int { system.columnCount }
    private var q: [Float]

    init(_ system: BundleAdjustmentSystem, scale: [Double], damping: [Double], precision: Precision) {
        self.system = system
        let c = system.cameraSize, p = BundleAdjustmentSystem.pointSize, m = system.residualSize
        let pointOffset = system.cameraCount * c
        func round(_ v: Double) -> Float { precision == .fp16 ? Float(Float16(v)) : Float(v) }
        var cameraBlocks = [Float](repeating: 0, count: system.cameraBlocks.count)
        var pointBlocks = [Float](repeating: 0, count: system.pointBlocks.count)
        for k in 0..<system.observationCount {
            let camera = Int(system.cameraIndex[k]), point = Int(system.pointIndex[k])
            for row in 0..<m {
                if camera >= 0 {
                    for j in 0..<c {
                        cameraBlocks[(k * m + row) * c + j] = round(system.cameraBlocks[(k * m + row) * c + j] * scale[camera * c + j])
                    }
                }
                if point >= 0 {
                    for j in 0..<p {
                        pointBlocks[(k * m + row) * p + j] = round(system.pointBlocks[(k * m + row) * p + j] * scale[pointOffset + point * p + j])
                    }
                }
            }
        }
        self.cameraBlocks = cameraBlocks
        self.pointBlocks = pointBlocks
        self.damping = damping.map(Float.init)
        q = [Float](repeating: 0, count: system.observationCount * m)
    }

    mutating func apply(_ x: [Float], into y: inout [Float]) throws {
        let c = system.cameraSize, p = BundleAdjustmentSystem.pointSize, m = system.residualSize
        let pointOffset = system.cameraCount * c
        for k in 0..<system.observationCount {
            let camera = Int(system.cameraIndex[k]), point = Int(system.pointIndex[k])
            for row in 0..<m {
                var sum: Float = 0
                if camera >= 0 { for j in 0..<c { sum += cameraBlocks[(k * m + row) * c + j] * x[camera * c + j] } }
                if point >= 0 { for j in 0..<p { sum += pointBlocks[(k * m + row) * p + j] * x[pointOffset + point * p + j] } }
                q[k * m + row] = sum
            }
        }
        for k in 0..<y.count { y[k] = damping[k] * x[k] }
        for k in 0..<system.observationCount {
            let camera = Int(system.cameraIndex[k]), point = Int(system.pointIndex[k])
            for row in 0..<m {
                let v = q[k * m + row]
                if camera >= 0 { for j in 0..<c { y[camera * c + j] += cameraBlocks[(k * m + row) * c + j] * v } }
                if point >= 0 { for j in 0..<p { y[pointOffset + point * p + j] += pointBlocks[(k * m + row) * p + j] * v } }
            }
        }
    }
}
