#!/bin/sh
# SPDX-License-Identifier: MIT
# Parser conformance test (automake TESTS protocol: 0 pass, 1 fail, 77 skip).
# Runs conformance.py with FR_DUMP (default ./tests/fr-dump, relative to the
# build directory make check runs in) against FR_CONFORMANCE_DIR
# (default $SHARED_DIR/conformance, SHARED_DIR defaulting to /work/shared;
# read in place, never copied).  PYTHON selects the interpreter.
set -u
LC_ALL=C
TZ=UTC
export LC_ALL TZ
here=$(dirname "$0")
python=${PYTHON:-/usr/bin/python3}
if ! command -v "$python" >/dev/null 2>&1; then
    echo "SKIP: $python not found"
    exit 77
fi
exec "$python" "$here/conformance.py" "$@"
