import MixedSLAM
import MixedSLAMC

/// `msl_graph_create`: a new empty graph, retained once; the caller owns that reference.
@_cdecl("msl_graph_create")
public func cGraphCreate() -> OpaquePointer? {
    OpaquePointer(Unmanaged.passRetained(GraphHandle()).toOpaque())
}

/// `msl_graph_destroy`: releases the caller's reference; NULL is ignored.
@_cdecl("msl_graph_destroy")
public func cGraphDestroy(_ graph: OpaquePointer?) {
    guard let graph else { return }
    Unmanaged<GraphHandle>.fromOpaque(UnsafeRawPointer(graph)).release()
}

private let nullGraphMessage: StaticString = "msl_graph handle is NULL"

/// `msl_last_error`: the graph's message for its last call, owned by the graph.
@_cdecl("msl_last_error")
public func cLastError(_ graph: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let graph else {
        return UnsafeRawPointer(nullGraphMessage.utf8Start).assumingMemoryBound(to: CChar.self)
    }
    return GraphHandle.from(graph).lastError
}

/// `msl_options_default`: the Levenberg-Marquardt defaults, read from the Swift options so
/// the two cannot drift apart.
@_cdecl("msl_options_default")
public func cOptionsDefault(_ options: UnsafeMutablePointer<msl_options>?) {
    guard let options else { return }
    let defaults = LevenbergMarquardt.Options()
    options.pointee = msl_options(
        max_iterations: Int32(clamping: defaults.maxIterations), function_tolerance: defaults.functionTolerance,
        gradient_tolerance: defaults.gradientTolerance, parameter_tolerance: defaults.parameterTolerance,
        time_budget_seconds: defaults.timeBudgetSeconds ?? 0)
}

/// Runs `body` on the graph behind `graph` and records the outcome as its last error.
/// A NULL graph returns ``MSL_ERROR_NULL_ARGUMENT`` (there is nowhere to store a message).
func withGraph(
    _ graph: OpaquePointer?, _ context: String, _ body: (GraphHandle) throws -> Void
) -> msl_status {
    guard let graph else { return MSL_ERROR_NULL_ARGUMENT }
    let handle = GraphHandle.from(graph)
    return handle.finish(capture(context) { try body(handle) })
}

/// The pointer argument `name`, or ``MSL_ERROR_NULL_ARGUMENT`` when it is NULL.
func required<T>(_ pointer: T?, _ name: String) throws(CAPIError) -> T {
    guard let pointer else { throw CAPIError(MSL_ERROR_NULL_ARGUMENT, "argument '\(name)' is NULL") }
    return pointer
}
