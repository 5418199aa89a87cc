#!/usr/bin/env bash
# slam-bench with absurd arguments: every case must be refused quickly with a message, exit
# status 64 (argument validation) or 1 (a typed error), never a trap, a crash or a run
# without end; extreme but meaningful ones must run. Each case once trapped on an integer overflow, exhausted memory or ran for
# ever (docs/robustness.md, "slam-bench arguments").
#
# Usage: scripts/check-arguments.sh [path/to/slam-bench]   (default .build/release/slam-bench)
set -uo pipefail
cd "$(dirname "$0")/.."
bench=${1:-.build/release/slam-bench}
max=9223372036854775807
cases=(
  "incremental --steps $max"
  "incremental --poses-per-step $max"
  "incremental --steps 4294967296 --poses-per-step 2147483648"
  "incremental --steps=-9223372036854775808"
  "pgo --repeats $max"
  "pgo --repeats 0"
  "pgo --repeats=-$max"
  "vo --keyframes $max"
  "vo --keyframes 100000000000"
  "vo --keyframes 0"
  "vo --window-size=-$max"
  "vo --window-size $max"
  "tour --poses $max"
  "lc --poses $max"
)
failures=0
for args in "${cases[@]}"; do
  # shellcheck disable=SC2086
  output=$(timeout 20 "$bench" $args --quiet 2>&1)
  status=$?
  if [[ $status -ne 64 && $status -ne 1 ]]; then
    echo "arguments: slam-bench $args exited with $status (want 64 or 1):"
    echo "$output" | tail -5
    failures=$((failures + 1))
  elif [[ -z "$output" ]]; then
    echo "arguments: slam-bench $args was refused without a message"
    failures=$((failures + 1))
  fi
done
# Extreme but meaningful: "all windows" of a short tour, and the driver's sequence over them.
accepted=(
  "vo --windows $max --window-size 10 --keyframes 30 --plans fp64 --sequence"
)
for args in "${accepted[@]}"; do
  # shellcheck disable=SC2086
  output=$(timeout 120 "$bench" $args --quiet 2>&1)
  status=$?
  if [[ $status -ne 0 ]]; then
    echo "arguments: slam-bench $args exited with $status (want 0):"
    echo "$output" | tail -5
    failures=$((failures + 1))
  fi
done
echo "arguments: ${#cases[@]} absurd and ${#accepted[@]} extreme argument sets, $failures failed"
[[ $failures -eq 0 ]]
