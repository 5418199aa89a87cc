#!/usr/bin/env python3
"""Cross-check of our ATE with evo (https://github.com/MichaelGrupp/evo, PyPI `evo`): for every
dataset and plan of a report folder, evo's APE (translation part, no alignment — what
`evo_ape tum REF EST` computes) between trajectories/<file>-fp64.tum and
trajectories/<file>-<plan>.tum must reproduce the report's `ateRMSE` (ATE vs fp64).

Usage: crosscheck_evo.py DIR [--quick] [--tolerance 1e-6]. Writes DIR/crosscheck-evo.json
(read back by `slam-bench report`, whose thresholds judge it). Exit status 1 when a relative
difference exceeds the tolerance; without evo it writes status "skipped" and exits 0.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_common import load_report, number, relative_difference, skipped, write_json  # noqa: E402

OUTPUT = "crosscheck-evo.json"


def main():
    argv = sys.argv[1:]
    tolerance = 1e-6
    if "--tolerance" in argv:
        i = argv.index("--tolerance")
        tolerance = float(argv[i + 1])
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.exit("usage: crosscheck_evo.py DIR [--quick] [--tolerance T]")
    out_dir = args[0]
    try:
        import evo
        from evo.core import metrics
        from evo.tools import file_interface
    except ImportError:
        skipped(out_dir, OUTPUT, "evo", "evo is not installed (scripts/setup-python.sh; offline?)")
    report = load_report(out_dir)
    trajectories = os.path.join(out_dir, "trajectories")
    rows = []
    worst = 0.0
    for dataset in report["datasets"]:
        base = os.path.splitext(dataset["file"])[0]
        reference = file_interface.read_tum_trajectory_file(os.path.join(trajectories, f"{base}-fp64.tum"))
        for result in dataset["plans"]:
            estimate = file_interface.read_tum_trajectory_file(
                os.path.join(trajectories, f"{base}-{result['plan']}.tum"))
            ape = metrics.APE(metrics.PoseRelation.translation_part)
            ape.process_data((reference, estimate))
            theirs = float(ape.get_statistic(metrics.StatisticsType.rmse))
            ours = number(result["ateRMSE"])
            difference = relative_difference(ours, theirs)
            worst = max(worst, difference)
            rows.append({"subject": f"{dataset['file']} {result['plan']}", "quantity": "ATE RMSE vs fp64 m",
                         "ours": ours, "theirs": theirs, "relativeDifference": difference})
    write_json(out_dir, OUTPUT, {"tool": "evo", "version": getattr(evo, "__version__", None), "status": "ok",
                                 "rows": rows})
    print(f"crosscheck_evo: {len(rows)} trajectories, largest relative difference {worst:.3g}", file=sys.stderr)
    if worst > tolerance:
        sys.exit(1)


if __name__ == "__main__":
    main()
