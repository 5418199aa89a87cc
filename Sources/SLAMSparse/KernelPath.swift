import CKernels

/// The instruction-set path the C kernels run on.
///
/// The best supported path is chosen once per process with `__builtin_cpu_supports`; the
/// environment variable `MIXEDSLAM_KERNEL_PATH=scalar|avx2|avx512fp16` or ``force(_:)``
/// override it. Each kernel call can also name a path through ``KernelOptions/path``,
/// which is how tests compare paths without touching process-wide state.
public enum KernelPath: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Portable C, any CPU: the reference every other path is tested against.
    case scalar = 0
    /// x86-64 AVX2 + FMA + F16C: fp16 storage converted with `vcvtph2ps`, fp32 FMA.
    case avx2 = 1
    /// x86-64 AVX512-FP16: native fp16 FMA for the fp16-arithmetic kernels.
    case avx512fp16 = 2

    /// Whether this CPU can run the path.
    public var isSupported: Bool { ck_path_supported(cValue) != 0 }

    /// The fastest path this CPU supports.
    public static var best: KernelPath { KernelPath(ck_best_path()) }

    /// The path kernels use when ``KernelOptions/path`` is `nil`.
    public static var active: KernelPath { KernelPath(ck_active_path()) }

    /// Makes `path` the active path process-wide (`nil` restores ``best``).
    ///
    /// - Throws: ``SparseError/unsupportedKernelPath(_:)`` when the CPU lacks the path; the
    ///   active path is then unchanged.
    public static func force(_ path: KernelPath?) throws(SparseError) {
        let status = ck_set_path(path?.cValue ?? CK_PATH_AUTO)
        guard status == Int32(CK_OK.rawValue) else { throw .unsupportedKernelPath(path?.description ?? "auto") }
    }

    /// What `MIXEDSLAM_KERNEL_PATH` did when the kernels were first used.
    public static var environmentStatus: KernelEnvironmentStatus {
        KernelEnvironmentStatus(rawValue: ck_env_path_status()) ?? .unset
    }

    /// The name used by `MIXEDSLAM_KERNEL_PATH` and in reports.
    public var description: String { String(cString: ck_path_name(cValue)) }

    var cValue: ck_path { ck_path(rawValue: rawValue) }

    init(_ path: ck_path) { self = KernelPath(rawValue: path.rawValue) ?? .scalar }
}

/// The outcome of reading `MIXEDSLAM_KERNEL_PATH` at kernel initialization.
public enum KernelEnvironmentStatus: Int32, Sendable {
    /// The variable was absent or empty; the best path is active.
    case unset = 0
    /// The variable named a supported path, which is active.
    case applied = 1
    /// The variable named a path this CPU lacks; the best path was kept.
    case unsupported = 2
    /// The variable was not `scalar`, `avx2` or `avx512fp16`; the best path was kept.
    case unrecognized = 3
}

/// How fp16-stored values are multiplied.
public enum HalfArithmetic: String, Sendable, CaseIterable {
    /// fp16 storage converted to fp32, fp32 FMA: the mixed-precision kernels.
    case float32
    /// Every multiply-add rounds to fp16 (native on AVX512-FP16, emulated elsewhere).
    case float16
}

/// Per-call kernel choices, with defaults that suit production use.
public struct KernelOptions: Sendable, Equatable {
    /// The path to run on; `nil` (default) uses ``KernelPath/active``.
    public var path: KernelPath?
    /// Arithmetic for fp16-stored matrices; default ``HalfArithmetic/float32``.
    public var halfArithmetic: HalfArithmetic

    /// Creates options; the defaults are the active path and fp32 arithmetic.
    public init(path: KernelPath? = nil, halfArithmetic: HalfArithmetic = .float32) {
        self.path = path
        self.halfArithmetic = halfArithmetic
    }

    var cPath: ck_path { path?.cValue ?? CK_PATH_AUTO }
    var nativeHalf: Bool { halfArithmetic == .float16 }
}
