/// A calibrated pinhole camera without distortion, in the OpenCV convention: the camera looks
/// along its +z axis, x points right in the image and y down; a point (x, y, z) in the camera
/// frame with z > 0 projects to pixel (u, v) = (fx x / z + cx, fy y / z + cy), measured from
/// the image's top-left corner.
public struct PinholeCamera: Sendable, Equatable {
    /// Image width, pixels.
    public let width: Int
    /// Image height, pixels.
    public let height: Int
    /// Horizontal focal length, pixels.
    public let fx: Double
    /// Vertical focal length, pixels.
    public let fy: Double
    /// Principal point, horizontal, pixels.
    public let cx: Double
    /// Principal point, vertical, pixels.
    public let cy: Double

    /// The default camera: 640 × 480 pixels, f = 500 pixels, principal point (320, 240).
    public init() {
        (width, height, fx, fy, cx, cy) = (640, 480, 500, 500, 320, 240)
    }

    /// Creates the camera; throws unless the image size and focal lengths are positive and all
    /// values finite.
    public init(width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double) throws {
        guard width > 0, height > 0, fx > 0, fy > 0, fx.isFinite, fy.isFinite, cx.isFinite, cy.isFinite
        else {
            throw EvaluationError.invalidArgument("camera needs a positive image size and focal lengths")
        }
        self.width = width
        self.height = height
        self.fx = fx
        self.fy = fy
        self.cx = cx
        self.cy = cy
    }

    /// The pixel of a point given in the camera frame, or `nil` unless the point is in front
    /// of the camera (depth > 0) by at least `minimumDepth` and its pixel is finite (a depth
    /// of 0 or a huge coordinate would give an infinite one).
    public func project(_ pointInCamera: SIMD3<Double>, minimumDepth: Double = 1e-6) -> SIMD2<Double>? {
        guard pointInCamera.z > 0, pointInCamera.z >= minimumDepth else { return nil }
        let pixel = SIMD2(
            fx * pointInCamera.x / pointInCamera.z + cx, fy * pointInCamera.y / pointInCamera.z + cy)
        guard pixel.x.isFinite, pixel.y.isFinite else { return nil }
        return pixel
    }

    /// Whether a pixel lies in the image rectangle [0, width) × [0, height).
    public func contains(_ pixel: SIMD2<Double>) -> Bool {
        pixel.x >= 0 && pixel.x < Double(width) && pixel.y >= 0 && pixel.y < Double(height)
    }
}
