#!/usr/bin/env bash
# libFuzzer + AddressSanitizer runs of the file readers (g2o, BAL).
#
# How it is built (Swift 6.3 on Linux, no Package.swift change, no unsafeFlags):
#   1. `swift build --sanitize=fuzzer --sanitize=address --target MixedSLAM` in its own
#      build directory (.build-fuzz) compiles every library module with coverage
#      instrumentation and ASan;
#   2. swiftc compiles each harness (Fuzz/<Name>/main.swift + Fuzz/FuzzChecks.swift, whose
#      `@_cdecl("LLVMFuzzerTestOneInput")` is the entry) with -sanitize=fuzzer,address
#      -parse-as-library and links it with those objects; libFuzzer supplies main().
#
# Usage:
#   scripts/fuzz.sh --quick            # CI: 30 s per target, ≈2 min with the fuzz build cached
#                                      # (a cold .build-fuzz adds ≈1.5 min of compilation)
#   scripts/fuzz.sh [seconds]          # each target for `seconds` (default 600)
#   FUZZ_JOBS=2 scripts/fuzz.sh 3600   # long run: parallel workers, one hour per target
# Each run starts from the committed seed corpus Fuzz/corpus/<target> and keeps what it
# discovers in .build-fuzz/corpus/<target> (not committed). A crash leaves crash-* files in
# .build-fuzz/artifacts and makes this script fail.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
if [[ "${1:-}" == "--quick" ]]; then seconds=30; elif [[ -n "${1:-}" ]]; then seconds=$1; fi
jobs=${FUZZ_JOBS:-1}
build=.build-fuzz
debug=$build/debug

mkdir -p "$build"
swift build --build-path "$build" --sanitize=fuzzer --sanitize=address --target MixedSLAM >"$build/build.log" 2>&1 \
  || { tail -40 "$build/build.log"; exit 1; }

objects=()
for module in CKernels _NumericsShims RealModule SLAMSparse SLAMGeometry SLAMLinear SLAMNonlinear SLAMIO MixedSLAM; do
  objects+=("$debug/$module.build"/*.o)
done
modulemaps=(-Xcc "-fmodule-map-file=$debug/CKernels.build/module.modulemap" -Xcc -ICKernels/include
  -Xcc "-fmodule-map-file=Sources/CSuiteSparse/module.modulemap" -Xcc "-fmodule-map-file=Sources/CLapack/module.modulemap"
  -Xcc -I/usr/include/suitesparse)
for shims in "$build"/checkouts/swift-numerics/Sources/_NumericsShims/include; do
  modulemaps+=(-Xcc "-I$shims")
done

status=0
for target in g2o bal; do
  case $target in g2o) harness=G2OFuzzer ;; bal) harness=BALFuzzer ;; esac
  binary=$build/$harness
  swiftc -sanitize=fuzzer,address -parse-as-library -g -Onone -module-name "$harness" \
    -I "$debug/Modules" "${modulemaps[@]}" \
    "Fuzz/$harness/main.swift" Fuzz/FuzzChecks.swift "${objects[@]}" \
    -lcholmod -lamd -lsuitesparseconfig -llapacke -lopenblas -o "$binary" >"$build/link-$target.log" 2>&1 \
    || { grep -v "Cannot export local symbol" "$build/link-$target.log" | tail -40; exit 1; }
  corpus=$build/corpus/$target
  mkdir -p "$corpus" "$build/artifacts"
  log=$build/fuzz-$target.log
  echo "fuzz: $target for ${seconds}s"
  if ASAN_OPTIONS=detect_leaks=0 "$binary" "$corpus" "Fuzz/corpus/$target" -max_total_time="$seconds" \
      -max_len=4096 -timeout=10 -rss_limit_mb=2048 -jobs="$jobs" -workers="$jobs" \
      -artifact_prefix="$build/artifacts/$target-" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -h "stat::number_of_executed_units" "$log" fuzz-*.log 2>/dev/null | awk '{s += $2} END {print s + 0}')
    echo "fuzz: $target ok, $runs executions, no crash"
  else
    echo "fuzz: $target FAILED (see $log and $build/artifacts)"
    tail -40 "$log"
    status=1
  fi
  rm -f fuzz-*.log
done
exit $status
