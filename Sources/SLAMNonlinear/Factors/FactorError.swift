import SLAMGeometry

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
    /// The measured pose's rotation is zero (a quaternion or (cos, sin) pair of length 0).
    case degenerateRotation

    /// A one-line explanation for logs and error messages.
    public var description: String {
        switch self {
        case .informationDimension(let e, let a): return "information is \(a)×\(a), expected \(e)×\(e)"
        case .invalidKernel(let k): return "robust kernel \(k) needs a finite positive parameter"
        case .nonFiniteMeasurement: return "measurement has a NaN or infinite component"
        case .invalidCalibration: return "calibration needs finite positive focal lengths and finite center"
        case .degenerateRotation: return "measured rotation is zero (quaternion or cos/sin of length 0)"
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

    /// A measured pose as a factor stores it: finite, its rotation at unit length (rescaled
    /// when off by more than rounding, as g2o does on reading).
    static func checked(_ measurement: SE2<Double>) throws(FactorError) -> SE2<Double> {
        guard measurement.isFinite else { throw .nonFiniteMeasurement }
        guard let unit = measurement.withUnitRotation else { throw .degenerateRotation }
        return unit
    }

    /// The SE(3) form of the SE(2) check above.
    static func checked(_ measurement: SE3<Double>) throws(FactorError) -> SE3<Double> {
        guard measurement.isFinite else { throw .nonFiniteMeasurement }
        guard let unit = measurement.withUnitRotation else { throw .degenerateRotation }
        return unit
    }
}
