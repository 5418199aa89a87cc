"""Shared helpers of the report scripts: reading report.json (schema mixedslam-bench/1)."""
import json
import math
import os
import sys


def load_report(out_dir):
    """The `results` object of <out_dir>/report.json, with "nan"/"inf" strings as floats."""
    path = os.path.join(out_dir, "report.json")
    with open(path) as f:
        envelope = json.load(f)
    if envelope.get("schema") != "mixedslam-bench/1" or envelope.get("command") != "report":
        sys.exit(f"{path}: not a mixedslam-bench/1 report")
    return envelope["results"]


def number(value):
    """A JSON number, or one of the strings "nan", "inf", "-inf" Swift writes for non-finite values."""
    return float(value)


def relative_difference(a, b):
    """|a - b| / max(|a|, |b|), 0 when both are 0 (the definition report.md uses)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def write_json(out_dir, name, value):
    """Writes <out_dir>/<name> (pretty-printed)."""
    with open(os.path.join(out_dir, name), "w") as f:
        json.dump(value, f, indent=2, allow_nan=True)
        f.write("\n")


def skipped(out_dir, name, tool, reason):
    """Writes a cross-check file saying the check was skipped, prints why, and exits 0."""
    write_json(out_dir, name, {"tool": tool, "status": "skipped", "reason": reason, "rows": []})
    print(f"{tool} cross-check skipped: {reason}", file=sys.stderr)
    sys.exit(0)


def finite(values):
    """The finite values of a list."""
    return [v for v in values if math.isfinite(v)]
