import RealModule

/// A 6×6 matrix as four 3×3 blocks, for the adjoint and Jacobians of SE(3) in the
/// [translation; rotation] tangent order.
@frozen
public struct Matrix6<Scalar: GeometryScalar>: Sendable, Equatable {
    /// Rows 0–2, columns 0–2 (translation from translation).
    public var topLeft: Matrix3<Scalar>
    /// Rows 0–2, columns 3–5 (translation from rotation).
    public var topRight: Matrix3<Scalar>
    /// Rows 3–5, columns 0–2 (rotation from translation).
    public var bottomLeft: Matrix3<Scalar>
    /// Rows 3–5, columns 3–5 (rotation from rotation).
    public var bottomRight: Matrix3<Scalar>

    /// A matrix from its four blocks.
    @inlinable
    public init(
        topLeft: Matrix3<Scalar>, topRight: Matrix3<Scalar>,
        bottomLeft: Matrix3<Scalar>, bottomRight: Matrix3<Scalar>
    ) {
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
    }

    /// The matrix converted to another scalar type.
    @inlinable
    public init<Other: GeometryScalar>(_ other: Matrix6<Other>) {
        self.init(
            topLeft: Matrix3(other.topLeft), topRight: Matrix3(other.topRight),
            bottomLeft: Matrix3(other.bottomLeft), bottomRight: Matrix3(other.bottomRight))
    }

    /// The identity.
    @inlinable
    public static var identity: Matrix6 {
        Matrix6(topLeft: .identity, topRight: .zero, bottomLeft: .zero, bottomRight: .identity)
    }

    /// The entries in row-major order (36 values).
    @inlinable
    public var rowMajor: [Scalar] { (0..<36).map { self[$0 / 6, $0 % 6] } }

    /// Entry at (row, column), both in 0..<6; an index outside that range traps, as an array's
    /// does.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            switch (row < 3, column < 3) {
            case (true, true): return topLeft[row, column]
            case (true, false): return topRight[row, column - 3]
            case (false, true): return bottomLeft[row - 3, column]
            case (false, false): return bottomRight[row - 3, column - 3]
            }
        }
        set {
            switch (row < 3, column < 3) {
            case (true, true): topLeft[row, column] = newValue
            case (true, false): topRight[row, column - 3] = newValue
            case (false, true): bottomLeft[row - 3, column] = newValue
            case (false, false): bottomRight[row - 3, column - 3] = newValue
            }
        }
    }

    /// The transpose.
    @inlinable
    public var transposed: Matrix6 {
        Matrix6(
            topLeft: topLeft.transposed, topRight: bottomLeft.transposed,
            bottomLeft: topRight.transposed, bottomRight: bottomRight.transposed)
    }

    /// Matrix product.
    @inlinable
    public static func * (a: Matrix6, b: Matrix6) -> Matrix6 {
        Matrix6(
            topLeft: a.topLeft * b.topLeft + a.topRight * b.bottomLeft,
            topRight: a.topLeft * b.topRight + a.topRight * b.bottomRight,
            bottomLeft: a.bottomLeft * b.topLeft + a.bottomRight * b.bottomLeft,
            bottomRight: a.bottomLeft * b.topRight + a.bottomRight * b.bottomRight)
    }

    /// Matrix-vector product on a tangent vector.
    @inlinable
    public static func * (m: Matrix6, v: SE3<Scalar>.Tangent) -> SE3<Scalar>.Tangent {
        SE3<Scalar>.Tangent(
            translation: m.topLeft * v.translation + m.topRight * v.rotation,
            rotation: m.bottomLeft * v.translation + m.bottomRight * v.rotation)
    }

    /// Scalar multiple.
    @inlinable
    public static func * (s: Scalar, m: Matrix6) -> Matrix6 {
        Matrix6(
            topLeft: s * m.topLeft, topRight: s * m.topRight, bottomLeft: s * m.bottomLeft,
            bottomRight: s * m.bottomRight)
    }

    /// Negation.
    @inlinable
    public static prefix func - (m: Matrix6) -> Matrix6 { Scalar(-1) * m }
}
