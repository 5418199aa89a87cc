import Foundation
import MixedSLAM

// Free functions rather than extension members, so that later additions to the geometry
// layer's `Matrix3` can never make a call here ambiguous.

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

/// The matrix with the given columns.
func matrix(columns c0: SIMD3<Double>, _ c1: SIMD3<Double>, _ c2: SIMD3<Double>) -> Matrix3<Double> {
    Matrix3(rows: SIMD3(c0.x, c1.x, c2.x), SIMD3(c0.y, c1.y, c2.y), SIMD3(c0.z, c1.z, c2.z))
}

/// Column `index` (0...2) of `m`.
func column(_ index: Int, of m: Matrix3<Double>) -> SIMD3<Double> {
    SIMD3(m.row0[index], m.row1[index], m.row2[index])
}

/// The determinant (scalar triple product of the rows).
func determinant(_ m: Matrix3<Double>) -> Double {
    dot(m.row0, cross(m.row1, m.row2))
}

/// The rotation by `angle` radians about the z axis (the yaw of a planar pose).
func rotationAboutZ(_ angle: Double) -> Matrix3<Double> {
    let (s, c) = (sin(angle), cos(angle))
    return Matrix3(rows: SIMD3(c, -s, 0), SIMD3(s, c, 0), SIMD3(0, 0, 1))
}

/// Largest absolute difference between corresponding elements of two matrices.
func maximumAbsoluteDifference(_ a: Matrix3<Double>, _ b: Matrix3<Double>) -> Double {
    max(abs(a.row0 - b.row0).max(), abs(a.row1 - b.row1).max(), abs(a.row2 - b.row2).max())
}
