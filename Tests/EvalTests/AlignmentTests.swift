import Foundation
import MixedSLAM
import Testing

@testable import MixedSLAMEval

/// Rotation by `angle` about the unit direction of `axis` (Rodrigues' formula).
func rotation(axis: SIMD3<Double>, angle: Double) -> Matrix3<Double> {
    let a = axis / (axis * axis).sum().squareRoot()
    let (c, s) = (cos(angle), sin(angle))
    let k = 1 - c
    return Matrix3(
        rows: SIMD3(c + a.x * a.x * k, a.x * a.y * k - a.z * s, a.x * a.z * k + a.y * s),
        SIMD3(a.y * a.x * k + a.z * s, c + a.y * a.y * k, a.y * a.z * k - a.x * s),
        SIMD3(a.z * a.x * k - a.y * s, a.z * a.y * k + a.x * s, c + a.z * a.z * k))
}

@Suite("Jacobi SVD and Umeyama alignment")
struct AlignmentTests {
    /// Reconstruction and orthogonality residuals of a decomposition, relative to ‖A‖.
    func residuals(of a: Matrix3<Double>, _ svd: SingularValueDecomposition3x3) -> (Double, Double, Double) {
        let sigma = svd.singularValues
        let reconstruction = maximumAbsoluteDifference(svd.u * Matrix3(diagonal: sigma) * svd.v.transposed, a)
        let uOrthogonality = maximumAbsoluteDifference(svd.u.transposed * svd.u, .identity)
        let vOrthogonality = maximumAbsoluteDifference(svd.v.transposed * svd.v, .identity)
        return (reconstruction / max(sigma.x, .leastNormalMagnitude), uOrthogonality, vOrthogonality)
    }

    @Test("Jacobi SVD reconstructs random, rank-2, rank-1 and zero matrices")
    func jacobiSVD() throws {
        var generator = Xoshiro256StarStar(seed: 3)
        func randomVector() -> SIMD3<Double> {
            SIMD3(generator.nextGaussian(), generator.nextGaussian(), generator.nextGaussian())
        }
        var matrices: [Matrix3<Double>] = (0..<50).map { _ in
            Matrix3(rows: randomVector(), randomVector(), randomVector())
        }
        // Planar point sets give rank-2 covariances, straight lines rank 1.
        matrices.append(Matrix3.outer(randomVector(), randomVector()) + Matrix3.outer(randomVector(), randomVector()))
        matrices.append(Matrix3.outer(randomVector(), randomVector()))
        matrices.append(.zero)
        matrices.append(.identity)
        // Tolerance: a few dozen rotations, each with O(1) unit roundoffs per element.
        let tolerance = 64 * Double.ulpOfOne
        for a in matrices {
            let svd = try SingularValueDecomposition3x3(a)
            let (reconstruction, uError, vError) = residuals(of: a, svd)
            #expect(reconstruction <= tolerance)
            #expect(uError <= tolerance)
            #expect(vError <= tolerance)
            #expect(svd.singularValues.x >= svd.singularValues.y)
            #expect(svd.singularValues.y >= svd.singularValues.z)
            #expect(svd.singularValues.z >= 0)
        }
    }

    @Test("Jacobi SVD gives the known singular values of a rotated diagonal matrix")
    func knownSingularValues() throws {
        let left = rotation(axis: SIMD3(1, -2, 0.5), angle: 0.9)
        let right = rotation(axis: SIMD3(0.3, 1, 1), angle: -2.1)
        let a = left * Matrix3(diagonal: SIMD3(5, 2, 1e-9)) * right.transposed
        let svd = try SingularValueDecomposition3x3(a)
        let expected = SIMD3<Double>(5, 2, 1e-9)
        // Jacobi's singular values are accurate to a small multiple of ε‖A‖ in absolute terms.
        let tolerance = 32 * Double.ulpOfOne * 5
        #expect(abs(svd.singularValues - expected).max() <= tolerance)
    }

    @Test("Jacobi SVD of matrices whose squares overflow or underflow is the scaled SVD")
    func extremeMagnitudes() throws {
        let left = rotation(axis: SIMD3(1, -2, 0.5), angle: 0.9)
        let right = rotation(axis: SIMD3(0.3, 1, 1), angle: -2.1)
        let a = left * Matrix3(diagonal: SIMD3(5, 2, 1)) * right.transposed
        let reference = try SingularValueDecomposition3x3(a)
        // Powers of two scale exactly, so U and V must not change at all. At 2⁷⁰⁰ (5e210) the
        // column dot products overflowed and U came back as the identity.
        for factor in [0x1p700, 0x1p-700] {
            let svd = try SingularValueDecomposition3x3(factor * a)
            #expect(svd.u == reference.u && svd.v == reference.v, "factor \(factor)")
            #expect(svd.singularValues == factor * reference.singularValues, "factor \(factor)")
        }
        // Singular values beyond the Double range (σ₁ = 3e308 here) cannot be returned.
        let huge = Matrix3<Double>(rows: SIMD3(1e308, 1e308, 1e308), SIMD3(1e308, 1e308, 1e308), SIMD3(1e308, 1e308, 1e308))
        #expect(throwsInvalidArgument { try SingularValueDecomposition3x3(huge) })
    }

    @Test("non-finite matrices are rejected")
    func nonFinite() {
        #expect(throws: EvaluationError.self) {
            try SingularValueDecomposition3x3(Matrix3(rows: SIMD3(.infinity, 0, 0), .zero, .zero))
        }
    }
}
