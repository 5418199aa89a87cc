import SLAMGeometry

/// A camera of the Bundle Adjustment in the Large (BAL) format: rotation R, translation t,
/// focal length f and radial distortion k₁, k₂, projecting a world point X by the Snavely
/// model P = R X + t, p = −(P_x, P_y)/P_z, pixel = f (1 + k₁‖p‖² + k₂‖p‖⁴) p (camera looks
/// down −z).
///
/// Its 9-dimensional tangent is [δφ; δt; δf; δk₁; δk₂] in the file's parameter order, with
/// the rotation updated on the right, R ⊞ δφ = R · Exp(δφ), and the other seven additively.
public struct BALCamera: Sendable, Equatable {
    /// The rotation R (world to camera).
    public var rotation: SO3<Double>
    /// The translation t (world to camera).
    public var translation: SIMD3<Double>
    /// The focal length f in pixels.
    public var focalLength: Double
    /// Radial distortion coefficient k₁.
    public var k1: Double
    /// Radial distortion coefficient k₂.
    public var k2: Double

    /// A camera from its parts.
    public init(rotation: SO3<Double>, translation: SIMD3<Double>, focalLength: Double, k1: Double, k2: Double) {
        self.rotation = rotation
        self.translation = translation
        self.focalLength = focalLength
        self.k1 = k1
        self.k2 = k2
    }

    /// A camera from the nine BAL parameters (angle-axis, t, f, k₁, k₂); nil unless there are
    /// exactly nine.
    public init?(parameters p: [Double]) {
        guard p.count == 9 else { return nil }
        self.init(
            rotation: .exp(SIMD3(p[0], p[1], p[2])), translation: SIMD3(p[3], p[4], p[5]),
            focalLength: p[6], k1: p[7], k2: p[8])
    }

    /// The nine BAL parameters (angle-axis with angle in [0, π], t, f, k₁, k₂).
    public var parameters: [Double] {
        let w = rotation.log()
        return [w.x, w.y, w.z, translation.x, translation.y, translation.z, focalLength, k1, k2]
    }

    /// The tangent dimension, 9.
    public static let tangentDimension = 9
}
