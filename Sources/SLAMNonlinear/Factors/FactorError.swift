/// Why a factor could not be built.
public enum FactorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The information matrix has the wrong dimension for the factor.
    case informationDimension(expected: Int, actual: Int)
    /// The robust kernel's parameter is not finite and positive.
    case invalidKernel(RobustKernel)
    /// The measurement has a NaN or infinite component.
    case nonFiniteMeasurement
    /// The camera calibration has a non-finite or non-positive focal length.
    case invalidCalibration

    /// A one-line explanation for logs and error messages.
    public var description: String {
        switch self {
        case .informationDimension(let e, let a): return "information is \(a)×\(a), expected \(e)×\(e)"
        case .invalidKernel(let k): return "robust kernel \(k) needs a finite positive parameter"
        case .nonFiniteMeasurement: return "measurement has a NaN or infinite component"
        case .invalidCalibration: return "calibration needs finite positive focal lengths and finite center"
        }
    }
}

extension FactorError {
    static func validate(_ information: InformationMatrix, dimension: Int, kernel: RobustKernel) throws(FactorError) {
        guard information.dimension == dimension else {
            throw .informationDimension(expected: dimension, actual: information.dimension)
        }
        guard kernel.isValid else { throw .invalidKernel(kernel) }
    }
}
