#!/bin/sh
# SPDX-License-Identifier: MIT
# The XLSX writer: report.xlsx read back cell by cell against the CSVs of the
# same run (check_xlsx.py) for the demo's hand-made reports and for
# flowreport on samples/; byte-identical workbooks from the same input;
# failed writes that leave nothing behind (check_fail.sh); LibreOffice
# converting the workbook to PDF (check_soffice.sh, when installed) and the
# pages read back with pdftotext (check_pdf.py).
# XLSX_DEMO_ROWS4, when set, is xlsx_demo built with -DFR_XLSX_MAX_ROWS=4:
# its tables continue over several sheets.
. "$(dirname "$0")/../lib.sh"
here=$top_srcdir/tests/xlsx
: "${XLSX_DEMO:=$top_srcdir/tests/xlsx/xlsx_demo}"
[ -x "$XLSX_DEMO" ] || skip "xlsx_demo not built ($XLSX_DEMO)"
"$PYTHON" -c 'import openpyxl' 2>/dev/null || skip "openpyxl missing ($PYTHON)"

for mode in small empty edge; do
    "$XLSX_DEMO" "$mode" "$TMP/$mode" || fail "xlsx_demo $mode failed"
    "$PYTHON" "$here/check_xlsx.py" "$TMP/$mode" >&2 || fail "xlsx_demo $mode: report.xlsx differs from its CSVs"
done

if [ -n "${XLSX_DEMO_ROWS4:-}" ]; then
    for n in 1 3 4 7; do
        "$XLSX_DEMO_ROWS4" big "$n" "$TMP/rows4-$n" || fail "xlsx_demo (4 rows a sheet) big $n failed"
        "$PYTHON" "$here/check_xlsx.py" --max-rows 4 "$TMP/rows4-$n" >&2 ||
            fail "continuation sheets: big $n differs from its CSVs"
    done
fi

# samples/ and the damaged sample, so the Problems sheets have rows to check
set +e; "$FLOWREPORT" -q -o "$TMP/samples" "$top_srcdir/samples" "$top_srcdir/tests/data/damaged" \
    2>"$TMP/samples.err"; rc=$?; set -e
[ "$rc" -le 1 ] || fail "flowreport on samples/ exited $rc"
grep -q ': expected 14 fields' "$TMP/samples.err" || fail "samples/: no malformed-line example on stderr"
"$PYTHON" "$here/check_xlsx.py" --stderr "$TMP/samples.err" --semantics "$top_srcdir/doc/SEMANTICS.md" \
    "$TMP/samples" >&2 || fail "samples/: report.xlsx differs from the CSVs and stderr"

# The workbook against the independent reference: flowreport's report.xlsx
# beside the CSVs that tests/ref/flowref.py computed from the same data.
"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/data" --records 4000 --seed 17 --files 10 >/dev/null
set +e; "$FLOWREPORT" -q -j 2 -f xlsx -o "$TMP/vsref" "$TMP/data" 2>/dev/null; rc=$?; set -e
[ "$rc" -le 1 ] || fail "flowreport on generated data exited $rc"
set +e; "$PYTHON" "$top_srcdir/tests/ref/flowref.py" -o "$TMP/vsref" "$TMP/data" 2>/dev/null; rc=$?; set -e
[ "$rc" -le 1 ] || fail "the reference exited $rc"
"$PYTHON" "$here/check_xlsx.py" "$TMP/vsref" >&2 || fail "report.xlsx differs from the reference computation"

# The audit layer: a day with findings of several rules, compared with the
# day before (--baseline: the Changes sheet) and with its interfaces named
# (--eni-info: the Interfaces sheet's extra columns, a description that
# would be a formula); the coverage fixture, moved a day, with planted
# differences, as tests/audit/baseline.sh does.
mkdir -p "$TMP/audit/d1" "$TMP/audit/d2"
"$PYTHON" - "$top_srcdir/tests/ref/fixtures/coverage/in/a.log" "$TMP/audit" <<'PY'
import sys
src, out = sys.argv[1], sys.argv[2]
T0, D = 1795651200, 86400
lines = [l.rstrip("\n") for l in open(src)]
extra = lambda t: ["2 1 -eni-dash 10.0.0.7 10.0.0.8 1 443 6 1 40 %d %d ACCEPT OK" % (t + 60, t + 90)]
open(out + "/d1/a.log", "w").write("\n".join(lines + extra(T0)) + "\n")
day2 = []
for l in lines:
    t = l.split()
    if t[0] != "version":
        if t[2] == "eni-c":
            continue
        t[10], t[11] = str(int(t[10]) + D), str(int(t[11]) + D)
    day2.append(" ".join(t))
day2 += extra(T0 + D)
day2.append("2 1 eni-new 10.9.0.1 192.0.2.200 1 443 6 50 100000 %d %d ACCEPT OK" % (T0 + D + 300, T0 + D + 360))
day2.append("2 1 eni-b 203.0.113.9 10.0.0.5 1 3389 6 2 100 %d %d ACCEPT OK" % (T0 + D + 1500, T0 + D + 1560))
day2.append("2 1 eni-b 203.0.113.9 10.0.0.5 1 53 17 2 100 %d %d ACCEPT OK" % (T0 + D + 1600, T0 + D + 1660))
open(out + "/d2/a.log", "w").write("\n".join(day2) + "\n")
open(out + "/eni.json", "w").write("""{"NetworkInterfaces": [
 {"NetworkInterfaceId": "eni-a", "Description": "=HYPERLINK(\\"x\\")", "VpcId": "vpc-1"},
 {"NetworkInterfaceId": "eni-b", "Description": "bastion, \\"ssh\\"", "VpcId": "vpc-1",
  "SubnetId": "subnet-9", "Attachment": {"InstanceId": "i-0b"},
  "Groups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}],
  "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.5"}],
  "Ipv6Addresses": [{"Ipv6Address": "2001:db8::5"}]}]}""")
PY
A="--egress-threshold 4999 --scan-ports 3 --sweep-hosts 3"
# shellcheck disable=SC2086
"$FLOWREPORT" -q $A -f csv --since 2026-11-26 --until 2026-11-26T02:00:00Z \
    -o "$TMP/audit/r1" "$TMP/audit/d1" || fail "audit day 1 failed"
# shellcheck disable=SC2086
"$FLOWREPORT" -q $A --since 2026-11-27 --until 2026-11-27T02:00:00Z --baseline "$TMP/audit/r1" \
    --eni-info "$TMP/audit/eni.json" -o "$TMP/audit/r2" "$TMP/audit/d2" || fail "audit day 2 failed"
"$PYTHON" - "$TMP/audit/r2" <<'PY' || fail "the audit run does not exercise every audit sheet"
import csv, sys
d = sys.argv[1]
rules = {r["rule"] for r in csv.DictReader(open(d + "/findings.csv", newline=""))}
assert len(rules) >= 4, rules
assert sum(1 for _ in csv.DictReader(open(d + "/changes.csv", newline=""))) >= 5
ifs = list(csv.DictReader(open(d + "/interfaces.csv", newline="")))
assert any(r["description"].startswith("'=") for r in ifs), "no guarded description"
assert any(r["interface_id"].startswith("'-") for r in ifs), "no guarded interface id"
PY
"$PYTHON" "$here/check_xlsx.py" --semantics "$top_srcdir/doc/SEMANTICS.md" "$TMP/audit/r2" >&2 ||
    fail "audit run: report.xlsx differs from its CSVs"

"$XLSX_DEMO" small "$TMP/again" || fail "xlsx_demo small failed"
cmp -s "$TMP/small/report.xlsx" "$TMP/again/report.xlsx" || fail "the same report gave a different report.xlsx"

"$here/check_fail.sh" "$XLSX_DEMO" >&2 || fail "a failed write left something behind"

set +e; "$here/check_soffice.sh" "$TMP/samples" >&2; rc=$?; set -e
case $rc in
0)  # the audit sheets print too: Findings, Changes, Coverage, eni columns
    "$here/check_soffice.sh" "$TMP/audit/r2" >&2 || fail "the audit run's workbook does not print as it should" ;;
77) echo "note: soffice missing, PDF conversion not tried" ;;
*) fail "LibreOffice cannot convert report.xlsx" ;;
esac
pass "report.xlsx matches the CSVs, is reproducible and fails cleanly"
