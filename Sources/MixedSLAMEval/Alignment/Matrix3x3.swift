import Foundation

/// A dense 3×3 matrix of `Double`, stored by rows, with only the operations alignment needs.
///
/// Alignment results expose rotations as this type so that this module's evaluation code does
/// not depend on how the geometry layer parameterizes rotations.
public struct Matrix3x3: Sendable, Equatable {
    /// The rows, top to bottom.
    public var rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    /// Creates the matrix with the given rows.
    public init(rows r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) {
        rows = (r0, r1, r2)
    }

    /// Creates the matrix with the given columns.
    public init(columns c0: SIMD3<Double>, _ c1: SIMD3<Double>, _ c2: SIMD3<Double>) {
        rows = (SIMD3(c0.x, c1.x, c2.x), SIMD3(c0.y, c1.y, c2.y), SIMD3(c0.z, c1.z, c2.z))
    }

    /// The 3×3 identity.
    public static let identity = Matrix3x3(
        rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))

    /// The 3×3 zero matrix.
    public static let zero = Matrix3x3(rows: .zero, .zero, .zero)

    /// The rotation by `angle` radians about the z axis (the yaw of a planar pose).
    public static func rotationAboutZ(_ angle: Double) -> Matrix3x3 {
        let (s, c) = (sin(angle), cos(angle))
        return Matrix3x3(rows: SIMD3(c, -s, 0), SIMD3(s, c, 0), SIMD3(0, 0, 1))
    }

    /// The element in row `row`, column `column` (both 0...2).
    public subscript(row: Int, column: Int) -> Double {
        self.row(row)[column]
    }

    /// Row `index` (0...2).
    public func row(_ index: Int) -> SIMD3<Double> {
        switch index {
        case 0: return rows.0
        case 1: return rows.1
        default: return rows.2
        }
    }

    /// Column `index` (0...2).
    public func column(_ index: Int) -> SIMD3<Double> {
        SIMD3(rows.0[index], rows.1[index], rows.2[index])
    }

    /// The transpose.
    public var transposed: Matrix3x3 {
        Matrix3x3(columns: rows.0, rows.1, rows.2)
    }

    /// The determinant (scalar triple product of the rows).
    public var determinant: Double {
        dot(rows.0, cross(rows.1, rows.2))
    }

    /// The trace.
    public var trace: Double {
        rows.0.x + rows.1.y + rows.2.z
    }

    /// Matrix-vector product.
    public static func * (m: Matrix3x3, v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(dot(m.rows.0, v), dot(m.rows.1, v), dot(m.rows.2, v))
    }

    /// Matrix-matrix product.
    public static func * (a: Matrix3x3, b: Matrix3x3) -> Matrix3x3 {
        let bt = b.transposed
        return Matrix3x3(
            rows: SIMD3(dot(a.rows.0, bt.rows.0), dot(a.rows.0, bt.rows.1), dot(a.rows.0, bt.rows.2)),
            SIMD3(dot(a.rows.1, bt.rows.0), dot(a.rows.1, bt.rows.1), dot(a.rows.1, bt.rows.2)),
            SIMD3(dot(a.rows.2, bt.rows.0), dot(a.rows.2, bt.rows.1), dot(a.rows.2, bt.rows.2)))
    }

    /// Element-wise sum.
    public static func + (a: Matrix3x3, b: Matrix3x3) -> Matrix3x3 {
        Matrix3x3(rows: a.rows.0 + b.rows.0, a.rows.1 + b.rows.1, a.rows.2 + b.rows.2)
    }

    /// Multiplies every element by `s`.
    public static func * (s: Double, m: Matrix3x3) -> Matrix3x3 {
        Matrix3x3(rows: s * m.rows.0, s * m.rows.1, s * m.rows.2)
    }

    /// The outer product a bᵀ.
    public static func outer(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Matrix3x3 {
        Matrix3x3(rows: a.x * b, a.y * b, a.z * b)
    }

    /// Largest absolute difference between corresponding elements.
    public func maximumAbsoluteDifference(to other: Matrix3x3) -> Double {
        let d0 = abs(rows.0 - other.rows.0)
        let d1 = abs(rows.1 - other.rows.1)
        let d2 = abs(rows.2 - other.rows.2)
        return max(d0.max(), d1.max(), d2.max())
    }

    /// Equality compares elements, tuples having no synthesized conformance.
    public static func == (a: Matrix3x3, b: Matrix3x3) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2
    }
}

/// Euclidean inner product of two 3-vectors.
@inlinable
func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    (a * b).sum()
}

/// Cross product a × b.
@inlinable
func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// Euclidean norm of a 3-vector.
@inlinable
func norm(_ a: SIMD3<Double>) -> Double {
    dot(a, a).squareRoot()
}

/// Element-wise absolute value.
@inlinable
func abs(_ a: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(Swift.abs(a.x), Swift.abs(a.y), Swift.abs(a.z))
}
