import MixedSLAM
import MixedSLAMC

extension GraphHandle {
    /// Rejects a pose of `kind` in a graph that already holds the other kind, then adopts it.
    func requirePoseKind(_ kind: msl_pose_kind) throws(CAPIError) {
        if poseKind == MSL_POSE_NONE { return }
        guard poseKind == kind else {
            let have = poseKind == MSL_POSE_SE2 ? "SE(2)" : "SE(3)"
            throw CAPIError(MSL_ERROR_WRONG_KIND, "the graph holds \(have) poses")
        }
    }
}

/// `msl_graph_add_pose_se2`: adds SE(2) pose `id` at (x, y, theta).
@_cdecl("msl_graph_add_pose_se2")
public func cGraphAddPoseSE2(_ graph: OpaquePointer?, _ id: Int64, _ pose: UnsafePointer<Double>?) -> msl_status {
    withGraph(graph, "add SE(2) pose \(id)") { g in
        let value = try CConversions.se2(try required(pose, "pose"), "pose")
        try g.requirePoseKind(MSL_POSE_SE2)
        try g.problem.addSE2(id: Int(id), value)
        g.poseKind = MSL_POSE_SE2
    }
}

/// `msl_graph_add_pose_se3`: adds SE(3) pose `id` at (x, y, z, qx, qy, qz, qw).
@_cdecl("msl_graph_add_pose_se3")
public func cGraphAddPoseSE3(_ graph: OpaquePointer?, _ id: Int64, _ pose: UnsafePointer<Double>?) -> msl_status {
    withGraph(graph, "add SE(3) pose \(id)") { g in
        let value = try CConversions.se3(try required(pose, "pose"), "pose")
        try g.requirePoseKind(MSL_POSE_SE3)
        try g.problem.addSE3(id: Int(id), value)
        g.poseKind = MSL_POSE_SE3
    }
}

/// `msl_graph_add_edge_se2`: adds the SE(2) between edge from → to.
@_cdecl("msl_graph_add_edge_se2")
public func cGraphAddEdgeSE2(
    _ graph: OpaquePointer?, _ from: Int64, _ to: Int64, _ measurement: UnsafePointer<Double>?,
    _ information: UnsafePointer<Double>?, _ layout: msl_information_layout, _ edgeIndex: UnsafeMutablePointer<Int64>?
) -> msl_status {
    withGraph(graph, "add SE(2) edge \(from) -> \(to)") { g in
        let z = try CConversions.se2(try required(measurement, "measurement"), "measurement")
        let omega = try CConversions.information(
            try required(information, "information"), layout: layout, dimension: 3)
        let index = try g.problem.add(
            BetweenFactorSE2(from: Int(from), to: Int(to), measurement: z, information: omega))
        edgeIndex?.pointee = Int64(index)
    }
}

/// `msl_graph_add_edge_se3`: adds the SE(3) between edge from → to.
@_cdecl("msl_graph_add_edge_se3")
public func cGraphAddEdgeSE3(
    _ graph: OpaquePointer?, _ from: Int64, _ to: Int64, _ measurement: UnsafePointer<Double>?,
    _ information: UnsafePointer<Double>?, _ layout: msl_information_layout, _ edgeIndex: UnsafeMutablePointer<Int64>?
) -> msl_status {
    withGraph(graph, "add SE(3) edge \(from) -> \(to)") { g in
        let z = try CConversions.se3(try required(measurement, "measurement"), "measurement")
        let omega = try CConversions.information(
            try required(information, "information"), layout: layout, dimension: 6)
        let index = try g.problem.add(
            BetweenFactorSE3(from: Int(from), to: Int(to), measurement: z, information: omega))
        edgeIndex?.pointee = Int64(index)
    }
}

/// `msl_graph_set_fixed`: holds pose `id` fixed or frees it.
@_cdecl("msl_graph_set_fixed")
public func cGraphSetFixed(_ graph: OpaquePointer?, _ id: Int64, _ fixed: Int32) -> msl_status {
    withGraph(graph, "set fixed \(id)") { g in try g.problem.setFixed(Int(id), fixed != 0) }
}

/// `msl_graph_set_gauge`: chooses between fixing the first pose and explicit fixing only.
@_cdecl("msl_graph_set_gauge")
public func cGraphSetGauge(_ graph: OpaquePointer?, _ gauge: msl_gauge) -> msl_status {
    withGraph(graph, "set gauge") { g in
        switch gauge {
        case MSL_GAUGE_FIX_FIRST: g.problem.gauge = .fixFirstPose
        case MSL_GAUGE_EXPLICIT: g.problem.gauge = .explicitOnly
        default: throw CAPIError(MSL_ERROR_INVALID_VALUE, "unknown gauge \(gauge.rawValue)")
        }
    }
}

/// `msl_graph_set_pose_se2`: replaces the value of SE(2) pose `id`.
@_cdecl("msl_graph_set_pose_se2")
public func cGraphSetPoseSE2(_ graph: OpaquePointer?, _ id: Int64, _ pose: UnsafePointer<Double>?) -> msl_status {
    withGraph(graph, "set SE(2) pose \(id)") { g in
        try g.problem.setSE2(Int(id), try CConversions.se2(try required(pose, "pose"), "pose"))
    }
}

/// `msl_graph_set_pose_se3`: replaces the value of SE(3) pose `id`.
@_cdecl("msl_graph_set_pose_se3")
public func cGraphSetPoseSE3(_ graph: OpaquePointer?, _ id: Int64, _ pose: UnsafePointer<Double>?) -> msl_status {
    withGraph(graph, "set SE(3) pose \(id)") { g in
        try g.problem.setSE3(Int(id), try CConversions.se3(try required(pose, "pose"), "pose"))
    }
}
