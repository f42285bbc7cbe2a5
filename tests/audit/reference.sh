#!/bin/sh
# SPDX-License-Identifier: MIT
# The audit layer against the independent Python reference (tests/ref/flowref.py)
# and the hand-computed fixture tests/ref/fixtures/coverage: coverage columns,
# SILENT gaps, findings.csv and the --fail-on exit status, byte for byte.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
AUDIT_CSV=${FR_AUDIT_CSV:-$(dirname "$FLOWREPORT")/tests/audit/fr-audit-csv}
[ -x "$AUDIT_CSV" ] || skip "fr-audit-csv not built"
REF="$top_srcdir/tests/ref/flowref.py"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
bad=0

"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/data" --records 4000 --seed 7 >/dev/null

# case NAME 'OPTIONS' INPUT...: the four tables from fr-audit-csv and the
# reference, findings.csv and the exit status from flowreport itself.
case_() {
    name=$1 opts=$2
    shift 2
    d="$TMP/$name"
    mkdir -p "$d/c" "$d/r"
    set +e
    eval "\"\$AUDIT_CSV\" \"\$d/c\" -j 3 $opts \"\$@\"" 2>"$d/c.err"
    crc=$?
    eval "\"\$PYTHON\" \"\$REF\" -o \"\$d/r\" $opts \"\$@\"" 2>"$d/r.err"
    rrc=$?
    eval "\"\$FLOWREPORT\" -q -j 2 -f csv -o \"\$d/f\" $opts \"\$@\"" 2>"$d/f.err"
    frc=$?
    set -e
    for f in windows.csv interfaces.csv gaps.csv findings.csv; do
        if ! diff -u "$d/r/$f" "$d/c/$f" >"$d/diff" 2>&1; then
            echo "FAIL $name: $f differs (--- reference, +++ flowreport)"
            head -20 "$d/diff"
            bad=1
        fi
    done
    for f in windows.csv interfaces.csv gaps.csv findings.csv; do
        diff -u "$d/r/$f" "$d/f/$f" >/dev/null ||
            { echo "FAIL $name: flowreport's $f differs"; bad=1; }
    done
    # the reference's 4 (fail-on) against flowreport's; 0 and 1 mean the same
    # to fr-audit-csv, which does not count malformed lines
    [ "$frc" -eq "$rrc" ] || { echo "FAIL $name: flowreport exit $frc, reference $rrc"; bad=1; }
    if [ "$rrc" -eq 4 ]; then want=4; else want=0; fi
    [ "$crc" -eq "$want" ] || { echo "FAIL $name: fr-audit-csv exit $crc, expected $want"; bad=1; }
    echo "ok $name ($(($(wc -l <"$d/c/findings.csv") - 1)) findings, exit $frc)"
}

case_ default '' "$TMP/data"
case_ period '--since 2026-11-26T01:00:00Z --until 2026-11-26T04:00:00Z' "$TMP/data"
case_ w15-gap5 '--window 15m --silent-gap 5m' "$TMP/data"
case_ since-odd '--since 2026-11-26T00:37:30Z --window 10m --silent-gap 45m' "$TMP/data"
case_ low-thresholds '--scan-ports 2 --sweep-hosts 2 --egress-threshold 100K --admin-ports 22,443,80' "$TMP/data"
case_ vpc-cidr '--vpc-cidr 198.51.100.0/24 --vpc-cidr 2001:db8::/32 --admin-ports 443' "$TMP/data"
case_ fail-high '--fail-on high' "$TMP/data"
case_ fail-low-gap '--fail-on low --silent-gap 366d' "$TMP/data"
set --
for f in "$top_srcdir"/samples/*; do
    case $f in *.py | *.sh | */README*) continue ;; esac
    set -- "$@" "$f"
done
[ $# -eq 0 ] || case_ samples '' "$@"

# the hand-computed fixture (tests/ref/fixtures/README.md, "coverage")
F="$top_srcdir/tests/ref/fixtures/coverage"
# shellcheck disable=SC2046
case_ fixture "$(cat "$F/args")" "$F/in"
for who in c r; do
    d="$TMP/fixture/$who"
    diff -u "$F/expected/findings.csv" "$d/findings.csv" || { echo "FAIL fixture $who findings"; bad=1; }
    cut -d, -f1,13- "$d/interfaces.csv" | diff -u "$F/expected-audit/interfaces.txt" - ||
        { echo "FAIL fixture $who interfaces"; bad=1; }
    (head -n 1 "$d/gaps.csv" && grep ',SILENT,' "$d/gaps.csv") |
        diff -u "$F/expected-audit/silent.txt" - || { echo "FAIL fixture $who silent"; bad=1; }
    cut -d, -f1,14,15 "$d/windows.csv" | diff -u "$F/expected-audit/windows.txt" - ||
        { echo "FAIL fixture $who windows"; bad=1; }
done

# the Markdown sections (fr_md_audit.h) on the fixture, worked out by hand:
# any-record seconds 1500 + 1340 + 60 of 3 x 7200; eni-a lost data; all 3
# went silent, the longest 7040 s
md="$TMP/fixture/c/audit.md"
grep -qx 'Logs cover 13.4 % of interface-time; 1 interface lost data (SKIPDATA); 3 went silent (the longest stretch 1 h 57 min).' "$md" ||
    { echo "FAIL fixture: Markdown sentence"; head -3 "$md"; bad=1; }
grep -qx '1 high, 7 medium, 0 low.' "$md" || { echo "FAIL fixture: Markdown counts"; bad=1; }
[ "$(grep -c '^| medium |' "$md")" = 7 ] || { echo "FAIL fixture: Markdown findings rows"; bad=1; }
# worst coverage first: eni-c (60 s), eni-b (1340 s), eni-a (1500 s)
[ "$(grep -o '^| eni-[abc] ' "$md" | tr -d '| ' | tr '\n' ' ')" = "eni-c eni-b eni-a " ] ||
    { echo "FAIL fixture: Markdown coverage order"; bad=1; }

[ $bad = 0 ] || fail "the audit layer disagrees with the reference or the fixture"
pass "audit layer = reference, fixture by hand"
