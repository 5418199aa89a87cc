import MixedSLAM
import MixedSLAMC

/// Conversions between the header's plain arrays and the library's types, validating every
/// value before a library call can see it.
enum CConversions {
    /// (x, y, theta) → SE(2); every component must be finite.
    static func se2(_ p: UnsafePointer<Double>, _ what: String) throws(CAPIError) -> SE2<Double> {
        let x = p[0], y = p[1], theta = p[2]
        guard x.isFinite, y.isFinite, theta.isFinite else {
            throw CAPIError(MSL_ERROR_INVALID_VALUE, "\(what) has a NaN or infinite component")
        }
        return SE2(x: x, y: y, theta: theta)
    }

    /// (x, y, z, qx, qy, qz, qw) → SE(3); finite, quaternion nonzero (rescaled to unit length).
    static func se3(_ p: UnsafePointer<Double>, _ what: String) throws(CAPIError) -> SE3<Double> {
        guard (0..<7).allSatisfy({ p[$0].isFinite }) else {
            throw CAPIError(MSL_ERROR_INVALID_VALUE, "\(what) has a NaN or infinite component")
        }
        guard let rotation = SO3<Double>(normalizingW: p[6], x: p[3], y: p[4], z: p[5]) else {
            throw CAPIError(MSL_ERROR_INVALID_VALUE, "\(what) has a zero quaternion")
        }
        return SE3(rotation: rotation, translation: SIMD3(p[0], p[1], p[2]))
    }

    /// SE(2) → (x, y, theta), theta in (−π, π].
    static func write(_ pose: SE2<Double>, to out: UnsafeMutablePointer<Double>) {
        out[0] = pose.translation.x
        out[1] = pose.translation.y
        out[2] = pose.theta
    }

    /// SE(3) → (x, y, z, qx, qy, qz, qw) with qw ≥ 0.
    static func write(_ pose: SE3<Double>, to out: UnsafeMutablePointer<Double>) {
        let q = pose.rotation.quaternionXYZW
        let sign: Double = q.w < 0 ? -1 : 1
        out[0] = pose.translation.x
        out[1] = pose.translation.y
        out[2] = pose.translation.z
        for k in 0..<4 { out[3 + k] = sign * q[k] }
    }

    /// The n×n information matrix from `layout`, validated: finite, symmetric, and positive
    /// definite with smallest eigenvalue above 10⁻¹⁴ of the largest (the threshold at which
    /// fp64 Cholesky can still tell it from singular).
    static func information(
        _ values: UnsafePointer<Double>, layout: msl_information_layout, dimension n: Int
    ) throws(CAPIError) -> InformationMatrix {
        var matrix = [Double](repeating: 0, count: n * n)
        switch layout {
        case MSL_INFORMATION_UPPER:
            var k = 0
            for i in 0..<n {
                for j in i..<n {
                    matrix[i * n + j] = values[k]
                    matrix[j * n + i] = values[k]
                    k += 1
                }
            }
        case MSL_INFORMATION_FULL:
            for k in 0..<(n * n) { matrix[k] = values[k] }
        default:
            throw CAPIError(MSL_ERROR_INVALID_VALUE, "unknown information layout \(layout.rawValue)")
        }
        let information: InformationMatrix, eigenvalues: [Double]
        do {
            information = try InformationMatrix(matrix, dimension: n)
            eigenvalues = try SymmetricEigen(symmetric: information.matrix, dimension: n).eigenvalues
        } catch {
            throw CAPIError(MSL_ERROR_INFORMATION, "\(error)")
        }
        let largest = eigenvalues.max() ?? 0, smallest = eigenvalues.min() ?? 0
        guard largest > 0, smallest > 1e-14 * largest else {
            throw CAPIError(
                MSL_ERROR_INFORMATION,
                "information is not positive definite (eigenvalues in [\(smallest), \(largest)])")
        }
        return information
    }

    /// The header's enum value for a precision.
    static func precision(_ p: Precision) -> msl_precision {
        switch p {
        case .fp16: return MSL_FP16
        case .fp32: return MSL_FP32
        case .fp64: return MSL_FP64
        }
    }

    /// The header's enum value for a termination reason.
    static func termination(_ t: TerminationReason) -> msl_termination {
        switch t {
        case .functionTolerance: return MSL_TERMINATION_FUNCTION_TOLERANCE
        case .gradientTolerance: return MSL_TERMINATION_GRADIENT_TOLERANCE
        case .parameterTolerance: return MSL_TERMINATION_PARAMETER_TOLERANCE
        case .maxIterations: return MSL_TERMINATION_MAX_ITERATIONS
        case .timeBudget: return MSL_TERMINATION_TIME_BUDGET
        case .noProgress: return MSL_TERMINATION_NO_PROGRESS
        case .zeroCost: return MSL_TERMINATION_ZERO_COST
        case .nothingToSolve: return MSL_TERMINATION_NOTHING_TO_SOLVE
        case .residualOverflow: return MSL_TERMINATION_RESIDUAL_OVERFLOW
        }
    }

    /// Copies `text` into a fixed-size C char array (a Swift tuple), truncated, NUL-terminated.
    static func copy<T>(_ text: String, into field: inout T) {
        withUnsafeMutableBytes(of: &field) { bytes in
            let utf8 = Array(text.utf8.prefix(bytes.count - 1))
            for k in bytes.indices { bytes[k] = k < utf8.count ? utf8[k] : 0 }
        }
    }
}
