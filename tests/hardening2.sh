#!/bin/sh
# Hardening, the last small items of issue 10 (finding 17 and the report
# directory): directories that cannot be walked are not counted as files;
# a --since/--until that excludes every record says so; times from year
# 10000 on keep their 'Z'; XLSX cells longer than Excel's 32,767 characters
# are cut with a visible marker and counted; a run that fails leaves no
# report directory it created. Expected values come from the data made here.
. "$(dirname "$0")/lib.sh"

IN=$TMP/in
mkdir -p "$IN"
REC='2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 1024 443 6 3 300 1795651200 1795651230 ACCEPT OK'
echo "$REC" >"$IN/good.log"

# run OUT ARGS...: flowreport into OUT; stderr in OUT.err, exit code in OUT.rc
run() {
    _out=$1
    shift
    set +e
    timeout 60 "$FLOWREPORT" -j 2 -o "$_out" "$@" 2>"$_out.err"
    echo $? >"$_out.rc"
    set -e
    ! grep -q "Sanitizer\|runtime error" "$_out.err" || fail "sanitizer: $*: $(cat "$_out.err")"
}

# --- 1: a directory that cannot be walked is a problem, not a file ---
# (nested deeper than 64 levels: refused whoever runs; chmod 000 below
# only when not root, since root reads anything)
D1=$TMP/in1
mkdir -p "$D1"
cp "$IN/good.log" "$D1/"
deep=$D1
for i in $(seq 1 70); do deep=$deep/d; done
mkdir -p "$deep"
ndirs=1
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$D1/locked"
    chmod 000 "$D1/locked"
    ndirs=2
fi
run "$TMP/r1" "$D1"
[ "$(id -u)" -eq 0 ] || chmod 755 "$D1/locked"
grep -q "flowreport: 1 records from 1 files (0 malformed lines, 0 failed files)" "$TMP/r1.err" ||
    fail "unreadable directory counted as a file: $(cat "$TMP/r1.err")"
[ "$(cat "$TMP/r1.rc")" -eq 1 ] || fail "unreadable directory: exit $(cat "$TMP/r1.rc"), want 1"
"$PYTHON" - "$TMP/r1" "$ndirs" <<'EOF' || fail "unreadable directory in the reports"
import csv, sys, openpyxl
out, ndirs = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(open(out + "/inputs.csv")))
dirs = [r for r in rows if r["format"] == "directory"]
assert len(rows) == 1 + ndirs, rows
assert len(dirs) == ndirs, dirs
for r in dirs:
    assert r["status"] == "UNREADABLE" and r["error"], r
md = open(out + "/summary.md").read()
assert "- Files: 1 read of 1 found.\n" in md, md
assert "- Directories: %d could not be read" % ndirs in md, md
assert md.count(": unreadable directory: ") == ndirs, md
assert "| files | 1 |" in md
wb = openpyxl.load_workbook(out + "/report.xlsx")
det = {r[0]: r[1] for r in wb["Details"].iter_rows(values_only=True) if r[0]}
assert det["Files"] == 1 and det["Files failed"] == 0, det
assert det["Directories not read"] == ndirs, det
fmt = [r[4] for r in wb["Inputs"].iter_rows(min_row=2, values_only=True)]
assert fmt.count("directory") == ndirs, fmt
EOF
echo "1: $ndirs unreadable directories, 1 file"

# --- 2: --since/--until excluding every record ---
printf '%s\n%s\n%s\n' "$REC" "$REC" "$REC" >"$TMP/three.log"
run "$TMP/r2" --since 2030-01-01 "$TMP/three.log"
grep -q "^Period: all 3 records with a start time fall outside --since/--until; there are no windows\.$" \
    "$TMP/r2/summary.md" || fail "--since: $(grep Period "$TMP/r2/summary.md")"
! grep -q "no records with a start time were found" "$TMP/r2/summary.md" || fail "--since: wrong wording"
run "$TMP/r2b" --until 2020-01-01 "$IN/good.log"
grep -q "^Period: the one record with a start time falls outside --since/--until" \
    "$TMP/r2b/summary.md" || fail "--until: $(grep Period "$TMP/r2b/summary.md")"
"$PYTHON" - "$TMP/r2/report.xlsx" <<'EOF' || fail "--since: workbook"
import sys, openpyxl
s = {r[0]: r for r in openpyxl.load_workbook(sys.argv[1])["Summary"].iter_rows(values_only=True) if r[0]}
assert s["Windows"][1] == 0 and "all 3 timed records fall outside --since/--until" in s["Windows"][2], s["Windows"]
EOF
# no timed record at all: the old sentence stays true
printf 'version interface-id action\n2 eni-0a1 ACCEPT\n' >"$TMP/untimed.log"
run "$TMP/r2c" "$TMP/untimed.log"
grep -q "^Period: no records with a start time were found" "$TMP/r2c/summary.md" ||
    fail "untimed: $(grep Period "$TMP/r2c/summary.md")"
echo "2: excluded records named"

# --- 3: year 10000: ISO 8601 expanded years, never a cut 'Z' ---
Y10K=253402300800 # 10000-01-01T00:00:00Z
run "$TMP/r3" --since $((Y10K - 3600)) --until $((Y10K + 3600)) "$IN/good.log"
"$PYTHON" - "$TMP/r3" "$Y10K" <<'EOF' || fail "year 10000"
import csv, datetime, sys, openpyxl
out, y10k = sys.argv[1], int(sys.argv[2])
def iso(t):  # independent: datetime stops at 9999; day one of 10000 by hand
    if t < y10k:
        return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    s = t - y10k
    assert s < 86400
    return "+10000-01-01T%02d:%02d:%02dZ" % (s // 3600, s // 60 % 60, s % 60)
rows = list(csv.DictReader(open(out + "/windows.csv")))
got = [(r["window_start"], r["window_end"]) for r in rows]
want = [(iso(y10k - 3600), iso(y10k)), (iso(y10k), iso(y10k + 3600))]
assert got == want, (got, want)
md = open(out + "/summary.md").read()
assert "Period: **%s** to **%s**" % (iso(y10k - 3600), iso(y10k + 3600)) in md, md[:400]
ws = openpyxl.load_workbook(out + "/report.xlsx")["Windows"]
cells = [c for row in ws.iter_rows(min_row=2, values_only=True) for c in row if isinstance(c, str) and c.startswith("+")]
assert iso(y10k) in cells and iso(y10k + 3600) in cells, cells
EOF
echo "3: +10000-01-01T00:00:00Z"

# --- 4: XLSX cells past 32,767 characters: cut visibly and counted ---
# a long command line: 300 names of one file (read once), with two-byte and
# astral characters so that the cut must fall on a character boundary
D4="$TMP/in4/é𝄞"
mkdir -p "$D4"
cp "$IN/good.log" "$D4/a.log"
dots=$(printf './%.0s' $(seq 1 60))
set --
for i in $(seq 1 300); do set -- "$@" "$D4/$dots/a.log"; done
run "$TMP/r4" -q "$@"
[ "$(cat "$TMP/r4.rc")" -eq 0 ] || fail "long command line: exit $(cat "$TMP/r4.rc"): $(cat "$TMP/r4.err")"
"$PYTHON" - "$TMP/r4" <<'EOF' || fail "long cell"
import json, re, sys, openpyxl
out = sys.argv[1]
full = json.load(open(out + "/manifest.json"))["command_line"]
assert len(full) > 40000, len(full)
wb = openpyxl.load_workbook(out + "/report.xlsx")
s = {r[0]: r for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
cell = s["Command line"][1]
units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in cell)
assert units <= 32767, units
m = re.search(r"\u2026 \[cut: (\d+) more characters\]$", cell)
assert m, cell[-80:]
kept = cell[: m.start()]
assert "\ufffd" not in kept
assert full.startswith(kept), "kept text differs"
assert len(kept) + int(m.group(1)) == len(full), (len(kept), m.group(1), len(full))
det = {r[0]: r for r in wb["Details"].iter_rows(values_only=True) if r[0]}
assert det["Shortened cells"][1] == 1, det.get("Shortened cells")
assert "32,767" in det["Shortened cells"][2]
EOF
# nothing is cut: no such row
run "$TMP/r4b" -q "$IN/good.log"
"$PYTHON" - "$TMP/r4b/report.xlsx" <<'EOF' || fail "short cells counted"
import sys, openpyxl
assert "Shortened cells" not in [r[0] for r in openpyxl.load_workbook(sys.argv[1])["Details"].iter_rows(values_only=True)]
EOF
echo "4: long cell cut with a marker, counted"

# --- 6: a failed run leaves no report directory it created ---
echo 'garbage' >"$TMP/eni.json"
# (--eni-info is read after DIR was created and locked: exit 2)
expect_exit 2 "$FLOWREPORT" -q -o "$TMP/new/sub/R" --eni-info "$TMP/eni.json" "$IN/good.log" 2>/dev/null
[ ! -e "$TMP/new" ] || fail "failed run left $(find "$TMP/new")"
mkdir -p "$TMP/keep"
expect_exit 2 "$FLOWREPORT" -q -o "$TMP/keep/R" --eni-info "$TMP/eni.json" "$IN/good.log" 2>/dev/null
[ ! -e "$TMP/keep/R" ] || fail "failed run left $(find "$TMP/keep/R")"
[ -d "$TMP/keep" ] || fail "a directory that existed was removed"
# the report directory existed: it stays
mkdir -p "$TMP/old"
expect_exit 2 "$FLOWREPORT" -q -o "$TMP/old" --eni-info "$TMP/eni.json" "$IN/good.log" 2>/dev/null
[ -d "$TMP/old" ] || fail "an existing report directory was removed"
# a signal while the new directory is locked
if env --default-signal=TERM true 2>/dev/null; then
    FLOWREPORT_TEST_PAUSE=reduce env --default-signal=INT,TERM,HUP \
        "$FLOWREPORT" -q -o "$TMP/sig/R" "$IN/good.log" 2>"$TMP/sig.err" &
    pid=$!
    n=0
    until grep -q "test pause: reduce" "$TMP/sig.err" 2>/dev/null; do
        n=$((n + 1)); [ "$n" -lt 100 ] || fail "never paused: $(cat "$TMP/sig.err")"; sleep 0.1
    done
    kill -s TERM "$pid"
    set +e; wait "$pid"; rc=$?; set -e
    [ "$rc" -eq 143 ] || fail "signal: exit $rc"
    [ ! -e "$TMP/sig" ] || fail "signal left $(find "$TMP/sig")"
fi
echo "6: no directory left by failed runs"

pass "hardening 2"
