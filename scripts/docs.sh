#!/usr/bin/env bash
# Builds the DocC documentation of the MixedSLAM module (the umbrella, so every re-exported
# layer is in it) into .build-docs/MixedSLAM.doccarchive, and prints DocC's warnings and its
# documentation-coverage summary. Needs only the Swift toolchain (swiftc, docc).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-docs
graphs="$scratch/symbol-graphs"
rm -rf "$graphs" && mkdir -p "$graphs"
# The compiler writes the umbrella's graph (re-exports included; symbolgraph-extract omits
# them) only when it compiles the module: make sure it does.
touch Sources/MixedSLAM/MixedSLAM.swift
swift build --scratch-path "$scratch" --target MixedSLAM \
    -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$PWD/$graphs" \
    -Xswiftc -symbol-graph-minimum-access-level -Xswiftc public
# Only the umbrella's graphs: it carries every re-exported symbol.
find "$graphs" -name '*.symbols.json' ! -name 'MixedSLAM.symbols.json' ! -name 'MixedSLAM@*' -delete
docc=$(command -v docc || echo "$(dirname "$(readlink -f "$(command -v swift)")")/docc")
"$docc" convert Sources/MixedSLAM/MixedSLAM.docc \
    --additional-symbol-graph-dir "$graphs" \
    --fallback-display-name MixedSLAM --fallback-bundle-identifier org.mixedslam.MixedSLAM \
    --output-path "$scratch/MixedSLAM.doccarchive" \
    --experimental-documentation-coverage --coverage-summary-level brief "$@"
echo "docs: $scratch/MixedSLAM.doccarchive"
