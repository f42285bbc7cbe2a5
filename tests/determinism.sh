#!/bin/sh
# Same input, same report: byte-identical CSV and Markdown (the command-line
# line aside) and identical XLSX cells for -j1..-j16 and any input order.
. "$(dirname "$0")/lib.sh"

"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/data" --records 6000 --seed 7 --files 24 >/dev/null
find "$TMP/data" -name '.*' -prune -o -type f ! -name aws-logs-write-test -print | sort >"$TMP/files"
[ "$(wc -l <"$TMP/files")" -ge 10 ] || fail "generator made too few files"

run() { # run NAME ARGS...
    name=$1; shift
    set +e; "$FLOWREPORT" -q -o "$TMP/$name" "$@" 2>/dev/null; rc=$?; set -e
    [ "$rc" -le 1 ] || fail "flowreport $* exited $rc"
    echo "$rc" >"$TMP/$name.rc"
}

run base -j 1 "$TMP/data"
for j in 2 3 4 8 16; do run "j$j" -j "$j" "$TMP/data"; done
# the same files named one by one, in two shuffled orders, and reversed
run rev -j 4 $(sort -r "$TMP/files")
run shuf1 -j 2 $(awk 'BEGIN{srand(11)} {print rand() "\t" $0}' "$TMP/files" | sort | cut -f2)
run shuf2 -j 3 $(awk 'BEGIN{srand(23)} {print rand() "\t" $0}' "$TMP/files" | sort | cut -f2)

records=$(tail -n +2 "$TMP/base/windows.csv" | awk -F, '{s+=$3} END {print s}')
[ "$records" -ge 5000 ] || fail "only $records records in the data set"

for other in j2 j3 j4 j8 j16 rev shuf1 shuf2; do
    cmp -s "$TMP/base.rc" "$TMP/$other.rc" || fail "$other: exit status differs"
    for f in windows.csv interfaces.csv gaps.csv top_talkers.csv top_rejected.csv top_ports.csv inputs.csv; do
        diff -u "$TMP/base/$f" "$TMP/$other/$f" >&2 || fail "$other: $f differs"
    done
    grep -v '^Command: ' "$TMP/base/summary.md" >"$TMP/a.md"
    grep -v '^Command: ' "$TMP/$other/summary.md" >"$TMP/b.md"
    diff -u "$TMP/a.md" "$TMP/b.md" >&2 || fail "$other: summary.md differs"
done

# XLSX: every cell of every sheet, read back by openpyxl, except the command line
if "$PYTHON" -c 'import openpyxl' 2>/dev/null; then
    "$PYTHON" - "$TMP" base j2 j16 shuf1 <<'PY' || fail "report.xlsx cells differ"
import sys, openpyxl
root, names = sys.argv[1], sys.argv[2:]
def cells(name):
    wb = openpyxl.load_workbook(root + "/" + name + "/report.xlsx")
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, str) and "flowreport" in v and " -j " in v:
                    continue  # the command line
                out.append((ws.title, c.coordinate, v))
    return out
base = cells(names[0])
assert len(base) > 1000, len(base)
for n in names[1:]:
    other = cells(n)
    diff = [(a, b) for a, b in zip(base, other) if a != b]
    if diff or len(base) != len(other):
        print(n, diff[:5], len(base), len(other))
        sys.exit(1)
PY
else
    echo "note: openpyxl missing, XLSX cells not compared"
fi
pass "determinism over $records records"
