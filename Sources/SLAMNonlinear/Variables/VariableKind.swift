/// The kinds of variable a ``Problem`` holds, each with its tangent dimension and
/// retraction.
public enum VariableKind: String, Sendable, Equatable, Hashable, CaseIterable {
    /// SE(2) pose, tangent (x, y, θ), X ⊞ δ = X · Exp(δ).
    case se2
    /// SE(3) pose, tangent [ρ; φ], X ⊞ δ = X · Exp(δ).
    case se3
    /// 3-D point (landmark), p ⊞ δ = p + δ.
    case point3
    /// BAL camera, tangent [δφ; δt; δf; δk₁; δk₂] (see ``BALCamera``).
    case balCamera

    /// The dimension of the kind's tangent space.
    public var tangentDimension: Int {
        switch self {
        case .se2: return 3
        case .se3: return 6
        case .point3: return 3
        case .balCamera: return 9
        }
    }

    /// Whether the kind is a pose (what the default gauge fixes).
    public var isPose: Bool { self == .se2 || self == .se3 }
}
