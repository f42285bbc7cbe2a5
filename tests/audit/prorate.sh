#!/bin/sh
# SPDX-License-Identifier: MIT
# --prorate: a hand-computed split, parts that add up exactly to the whole
# (with a period that cuts the span), and windows.csv equal to the Python
# reference on generated data with 1-minute windows.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
REF="$top_srcdir/tests/ref/flowref.py"
T0=1795651200
mkdir -p "$TMP/in"
# 10 packets, 1000 bytes over +1800 .. +12600 (3 h): 1800, 3600, 3600, 1800 s
# in the windows 00:00, 01:00, 02:00, 03:00. Cumulative floors:
#   bytes   1000*1800/10800=166, *5400=500, *9000=833, *10800=1000
#        -> 166, 334, 333, 167;  packets 1, 5, 8, 10 -> 1, 4, 3, 2
{
    echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
    echo "2 1 eni-p 10.0.0.1 10.0.0.2 1 443 6 10 1000 $((T0 + 1800)) $((T0 + 12600)) ACCEPT OK"
    echo "2 1 eni-p 10.0.0.1 10.0.0.2 1 443 6 7 700 $((T0 + 3700)) $((T0 + 3700)) REJECT OK"
} >"$TMP/in/a.log"
"$FLOWREPORT" -q -f csv --prorate --until 2026-11-26T04:00:00Z -o "$TMP/p" "$TMP/in"
got=$(tail -n +2 "$TMP/p/windows.csv" | cut -d, -f1,4,9-12 | tr '\n' ' ')
want="2026-11-26T00:00:00Z,1,1,166,166,0 2026-11-26T01:00:00Z,1,11,1034,334,700 2026-11-26T02:00:00Z,0,3,333,333,0 2026-11-26T03:00:00Z,0,2,167,167,0 "
[ "$got" = "$want" ] || fail "hand split: got '$got', want '$want'"
# no --until: the period ends with the window of the last start (01:00),
# which takes every later part: 4+7+3+2 packets, 334+700+333+167 bytes
"$FLOWREPORT" -q -f csv --prorate -o "$TMP/p2" "$TMP/in"
got=$(tail -n +2 "$TMP/p2/windows.csv" | cut -d, -f9-12 | tr '\n' ' ')
[ "$got" = "1,166,166,0 16,1534,834,700 " ] || fail "no --until: $got"
# without --prorate everything stays in the start window
"$FLOWREPORT" -q -f csv -o "$TMP/n" "$TMP/in"
got=$(tail -n +2 "$TMP/n/windows.csv" | cut -d, -f9,10 | tr '\n' ' ')
[ "$got" = "10,1000 7,700 " ] || fail "without --prorate: $got"
# a period ending at 03:00: the 03:00 part belongs to the last window
"$FLOWREPORT" -q -f csv --prorate --until 2026-11-26T03:00:00Z -o "$TMP/u" "$TMP/in"
got=$(tail -n +2 "$TMP/u/windows.csv" | cut -d, -f9,10 | tr '\n' ' ')
[ "$got" = "1,166 11,1034 5,500 " ] || fail "cut by --until: $got"

# generated data: sums exact, and the same as the reference
"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/data" --records 3000 --seed 11 >/dev/null
for opts in "--window 1m" "--window 7m --since 2026-11-26T00:30:00Z --until 2026-11-26T03:00:00Z"; do
    rm -rf "$TMP/c" "$TMP/r" "$TMP/c0"
    # shellcheck disable=SC2086
    set +e
    "$FLOWREPORT" -q -j 3 -f csv --prorate $opts -o "$TMP/c" "$TMP/data" 2>/dev/null
    "$FLOWREPORT" -q -j 3 -f csv $opts -o "$TMP/c0" "$TMP/data" 2>/dev/null
    "$PYTHON" "$REF" --prorate $opts -o "$TMP/r" "$TMP/data" 2>/dev/null
    set -e
    diff -u "$TMP/r/windows.csv" "$TMP/c/windows.csv" | head -20
    cmp -s "$TMP/r/windows.csv" "$TMP/c/windows.csv" || fail "--prorate $opts: windows.csv differs"
    cmp -s "$TMP/c/windows.csv" "$TMP/c0/windows.csv" && fail "--prorate $opts moved nothing"
    "$PYTHON" - "$TMP/c/windows.csv" "$TMP/c0/windows.csv" <<'PY' || fail "--prorate $opts: sums"
import csv, sys
a, b = (list(csv.DictReader(open(p))) for p in sys.argv[1:3])
for col in ("packets", "bytes", "accept_bytes", "reject_bytes", "records"):
    sa, sb = sum(int(r[col]) for r in a), sum(int(r[col]) for r in b)
    assert sa == sb, (col, sa, sb)
PY
done
pass "--prorate splits exactly"
