#!/bin/sh
# SPDX-License-Identifier: MIT
# --baseline: two days with planted differences (the coverage fixture, then
# the next day without eni-c and with eni-new and a new exposed port); the
# expected changes are listed here by hand. An incompatible baseline is
# ignored with a message and exit 1.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
F="$top_srcdir/tests/ref/fixtures/coverage"
mkdir -p "$TMP/d1" "$TMP/d2"
cp "$F/in/a.log" "$TMP/d1/a.log"
"$PYTHON" - "$F/in/a.log" "$TMP/d2/a.log" <<'PY'
import sys
T0 = 1795651200
out = []
for line in open(sys.argv[1]):
    t = line.split()
    if t[0] == "version":
        out.append(line.rstrip("\n"))
        continue
    if t[2] == "eni-c":
        continue                                   # planted: eni-c is gone
    t[10], t[11] = str(int(t[10]) + 86400), str(int(t[11]) + 86400)
    out.append(" ".join(t))
D = T0 + 86400
out.append("2 1 eni-new 10.9.0.1 192.0.2.200 1 443 6 50 100000 %d %d ACCEPT OK" % (D + 300, D + 360))
out.append("2 1 eni-b 203.0.113.9 10.0.0.5 1 3389 6 2 100 %d %d ACCEPT OK" % (D + 1500, D + 1560))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
A="--egress-threshold 4999 --scan-ports 3 --sweep-hosts 3 -f csv"
# shellcheck disable=SC2086
"$FLOWREPORT" -q $A --since 2026-11-26 --until 2026-11-26T02:00:00Z -o "$TMP/r1" "$TMP/d1"
# shellcheck disable=SC2086
expect_exit 0 "$FLOWREPORT" -q $A --since 2026-11-27 --until 2026-11-27T02:00:00Z \
    --baseline "$TMP/r1" -o "$TMP/r2" "$TMP/d2"
"$PYTHON" - "$TMP/r2/changes.csv" <<'PY' || fail "changes.csv"
import csv, sys
rows = [tuple(r) for r in csv.reader(open(sys.argv[1], newline=""))]
assert rows[0] == ("change", "table", "key", "before", "after"), rows[0]
rows = rows[1:]
def of(kind):
    return [r[2:] for r in rows if r[0] == kind]
assert of("interface-new") == [("eni-new", "", "")], of("interface-new")
assert of("interface-gone") == [("eni-c", "", "")], of("interface-gone")
# day 2's talkers by bytes: 10.9.0.1>192.0.2.200 100000 (1), 5000, 4999,
# 300, 140, 203.0.113.9>10.0.0.5 100 (6)
assert of("public-peer-new") == [("192.0.2.200", "", "rank 1"),
                                 ("203.0.113.9", "", "rank 6")], of("public-peer-new")
assert of("exposed-port-new") == [("eni-b  10.0.0.5 6 3389", "", "")], of("exposed-port-new")
# eni-new also sends 100000 bytes to a public address (> 4999)
assert sorted(r[0] for r in of("finding-new")) == [
    "egress-volume eni-new    ",
    "public-admin-port-accepted eni-b  10.0.0.5 6 3389",
    "silent-interface eni-new    "], of("finding-new")
assert sorted(r[0] for r in of("finding-resolved")) == [
    "host-sweep  198.51.100.77   ", "port-scan  198.51.100.66 10.0.0.9  ",
    "silent-interface eni-c    "], of("finding-resolved")
tot = {r[2]: (r[3], r[4]) for r in rows if r[0] == "total"}
assert tot["records"] == ("19", "13") and tot["interfaces"] == ("3", "3"), tot
assert tot["bytes"] == (str(100+5000+40+40+40+4999+300+8*40), str(100+5000+40+40+40+4999+300+100000+100)), tot
# the top talker of day 1 (5000 bytes) moved from rank 1 to 2
assert ("10.0.0.1 198.51.100.7", "1", "2") in of("rank-move"), of("rank-move")
print("changes ok: %d rows" % len(rows))
PY
# incompatible: another window; no baseline at all
# shellcheck disable=SC2086
expect_exit 1 "$FLOWREPORT" -q $A --window 30m --since 2026-11-27 --until 2026-11-27T02:00:00Z \
    --baseline "$TMP/r1" -o "$TMP/r3" "$TMP/d2" 2>"$TMP/e3"
grep -q "windows of 3600 s, this run has 1800 s; the baseline is ignored" "$TMP/e3" ||
    fail "incompatible window message: $(cat "$TMP/e3")"
[ ! -e "$TMP/r3/changes.csv" ] || fail "changes.csv despite an ignored baseline"
[ -e "$TMP/r3/windows.csv" ] || fail "no report with an ignored baseline"
expect_exit 1 "$FLOWREPORT" -q -f csv --baseline "$TMP/d1" -o "$TMP/r4" "$TMP/d2" 2>"$TMP/e4"
grep -q "no manifest.json" "$TMP/e4" || fail "no-manifest message: $(cat "$TMP/e4")"
pass "--baseline finds the planted changes"
