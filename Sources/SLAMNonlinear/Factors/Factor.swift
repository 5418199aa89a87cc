/// Any factor a ``Problem`` holds, for code that walks all factors in insertion order
/// (writers, diagnostics). The optimizer's hot loop never goes through this enum.
public enum Factor: Sendable, Equatable {
    /// See ``BetweenFactorSE2``.
    case betweenSE2(BetweenFactorSE2)
    /// See ``BetweenFactorSE3``.
    case betweenSE3(BetweenFactorSE3)
    /// See ``PriorFactorSE2``.
    case priorSE2(PriorFactorSE2)
    /// See ``PriorFactorSE3``.
    case priorSE3(PriorFactorSE3)
    /// See ``PriorFactorPoint3``.
    case priorPoint3(PriorFactorPoint3)
    /// See ``ReprojectionFactor``.
    case reprojection(ReprojectionFactor)
    /// See ``BALReprojectionFactor``.
    case balReprojection(BALReprojectionFactor)

    /// The residual dimension.
    public var residualDimension: Int {
        switch self {
        case .betweenSE2, .priorSE2, .priorPoint3: return 3
        case .betweenSE3, .priorSE3: return 6
        case .reprojection, .balReprojection: return 2
        }
    }

    /// The ids of the variables the factor touches, in Jacobian block order.
    public var variableIDs: [Int] {
        switch self {
        case .betweenSE2(let f): return [f.from, f.to]
        case .betweenSE3(let f): return [f.from, f.to]
        case .priorSE2(let f): return [f.variable]
        case .priorSE3(let f): return [f.variable]
        case .priorPoint3(let f): return [f.variable]
        case .reprojection(let f): return [f.pose, f.point]
        case .balReprojection(let f): return [f.camera, f.point]
        }
    }

    /// The kinds of those variables, in the same order.
    public var variableKinds: [VariableKind] {
        switch self {
        case .betweenSE2: return [.se2, .se2]
        case .betweenSE3: return [.se3, .se3]
        case .priorSE2: return [.se2]
        case .priorSE3: return [.se3]
        case .priorPoint3: return [.point3]
        case .reprojection: return [.se3, .point3]
        case .balReprojection: return [.balCamera, .point3]
        }
    }
}
