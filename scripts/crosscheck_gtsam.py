#!/usr/bin/env python3
"""Cross-check with GTSAM (PyPI `gtsam`, optional): each g2o file of a report folder solved by
GTSAM's Levenberg-Marquardt (default parameters, as the datasets README's reference) from the
same start as ours — the file's vertices, or chained odometry for edge-only files — with pose
0 held by a tight prior. Final cost (GTSAM's graph error, ½ Σ‖whitened residual‖², the same
convention as ours) and solve time side by side with our fp64 result.

Usage: crosscheck_gtsam.py DIR [--quick]. Writes DIR/crosscheck-gtsam.json (embedded in
report.md by `slam-bench report`). Without gtsam it writes status "skipped" and exits 0.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_common import load_report, number, relative_difference, skipped, write_json  # noqa: E402

OUTPUT = "crosscheck-gtsam.json"


def chained_start(gtsam, path, is3d):
    """Initial values by chaining odometry edges i -> i+1 from the smallest id at the identity."""
    odometry = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if not fields:
                continue
            if fields[0] == "EDGE_SE2":
                i, j = int(fields[1]), int(fields[2])
                x, y, theta = map(float, fields[3:6])
                odometry[i] = (j, gtsam.Pose2(x, y, theta))
            elif fields[0] == "EDGE_SE3:QUAT":
                i, j = int(fields[1]), int(fields[2])
                x, y, z, qx, qy, qz, qw = map(float, fields[3:10])
                odometry[i] = (j, gtsam.Pose3(gtsam.Rot3.Quaternion(qw, qx, qy, qz), gtsam.Point3(x, y, z)))
    values = gtsam.Values()
    first = min(odometry)
    pose = gtsam.Pose3() if is3d else gtsam.Pose2()
    values.insert(first, pose)
    k = first
    while k in odometry and odometry[k][0] == k + 1:
        pose = pose.compose(odometry[k][1])
        values.insert(k + 1, pose)
        k += 1
    return values


def solve(gtsam, np, path):
    with open(path) as f:
        is3d = "SE3" in f.read(4096)
    graph, initial = gtsam.readG2o(path, is3d)
    if initial.size() == 0:
        initial = chained_start(gtsam, path, is3d)
    first = min(initial.keys())
    if is3d:
        graph.add(gtsam.PriorFactorPose3(first, initial.atPose3(first), gtsam.noiseModel.Diagonal.Sigmas(np.full(6, 1e-6))))
    else:
        graph.add(gtsam.PriorFactorPose2(first, initial.atPose2(first), gtsam.noiseModel.Diagonal.Sigmas(np.full(3, 1e-6))))
    initial_cost = graph.error(initial)
    optimizer = gtsam.LevenbergMarquardtOptimizer(graph, initial, gtsam.LevenbergMarquardtParams())
    start = time.perf_counter()
    result = optimizer.optimize()
    seconds = time.perf_counter() - start
    return initial_cost, graph.error(result), seconds, optimizer.iterations()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit("usage: crosscheck_gtsam.py DIR [--quick]")
    out_dir = args[0]
    try:
        import gtsam
        import numpy as np
    except ImportError:
        skipped(out_dir, OUTPUT, "gtsam", "gtsam is not installed (optional; scripts/setup-python.sh)")
    report = load_report(out_dir)
    directory = report.get("datasetDirectory")
    if not directory or not report["datasets"]:
        skipped(out_dir, OUTPUT, "gtsam", "the report solved no dataset")
    rows = []
    for dataset in report["datasets"]:
        ours = next((r for r in dataset["plans"] if r["plan"] == "fp64"), None)
        if ours is None:
            continue
        path = os.path.join(directory, dataset["file"])
        try:
            initial_cost, final_cost, seconds, iterations = solve(gtsam, np, path)
        except Exception as error:  # a file GTSAM cannot read is reported, not fatal
            print(f"crosscheck_gtsam: {dataset['file']}: {error}", file=sys.stderr)
            continue
        our_cost = number(ours["finalCost"])
        rows.append({"subject": dataset["file"], "quantity": "final cost (fp64)", "ours": our_cost,
                     "theirs": final_cost, "relativeDifference": relative_difference(our_cost, final_cost),
                     "oursSeconds": number(ours["totalSeconds"]), "theirsSeconds": seconds,
                     "theirsIterations": iterations})
        print(f"crosscheck_gtsam: {dataset['file']}: ours {our_cost:.6g}, GTSAM {final_cost:.6g} "
              f"(start {initial_cost:.5g}), {seconds * 1000:.1f} ms", file=sys.stderr)
    write_json(out_dir, OUTPUT, {"tool": "gtsam", "version": getattr(gtsam, "__version__", None), "status": "ok",
                                 "rows": rows})


if __name__ == "__main__":
    main()
