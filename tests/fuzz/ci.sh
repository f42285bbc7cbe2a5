#!/bin/bash
# ci.sh: CI's fuzzing step. Builds the fuzz targets (tests/fuzz/build.sh) in
# a scratch directory and runs each for 50 s, three at a time (11 targets
# in 4 rounds, about 4 minutes; on CI's 2 cores each gets two thirds of a
# core, which keeps the whole of CI under its 20-minute budget). Run from a
# source tree that is not configured in place. Ends with "N passed, N failed".
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_BUILD:-$(mktemp -d "${TMPDIR:-/tmp}/fr-fuzz.XXXXXX")}
if ! sh "$src/tests/fuzz/build.sh" "$src" "$out" >"$out.build.log" 2>&1; then
    tail -30 "$out.build.log"
    echo "fuzz build failed"
    echo "0 passed, 1 failed"
    exit 1
fi
FUZZ_SECONDS=${FUZZ_SECONDS:-50} FUZZ_JOBS=${FUZZ_JOBS:-3} bash "$src/tests/fuzz/run.sh" "$src" "$out"
