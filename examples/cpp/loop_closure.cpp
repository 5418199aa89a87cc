// Loop closure through the MixedSLAM C API from C++: the graphs of examples/c/loop_closure.c
// (two laps of a 4 m square, noisy odometry, loop closures j -> j - 16), built with the same
// arithmetic in the same order, behind a small RAII wrapper that turns statuses into
// exceptions. Prints the same lines as the C example, so scripts/test-c-api.sh checks both
// against the Swift API's solution.
//
// Build (from the repository root, see docs/c-api.md):
//   c++ -std=c++17 examples/cpp/loop_closure.cpp -I Sources/MixedSLAMC/include
//       -L .build/debug -lmixedslam -Wl,-rpath,$PWD/.build/debug
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mixedslam.h"

namespace {

constexpr int kSide = 4, kLaps = 2, kPoses = 4 * kSide * kLaps, kLap = 4 * kSide;
constexpr double kSigmaT = 0.05, kSigmaR = 0.02;
constexpr double kHalfPi = 1.57079632679489661923;
constexpr std::array<int64_t, 5> kClosures = {16, 20, 24, 28, 31};

using Pose2 = std::array<double, 3>;  // x, y, theta
using Pose3 = std::array<double, 7>;  // x, y, z, qx, qy, qz, qw
using Quat = std::array<double, 4>;   // x, y, z, w

// splitmix64, uniform in [-1, 1): the C example's noise().
class Noise {
public:
    explicit Noise(uint64_t seed) : state_(seed) {}
    double next() {
        state_ += 0x9E3779B97F4A7C15ull;
        uint64_t z = state_;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1p-52 - 1.0;
    }

private:
    uint64_t state_;
};

// Owns an msl_graph; every failed call throws with the library's message.
class Graph {
public:
    Graph() : graph_(msl_graph_create(), &msl_graph_destroy) {
        if (!graph_) throw std::runtime_error("msl_graph_create failed");
    }
    void check(msl_status status, const char *what) const {
        if (status != MSL_OK)
            throw std::runtime_error(std::string(what) + ": " + msl_status_string(status) + ": " +
                                     msl_last_error(graph_.get()));
    }
    void add_pose(int64_t id, const Pose2 &p) { check(msl_graph_add_pose_se2(graph_.get(), id, p.data()), "add pose"); }
    void add_pose(int64_t id, const Pose3 &p) { check(msl_graph_add_pose_se3(graph_.get(), id, p.data()), "add pose"); }
    void add_edge(int64_t from, int64_t to, const Pose2 &z, const std::array<double, 6> &upper) {
        check(msl_graph_add_edge_se2(graph_.get(), from, to, z.data(), upper.data(), MSL_INFORMATION_UPPER, nullptr),
              "add edge");
    }
    void add_edge(int64_t from, int64_t to, const Pose3 &z, const std::array<double, 36> &full) {
        check(msl_graph_add_edge_se3(graph_.get(), from, to, z.data(), full.data(), MSL_INFORMATION_FULL, nullptr),
              "add edge");
    }
    msl_summary optimize(const char *plan) {
        msl_options options;
        msl_options_default(&options);
        msl_summary summary;
        check(msl_graph_optimize(graph_.get(), plan, &options, &summary), "optimize");
        return summary;
    }
    Pose2 pose2(int64_t id) const {
        Pose2 p;
        check(msl_graph_get_pose_se2(graph_.get(), id, p.data()), "get pose");
        return p;
    }
    Pose3 pose3(int64_t id) const {
        Pose3 p;
        check(msl_graph_get_pose_se3(graph_.get(), id, p.data()), "get pose");
        return p;
    }

private:
    std::unique_ptr<msl_graph, void (*)(msl_graph *)> graph_;
};

void print_summary(const char *label, const msl_summary &s) {
    std::printf("# %s: plan %s (%s), cost %.6g -> %.6g, %d iterations, %d linear, %s, "
                "trisolve fp%d, symbolic analyses %d, reused %d, %.3f ms\n",
                label, s.plan, s.linear_solver, s.initial_cost, s.final_cost, s.iterations, s.linear_iterations,
                msl_termination_string(s.termination), static_cast<int>(s.final_triangular_solve), s.symbolic_analyses,
                s.reused_symbolic_analysis, s.total_seconds * 1000);
}

double turn(int k) { return (k % kSide == kSide - 1) ? kHalfPi : 0.0; }

// ---- SE(2) ----

Pose2 compose(const Pose2 &a, const Pose2 &b) {
    double c = std::cos(a[2]), s = std::sin(a[2]);
    return {a[0] + c * b[0] - s * b[1], a[1] + s * b[0] + c * b[1], a[2] + b[2]};
}

Pose2 between(const Pose2 &a, const Pose2 &b) {
    double c = std::cos(a[2]), s = std::sin(a[2]), dx = b[0] - a[0], dy = b[1] - a[1];
    return {c * dx + s * dy, -s * dx + c * dy, b[2] - a[2]};
}

void run_se2() {
    const std::array<double, 6> information = {100, 10, 0, 100, 0, 400};  // g2o upper triangle
    Noise noise(1);
    std::vector<Pose2> truth = {{0, 0, 0}};
    Pose2 pose = {0, 0, 0};
    Graph graph;
    graph.add_pose(0, pose);
    for (int k = 0; k + 1 < kPoses; k++) {
        Pose2 u = {1.0, 0.0, turn(k)}, z;
        truth.push_back(compose(truth[k], u));
        z[0] = u[0] + kSigmaT * noise.next();
        z[1] = u[1] + kSigmaT * noise.next();
        z[2] = u[2] + kSigmaR * noise.next();
        pose = compose(pose, z);
        graph.add_pose(k + 1, pose);
        graph.add_edge(k, k + 1, z, information);
    }
    print_summary("se2 odometry only", graph.optimize("mixed"));
    for (int64_t j : kClosures) {
        Pose2 z = between(truth[j], truth[j - kLap]);
        z[0] += kSigmaT * noise.next();
        z[1] += kSigmaT * noise.next();
        z[2] += kSigmaR * noise.next();
        graph.add_edge(j, j - kLap, z, information);
    }
    print_summary("se2 loop closure", graph.optimize("mixed"));
    print_summary("se2 re-solve", graph.optimize("mixed"));
    for (int64_t id = 0; id < kPoses; id++) {
        Pose2 p = graph.pose2(id);
        std::printf("se2 %lld %.17g %.17g %.17g\n", static_cast<long long>(id), p[0], p[1], p[2]);
    }
}

// ---- SE(3) ----

Quat multiply(const double *p, const double *q) {
    return {p[3] * q[0] + p[0] * q[3] + p[1] * q[2] - p[2] * q[1],
            p[3] * q[1] - p[0] * q[2] + p[1] * q[3] + p[2] * q[0],
            p[3] * q[2] + p[0] * q[1] - p[1] * q[0] + p[2] * q[3],
            p[3] * q[3] - p[0] * q[0] - p[1] * q[1] - p[2] * q[2]};
}

std::array<double, 3> rotate(const double *q, const std::array<double, 3> &v) {
    std::array<double, 3> t = {q[1] * v[2] - q[2] * v[1], q[2] * v[0] - q[0] * v[2], q[0] * v[1] - q[1] * v[0]};
    std::array<double, 3> c = {q[1] * t[2] - q[2] * t[1], q[2] * t[0] - q[0] * t[2], q[0] * t[1] - q[1] * t[0]};
    std::array<double, 3> out;
    for (int k = 0; k < 3; k++) out[k] = v[k] + 2 * (q[3] * t[k] + c[k]);
    return out;
}

Quat quat_exp(const std::array<double, 3> &phi) {
    double angle = std::sqrt(phi[0] * phi[0] + phi[1] * phi[1] + phi[2] * phi[2]);
    double s = angle > 0 ? std::sin(0.5 * angle) / angle : 0.5;
    return {s * phi[0], s * phi[1], s * phi[2], std::cos(0.5 * angle)};
}

Pose3 make_pose(const std::array<double, 3> &t, const Quat &q) { return {t[0], t[1], t[2], q[0], q[1], q[2], q[3]}; }

Pose3 compose(const Pose3 &a, const Pose3 &b) {
    std::array<double, 3> t = rotate(a.data() + 3, {b[0], b[1], b[2]});
    return make_pose({a[0] + t[0], a[1] + t[1], a[2] + t[2]}, multiply(a.data() + 3, b.data() + 3));
}

Pose3 between(const Pose3 &a, const Pose3 &b) {
    const Quat conj = {-a[3], -a[4], -a[5], a[6]};
    return make_pose(rotate(conj.data(), {b[0] - a[0], b[1] - a[1], b[2] - a[2]}), multiply(conj.data(), b.data() + 3));
}

void perturb(Pose3 &z, Noise &noise) {
    std::array<double, 3> phi;
    for (int k = 0; k < 3; k++) z[k] += kSigmaT * noise.next();
    for (int k = 0; k < 3; k++) phi[k] = kSigmaR * noise.next();
    Quat q = multiply(z.data() + 3, quat_exp(phi).data());
    for (int k = 0; k < 4; k++) z[3 + k] = q[k];
}

void run_se3() {
    std::array<double, 36> information{};  // full row-major
    for (int k = 0; k < 6; k++) information[k * 6 + k] = k < 3 ? 100 : 400;
    information[1] = information[6] = 10;
    Noise noise(2);
    const Pose3 identity = {0, 0, 0, 0, 0, 0, 1};
    std::vector<Pose3> truth = {identity};
    Pose3 pose = identity;
    Graph graph;
    graph.add_pose(0, pose);
    for (int k = 0; k + 1 < kPoses; k++) {
        Pose3 u = make_pose({1.0, 0.0, 0.1}, quat_exp({0, 0, turn(k)}));
        truth.push_back(compose(truth[k], u));
        Pose3 z = u;
        perturb(z, noise);
        pose = compose(pose, z);
        graph.add_pose(k + 1, pose);
        graph.add_edge(k, k + 1, z, information);
    }
    print_summary("se3 odometry only", graph.optimize("mixed"));
    for (int64_t j : kClosures) {
        Pose3 z = between(truth[j], truth[j - kLap]);
        perturb(z, noise);
        graph.add_edge(j, j - kLap, z, information);
    }
    print_summary("se3 loop closure", graph.optimize("mixed"));
    print_summary("se3 re-solve", graph.optimize("mixed"));
    for (int64_t id = 0; id < kPoses; id++) {
        Pose3 p = graph.pose3(id);
        std::printf("se3 %lld %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", static_cast<long long>(id), p[0], p[1], p[2],
                    p[3], p[4], p[5], p[6]);
    }
}

}  // namespace

int main() {
    try {
        run_se2();
        run_se3();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
