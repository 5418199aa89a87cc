/*
 * The parts of the C API that are pure C: names of the header's enums. The graph functions
 * are exported from Swift (Sources/MixedSLAMCAPI) with @_cdecl.
 */
#include "mixedslam.h"

const char *msl_status_string(msl_status status) {
    switch (status) {
    case MSL_OK: return "ok";
    case MSL_ERROR_NULL_ARGUMENT: return "null argument";
    case MSL_ERROR_INVALID_VALUE: return "invalid value";
    case MSL_ERROR_DUPLICATE_ID: return "duplicate id";
    case MSL_ERROR_UNKNOWN_ID: return "unknown id";
    case MSL_ERROR_WRONG_KIND: return "wrong pose kind";
    case MSL_ERROR_INFORMATION: return "invalid information matrix";
    case MSL_ERROR_SELF_LOOP: return "self loop";
    case MSL_ERROR_UNKNOWN_PLAN: return "unknown plan";
    case MSL_ERROR_INVALID_OPTIONS: return "invalid options";
    case MSL_ERROR_SOLVER: return "solver failure";
    }
    return "unknown status";
}

const char *msl_termination_string(msl_termination termination) {
    switch (termination) {
    case MSL_TERMINATION_FUNCTION_TOLERANCE: return "function tolerance";
    case MSL_TERMINATION_GRADIENT_TOLERANCE: return "gradient tolerance";
    case MSL_TERMINATION_PARAMETER_TOLERANCE: return "parameter tolerance";
    case MSL_TERMINATION_MAX_ITERATIONS: return "max iterations";
    case MSL_TERMINATION_TIME_BUDGET: return "time budget";
    case MSL_TERMINATION_NO_PROGRESS: return "no progress";
    case MSL_TERMINATION_ZERO_COST: return "zero cost";
    case MSL_TERMINATION_NOTHING_TO_SOLVE: return "nothing to solve";
    case MSL_TERMINATION_RESIDUAL_OVERFLOW: return "residual overflow";
    }
    return "unknown termination";
}
