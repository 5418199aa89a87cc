import MixedSLAM
import MixedSLAMC

/// A failed C API call: the status returned to C and the message `msl_last_error` shows.
struct CAPIError: Error {
    /// The status code.
    var status: msl_status
    /// A sentence naming the argument or id involved.
    var message: String

    init(_ status: msl_status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The status and message for an error thrown by the Swift library.
    init(_ error: any Error, context: String) {
        switch error {
        case let e as CAPIError:
            self.init(e.status, "\(context): \(e.message)")
        case let e as ProblemError:
            let status: msl_status
            switch e {
            case .duplicateVariable: status = MSL_ERROR_DUPLICATE_ID
            case .unknownVariable: status = MSL_ERROR_UNKNOWN_ID
            case .wrongVariableKind: status = MSL_ERROR_WRONG_KIND
            case .nonFiniteValue, .degenerateRotation, .nonFiniteStep, .stepLength, .snapshotLayout:
                status = MSL_ERROR_INVALID_VALUE
            case .selfLoop: status = MSL_ERROR_SELF_LOOP
            }
            self.init(status, "\(context): \(e)")
        case let e as FactorError:
            switch e {
            case .informationDimension: self.init(MSL_ERROR_INFORMATION, "\(context): \(e)")
            default: self.init(MSL_ERROR_INVALID_VALUE, "\(context): \(e)")
            }
        case let e as InformationMatrix.Defect:
            self.init(MSL_ERROR_INFORMATION, "\(context): \(e)")
        case let e as OptimizerError:
            switch e {
            case .invalidOption: self.init(MSL_ERROR_INVALID_OPTIONS, "\(context): \(e)")
            case .nonFiniteCost: self.init(MSL_ERROR_SOLVER, "\(context): \(e)")
            }
        default:
            self.init(MSL_ERROR_SOLVER, "\(context): \(error)")
        }
    }
}

/// Runs `body` and converts whatever it throws into a ``CAPIError``.
func capture(_ context: String, _ body: () throws -> Void) -> Result<Void, CAPIError> {
    do {
        try body()
        return .success(())
    } catch {
        return .failure(CAPIError(error, context: context))
    }
}
