import RealModule

/// A 3×3 matrix stored as three rows: rotation matrices, skew matrices, and the 3×3
/// Jacobians and adjoints of SO(3) and SE(2).
@frozen
public struct Matrix3<Scalar: GeometryScalar>: Sendable, Equatable {
    /// First row.
    public var row0: SIMD3<Scalar>
    /// Second row.
    public var row1: SIMD3<Scalar>
    /// Third row.
    public var row2: SIMD3<Scalar>

    /// A matrix from its rows.
    @inlinable
    public init(rows row0: SIMD3<Scalar>, _ row1: SIMD3<Scalar>, _ row2: SIMD3<Scalar>) {
        self.row0 = row0
        self.row1 = row1
        self.row2 = row2
    }

    /// A diagonal matrix.
    @inlinable
    public init(diagonal: SIMD3<Scalar>) {
        self.init(
            rows: SIMD3(diagonal.x, 0, 0), SIMD3(0, diagonal.y, 0), SIMD3(0, 0, diagonal.z))
    }

    /// The identity.
    @inlinable
    public static var identity: Matrix3 { Matrix3(diagonal: SIMD3(repeating: 1)) }

    /// The zero matrix.
    @inlinable
    public static var zero: Matrix3 { Matrix3(rows: .zero, .zero, .zero) }

    /// The skew-symmetric matrix v^ with v^ w = v × w.
    @inlinable
    public static func skew(_ v: SIMD3<Scalar>) -> Matrix3 {
        Matrix3(rows: SIMD3(0, -v.z, v.y), SIMD3(v.z, 0, -v.x), SIMD3(-v.y, v.x, 0))
    }

    /// The outer product a bᵀ.
    @inlinable
    public static func outer(_ a: SIMD3<Scalar>, _ b: SIMD3<Scalar>) -> Matrix3 {
        Matrix3(rows: a.x * b, a.y * b, a.z * b)
    }

    /// The entries in row-major order (9 values).
    @inlinable
    public var rowMajor: [Scalar] { (0..<9).map { self[$0 / 3, $0 % 3] } }

    /// Entry at (row, column), both in 0..<3; an index outside that range traps, as an array's
    /// does.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            switch row {
            case 0: return row0[column]
            case 1: return row1[column]
            case 2: return row2[column]
            default: preconditionFailure("Matrix3 row \(row) is outside 0..<3")
            }
        }
        set {
            switch row {
            case 0: row0[column] = newValue
            case 1: row1[column] = newValue
            case 2: row2[column] = newValue
            default: preconditionFailure("Matrix3 row \(row) is outside 0..<3")
            }
        }
    }

    /// The transpose.
    @inlinable
    public var transposed: Matrix3 {
        Matrix3(
            rows: SIMD3(row0.x, row1.x, row2.x), SIMD3(row0.y, row1.y, row2.y),
            SIMD3(row0.z, row1.z, row2.z))
    }

    /// The trace.
    @inlinable
    public var trace: Scalar { row0.x + row1.y + row2.z }

    /// The matrix converted to another scalar type.
    @inlinable
    public init<Other: GeometryScalar>(_ other: Matrix3<Other>) {
        self.init(rows: SIMD3(other.row0), SIMD3(other.row1), SIMD3(other.row2))
    }

    /// Matrix-vector product.
    @inlinable
    public static func * (m: Matrix3, v: SIMD3<Scalar>) -> SIMD3<Scalar> {
        SIMD3(m.row0.dot(v), m.row1.dot(v), m.row2.dot(v))
    }

    /// Matrix product.
    @inlinable
    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(
            rows: a.row0.x * b.row0 + a.row0.y * b.row1 + a.row0.z * b.row2,
            a.row1.x * b.row0 + a.row1.y * b.row1 + a.row1.z * b.row2,
            a.row2.x * b.row0 + a.row2.y * b.row1 + a.row2.z * b.row2)
    }

    /// Scalar multiple.
    @inlinable
    public static func * (s: Scalar, m: Matrix3) -> Matrix3 {
        Matrix3(rows: s * m.row0, s * m.row1, s * m.row2)
    }

    /// Sum.
    @inlinable
    public static func + (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(rows: a.row0 + b.row0, a.row1 + b.row1, a.row2 + b.row2)
    }

    /// Difference.
    @inlinable
    public static func - (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(rows: a.row0 - b.row0, a.row1 - b.row1, a.row2 - b.row2)
    }

    /// Negation.
    @inlinable
    public static prefix func - (m: Matrix3) -> Matrix3 {
        Matrix3(rows: -m.row0, -m.row1, -m.row2)
    }
}
