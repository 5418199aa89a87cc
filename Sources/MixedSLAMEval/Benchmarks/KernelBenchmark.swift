import MixedSLAM

/// Throughput of the sparse kernels at the sizes SLAM produces, in every storage precision,
/// with the fp16/fp32 and fp64/fp32 speed ratios measured in the same run.
///
/// Problems: a 50-keyframe BA window Jacobian (2,750 observations, 5,500 × 1,023), a
/// sphere2500-like pose graph (2,500 poses, 4,950 edges, 6×6 blocks: its Hessian and IC(0)
/// factor), a 500-pose graph whose fp32 Hessian fits a 512 KiB L2 (`pgo500-L2`), a
/// city10000-like SE(2) graph (10,000 poses, 20,000 edges, 3×3 blocks), and in the full run
/// the BA window and the 6×6 pose graph 10× larger. With ``Options/large`` the problems grow
/// past the last-level cache (a 5,000-keyframe BA Jacobian, a 250,000-pose 6×6 graph whose
/// fp32 IC(0) factor takes about 100 MB, a 100,000-pose 3×3 graph): where fp16 storage can pay,
/// because the kernels wait on memory rather than on instructions. Each kernel is timed as the
/// median over repetitions of a batch long enough to dwarf clock resolution.
public enum KernelBenchmark {
    /// What to run.
    public struct Options: Sendable {
        /// Base sizes only and fewer repetitions, for CI (well under 30 s). Default false.
        public var quick: Bool
        /// Path to run on; `nil` (default) uses ``KernelPath/active``.
        public var path: KernelPath?
        /// Only the problems larger than the last-level cache (`ba5000`, `sphere250000`,
        /// `city100000`; about a minute and 2.2 GB). Default false; `quick` is ignored then.
        public var large: Bool
        /// Creates options; see each property for its default.
        public init(quick: Bool = false, path: KernelPath? = nil, large: Bool = false) {
            self.quick = quick
            self.path = path
            self.large = large
        }
    }

    /// One timed kernel on one problem in one storage variant.
    public struct Measurement: Codable, Sendable {
        /// Kernel name, e.g. `bsr6 A x` (`bsr3` for 3×3 blocks), `BA J p + Jt q`, `block trsv L`.
        public var kernel: String
        /// Problem name: `ba50`, `ba500`, `pgo500-L2`, `sphere2500`, `city10000`, `sphere25000`;
        /// with ``Options/large`` `ba5000`, `sphere250000`, `city100000`.
        public var problem: String
        /// `fp64`, `fp32`, `fp16` (fp16 storage, fp32 FMA) or `fp16-native` (fp16 arithmetic).
        public var variant: String
        /// Median seconds per kernel call.
        public var medianSeconds: Double
        /// Bytes one call streams (matrix values and indices, vectors read and written).
        public var bytes: Int
        /// bytes / median time, in 10⁹ bytes per second.
        public var gigabytesPerSecond: Double
        /// Timed repetitions the median is taken over.
        public var repetitions: Int
    }

    /// A speed ratio between two variants of one kernel (time of the slower format over the
    /// time of the faster one, so > 1 means the narrower format wins).
    public struct Ratio: Codable, Sendable {
        /// Kernel name.
        public var kernel: String
        /// Problem name.
        public var problem: String
        /// `fp16/fp32`, `fp16-native/fp32` or `fp64/fp32`.
        public var name: String
        /// time(wider) / time(narrower).
        public var value: Double
        /// The target the project set for this ratio, if any.
        public var target: Double?
        /// Whether `value` reaches `target` (nil when there is no target).
        public var reached: Bool?
    }

    /// Everything one run measured.
    public struct Report: Codable, Sendable {
        /// The kernel path used.
        public var path: String
        /// Whether the path has native fp16 arithmetic (otherwise `fp16-native` is emulated).
        public var nativeHalfArithmetic: Bool
        /// Whether this was a `--quick` run.
        public var quick: Bool
        /// Whether this was a `--large` run (the out-of-cache problems only).
        public var large: Bool
        /// All timings.
        public var measurements: [Measurement]
        /// All ratios, with targets where the project set one.
        public var ratios: [Ratio]
    }

    /// Runs the benchmark; `progress` receives one line per problem.
    public static func run(
        options: Options, progress: (String) -> Void = { _ in }
    ) throws -> Report {
        let path = options.path ?? KernelPath.active
        guard path.isSupported else { throw SparseError.unsupportedKernelPath(path.description) }
        var timer = Timer(quick: options.quick && !options.large)
        var measurements: [Measurement] = []
        var pgoProblems: [(name: String, poses: Int, edges: Int, blockSize: Int)] = [
            ("pgo500-L2", 500, 990, 6), ("sphere2500", 2500, 4950, 6), ("city10000", 10000, 20000, 3),
        ]
        var baProblems: [(name: String, poses: Int, landmarks: Int, observations: Int)] = [
            ("ba50", 50, 241, 2750),
        ]
        if options.large {
            baProblems = [("ba5000", 5000, 24100, 275000)]
            pgoProblems = [("sphere250000", 250000, 495000, 6), ("city100000", 100000, 200000, 3)]
        } else if !options.quick {
            baProblems.append(("ba500", 500, 2410, 27500))
            pgoProblems.append(("sphere25000", 25000, 49500, 6))
        }
        for p in baProblems {
            progress("\(p.name): BA window Jacobian, \(p.observations) observations")
            measurements += try measureBA(
                jacobian: makeBAJacobian(poses: p.poses, landmarks: p.landmarks, observations: p.observations, seed: 1),
                problem: p.name, path: path, timer: &timer)
        }
        for p in pgoProblems {
            progress("\(p.name): \(p.poses) poses, \(p.edges) edges, \(p.blockSize)×\(p.blockSize) blocks")
            let hessian = try makePoseGraphHessian(poses: p.poses, edges: p.edges, blockSize: p.blockSize, seed: 2)
            measurements += try measureBlockMatrix(hessian, problem: p.name, path: path, timer: &timer)
            measurements += try measureFactor(hessian, problem: p.name, path: path, timer: &timer)
        }
        return Report(
            path: path.description, nativeHalfArithmetic: path == .avx512fp16,
            quick: options.quick && !options.large, large: options.large, measurements: measurements,
            ratios: ratios(measurements))
    }

    // MARK: - Problems

    /// A BA window: landmarks seen by random poses, 2×6 and 2×3 blocks in [-1, 1].
    static func makeBAJacobian(poses: Int, landmarks: Int, observations: Int, seed: UInt64) throws -> BAJacobian<Double> {
        var rng = Generator(seed: seed)
        var poseIndices = [Int32](), landmarkIndices = [Int32](), blocks = [Double]()
        poseIndices.reserveCapacity(observations)
        landmarkIndices.reserveCapacity(observations)
        blocks.reserveCapacity(18 * observations)
        for k in 0..<observations {
            let landmark = k % landmarks
            // Consecutive keyframes see a landmark: poses near the landmark's "birth" pose.
            let birth = landmark * poses / landmarks
            poseIndices.append(Int32((birth + rng.below(8)) % poses))
            landmarkIndices.append(Int32(landmark))
            for _ in 0..<18 { blocks.append(rng.symmetric()) }
        }
        return try BAJacobian(
            poseCount: poses, landmarkCount: landmarks, poseIndices: poseIndices,
            landmarkIndices: landmarkIndices, blocks: blocks)
    }

    /// A sphere2500-like pose-graph Hessian (full symmetric block CSR, `blockSize` 6 for SE(3),
    /// 3 for SE(2)): an odometry chain plus loop closures between poses about one ring
    /// (50 poses) apart, diagonally dominant.
    static func makePoseGraphHessian(poses: Int, edges: Int, blockSize b: Int = 6, seed: UInt64) throws -> BlockCSRMatrix<Double> {
        var rng = Generator(seed: seed)
        var neighbours = [[Int32]](repeating: [], count: poses)
        var edgeCount = 0
        for i in 0..<(poses - 1) {
            neighbours[i].append(Int32(i + 1)); neighbours[i + 1].append(Int32(i)); edgeCount += 1
        }
        var attempts = 0
        while edgeCount < edges, attempts < 10 * edges {
            attempts += 1
            let i = rng.below(poses), j = i + 48 + rng.below(5)
            guard j < poses, !neighbours[i].contains(Int32(j)) else { continue }
            neighbours[i].append(Int32(j)); neighbours[j].append(Int32(i)); edgeCount += 1
        }
        var pointers: [Int32] = [0], columns = [Int32](), values = [Double]()
        for i in 0..<poses {
            let row = (neighbours[i] + [Int32(i)]).sorted()
            for j in row {
                columns.append(j)
                for r in 0..<b {
                    for c in 0..<b {
                        if Int(j) == i {
                            values.append(r == c ? 8 * Double(row.count) : 0)
                        } else {
                            // Symmetric: the (i, j) block is the transpose of the (j, i) block.
                            let (lo, hi) = (min(i, Int(j)), max(i, Int(j)))
                            let (rr, cc) = i < Int(j) ? (r, c) : (c, r)
                            values.append(Generator.hash(lo, hi, rr * b + cc, seed))
                        }
                    }
                }
            }
            pointers.append(Int32(columns.count))
        }
        return try BlockCSRMatrix(
            blockSize: b, blockRowCount: poses, blockColumnCount: poses, blockRowPointers: pointers,
            blockColumnIndices: columns, values: values)
    }

    // MARK: - Measurements

    static let variants: [(name: String, storage: Precision, half: HalfArithmetic)] = [
        ("fp64", .fp64, .float32), ("fp32", .fp32, .float32), ("fp16", .fp16, .float32),
        ("fp16-native", .fp16, .float16),
    ]

    static func measureBA(
        jacobian: BAJacobian<Double>, problem: String, path: KernelPath, timer: inout Timer
    ) throws -> [Measurement] {
        let f32 = try jacobian.converted(to: Float.self).jacobian
        let f16 = try jacobian.converted(to: Float16.self).jacobian
        let obs = jacobian.observationCount
        var out: [Measurement] = []
        for v in variants {
            let options = KernelOptions(path: path, halfArithmetic: v.half)
            let valueBytes = 18 * obs * v.storage.byteCount + 8 * obs
            let vectorBytes = v.storage == .fp64 ? 8 : 4
            let jpBytes = valueBytes + (jacobian.columnCount + jacobian.rowCount) * vectorBytes
            let jtqBytes = valueBytes + (jacobian.rowCount + 2 * jacobian.columnCount) * vectorBytes
            func record(_ kernel: String, _ bytes: Int, _ body: () throws -> Void) throws {
                let (median, reps) = try timer.median(body)
                out.append(Measurement(
                    kernel: kernel, problem: problem, variant: v.name, medianSeconds: median, bytes: bytes,
                    gigabytesPerSecond: Double(bytes) / median / 1e9, repetitions: reps))
            }
            switch v.storage {
            case .fp64:
                var x = vector(jacobian.columnCount, Double.self), r = vector(jacobian.rowCount, Double.self)
                try record("BA J p", jpBytes) { try jacobian.multiply(x, into: &r, options: options) }
                try record("BA Jt q", jtqBytes) { try jacobian.multiplyTransposed(r, into: &x, options: options) }
                try record("BA J p + Jt q", jpBytes + jtqBytes) {
                    try jacobian.multiply(x, into: &r, options: options)
                    try jacobian.multiplyTransposed(r, into: &x, options: options)
                }
            case .fp32, .fp16:
                var x = vector(jacobian.columnCount, Float.self), r = vector(jacobian.rowCount, Float.self)
                if v.storage == .fp32 {
                    try record("BA J p", jpBytes) { try f32.multiply(x, into: &r, options: options) }
                    try record("BA Jt q", jtqBytes) { try f32.multiplyTransposed(r, into: &x, options: options) }
                    try record("BA J p + Jt q", jpBytes + jtqBytes) {
                        try f32.multiply(x, into: &r, options: options)
                        try f32.multiplyTransposed(r, into: &x, options: options)
                    }
                } else {
                    try record("BA J p", jpBytes) { try f16.multiply(x, into: &r, options: options) }
                    try record("BA Jt q", jtqBytes) { try f16.multiplyTransposed(r, into: &x, options: options) }
                    try record("BA J p + Jt q", jpBytes + jtqBytes) {
                        try f16.multiply(x, into: &r, options: options)
                        try f16.multiplyTransposed(r, into: &x, options: options)
                    }
                }
            }
        }
        return out
    }

    static func measureBlockMatrix(
        _ h: BlockCSRMatrix<Double>, problem: String, path: KernelPath, timer: inout Timer
    ) throws -> [Measurement] {
        let f32 = try h.converted(to: Float.self).matrix
        let f16 = try h.converted(to: Float16.self).matrix
        let n = h.rowCount
        let bsr = "bsr\(h.blockSize)"
        var out: [Measurement] = []
        for v in variants {
            let options = KernelOptions(path: path, halfArithmetic: v.half)
            let vectorBytes = v.storage == .fp64 ? 8 : 4
            let bytes = h.values.count * v.storage.byteCount + 4 * (h.blockCount + h.blockRowCount + 1) + 2 * n * vectorBytes
            func record(_ kernel: String, _ body: () throws -> Void) throws {
                let (median, reps) = try timer.median(body)
                out.append(Measurement(
                    kernel: kernel, problem: problem, variant: v.name, medianSeconds: median, bytes: bytes,
                    gigabytesPerSecond: Double(bytes) / median / 1e9, repetitions: reps))
            }
            switch v.storage {
            case .fp64:
                let x = vector(n, Double.self)
                var y = vector(n, Double.self)
                try record("\(bsr) A x") { try h.multiply(x, into: &y, options: options) }
                try record("\(bsr) At x") { try h.multiplyTransposed(x, into: &y, options: options) }
            case .fp32:
                let x = vector(n, Float.self)
                var y = vector(n, Float.self)
                try record("\(bsr) A x") { try f32.multiply(x, into: &y, options: options) }
                try record("\(bsr) At x") { try f32.multiplyTransposed(x, into: &y, options: options) }
            case .fp16:
                let x = vector(n, Float.self)
                var y = vector(n, Float.self)
                try record("\(bsr) A x") { try f16.multiply(x, into: &y, options: options) }
                try record("\(bsr) At x") { try f16.multiplyTransposed(x, into: &y, options: options) }
            }
        }
        return out
    }

    static func measureFactor(
        _ h: BlockCSRMatrix<Double>, problem: String, path: KernelPath, timer: inout Timer
    ) throws -> [Measurement] {
        var out: [Measurement] = []
        let flat = try scalarMatrix(h)
        for blockSize in [h.blockSize, 1] {
            for v in variants {
                let icOptions = IncompleteCholesky.Options(
                    storage: v.storage, kernel: KernelOptions(path: path, halfArithmetic: v.half))
                let ic = blockSize > 1
                    ? try IncompleteCholesky(matrix: h, options: icOptions)
                    : try IncompleteCholesky(matrix: flat, options: icOptions)
                let name = blockSize > 1 ? "block trsv" : "csr trsv"
                switch ic.factor {
                case .fp64(let f): out += try measureSolves(f, name, problem, v.name, icOptions.kernel, &timer)
                case .fp32(let f): out += try measureSolves(f, name, problem, v.name, icOptions.kernel, &timer)
                case .fp16(let f): out += try measureSolves(f, name, problem, v.name, icOptions.kernel, &timer)
                }
            }
        }
        return out
    }

    static func measureSolves<S: SparseScalar>(
        _ f: TriangularFactor<S>, _ name: String, _ problem: String, _ variant: String,
        _ options: KernelOptions, _ timer: inout Timer
    ) throws -> [Measurement] {
        let b = vector(f.dimension, S.VectorScalar.self)
        var y = vector(f.dimension, S.VectorScalar.self)
        let bytes = f.storedValueCount * S.precision.byteCount + 4 * (f.columnIndices.count + f.blockCount + 1)
            + 2 * f.dimension * MemoryLayout<S.VectorScalar>.size
        var out: [Measurement] = []
        for (kernel, transposed) in [("\(name) L", false), ("\(name) Lt", true)] {
            let (median, reps) = try timer.median {
                if transposed { try f.solveLowerTransposed(b, into: &y, options: options) }
                else { try f.solveLower(b, into: &y, options: options) }
            }
            out.append(Measurement(
                kernel: kernel, problem: problem, variant: variant, medianSeconds: median, bytes: bytes,
                gigabytesPerSecond: Double(bytes) / median / 1e9, repetitions: reps))
        }
        return out
    }

    static func scalarMatrix(_ h: BlockCSRMatrix<Double>) throws -> CSRMatrix<Double> {
        let b = h.blockSize
        var pointers: [Int32] = [0], columns = [Int32](), values = [Double]()
        for i in 0..<h.blockRowCount {
            for r in 0..<b {
                for k in Int(h.blockRowPointers[i])..<Int(h.blockRowPointers[i + 1]) {
                    let j = Int(h.blockColumnIndices[k])
                    for c in 0..<b {
                        columns.append(Int32(j * b + c))
                        values.append(h.values[k * b * b + r * b + c])
                    }
                }
                pointers.append(Int32(columns.count))
            }
        }
        return try CSRMatrix(
            rowCount: h.rowCount, columnCount: h.columnCount, rowPointers: pointers,
            columnIndices: columns, values: values)
    }

    static func vector<V: BinaryFloatingPoint>(_ n: Int, _: V.Type) -> [V] {
        var rng = Generator(seed: UInt64(n))
        return (0..<n).map { _ in V(rng.symmetric()) }
    }

    // MARK: - Ratios

    static func ratios(_ m: [Measurement]) -> [Ratio] {
        var byKey: [String: Double] = [:]
        for x in m { byKey["\(x.kernel)|\(x.problem)|\(x.variant)"] = x.medianSeconds }
        var out: [Ratio] = []
        var seen = Set<String>()
        for x in m where seen.insert("\(x.kernel)|\(x.problem)").inserted {
            func time(_ v: String) -> Double? { byKey["\(x.kernel)|\(x.problem)|\(v)"] }
            guard let t32 = time("fp32") else { continue }
            for (name, wide, narrow) in [("fp16/fp32", t32, time("fp16")), ("fp16-native/fp32", t32, time("fp16-native")),
                                         ("fp64/fp32", time("fp64"), t32)] {
                guard let wide, let narrow else { continue }
                let value = wide / narrow
                let target = target(kernel: x.kernel, ratio: name)
                out.append(Ratio(kernel: x.kernel, problem: x.problem, name: name, value: value,
                                 target: target, reached: target.map { value >= $0 }))
            }
        }
        return out
    }

    /// The project's speed targets (issue "Kernels"): 6×6 block SpMV and the BA products
    /// fp16/fp32 ≥ 1.5, triangular solves ≥ 1.3, fp64/fp32 ≥ 1.8 on block kernels.
    static func target(kernel: String, ratio: String) -> Double? {
        switch ratio {
        case "fp16/fp32":
            if kernel.hasPrefix("bsr6") || kernel == "BA J p + Jt q" { return 1.5 }
            if kernel.contains("trsv") { return 1.3 }
            return nil
        case "fp64/fp32":
            return kernel.hasPrefix("bsr6") || kernel.hasPrefix("block trsv") || kernel.hasPrefix("BA") ? 1.8 : nil
        default:
            return nil
        }
    }

    // MARK: - Timing and data

    struct Timer {
        let repetitions: Int
        let batchSeconds: Double

        init(quick: Bool) {
            repetitions = quick ? 7 : 25
            batchSeconds = quick ? 0.002 : 0.01
        }

        /// Median seconds per call over `repetitions` batches, each long enough
        /// (`batchSeconds`) for the clock; one warm-up call first.
        mutating func median(_ body: () throws -> Void) throws -> (Double, Int) {
            let clock = ContinuousClock()
            try body()
            let single = clock.measure { try? body() }
            let perCall = max(seconds(single), 1e-8)
            let batch = max(1, Int(batchSeconds / perCall))
            var samples: [Double] = []
            for _ in 0..<repetitions {
                let start = clock.now
                for _ in 0..<batch { try body() }
                samples.append(seconds(clock.now - start) / Double(batch))
            }
            samples.sort()
            return (samples[samples.count / 2], repetitions)
        }

        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
    }

    /// SplitMix64: deterministic benchmark data.
    struct Generator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return Generator.mix(state)
        }
        mutating func symmetric() -> Double { Double(next() >> 11) * 0x1p-52 - 1 }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        static func mix(_ x: UInt64) -> UInt64 {
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// A value in [-1, 1) determined by (a, b, c, seed), so symmetric blocks agree.
        static func hash(_ a: Int, _ b: Int, _ c: Int, _ seed: UInt64) -> Double {
            let h = mix(UInt64(a) &* 0x1000193 ^ mix(UInt64(b) &* 0x9E37 ^ mix(UInt64(c) ^ seed)))
            return Double(h >> 11) * 0x1p-52 - 1
        }
    }
}
