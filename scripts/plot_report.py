#!/usr/bin/env python3
"""Figures of a slam-bench report folder (reads <dir>/report.json, writes <dir>/figures/*.png
and <dir>/figures.json, which `slam-bench report` embeds in report.md):

- <seq>-ate-cdf.png: cumulative ATE histogram per plan (and the baseline, e.g. no loop
  closure) over the problems of each sequence (lc, vo);
- time-vs-size.png: solve time against pose-graph size (sequence problems and datasets);
- cost-per-iteration.png: cost after each accepted LM iteration, per dataset and plan.

Usage: plot_report.py DIR [--quick]. Without matplotlib it prints why and exits 0.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_common import finite, load_report, number, write_json  # noqa: E402

STYLE = {"fp64": ("k", "-"), "fp32": ("tab:blue", "--"), "fp16": ("tab:red", ":"),
         "mixed": ("tab:green", "-."), "adaptive": ("tab:purple", (0, (5, 1)))}


def style(plan):
    return STYLE.get(plan, ("tab:gray", "-"))


def cumulative(ax, values, label, color, linestyle):
    values = sorted(finite(values))
    if not values:
        return
    fractions = [(i + 1) / len(values) for i in range(len(values))]
    ax.step(values, fractions, where="post", label=label, color=color, linestyle=linestyle)


def ate_cdf(plt, report, sequence, figures_dir):
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    if sequence.get("baselineLabel"):
        cumulative(ax, [number(v) for v in sequence["baselineATE"]], sequence["baselineLabel"], "tab:orange", "-")
    for plan in report["plans"]:
        cumulative(ax, [number(s["ate"]) for s in sequence["solves"] if s["plan"] == plan], plan, *style(plan))
    ax.set_xscale("log")
    ax.set_xlabel("ATE RMSE (m)")
    ax.set_ylabel("fraction of problems with ATE ≤ x")
    ax.set_title(f"{sequence['title']}: cumulative ATE", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    name = f"{sequence['name']}-ate-cdf.png"
    fig.tight_layout()
    fig.savefig(os.path.join(figures_dir, name), dpi=110)
    plt.close(fig)
    return {"file": f"figures/{name}",
            "caption": f"{sequence['name']}: cumulative ATE histogram per plan over {sequence['problems']} problems"}


def time_vs_size(plt, report, figures_dir):
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for plan in report["plans"]:
        color, linestyle = style(plan)
        for sequence in report["sequences"]:
            solves = [s for s in sequence["solves"] if s["plan"] == plan]
            if solves:
                ax.plot([s["poses"] for s in solves], [number(s["totalSeconds"]) * 1000 for s in solves],
                        color=color, linestyle=linestyle, marker=".", markersize=3, linewidth=0.8,
                        label=f"{sequence['name']} {plan}")
        points = [(d["vertices"], number(r["totalSeconds"]) * 1000, d["file"])
                  for d in report["datasets"] for r in d["plans"] if r["plan"] == plan]
        if points:
            ax.scatter([p[0] for p in points], [p[1] for p in points], color=color, marker="o", s=18,
                       label=f"datasets {plan}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("poses")
    ax.set_ylabel("solve time (ms)")
    ax.set_title("Solve time vs pose-graph size", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(os.path.join(figures_dir, "time-vs-size.png"), dpi=110)
    plt.close(fig)
    return {"file": "figures/time-vs-size.png",
            "caption": "solve time against pose-graph size: sequence problems (lines) and datasets (dots), per plan"}


def cost_per_iteration(plt, report, figures_dir):
    datasets = report["datasets"]
    if not datasets:
        return None
    columns = min(3, len(datasets))
    rows = math.ceil(len(datasets) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.2 * rows), squeeze=False)
    for ax, dataset in zip([a for row in axes for a in row], datasets):
        for result in dataset["plans"]:
            history = [number(result["initialCost"])] + [number(c) for c in result["costHistory"]]
            ax.plot(range(len(history)), history, label=result["plan"], color=style(result["plan"])[0],
                    linestyle=style(result["plan"])[1], marker=".", markersize=3)
        ax.set_yscale("log")
        ax.set_title(dataset["file"], fontsize=9)
        ax.set_xlabel("accepted iteration", fontsize=8)
        ax.set_ylabel("cost", fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6)
    for ax in [a for row in axes for a in row][len(datasets):]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(os.path.join(figures_dir, "cost-per-iteration.png"), dpi=100)
    plt.close(fig)
    return {"file": "figures/cost-per-iteration.png",
            "caption": "cost after each accepted Levenberg-Marquardt iteration, per dataset and plan (iteration 0: start)"}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit("usage: plot_report.py DIR [--quick]")
    out_dir = args[0]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_report: matplotlib not installed (scripts/setup-python.sh); no figures", file=sys.stderr)
        return
    report = load_report(out_dir)
    figures_dir = os.path.join(out_dir, "figures")
    os.makedirs(figures_dir, exist_ok=True)
    figures = [ate_cdf(plt, report, s, figures_dir) for s in report["sequences"]]
    figures.append(time_vs_size(plt, report, figures_dir))
    figures.append(cost_per_iteration(plt, report, figures_dir))
    figures = [f for f in figures if f]
    write_json(out_dir, "figures.json", figures)
    print(f"plot_report: {len(figures)} figures in {figures_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
