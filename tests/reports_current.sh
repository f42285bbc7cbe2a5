#!/bin/sh
# reports/ holds what flowreport makes of samples/. This test regenerates the
# reports and fails when reports/ is out of date (CSV and Markdown byte for
# byte, the command line aside; XLSX cell by cell). With --update it rewrites
# reports/ instead (make update-reports).
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir"
if [ "${1:-}" = "--update" ]; then
    set +e; "$FLOWREPORT" -q -j 2 -o reports samples 2>/dev/null; rc=$?; set -e
    [ "$rc" -le 1 ] || fail "flowreport exited $rc"
    echo "reports/ updated"
    exit 0
fi
[ -d reports ] || fail "reports/ is missing (make update-reports)"
set +e; "$FLOWREPORT" -q -j 2 -o "$TMP/new" samples 2>/dev/null; rc=$?; set -e
[ "$rc" -eq 0 ] || fail "samples/ is clean input: expected exit 0, got $rc"
for f in windows.csv interfaces.csv gaps.csv top_talkers.csv top_rejected.csv top_ports.csv inputs.csv; do
    diff -u "reports/$f" "$TMP/new/$f" >&2 || fail "reports/$f is out of date (make update-reports)"
done
grep -v '^Command: ' reports/summary.md >"$TMP/old.md"
grep -v '^Command: ' "$TMP/new/summary.md" >"$TMP/new.md"
diff -u "$TMP/old.md" "$TMP/new.md" >&2 || fail "reports/summary.md is out of date (make update-reports)"
if "$PYTHON" -c 'import openpyxl' 2>/dev/null; then
    "$PYTHON" - reports/report.xlsx "$TMP/new/report.xlsx" <<'PY' || fail "reports/report.xlsx is out of date (make update-reports)"
import sys, openpyxl
def cells(path):
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if not (isinstance(c.value, str) and c.value.startswith("flowreport -"))]
a, b = cells(sys.argv[1]), cells(sys.argv[2])
if a != b:
    print([(x, y) for x, y in zip(a, b) if x != y][:5], len(a), len(b))
    sys.exit(1)
PY
fi
pass "reports/ is current"
