/// Intrinsics of a calibrated pinhole camera: pixel = (fx X/Z + cx, fy Y/Z + cy) for a point
/// (X, Y, Z) in the camera frame (z forward).
public struct PinholeCalibration: Sendable, Equatable, Hashable {
    /// Focal length along x, pixels.
    public var fx: Double
    /// Focal length along y, pixels.
    public var fy: Double
    /// Principal point x, pixels.
    public var cx: Double
    /// Principal point y, pixels.
    public var cy: Double

    /// Intrinsics from their four values.
    public init(fx: Double, fy: Double, cx: Double, cy: Double) {
        self.fx = fx
        self.fy = fy
        self.cx = cx
        self.cy = cy
    }

    /// Whether focal lengths are finite and positive and the principal point finite.
    public var isValid: Bool {
        fx.isFinite && fy.isFinite && fx > 0 && fy > 0 && cx.isFinite && cy.isFinite
    }
}
