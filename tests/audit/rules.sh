#!/bin/sh
# SPDX-License-Identifier: MIT
# Every audit rule: records that trigger it and near misses that must not
# (tests/audit/rules.py), --fail-on exit codes, the distinct-count sketch,
# counters that saturate instead of wrapping.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
"$PYTHON" "$top_srcdir/tests/audit/rules.py" "$FLOWREPORT" "$TMP" || fail "audit rules"
pass "audit rules, near misses, --fail-on, sketch, saturation"
