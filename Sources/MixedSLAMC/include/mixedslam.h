/*
 * mixedslam.h — the C API of MixedSLAM: pose-graph optimization (loop closure) in mixed
 * precision for C and C++ robot software. Link with -lmixedslam (see docs/c-api.md).
 *
 * Model. A graph holds SE(2) poses or SE(3) poses (not both), identified by caller-chosen
 * 64-bit ids, and between edges with measurement Z and information Ω. The cost is
 *     ½ Σ eᵀ Ω e,   e = Log(Z⁻¹ · Xᵢ⁻¹ · Xⱼ) ordered [translation; rotation],
 * the value GTSAM and Ceres report. The first pose added is fixed (gauge) unless the gauge is
 * set to MSL_GAUGE_EXPLICIT; more poses can be fixed with msl_graph_set_fixed.
 *
 * Poses.   SE(2): x, y, theta (radians).
 *          SE(3): x, y, z, qx, qy, qz, qw (Hamilton quaternion, the g2o/TUM order). A
 *          quaternion off unit length is rescaled; a zero quaternion is an error.
 * Information, in (x, y, theta) or (x, y, z, rx, ry, rz) order, as one of
 *          MSL_INFORMATION_UPPER: the upper triangle row by row, as in g2o files
 *                                 (6 values for SE(2), 21 for SE(3));
 *          MSL_INFORMATION_FULL:  the full matrix row-major (9 or 36 values), which must be
 *                                 symmetric to 1e-9 relative.
 *          Ω must be finite and positive definite.
 *
 * Errors. Every function that can fail returns an msl_status; MSL_OK is 0. On failure the
 * graph is unchanged and msl_last_error(graph) describes what went wrong (with the id
 * involved). Bad input never crashes and never leaves NaN poses behind.
 *
 * Ownership. msl_graph_create returns a graph the caller owns and frees with
 * msl_graph_destroy. Every pointer argument is borrowed for the duration of the call only;
 * the library copies what it keeps. Strings returned by the library are owned by it (see
 * each function for how long they stay valid).
 *
 * Threads. A graph must not be used from two threads at once; different graphs may be used
 * concurrently.
 */
#ifndef MIXEDSLAM_H
#define MIXEDSLAM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of this header's API; bumped when a struct or signature changes. */
#define MSL_API_VERSION 1

/** Opaque pose graph. */
typedef struct msl_graph msl_graph;

/** Result of a call. */
typedef enum msl_status {
    MSL_OK = 0,
    MSL_ERROR_NULL_ARGUMENT = 1,      /**< a required pointer was NULL */
    MSL_ERROR_INVALID_VALUE = 2,      /**< NaN or infinite value, zero quaternion, bad enum */
    MSL_ERROR_DUPLICATE_ID = 3,       /**< a pose with this id already exists */
    MSL_ERROR_UNKNOWN_ID = 4,         /**< no pose has this id */
    MSL_ERROR_WRONG_KIND = 5,         /**< SE(2) used where the graph or pose is SE(3), or vice versa */
    MSL_ERROR_INFORMATION = 6,        /**< information matrix not symmetric, non-finite or not positive definite */
    MSL_ERROR_SELF_LOOP = 7,          /**< an edge from a pose to itself */
    MSL_ERROR_UNKNOWN_PLAN = 8,       /**< plan name is none of fp64, fp32, fp16, mixed, adaptive */
    MSL_ERROR_INVALID_OPTIONS = 9,    /**< an option is out of range */
    MSL_ERROR_SOLVER = 10             /**< the optimizer failed; poses are restored to their values before the call */
} msl_status;

/** Pose kind of a graph (fixed by the first pose added). */
typedef enum msl_pose_kind {
    MSL_POSE_NONE = 0, /**< no pose added yet */
    MSL_POSE_SE2 = 1,
    MSL_POSE_SE3 = 2
} msl_pose_kind;

/** Layout of an information matrix argument (see the top of this file). */
typedef enum msl_information_layout {
    MSL_INFORMATION_UPPER = 0,
    MSL_INFORMATION_FULL = 1
} msl_information_layout;

/** Gauge policy. */
typedef enum msl_gauge {
    MSL_GAUGE_FIX_FIRST = 0, /**< the first pose added is fixed (default) */
    MSL_GAUGE_EXPLICIT = 1   /**< only poses fixed with msl_graph_set_fixed are fixed */
} msl_gauge;

/** Floating-point precision of a solver component. */
typedef enum msl_precision {
    MSL_FP16 = 16,
    MSL_FP32 = 32,
    MSL_FP64 = 64
} msl_precision;

/** Why an optimization stopped. */
typedef enum msl_termination {
    MSL_TERMINATION_FUNCTION_TOLERANCE = 0,  /**< relative cost decrease below tolerance (converged) */
    MSL_TERMINATION_GRADIENT_TOLERANCE = 1,  /**< gradient max-norm below tolerance (converged) */
    MSL_TERMINATION_PARAMETER_TOLERANCE = 2, /**< step below tolerance (converged) */
    MSL_TERMINATION_MAX_ITERATIONS = 3,      /**< iteration limit reached */
    MSL_TERMINATION_TIME_BUDGET = 4,         /**< time budget exhausted */
    MSL_TERMINATION_NO_PROGRESS = 5,         /**< damping limit reached without an acceptable step */
    MSL_TERMINATION_ZERO_COST = 6,           /**< the cost is zero (converged) */
    MSL_TERMINATION_NOTHING_TO_SOLVE = 7,    /**< no free pose or no edge */
    MSL_TERMINATION_RESIDUAL_OVERFLOW = 8    /**< residuals overflow the plan's precision (naive
                                                  fp16 with large information); poses unchanged */
} msl_termination;

/**
 * Levenberg-Marquardt options. Fill with msl_options_default, then change fields; the
 * defaults are the Swift library's documented defaults.
 */
typedef struct msl_options {
    int32_t max_iterations;      /**< nonlinear iterations, >= 0; default 100 */
    double function_tolerance;   /**< stop when the relative cost decrease is below; default 1e-10 */
    double gradient_tolerance;   /**< stop when max |gradient| is below; default 1e-10 */
    double parameter_tolerance;  /**< stop when |step| <= tol (|x| + tol); default 1e-10 */
    double time_budget_seconds;  /**< wall-clock budget, 0 = none; default 0 */
} msl_options;

/**
 * What one msl_graph_optimize call did. Plain data: the caller owns it (usually on the
 * stack); strings are fixed-size, NUL-terminated arrays inside the struct.
 */
typedef struct msl_summary {
    double initial_cost;          /**< ½ Σ eᵀΩe before, evaluated in fp64 */
    double final_cost;            /**< ½ Σ eᵀΩe after, evaluated in fp64 */
    int32_t iterations;           /**< nonlinear iterations (accepted and rejected) */
    int32_t accepted_steps;       /**< accepted steps */
    int32_t linear_iterations;    /**< CG iterations summed (1 per direct solve) */
    int32_t precision_switches;   /**< escalations made by the adaptive plan */
    /* Seconds per phase (disjoint: residual-only evaluations, residual and Jacobian
     * evaluations, assembly, symbolic analysis, linear solves, retractions), and in total. */
    double residual_seconds, linearize_seconds, assembly_seconds, analysis_seconds;
    double linear_solve_seconds, update_seconds, total_seconds;
    char plan[16];                /**< plan requested: "fp64", "fp32", "fp16", "mixed", "adaptive" */
    char linear_solver[16];       /**< "cholmod" (fp64) or "pcg-ic" (incomplete-Cholesky PCG) */
    /* Precisions of residual evaluation, Hessian products, the preconditioner's triangular
       solves and Krylov vectors: at the start and at the end (they differ only when the
       adaptive plan escalated). The state update is always fp64. */
    msl_precision initial_residual, initial_matrix_vector, initial_triangular_solve, initial_vectors;
    msl_precision final_residual, final_matrix_vector, final_triangular_solve, final_vectors;
    msl_termination termination;
    int32_t converged;            /**< 1 when a tolerance was met or the cost is zero */
    int32_t symbolic_analyses;    /**< symbolic analyses (ordering, patterns) done from scratch
                                       by this call */
    int32_t reused_symbolic_analysis; /**< 1 when this call did no analysis from scratch: it
                                           reused an earlier call's (structure unchanged) or
                                           extended its orderings (graph grew) */
    int64_t half_overflows;       /**< values that overflowed on fp16 casts */
    int64_t half_underflows;      /**< values flushed to zero on fp16 casts */
    int32_t extended_symbolic_analyses; /**< analyses that extended an earlier call's orderings
                                             to the grown graph instead of recomputing them */
    int32_t direct_fallbacks;     /**< steps the fp32/mixed plans solved by CHOLMOD in fp64
                                       after their PCG solve failed (dsposv's policy) */
} msl_summary;

/* ---- Plain helpers (no graph) ------------------------------------------------------- */

/** Fills *options with the defaults. Does nothing when options is NULL. */
void msl_options_default(msl_options *options);

/** Static name of a status ("ok", "unknown id", ...); never NULL, never freed. */
const char *msl_status_string(msl_status status);

/** Static name of a termination reason ("function tolerance", ...); never NULL. */
const char *msl_termination_string(msl_termination termination);

/* ---- Graph lifetime ----------------------------------------------------------------- */

/** A new empty graph owned by the caller, or NULL if memory is exhausted. */
msl_graph *msl_graph_create(void);

/** Frees a graph and everything it owns. NULL is allowed and ignored. */
void msl_graph_destroy(msl_graph *graph);

/**
 * Message describing the last failed call on graph (empty after a successful call; calls that
 * take a const graph count too). Owned by the graph, valid until the next call on it or its
 * destruction. For graph == NULL returns a
 * static message saying the handle was NULL.
 */
const char *msl_last_error(const msl_graph *graph);

/* ---- Building ----------------------------------------------------------------------- */

/** Adds SE(2) pose `id` at pose[3] = (x, y, theta). */
msl_status msl_graph_add_pose_se2(msl_graph *graph, int64_t id, const double *pose);

/** Adds SE(3) pose `id` at pose[7] = (x, y, z, qx, qy, qz, qw). */
msl_status msl_graph_add_pose_se3(msl_graph *graph, int64_t id, const double *pose);

/**
 * Adds an SE(2) edge from -> to: measurement[3] = (x, y, theta) of Xfrom⁻¹ Xto, information
 * in `layout` (6 or 9 values). If edge_index is not NULL it receives the edge's index
 * (insertion order, from 0).
 */
msl_status msl_graph_add_edge_se2(msl_graph *graph, int64_t from, int64_t to, const double *measurement,
                                  const double *information, msl_information_layout layout,
                                  int64_t *edge_index);

/**
 * Adds an SE(3) edge from -> to: measurement[7] = (x, y, z, qx, qy, qz, qw) of Xfrom⁻¹ Xto,
 * information in `layout` (21 or 36 values). edge_index as for SE(2).
 */
msl_status msl_graph_add_edge_se3(msl_graph *graph, int64_t from, int64_t to, const double *measurement,
                                  const double *information, msl_information_layout layout,
                                  int64_t *edge_index);

/** Holds pose `id` fixed (fixed != 0) or frees it (fixed == 0). */
msl_status msl_graph_set_fixed(msl_graph *graph, int64_t id, int32_t fixed);

/** Sets the gauge policy (MSL_GAUGE_FIX_FIRST by default). */
msl_status msl_graph_set_gauge(msl_graph *graph, msl_gauge gauge);

/** Replaces the value of SE(2) pose `id` (e.g. to re-initialize); pose[3] as when adding. */
msl_status msl_graph_set_pose_se2(msl_graph *graph, int64_t id, const double *pose);

/** Replaces the value of SE(3) pose `id`; pose[7] as when adding. */
msl_status msl_graph_set_pose_se3(msl_graph *graph, int64_t id, const double *pose);

/* ---- Solving ------------------------------------------------------------------------ */

/**
 * Minimizes the cost from the current poses with Levenberg-Marquardt, with `plan` one of
 * "fp64" (CHOLMOD), "fp32", "fp16" (naive, for comparison), "mixed" (fp16 triangular solves
 * of the incomplete-Cholesky preconditioner, fp32 elsewhere) or "adaptive" (mixed, escalating
 * to fp64 as needed). options == NULL uses the defaults; summary may be NULL and is written
 * only when the call returns MSL_OK.
 *
 * The graph keeps one step solver: optimizing again with an unchanged structure reuses the
 * symbolic analysis; after poses or edges were added it extends the earlier fill-reducing
 * orderings to the grown graph (new poses ordered last) until the graph has grown by 20 %
 * since the last fresh ordering, then orders afresh (summary->symbolic_analyses,
 * extended_symbolic_analyses and reused_symbolic_analysis say which). On MSL_ERROR_SOLVER the poses are
 * restored to their values before the call (never NaN) and the graph's step solver starts afresh.
 */
msl_status msl_graph_optimize(msl_graph *graph, const char *plan, const msl_options *options,
                              msl_summary *summary);

/* ---- Reading ------------------------------------------------------------------------ */

/** Writes the graph's pose kind to *kind. */
msl_status msl_graph_pose_kind(const msl_graph *graph, msl_pose_kind *kind);

/** Writes the number of poses to *count. */
msl_status msl_graph_pose_count(const msl_graph *graph, int64_t *count);

/** Writes the number of edges to *count. */
msl_status msl_graph_edge_count(const msl_graph *graph, int64_t *count);

/** Writes the cost ½ Σ eᵀΩe at the current poses, in fp64, to *cost. */
msl_status msl_graph_cost(const msl_graph *graph, double *cost);

/** Writes SE(2) pose `id` to pose[3] = (x, y, theta), theta in (-π, π]. */
msl_status msl_graph_get_pose_se2(const msl_graph *graph, int64_t id, double *pose);

/** Writes SE(3) pose `id` to pose[7] = (x, y, z, qx, qy, qz, qw), unit quaternion, qw >= 0. */
msl_status msl_graph_get_pose_se3(const msl_graph *graph, int64_t id, double *pose);

#ifdef __cplusplus
}
#endif

#endif /* MIXEDSLAM_H */
