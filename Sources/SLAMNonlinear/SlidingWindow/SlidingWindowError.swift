/// Why ``SlidingWindowBA`` refused a keyframe.
public enum SlidingWindowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A keyframe with this id was already added.
    case duplicateKeyframe(id: Int)
    /// The keyframe has no initial pose and there are fewer than two earlier keyframes to
    /// predict one from (monocular VO needs its first two poses from an initializer).
    case missingInitialPose(keyframe: Int)
    /// An observation's pixel is NaN or infinite.
    case nonFiniteObservation(keyframe: Int, landmark: Int)
    /// The keyframe observes one landmark twice.
    case duplicateObservation(keyframe: Int, landmark: Int)
    /// The given initial pose is not finite.
    case nonFinitePose(keyframe: Int)
    /// The given initial pose's quaternion is zero.
    case degenerateRotation(keyframe: Int)

    public var description: String {
        switch self {
        case .duplicateKeyframe(let id): return "keyframe \(id) was already added"
        case .missingInitialPose(let k):
            return "keyframe \(k) needs an initial pose: constant-velocity prediction needs two earlier keyframes"
        case .nonFiniteObservation(let k, let l): return "keyframe \(k): observation of landmark \(l) is not finite"
        case .duplicateObservation(let k, let l): return "keyframe \(k) observes landmark \(l) twice"
        case .nonFinitePose(let k): return "keyframe \(k): initial pose is not finite"
        case .degenerateRotation(let k): return "keyframe \(k): initial pose has a zero quaternion"
        }
    }
}
