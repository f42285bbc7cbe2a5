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

set +e; "$FLOWREPORT" -q -o "$TMP/samples" "$top_srcdir/samples" 2>"$TMP/samples.err"; rc=$?; set -e
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

"$XLSX_DEMO" small "$TMP/again" || fail "xlsx_demo small failed"
cmp -s "$TMP/small/report.xlsx" "$TMP/again/report.xlsx" || fail "the same report gave a different report.xlsx"

"$here/check_fail.sh" "$XLSX_DEMO" >&2 || fail "a failed write left something behind"

set +e; "$here/check_soffice.sh" "$TMP/samples" >&2; rc=$?; set -e
case $rc in
0) ;;
77) echo "note: soffice missing, PDF conversion not tried" ;;
*) fail "LibreOffice cannot convert report.xlsx" ;;
esac
pass "report.xlsx matches the CSVs, is reproducible and fails cleanly"
