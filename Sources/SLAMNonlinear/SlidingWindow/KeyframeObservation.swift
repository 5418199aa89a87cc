/// One tracked feature in one keyframe: which landmark the front end associated it with and
/// where it was measured.
public struct KeyframeObservation: Sendable, Equatable, Hashable {
    /// The front end's landmark (track) id; any integer, unique per landmark.
    public var landmark: Int
    /// The measured pixel (u, v) in the calibration's image convention.
    public var pixel: SIMD2<Double>

    /// Creates an observation.
    public init(landmark: Int, pixel: SIMD2<Double>) {
        self.landmark = landmark
        self.pixel = pixel
    }
}
