@testable import MixedSLAMEval

/// Whether `body` throws ``EvaluationError/invalidArgument(_:)`` (any message): the case is
/// what callers branch on, so a test that accepted any error would miss a wrong one (and a
/// trap fails the whole test run).
func throwsInvalidArgument<Result>(_ body: () throws -> Result) -> Bool {
    do {
        _ = try body()
        return false
    } catch EvaluationError.invalidArgument {
        return true
    } catch {
        return false
    }
}
