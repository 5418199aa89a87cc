#!/usr/bin/env bash
# AddressSanitizer and UndefinedBehaviorSanitizer runs of the kernel and solver test suites
# (CKernels, sparse matrices, linear solvers, nonlinear solvers, robustness bad-input and
# numerical-fault suites). Each sanitizer builds into its own directory (.build-asan,
# .build-ubsan) so the normal debug build stays cached; the C kernels, the Swift wrappers and
# the tests are all instrumented (system CHOLMOD/OpenBLAS are not).
#
# Usage: scripts/sanitizers.sh [address|undefined ...]   (default: both)
# Bounded: about 4 minutes per sanitizer from a cold build on 2 cores, under 1 minute cached.
set -euo pipefail
cd "$(dirname "$0")/.."

filter='^(CKernelsTests|SparseTests|LinearTests|NonlinearTests)\.|^RobustnessTests\.(G2OBadInputTests|BALBadInputTests|ProblemBadInputTests|NumericalFaultTests)'
sanitizers=("$@")
[[ ${#sanitizers[@]} -eq 0 ]] && sanitizers=(address undefined)

status=0
for sanitizer in "${sanitizers[@]}"; do
  case $sanitizer in
    address) dir=.build-asan; flags=(--sanitize=address) ;;
    # swiftc has no -sanitize=undefined on Linux (Swift code traps on overflow and bounds
    # itself in debug builds), so UBSan instruments the C targets through -Xcc and the
    # clang link step pulls in its runtime; -fno-sanitize-recover makes any report fatal.
    undefined) dir=.build-ubsan
      flags=(-Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=all
        -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined) ;;
    *) echo "unknown sanitizer $sanitizer"; exit 2 ;;
  esac
  mkdir -p "$dir"
  log=$dir/sanitizer.log
  start=$(date +%s)
  # halt_on_error makes the first report fail the run; leaks of the Swift runtime's
  # process-lifetime caches are not findings, so leak detection is off.
  if ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      swift test --build-path "$dir" "${flags[@]}" --filter "$filter" >"$log" 2>&1 \
      && ! grep -q "runtime error:\|ERROR: AddressSanitizer" "$log"; then
    summary=$(grep -E "Test run with" "$log" | tail -1)
    echo "sanitizer $sanitizer: clean in $(( $(date +%s) - start )) s — $summary"
  else
    echo "sanitizer $sanitizer: FAILED (see $log)"
    grep -E -A20 "runtime error:|ERROR: AddressSanitizer|✘|error:" "$log" | head -60
    status=1
  fi
done
exit $status
