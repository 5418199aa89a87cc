import SLAMSparse

/// CGNR for bundle adjustment: conjugate gradients on (JᵀJ + D) δ = −Jᵀ r using only the
/// products J p and Jᵀ q, never forming JᵀJ.
///
/// Before the products are cast to a lower precision, J's columns are equilibrated
/// (Ĵ = J C with unit column norms, so every entry is in [−1, 1] and fp16 cannot overflow);
/// CG then solves (ĴᵀĴ + C D C) y = −C Jᵀ r and δ = C y. The products run at
/// `productPrecision` (fp16 storage with fp32 arithmetic in the `mixed` plan), everything else
/// in fp32, with a block-Jacobi preconditioner (one block per camera and per point).
/// Fixed cameras or points (index −1) are mapped to one zero dummy column block each, which
/// the damping keeps at exactly zero.
public struct CGNR: Sendable {
    /// Configuration with documented defaults.
    public struct Options: Sendable, Equatable {
        /// CG stopping rules. Default: relative tolerance 1e-6, 500 iterations.
        public var conjugateGradient = ConjugateGradient.Options()
        /// Equilibrate J's columns before the cast. Default true (off only for the naive plan).
        public var equilibrateColumns = true
        /// Kernel path and fp16 arithmetic.
        public var kernel = KernelOptions()

        /// Creates options with the documented defaults.
        public init() {}
    }

    /// What one solve did.
    public struct Report: Sendable, Equatable {
        /// CG's own report.
        public var conjugateGradient = ConjugateGradient.Report()
        /// What casting Ĵ to the product precision did.
        public var conversion = ConversionReport()
    }

    /// The options of this solver.
    public var options: Options
    private var cg = ConjugateGradient()

    /// Creates a solver.
    public init(options: Options = Options()) { self.options = options }

    /// Returns δ (cameras then points) solving (JᵀJ + diag(damping)) δ = −Jᵀ r approximately.
    public mutating func solve(
        _ system: BundleAdjustmentSystem, damping: [Double], productPrecision: Precision
    ) throws -> (delta: [Double], report: Report) {
        let n = system.columnCount
        guard damping.count == n else { throw LinearSolverError.dimensionMismatch(expected: n, actual: damping.count) }
        let diagonal = system.hessianDiagonal()
        let scale = options.equilibrateColumns
            ? diagonal.map { $0 > 0 ? 1 / $0.squareRoot() : 1 } : [Double](repeating: 1, count: n)
        let g = system.gradient()
        let rhs = (0..<n).map { Float(-g[$0] * scale[$0]) }
        let scaledDamping = (0..<n).map { damping[$0] * scale[$0] * scale[$0] }
        var preconditioner = try BlockJacobiPreconditioner(system, damping: scaledDamping, columnScale: scale)
        cg.options = options.conjugateGradient
        var report = Report()
        var y: [Float] = []
        if system.cameraSize == 6 {
            let jacobian = try Self.equilibratedJacobian(system, scale: scale)
            switch productPrecision {
            case .fp64:
                var a = NormalEquationsOperator(jacobian, damping: scaledDamping, kernel: options.kernel)
                report.conjugateGradient = try cg.solve(&a, preconditioner: &preconditioner, rhs: rhs, solution: &y)
            case .fp32:
                let (converted, conversion) = try jacobian.converted(to: Float.self, path: options.kernel.path)
                report.conversion = conversion
                var a = NormalEquationsOperator(converted, damping: scaledDamping, kernel: options.kernel)
                report.conjugateGradient = try cg.solve(&a, preconditioner: &preconditioner, rhs: rhs, solution: &y)
            case .fp16:
                let (converted, conversion) = try jacobian.converted(to: Float16.self, path: options.kernel.path)
                report.conversion = conversion
                var a = NormalEquationsOperator(converted, damping: scaledDamping, kernel: options.kernel)
                report.conjugateGradient = try cg.solve(&a, preconditioner: &preconditioner, rhs: rhs, solution: &y)
            }
        } else {
            var a = GenericNormalEquationsOperator(system, scale: scale, damping: scaledDamping, precision: productPrecision)
            report.conjugateGradient = try cg.solve(&a, preconditioner: &preconditioner, rhs: rhs, solution: &y)
        }
        let delta = (0..<n).map { Double(y[$0]) * scale[$0] }
        return (delta, report)
    }

    /// Ĵ = J C in the kernel layout, with a dummy pose / landmark for fixed ones.
    static func equilibratedJacobian(_ system: BundleAdjustmentSystem, scale: [Double]) throws -> BAJacobian<Double> {
        let m = system.residualSize
        precondition(m == 2 && system.cameraSize == 6, "kernel layout is 2×6 + 2×3")
        let pointOffset = system.cameraCount * 6
        let dummyPose = Int32(system.cameraCount), dummyPoint = Int32(system.pointCount)
        var poses = [Int32](), points = [Int32]()
        poses.reserveCapacity(system.observationCount)
        points.reserveCapacity(system.observationCount)
        var blocks = [Double](repeating: 0, count: 18 * system.observationCount)
        for k in 0..<system.observationCount {
            let camera = system.cameraIndex[k], point = system.pointIndex[k]
            poses.append(camera >= 0 ? camera : dummyPose)
            points.append(point >= 0 ? point : dummyPoint)
            for row in 0..<2 {
                if camera >= 0 {
                    for j in 0..<6 {
                        blocks[18 * k + 9 * row + j] = system.cameraBlocks[(k * 2 + row) * 6 + j] * scale[Int(camera) * 6 + j]
                    }
                }
                if point >= 0 {
                    for j in 0..<3 {
                        blocks[18 * k + 9 * row + 6 + j] = system.pointBlocks[(k * 2 + row) * 3 + j] * scale[pointOffset + Int(point) * 3 + j]
                    }
                }
            }
        }
        return try BAJacobian(
            poseCount: system.cameraCount + 1, landmarkCount: system.pointCount + 1,
            poseIndices: poses, landmarkIndices: points, blocks: blocks)
    }
}

/// y = Ĵᵀ Ĵ x + D x with the kernels of `BAJacobian<Scalar>`, for the unknowns without the
/// dummy blocks (which are padded with zeros on the way in and dropped on the way out).
struct NormalEquationsOperator<Scalar: SparseScalar>: LinearOperator {
    let jacobian: BAJacobian<Scalar>
    let damping: [Float]
    let kernel: KernelOptions
    let dimension: Int
    private let cameraColumns: Int
    private var x: [Scalar.VectorScalar]
    private var q: [Scalar.VectorScalar]
    private var y: [Scalar.VectorScalar]

    init(_ jacobian: BAJacobian<Scalar>, damping: [Double], kernel: KernelOptions) {
        self.jacobian = jacobian
        self.damping = damping.map(Float.init)
        self.kernel = kernel
        dimension = damping.count
        cameraColumns = 6 * (jacobian.poseCount - 1)
        x = [Scalar.VectorScalar](repeating: 0, count: jacobian.columnCount)
        q = [Scalar.VectorScalar](repeating: 0, count: jacobian.rowCount)
        y = x
    }

    mutating func apply(_ input: [Float], into output: inout [Float]) throws {
        let pointColumns = dimension - cameraColumns
        for k in 0..<cameraColumns { x[k] = Scalar.VectorScalar(input[k]) }
        for k in 0..<pointColumns { x[cameraColumns + 6 + k] = Scalar.VectorScalar(input[cameraColumns + k]) }
        try jacobian.multiply(x, into: &q, options: kernel)
        try jacobian.multiplyTransposed(q, into: &y, options: kernel)
        for k in 0..<cameraColumns { output[k] = Float(y[k]) + damping[k] * input[k] }
        for k in 0..<pointColumns {
            output[cameraColumns + k] = Float(y[cameraColumns + 6 + k]) + damping[cameraColumns + k] * input[cameraColumns + k]
        }
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
