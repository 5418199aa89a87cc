import SLAMGeometry

/// Writes of whitened, robust-weighted factor blocks from the evaluation scalar `S` into the
/// fp64 buffers of a ``Linearization`` (row-major), plus the small products the factors share.
@usableFromInline
enum BlockStore {
    @inlinable
    static func store<S: GeometryScalar>(_ v: SIMD3<S>, weight w: Double, to p: UnsafeMutablePointer<Double>) {
        p[0] = w * Double(v.x)
        p[1] = w * Double(v.y)
        p[2] = w * Double(v.z)
    }

    @inlinable
    static func store<S: GeometryScalar>(_ v: SIMD2<S>, weight w: Double, to p: UnsafeMutablePointer<Double>) {
        p[0] = w * Double(v.x)
        p[1] = w * Double(v.y)
    }

    /// A 3×3 block into a row-major buffer with `stride` columns, starting at column `column`.
    @inlinable
    static func store<S: GeometryScalar>(
        _ m: Matrix3<S>, weight w: Double, to p: UnsafeMutablePointer<Double>, stride: Int = 3, column: Int = 0
    ) {
        store(m.row0, weight: w, to: p + column)
        store(m.row1, weight: w, to: p + stride + column)
        store(m.row2, weight: w, to: p + 2 * stride + column)
    }

    @inlinable
    static func store<S: GeometryScalar>(_ m: Matrix6<S>, weight w: Double, to p: UnsafeMutablePointer<Double>) {
        store(m.topLeft, weight: w, to: p, stride: 6, column: 0)
        store(m.topRight, weight: w, to: p, stride: 6, column: 3)
        store(m.bottomLeft, weight: w, to: p + 18, stride: 6, column: 0)
        store(m.bottomRight, weight: w, to: p + 18, stride: 6, column: 3)
    }

    /// Squared norm accumulated in fp64 from the `S`-rounded entries, so the robust kernel
    /// sees what the residual plan computed without fp16 overflow in the sum itself.
    @inlinable
    static func squaredNorm<S: GeometryScalar>(_ v: SIMD3<S>) -> Double {
        let x = Double(v.x)
        let y = Double(v.y)
        let z = Double(v.z)
        return x * x + y * y + z * z
    }

    @inlinable
    static func squaredNorm<S: GeometryScalar>(_ v: SIMD2<S>) -> Double {
        let x = Double(v.x)
        let y = Double(v.y)
        return x * x + y * y
    }

    @inlinable
    static func squaredNorm<S: GeometryScalar>(_ t: SE3<S>.Tangent) -> Double {
        squaredNorm(t.translation) + squaredNorm(t.rotation)
    }
}

extension Matrix3 where Scalar == Double {
    /// The row-major 3×3 array as a matrix.
    @usableFromInline init(rowMajor a: [Double]) {
        self.init(rows: SIMD3(a[0], a[1], a[2]), SIMD3(a[3], a[4], a[5]), SIMD3(a[6], a[7], a[8]))
    }
}

extension Matrix6 where Scalar == Double {
    /// The row-major 6×6 array as a matrix.
    @usableFromInline init(rowMajor a: [Double]) {
        self.init(
            topLeft: Matrix3(rows: SIMD3(a[0], a[1], a[2]), SIMD3(a[6], a[7], a[8]), SIMD3(a[12], a[13], a[14])),
            topRight: Matrix3(rows: SIMD3(a[3], a[4], a[5]), SIMD3(a[9], a[10], a[11]), SIMD3(a[15], a[16], a[17])),
            bottomLeft: Matrix3(rows: SIMD3(a[18], a[19], a[20]), SIMD3(a[24], a[25], a[26]), SIMD3(a[30], a[31], a[32])),
            bottomRight: Matrix3(rows: SIMD3(a[21], a[22], a[23]), SIMD3(a[27], a[28], a[29]), SIMD3(a[33], a[34], a[35])))
    }
}

/// The fp64 square blocks a ``BlockWhitening`` holds: the 3×3 and 6×6 matrices of the pose
/// and point factors.
@usableFromInline
protocol WhiteningBlock: Sendable, Equatable {
    /// Rows (= columns).
    static var dimension: Int { get }
    /// The matrix of a row-major array of dimension² entries.
    init(rowMajor: [Double])
    /// The entries, row-major.
    var rowMajor: [Double] { get }
}

extension Matrix3: WhiteningBlock where Scalar == Double {
    @usableFromInline static var dimension: Int { 3 }
}

extension Matrix6: WhiteningBlock where Scalar == Double {
    @usableFromInline static var dimension: Int { 6 }
}

/// A whitening S (SᵀS = Ω) of a 3×3 or 6×6 information matrix, and Ω, inline in the factor.
@usableFromInline
struct BlockWhitening<Block: WhiteningBlock>: Sendable, Equatable {
    /// S.
    @usableFromInline let matrix: Block
    /// Ω itself, kept for ``information``.
    let omega: Block

    init(_ information: InformationMatrix) {
        matrix = Block(rowMajor: information.squareRoot)
        omega = Block(rowMajor: information.matrix)
    }

    /// Ω with this square root. Rebuilt on demand: an ``InformationMatrix`` holds two arrays,
    /// and a factor that stored one was copied with their retains and releases at every
    /// evaluation (5 % of a city10000 solve).
    var information: InformationMatrix {
        InformationMatrix(validated: omega.rowMajor, dimension: Block.dimension, squareRoot: matrix.rowMajor)
    }
}

/// A 2×2 whitening S = [[a, b], [c, d]] with SᵀS = Ω for pixel residuals, and Ω.
@usableFromInline
struct Whitening2: Sendable, Equatable {
    @usableFromInline var a: Double
    @usableFromInline var b: Double
    @usableFromInline var c: Double
    @usableFromInline var d: Double

    /// Ω itself, row-major, kept inline for ``information``.
    let omega: SIMD4<Double>

    init(_ information: InformationMatrix) {
        let s = information.squareRoot, m = information.matrix
        a = s[0]
        b = s[1]
        c = s[2]
        d = s[3]
        omega = SIMD4(m[0], m[1], m[2], m[3])
    }

    /// Ω with this square root. Rebuilt on demand: an ``InformationMatrix`` holds two arrays,
    /// and a factor storing one was copied with two retains and releases per evaluation in
    /// BA's loops over many reprojection factors.
    var information: InformationMatrix {
        InformationMatrix(validated: [omega[0], omega[1], omega[2], omega[3]], dimension: 2, squareRoot: [a, b, c, d])
    }

    @inlinable
    func apply<S: GeometryScalar>(_ v: SIMD2<S>) -> SIMD2<S> {
        SIMD2(S(a) * v.x + S(b) * v.y, S(c) * v.x + S(d) * v.y)
    }
}
