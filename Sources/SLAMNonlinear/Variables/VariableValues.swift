import SLAMGeometry

/// The fp64 values of every variable of a ``Problem``, grouped by kind. A value type:
/// copying it is the snapshot Levenberg-Marquardt keeps to undo a rejected step.
public struct VariableValues: Sendable, Equatable {
    /// SE(2) poses in insertion order of the SE(2) variables.
    public internal(set) var se2: [SE2<Double>] = []
    /// SE(3) poses in insertion order of the SE(3) variables.
    public internal(set) var se3: [SE3<Double>] = []
    /// 3-D points in insertion order of the point variables.
    public internal(set) var points: [SIMD3<Double>] = []
    /// BAL cameras in insertion order of the camera variables.
    public internal(set) var cameras: [BALCamera] = []

    /// Empty values.
    public init() {}

    /// Whether `other` holds the same number of values of each kind (so it can replace these).
    public func hasSameLayout(as other: VariableValues) -> Bool {
        se2.count == other.se2.count && se3.count == other.se3.count
            && points.count == other.points.count && cameras.count == other.cameras.count
    }
}
