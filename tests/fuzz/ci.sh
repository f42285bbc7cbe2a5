#!/bin/bash
# ci.sh: CI's fuzzing step. Builds the fuzz targets (tests/fuzz/build.sh) in
# a scratch directory and runs each for 60 s, two at a time (about 5
# minutes for 10 targets on 2 cores). Run from a source tree that is not
# configured in place. Ends with "N passed, N failed".
# With fuzz_state (issue 11) there are 11 targets: about 6 minutes.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_BUILD:-$(mktemp -d "${TMPDIR:-/tmp}/fr-fuzz.XXXXXX")}
if ! sh "$src/tests/fuzz/build.sh" "$src" "$out" >"$out.build.log" 2>&1; then
    tail -30 "$out.build.log"
    echo "fuzz build failed"
    echo "0 passed, 1 failed"
    exit 1
fi
FUZZ_SECONDS=${FUZZ_SECONDS:-60} FUZZ_JOBS=${FUZZ_JOBS:-2} bash "$src/tests/fuzz/run.sh" "$src" "$out"
