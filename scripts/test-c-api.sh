#!/usr/bin/env bash
# Builds libmixedslam, compiles the C and C++ loop-closure examples against it (through a
# generated pkg-config file), runs them, and checks their optimized poses against the same
# graphs solved through the Swift API (Tests/NonlinearTests/CAPIReferenceTests.swift writes
# those). Fails when any pose differs by more than TOLERANCE (angles compared modulo 2π,
# quaternions up to sign) or when a re-solve of an unchanged graph did not reuse its analysis.
#
# Usage: bash scripts/test-c-api.sh      (from anywhere; works in .build/capi)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/.build/capi"
TOLERANCE=${TOLERANCE:-1e-9}
CC=${CC:-cc}
CXX=${CXX:-c++}
mkdir -p "$out"

swift build --product mixedslam
libdir=$(swift build --show-bin-path)

# pkg-config file for this build tree (an installed copy would point prefix at the install).
cat > "$out/mixedslam.pc" <<EOF
prefix=$root
libdir=$libdir
includedir=\${prefix}/Sources/MixedSLAMC/include

Name: mixedslam
Description: MixedSLAM C API: mixed-precision pose-graph optimization
Version: 0.1.0
Cflags: -I\${includedir}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lmixedslam
EOF
export PKG_CONFIG_PATH="$out${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cflags=$(pkg-config --cflags mixedslam)
libs=$(pkg-config --libs mixedslam)

# -ffp-contract=off: the examples must do the same roundings as the Swift reference (no FMA).
warn="-Wall -Wextra -Werror -pedantic"
# shellcheck disable=SC2086
"$CC" -std=c99 -O2 -ffp-contract=off $warn $cflags examples/c/loop_closure.c $libs -lm -o "$out/loop_closure_c"
# shellcheck disable=SC2086
"$CXX" -std=c++17 -O2 -ffp-contract=off $warn $cflags examples/cpp/loop_closure.cpp $libs -o "$out/loop_closure_cpp"

OPENBLAS_NUM_THREADS=1 "$out/loop_closure_c" > "$out/c.txt"
OPENBLAS_NUM_THREADS=1 "$out/loop_closure_cpp" > "$out/cpp.txt"
grep '^#' "$out/c.txt"

rm -f "$out"/reference-se2.txt "$out"/reference-se3.txt
MIXEDSLAM_CAPI_REFERENCE="$out" OPENBLAS_NUM_THREADS=1 swift test --filter CAPIReferenceTests > "$out/swift-test.log" 2>&1 \
    || { tail -n 40 "$out/swift-test.log"; echo "test-c-api: Swift reference tests failed"; exit 1; }
cat "$out/reference-se2.txt" "$out/reference-se3.txt" > "$out/swift.txt"

# Max difference between two pose listings; exits 1 when a pose is missing or differs by
# more than the tolerance.
compare() {
    awk -v tol="$TOLERANCE" -v label="$3" '
        function abs(x) { return x < 0 ? -x : x }
        function angle(d) { while (d > 3.14159265358979) d -= 6.28318530717959
                            while (d < -3.14159265358979) d += 6.28318530717959; return abs(d) }
        FNR == NR { if ($1 !~ /^#/) ref[$1 " " $2] = $0; next }
        $1 ~ /^#/ { next }
        {
            key = $1 " " $2
            if (!(key in ref)) { print label ": no reference for " key; bad = 1; next }
            split(ref[key], r, " "); seen[key] = 1; count++
            if ($1 == "se2") {
                d = abs($3 - r[3]); if (abs($4 - r[4]) > d) d = abs($4 - r[4])
                if (angle($5 - r[5]) > d) d = angle($5 - r[5])
            } else {
                d = 0; plus = 0; minus = 0
                for (k = 3; k <= 5; k++) if (abs($k - r[k]) > d) d = abs($k - r[k])
                for (k = 6; k <= 9; k++) {
                    if (abs($k - r[k]) > plus) plus = abs($k - r[k])
                    if (abs($k + r[k]) > minus) minus = abs($k + r[k])
                }
                q = plus < minus ? plus : minus; if (q > d) d = q
            }
            if (d > max) max = d
        }
        END {
            for (key in ref) if (!(key in seen)) { print label ": pose " key " missing"; bad = 1 }
            printf "%s: %d poses, max |difference| = %.3g (tolerance %s)\n", label, count, max, tol
            exit (bad || max > tol || count == 0) ? 1 : 0
        }' "$1" "$2"
}

# The README's C example, extracted verbatim, must compile and run cleanly.
awk '/^## Use it from C/ { section = 1 } section && /^```c$/ { grab = 1; next } grab && /^```$/ { exit } grab' \
    README.md > "$out/readme_example.c"
# shellcheck disable=SC2086
"$CC" -std=c99 -O2 $warn $cflags "$out/readme_example.c" $libs -lm -o "$out/readme_example"
OPENBLAS_NUM_THREADS=1 "$out/readme_example" | tee "$out/readme.txt"
grep -q '^cost .* -> ' "$out/readme.txt" || { echo "test-c-api: README example printed no cost"; exit 1; }

status=0
compare "$out/swift.txt" "$out/c.txt" "C vs Swift" || status=1
compare "$out/swift.txt" "$out/cpp.txt" "C++ vs Swift" || status=1
for f in c cpp; do
    if [ "$(grep -c '^# se[23] re-solve: .* reused 1,' "$out/$f.txt")" != 2 ]; then
        echo "test-c-api: $f example: re-solve of an unchanged graph did not reuse the symbolic analysis"
        status=1
    fi
done
[ "$status" = 0 ] && echo "test-c-api: ok" || echo "test-c-api: FAILED"
exit "$status"
