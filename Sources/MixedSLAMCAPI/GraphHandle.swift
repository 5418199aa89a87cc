import MixedSLAM
import MixedSLAMC

/// The object behind an `msl_graph *`: the problem, the one step solver every optimization of
/// this graph reuses (so an unchanged structure keeps its symbolic analysis), and the last
/// error message, which the handle owns as a NUL-terminated C string.
final class GraphHandle {
    /// Poses, edges, fixed set and gauge.
    var problem = Problem()
    /// Kept across optimizations: its cached analysis is what a re-solve reuses.
    var stepSolver = PoseGraphStepSolver()
    /// The kind of every pose, set by the first pose added.
    var poseKind = MSL_POSE_NONE
    /// The message `msl_last_error` returns; empty after a successful call.
    private var message: UnsafeMutablePointer<CChar>

    init() {
        message = Self.copy("")
    }

    deinit { message.deallocate() }

    /// The last error message, valid until the next call on this graph.
    var lastError: UnsafePointer<CChar> { UnsafePointer(message) }

    /// Records the outcome of a call and returns its status: the message for a failure, the
    /// empty message for success.
    func finish(_ result: Result<Void, CAPIError>) -> msl_status {
        switch result {
        case .success:
            replaceMessage("")
            return MSL_OK
        case .failure(let error):
            replaceMessage(error.message)
            return error.status
        }
    }

    private func replaceMessage(_ text: String) {
        message.deallocate()
        message = Self.copy(text)
    }

    private static func copy(_ text: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
        buffer[bytes.count] = 0
        return buffer
    }

    /// The handle an `msl_graph *` points to, without changing its reference count.
    static func from(_ pointer: OpaquePointer) -> GraphHandle {
        Unmanaged<GraphHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}
