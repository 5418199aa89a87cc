import SLAMGeometry

/// Two-view triangulation of a landmark by the midpoint method: the point halfway between the
/// closest points of the two viewing rays.
///
/// The rays start at the camera centres t₁, t₂ of the world-from-camera poses and point along
/// dᵢ = Rᵢ K⁻¹ (u, v, 1)ᵀ, so the ray parameter of a point is its depth (camera z) in that
/// camera. Minimizing ‖t₁ + s d₁ − t₂ − τ d₂‖² over (s, τ) gives the 2×2 normal equations
/// [d₁·d₁  −d₁·d₂; d₁·d₂  −d₂·d₂] (s, τ)ᵀ = (d₁·w, d₂·w)ᵀ with w = t₂ − t₁. The midpoint is
/// chosen over linear (DLT) triangulation because it is cheap, needs no SVD, and exposes the
/// two depths and the parallax directly, which is what deciding to skip a landmark needs; BA
/// refines the point afterwards anyway.
public enum MidpointTriangulation {
    /// Why a pair of observations gave no usable point.
    public enum Failure: Error, Sendable, Equatable {
        /// The rays are closer to parallel than the minimum parallax angle (radians given).
        case lowParallax(Double)
        /// The midpoint lies closer than the minimum depth (or behind) one of the cameras.
        case behindCamera
    }

    /// The triangulated point, or why there is none.
    ///
    /// - Parameters:
    ///   - minimumParallax: smallest angle between the rays, radians.
    ///   - minimumDepth: smallest depth of the point along each camera's optical axis.
    public static func triangulate(
        _ first: (pose: SE3<Double>, pixel: SIMD2<Double>), _ second: (pose: SE3<Double>, pixel: SIMD2<Double>),
        calibration: PinholeCalibration, minimumParallax: Double, minimumDepth: Double
    ) -> Result<SIMD3<Double>, Failure> {
        func ray(_ pose: SE3<Double>, _ pixel: SIMD2<Double>) -> SIMD3<Double> {
            pose.rotation.act(SIMD3(
                (pixel.x - calibration.cx) / calibration.fx, (pixel.y - calibration.cy) / calibration.fy, 1))
        }
        let d1 = ray(first.pose, first.pixel), d2 = ray(second.pose, second.pixel)
        let a = d1.dot(d1), b = d1.dot(d2), c = d2.dot(d2)
        let parallax = Double.atan2(y: d1.cross(d2).norm, x: b)
        guard parallax >= minimumParallax, parallax.isFinite else { return .failure(.lowParallax(parallax)) }
        let w = second.pose.translation - first.pose.translation
        let e = d1.dot(w), f = d2.dot(w)
        // Cramer's rule; the determinant b² − a c is −a c sin²(parallax) ≠ 0 here.
        let determinant = b * b - a * c
        let s = (b * f - c * e) / determinant
        let tau = (a * f - b * e) / determinant
        guard s >= minimumDepth, tau >= minimumDepth else { return .failure(.behindCamera) }
        let point = 0.5 * ((first.pose.translation + s * d1) + (second.pose.translation + tau * d2))
        // With a minimum parallax of 0, nearly parallel rays can round the determinant to 0
        // and the depths to infinity: no point, as for too little parallax.
        guard point.allFinite else { return .failure(.lowParallax(parallax)) }
        return .success(point)
    }
}
