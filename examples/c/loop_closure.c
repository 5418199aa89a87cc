/*
 * Loop closure through the MixedSLAM C API.
 *
 * A robot drives two laps of a 4 m square (one pose per metre, a 90° turn at each corner;
 * the SE(3) variant also climbs 0.1 m per metre). Odometry is noisy, so dead reckoning
 * drifts; when the robot recognizes places of the first lap, loop-closure edges are added
 * and the graph is optimized again. The graph is solved with the `mixed` plan, then solved
 * once more to show that an unchanged structure reuses its symbolic analysis.
 *
 * Output: '#' lines with the summaries, then one line per optimized pose,
 *     se2 <id> <x> <y> <theta>
 *     se3 <id> <x> <y> <z> <qx> <qy> <qz> <qw>
 * which scripts/test-c-api.sh compares with the same graph solved through the Swift API
 * (Tests/NonlinearTests/CAPIReferenceTests.swift generates it with the same arithmetic).
 *
 * Build (from the repository root, see docs/c-api.md):
 *   cc examples/c/loop_closure.c -I Sources/MixedSLAMC/include -L .build/debug -lmixedslam
 *      -Wl,-rpath,$PWD/.build/debug -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mixedslam.h"

enum { SIDE = 4, LAPS = 2, POSES = 4 * SIDE * LAPS, LAP = 4 * SIDE };
static const double SIGMA_T = 0.05, SIGMA_R = 0.02;
static const double HALF_PI = 1.57079632679489661923;

/* splitmix64: uniform noise in [-1, 1), the same sequence the Swift reference draws. */
static uint64_t rng_state;
static double noise(void) {
    rng_state += 0x9E3779B97F4A7C15ull;
    uint64_t z = rng_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1p-52 - 1.0;
}

/* Loop closures j -> j - LAP: the robot recognizes the first lap's pose j - LAP at pose j. */
static const int64_t CLOSURES[] = {16, 20, 24, 28, 31};
enum { CLOSURE_COUNT = sizeof CLOSURES / sizeof CLOSURES[0] };

static int check(msl_graph *graph, msl_status status, const char *what) {
    if (status == MSL_OK) return 0;
    fprintf(stderr, "%s: %s: %s\n", what, msl_status_string(status), msl_last_error(graph));
    return 1;
}

static void print_summary(const char *label, const msl_summary *s) {
    printf("# %s: plan %s (%s), cost %.6g -> %.6g, %d iterations, %d linear, %s, "
           "trisolve fp%d, symbolic analyses %d, reused %d, %.3f ms\n",
           label, s->plan, s->linear_solver, s->initial_cost, s->final_cost, s->iterations,
           s->linear_iterations, msl_termination_string(s->termination), (int)s->final_triangular_solve,
           s->symbolic_analyses, s->reused_symbolic_analysis, s->total_seconds * 1000);
}

/* ---- SE(2): pose (x, y, theta) ---- */

/* a ⊕ b */
static void se2_compose(const double a[3], const double b[3], double out[3]) {
    double c = cos(a[2]), s = sin(a[2]);
    out[0] = a[0] + c * b[0] - s * b[1];
    out[1] = a[1] + s * b[0] + c * b[1];
    out[2] = a[2] + b[2];
}

/* a⁻¹ ⊕ b */
static void se2_between(const double a[3], const double b[3], double out[3]) {
    double c = cos(a[2]), s = sin(a[2]), dx = b[0] - a[0], dy = b[1] - a[1];
    out[0] = c * dx + s * dy;
    out[1] = -s * dx + c * dy;
    out[2] = b[2] - a[2];
}

static int run_se2(void) {
    /* Ω in g2o's upper-triangle layout: xx xy xθ yy yθ θθ. */
    static const double information[6] = {100, 10, 0, 100, 0, 400};
    double truth[POSES][3] = {{0, 0, 0}}, pose[3] = {0, 0, 0};
    msl_summary summary;
    msl_graph *graph = msl_graph_create();
    if (!graph) return 1;
    rng_state = 1;
    int failed = check(graph, msl_graph_add_pose_se2(graph, 0, pose), "add pose 0");
    for (int k = 0; k + 1 < POSES && !failed; k++) {
        double u[3] = {1.0, 0.0, (k % SIDE == SIDE - 1) ? HALF_PI : 0.0}, z[3];
        se2_compose(truth[k], u, truth[k + 1]);
        z[0] = u[0] + SIGMA_T * noise();
        z[1] = u[1] + SIGMA_T * noise();
        z[2] = u[2] + SIGMA_R * noise();
        double next[3];
        se2_compose(pose, z, next);
        pose[0] = next[0], pose[1] = next[1], pose[2] = next[2];
        failed = check(graph, msl_graph_add_pose_se2(graph, k + 1, pose), "add pose")
              || check(graph, msl_graph_add_edge_se2(graph, k, k + 1, z, information, MSL_INFORMATION_UPPER, NULL),
                       "add odometry");
    }
    failed = failed || check(graph, msl_graph_optimize(graph, "mixed", NULL, &summary), "optimize odometry");
    if (!failed) print_summary("se2 odometry only", &summary);
    for (int c = 0; c < CLOSURE_COUNT && !failed; c++) {
        int64_t j = CLOSURES[c], i = j - LAP;
        double z[3];
        se2_between(truth[j], truth[i], z);
        z[0] += SIGMA_T * noise();
        z[1] += SIGMA_T * noise();
        z[2] += SIGMA_R * noise();
        failed = check(graph, msl_graph_add_edge_se2(graph, j, i, z, information, MSL_INFORMATION_UPPER, NULL),
                       "add loop closure");
    }
    failed = failed || check(graph, msl_graph_optimize(graph, "mixed", NULL, &summary), "optimize loop");
    if (!failed) print_summary("se2 loop closure", &summary);
    failed = failed || check(graph, msl_graph_optimize(graph, "mixed", NULL, &summary), "re-optimize");
    if (!failed) print_summary("se2 re-solve", &summary);
    for (int64_t id = 0; id < POSES && !failed; id++) {
        failed = check(graph, msl_graph_get_pose_se2(graph, id, pose), "get pose");
        if (!failed) printf("se2 %lld %.17g %.17g %.17g\n", (long long)id, pose[0], pose[1], pose[2]);
    }
    msl_graph_destroy(graph);
    return failed;
}

/* ---- SE(3): pose (x, y, z, qx, qy, qz, qw) ---- */

/* Hamilton product p ⊗ q, quaternions stored (x, y, z, w). */
static void quat_multiply(const double p[4], const double q[4], double out[4]) {
    double r[4];
    r[0] = p[3] * q[0] + p[0] * q[3] + p[1] * q[2] - p[2] * q[1];
    r[1] = p[3] * q[1] - p[0] * q[2] + p[1] * q[3] + p[2] * q[0];
    r[2] = p[3] * q[2] + p[0] * q[1] - p[1] * q[0] + p[2] * q[3];
    r[3] = p[3] * q[3] - p[0] * q[0] - p[1] * q[1] - p[2] * q[2];
    out[0] = r[0], out[1] = r[1], out[2] = r[2], out[3] = r[3];
}

/* R(q) v = v + 2 w (u × v) + 2 u × (u × v) with u the vector part. */
static void quat_rotate(const double q[4], const double v[3], double out[3]) {
    double t[3] = {q[1] * v[2] - q[2] * v[1], q[2] * v[0] - q[0] * v[2], q[0] * v[1] - q[1] * v[0]};
    double c[3] = {q[1] * t[2] - q[2] * t[1], q[2] * t[0] - q[0] * t[2], q[0] * t[1] - q[1] * t[0]};
    for (int k = 0; k < 3; k++) out[k] = v[k] + 2 * (q[3] * t[k] + c[k]);
}

/* Exp of a rotation vector φ: (sin(|φ|/2) φ/|φ|, cos(|φ|/2)). */
static void quat_exp(const double phi[3], double out[4]) {
    double angle = sqrt(phi[0] * phi[0] + phi[1] * phi[1] + phi[2] * phi[2]);
    double s = angle > 0 ? sin(0.5 * angle) / angle : 0.5;
    out[0] = s * phi[0], out[1] = s * phi[1], out[2] = s * phi[2], out[3] = cos(0.5 * angle);
}

/* a ⊕ b */
static void se3_compose(const double a[7], const double b[7], double out[7]) {
    double t[3];
    quat_rotate(a + 3, b, t);
    for (int k = 0; k < 3; k++) out[k] = a[k] + t[k];
    quat_multiply(a + 3, b + 3, out + 3);
}

/* a⁻¹ ⊕ b */
static void se3_between(const double a[7], const double b[7], double out[7]) {
    double conj[4] = {-a[3], -a[4], -a[5], a[6]}, d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    quat_rotate(conj, d, out);
    quat_multiply(conj, b + 3, out + 3);
}

/* z ⊕ noise: translation + σt n, rotation ⊗ Exp(σr n). */
static void se3_perturb(double z[7]) {
    double phi[3], dq[4];
    for (int k = 0; k < 3; k++) z[k] += SIGMA_T * noise();
    for (int k = 0; k < 3; k++) phi[k] = SIGMA_R * noise();
    quat_exp(phi, dq);
    quat_multiply(z + 3, dq, z + 3);
}

static int run_se3(void) {
    /* Ω full row-major: translation block with an xy coupling, rotation 400 I. */
    double information[36] = {0};
    for (int k = 0; k < 6; k++) information[k * 6 + k] = k < 3 ? 100 : 400;
    information[1] = information[6] = 10;
    double truth[POSES][7] = {{0, 0, 0, 0, 0, 0, 1}}, pose[7] = {0, 0, 0, 0, 0, 0, 1};
    msl_summary summary;
    msl_graph *graph = msl_graph_create();
    if (!graph) return 1;
    rng_state = 2;
    int failed = check(graph, msl_graph_add_pose_se3(graph, 0, pose), "add pose 0");
    for (int k = 0; k + 1 < POSES && !failed; k++) {
        double turn[3] = {0, 0, (k % SIDE == SIDE - 1) ? HALF_PI : 0.0};
        double u[7] = {1.0, 0.0, 0.1}, z[7], next[7];
        quat_exp(turn, u + 3);
        se3_compose(truth[k], u, truth[k + 1]);
        for (int c = 0; c < 7; c++) z[c] = u[c];
        se3_perturb(z);
        se3_compose(pose, z, next);
        for (int c = 0; c < 7; c++) pose[c] = next[c];
        failed = check(graph, msl_graph_add_pose_se3(graph, k + 1, pose), "add pose")
              || check(graph, msl_graph_add_edge_se3(graph, k, k + 1, z, information, MSL_INFORMATION_FULL, NULL),
                       "add odometry");
    }
    failed = failed || check(graph, msl_graph_optimize(graph, "mixed", NULL, &summary), "optimize odometry");
    if (!failed) print_summary("se3 odometry only", &summary);
    for (int c = 0; c < CLOSURE_COUNT && !failed; c++) {
        int64_t j = CLOSURES[c], i = j - LAP;
        double z[7];
        se3_between(truth[j], truth[i], z);
        se3_perturb(z);
        failed = check(graph, msl_graph_add_edge_se3(graph, j, i, z, information, MSL_INFORMATION_FULL, NULL),
                       "add loop closure");
    }
    failed = failed || check(graph, msl_graph_optimize(graph, "mixed", NULL, &summary), "optimize loop");
    if (!failed) print_summary("se3 loop closure", &summary);
    failed = failed || check(graph, msl_graph_optimize(graph, "mixed", NULL, &summary), "re-optimize");
    if (!failed) print_summary("se3 re-solve", &summary);
    for (int64_t id = 0; id < POSES && !failed; id++) {
        failed = check(graph, msl_graph_get_pose_se3(graph, id, pose), "get pose");
        if (!failed)
            printf("se3 %lld %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", (long long)id, pose[0], pose[1], pose[2],
                   pose[3], pose[4], pose[5], pose[6]);
    }
    msl_graph_destroy(graph);
    return failed;
}

int main(void) {
    int failed = run_se2();
    failed = run_se3() || failed;
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
