import MixedSLAM
import MixedSLAMC

extension GraphHandle {
    /// ``MSL_ERROR_UNKNOWN_ID`` or ``MSL_ERROR_WRONG_KIND`` for a pose that is not of `kind`.
    func missingPose(_ id: Int64, expected kind: VariableKind) -> CAPIError {
        guard let actual = problem.kind(of: Int(id)) else {
            return CAPIError(MSL_ERROR_UNKNOWN_ID, "no pose has this id")
        }
        return CAPIError(MSL_ERROR_WRONG_KIND, "the pose is \(actual.rawValue), expected \(kind.rawValue)")
    }
}

/// `msl_graph_pose_kind`: SE(2), SE(3), or none yet.
@_cdecl("msl_graph_pose_kind")
public func cGraphPoseKind(_ graph: OpaquePointer?, _ kind: UnsafeMutablePointer<msl_pose_kind>?) -> msl_status {
    withGraph(graph, "pose kind") { g in try required(kind, "kind").pointee = g.poseKind }
}

/// `msl_graph_pose_count`: number of poses.
@_cdecl("msl_graph_pose_count")
public func cGraphPoseCount(_ graph: OpaquePointer?, _ count: UnsafeMutablePointer<Int64>?) -> msl_status {
    withGraph(graph, "pose count") { g in try required(count, "count").pointee = Int64(g.problem.variableCount) }
}

/// `msl_graph_edge_count`: number of edges.
@_cdecl("msl_graph_edge_count")
public func cGraphEdgeCount(_ graph: OpaquePointer?, _ count: UnsafeMutablePointer<Int64>?) -> msl_status {
    withGraph(graph, "edge count") { g in try required(count, "count").pointee = Int64(g.problem.factorCount) }
}

/// `msl_graph_cost`: ½ Σ eᵀΩe at the current poses, in fp64.
@_cdecl("msl_graph_cost")
public func cGraphCost(_ graph: OpaquePointer?, _ cost: UnsafeMutablePointer<Double>?) -> msl_status {
    withGraph(graph, "cost") { g in try required(cost, "cost").pointee = g.problem.cost(precision: .fp64) }
}

/// `msl_graph_get_pose_se2`: writes (x, y, theta) of SE(2) pose `id`.
@_cdecl("msl_graph_get_pose_se2")
public func cGraphGetPoseSE2(_ graph: OpaquePointer?, _ id: Int64, _ pose: UnsafeMutablePointer<Double>?) -> msl_status {
    withGraph(graph, "get SE(2) pose \(id)") { g in
        let out = try required(pose, "pose")
        guard let value = g.problem.se2(Int(id)) else { throw g.missingPose(id, expected: .se2) }
        CConversions.write(value, to: out)
    }
}

/// `msl_graph_get_pose_se3`: writes (x, y, z, qx, qy, qz, qw) of SE(3) pose `id`.
@_cdecl("msl_graph_get_pose_se3")
public func cGraphGetPoseSE3(_ graph: OpaquePointer?, _ id: Int64, _ pose: UnsafeMutablePointer<Double>?) -> msl_status {
    withGraph(graph, "get SE(3) pose \(id)") { g in
        let out = try required(pose, "pose")
        guard let value = g.problem.se3(Int(id)) else { throw g.missingPose(id, expected: .se3) }
        CConversions.write(value, to: out)
    }
}
