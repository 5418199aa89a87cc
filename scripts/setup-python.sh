#!/usr/bin/env bash
# Creates the Python environment the report scripts use: .venv-bench/ in the project root,
# from PyPI. matplotlib draws the figures and evo cross-checks the ATE (both required for the
# figures / the evo cross-check); gtsam is optional (the GTSAM cross-check is skipped without
# it). Safe to run again. Offline, it leaves what exists and exits 0 so the report still runs
# (figures and cross-checks are then skipped and the report says so).
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.venv-bench
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { echo "setup-python: cannot create $venv (python3 -m venv)" >&2; exit 0; }
fi
py="$venv/bin/python"
have() { "$py" -c "import $1" >/dev/null 2>&1; }
if ! have matplotlib || ! have evo; then
    "$py" -m pip install --quiet --disable-pip-version-check matplotlib evo \
        || echo "setup-python: matplotlib/evo not installed (offline?); figures and the evo cross-check will be skipped" >&2
fi
if ! have gtsam; then
    "$py" -m pip install --quiet --disable-pip-version-check gtsam \
        || echo "setup-python: gtsam not installed; the GTSAM cross-check will be skipped" >&2
fi
for m in matplotlib evo gtsam; do
    if have "$m"; then echo "setup-python: $m ok"; else echo "setup-python: $m missing"; fi
done
exit 0
