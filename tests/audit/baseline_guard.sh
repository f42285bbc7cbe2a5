#!/bin/sh
# SPDX-License-Identifier: MIT
# --baseline reads the previous run's CSVs without their CSV-injection guard:
# interface ids that start with "=", "+", "-" or "@" are written with a
# leading "'" (doc/SEMANTICS.md) and must compare equal to the same ids of
# this run, not show up as new and gone at once. A planted new and gone
# interface shows that the comparison still sees real changes.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
mkdir -p "$TMP/d1" "$TMP/d2"
"$PYTHON" - "$TMP" <<'PY'
import sys
T0 = 1795651200
hdr = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
       "packets bytes start end action log-status")
ids = ["-eni-minus", "=eni-eq", "+eni-plus", "@eni-at", "eni-ok"]
for day, extra in ((0, "eni-gone"), (1, "eni-new")):
    t = T0 + 86400 * day
    lines = [hdr] + ["2 111111111111 %s 10.0.0.%d 10.0.1.1 40000 443 6 1 100 %d %d ACCEPT OK"
                     % (i, k + 1, t + 60 * k, t + 60 * k + 30)
                     for k, i in enumerate(ids + [extra])]
    open("%s/d%d/a.log" % (sys.argv[1], day + 1), "w").write("\n".join(lines) + "\n")
PY
"$FLOWREPORT" -q -f csv --since 2026-11-26 --until 2026-11-26T01:00:00Z -o "$TMP/r1" "$TMP/d1" ||
    fail "day 1 failed"
grep -q "^'=eni-eq," "$TMP/r1/interfaces.csv" || fail "day 1: the guard was not written"
expect_exit 0 "$FLOWREPORT" -q -f csv --since 2026-11-27 --until 2026-11-27T01:00:00Z \
    --baseline "$TMP/r1" -o "$TMP/r2" "$TMP/d2"
"$PYTHON" - "$TMP/r2/changes.csv" <<'PY' || fail "changes.csv counts guarded ids as changed"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
new = [r["key"] for r in rows if r["change"] == "interface-new"]
gone = [r["key"] for r in rows if r["change"] == "interface-gone"]
assert new == ["eni-new"], new
assert gone == ["eni-gone"], gone
PY
pass "--baseline reads guarded cells as their values"
