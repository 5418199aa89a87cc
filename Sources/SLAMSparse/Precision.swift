/// A floating-point precision a computation or a storage buffer can use.
///
/// Ordered from least to most precise, so `max(a, b)` is the safer of two choices.
public enum Precision: String, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// IEEE 754 binary16: 11-bit significand (about 3 decimal digits), range ±65504.
    case fp16
    /// IEEE 754 binary32: 24-bit significand (about 7 decimal digits).
    case fp32
    /// IEEE 754 binary64: 53-bit significand (about 16 decimal digits).
    case fp64

    /// Unit roundoff u = 2⁻ᵖ of the format: the bound on the relative error of one rounding.
    public var unitRoundoff: Double {
        switch self {
        case .fp16: return 0x1p-11
        case .fp32: return 0x1p-24
        case .fp64: return 0x1p-53
        }
    }

    /// Bytes one value occupies.
    public var byteCount: Int {
        switch self {
        case .fp16: return 2
        case .fp32: return 4
        case .fp64: return 8
        }
    }

    /// The next more precise format, or `nil` for fp64.
    public var higher: Precision? {
        switch self {
        case .fp16: return .fp32
        case .fp32: return .fp64
        case .fp64: return nil
        }
    }

    /// Orders by precision, so `max` picks the safer format.
    public static func < (lhs: Precision, rhs: Precision) -> Bool {
        lhs.byteCount < rhs.byteCount
    }

    /// `fp16`, `fp32` or `fp64`, as users type it.
    public var description: String { rawValue }
}

/// A scalar type that sparse matrices can store: `Float16`, `Float` or `Double`.
public protocol SparseScalar: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
    /// The precision this type stores.
    static var precision: Precision { get }
    /// The element type of the vectors kernels multiply this storage with: `Double` for
    /// `Double` storage, `Float` for `Float` and `Float16` storage (fp16 is storage only;
    /// vectors stay fp32 so CG recurrences keep their accuracy).
    associatedtype VectorScalar: SparseScalar
}

extension Float16: SparseScalar {
    /// ``Precision/fp16``.
    public static var precision: Precision { .fp16 }
    /// fp16 matrices multiply fp32 vectors.
    public typealias VectorScalar = Float
}

extension Float: SparseScalar {
    /// ``Precision/fp32``.
    public static var precision: Precision { .fp32 }
    /// fp32 matrices multiply fp32 vectors.
    public typealias VectorScalar = Float
}

extension Double: SparseScalar {
    /// ``Precision/fp64``.
    public static var precision: Precision { .fp64 }
    /// fp64 matrices multiply fp64 vectors.
    public typealias VectorScalar = Double
}
