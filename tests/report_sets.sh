#!/bin/sh
# Report sets (issue 10, findings 1-3): DIR always holds one whole set.
# - 50 rounds of two simultaneous runs with different inputs into one DIR
#   (half with --wait, half without: the loser exits 3 naming the holder),
#   and rounds where both runs have the same PID (two PID namespaces): every
#   set left is exactly one run's, compared with each run made alone;
# - a rename failing halfway puts the replaced files back;
# - -f csv removes the other formats' files of an earlier run and says so;
# - DIR is checked and locked before any input is read.
. "$(dirname "$0")/lib.sh"

gen() { "$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$@" >/dev/null; }
gen "$TMP/A" --records 1500 --seed 1 --files 4
gen "$TMP/B" --records 1500 --seed 2 --files 4
R="$TMP/R"

# run_ok DIR INPUT [ARGS]: one run that must write its reports
run_ok() {
    _d=$1; _i=$2; shift 2
    set +e; "$FLOWREPORT" -q "$@" -o "$_d" "$_i" 2>/dev/null; _rc=$?; set -e
    [ "$_rc" -le 1 ] || fail "flowreport -o $_d $_i exited $_rc"
}
# reports DIR: the file names in DIR but the lock, one a line
reports() { (cd "$1" && ls -A | grep -v '^\.flowreport\.lock$' || true); }

# the sets of each run made alone, with the same command line (it is part of
# the reports): with and without --wait
run_ok "$R" "$TMP/A"; cp -r "$R" "$TMP/refA"
run_ok "$R" "$TMP/B"; cp -r "$R" "$TMP/refB"
run_ok "$R" "$TMP/A" --wait; cp -r "$R" "$TMP/refA--wait"
run_ok "$R" "$TMP/B" --wait; cp -r "$R" "$TMP/refB--wait"
cmp -s "$TMP/refA/windows.csv" "$TMP/refB/windows.csv" && fail "the two inputs give the same windows.csv"
reports "$TMP/refA" >"$TMP/names"
grep -qx report.xlsx "$TMP/names" && grep -qx windows.csv "$TMP/names" || fail "reference set incomplete"

# same_set DIR REF: DIR holds exactly REF's files, byte for byte
# (report.xlsx, which records when it was made, is checked later by cells)
same_set() {
    reports "$1" >"$TMP/have"
    cmp -s "$TMP/have" "$TMP/names" || return 1
    for f in $(cat "$TMP/names"); do
        [ "$f" = report.xlsx ] || cmp -s "$1/$f" "$2/$f" || return 1
    done
}

mkdir "$TMP/xl"
PIDNS=
unshare --pid --fork --mount-proc true 2>/dev/null && PIDNS="unshare --pid --fork --mount-proc"
rounds=50
busy=0
i=0
while [ "$i" -lt "$rounds" ]; do
    i=$((i + 1))
    wait_opt=
    [ $((i % 2)) -eq 0 ] && wait_opt=--wait
    pre=
    [ "$i" -gt 40 ] && pre=$PIDNS # rounds 41-50: both runs are PID 1
    $pre "$FLOWREPORT" -q $wait_opt -o "$R" "$TMP/A" 2>"$TMP/ea" &
    pa=$!
    $pre "$FLOWREPORT" -q $wait_opt -o "$R" "$TMP/B" 2>"$TMP/eb" &
    pb=$!
    set +e; wait "$pa"; ra=$?; wait "$pb"; rb=$?; set -e
    for x in "a $ra" "b $rb"; do
        set -- $x
        case $2 in
        0 | 1) ;;
        3)
            [ -z "$wait_opt" ] || fail "round $i: run $1 with --wait exited 3: $(cat "$TMP/e$1")"
            grep -q "in use by another flowreport run (pid [0-9]* on host .*, started " "$TMP/e$1" ||
                fail "round $i: run $1: $(cat "$TMP/e$1")"
            busy=$((busy + 1)) ;;
        *) fail "round $i: run $1 exited $2: $(cat "$TMP/e$1")" ;;
        esac
    done
    [ "$ra" -ne 3 ] || [ "$rb" -ne 3 ] || fail "round $i: both runs refused"
    if same_set "$R" "$TMP/refA$wait_opt"; then
        who=A
    elif same_set "$R" "$TMP/refB$wait_opt"; then
        who=B
    else
        for f in $(cat "$TMP/names"); do
            cmp -s "$R/$f" "$TMP/refA$wait_opt/$f" && echo "$f: A" >&2
            cmp -s "$R/$f" "$TMP/refB$wait_opt/$f" && echo "$f: B" >&2
        done
        fail "round $i: a mixed or incomplete set"
    fi
    cp "$R/report.xlsx" "$TMP/xl/$i.$who.xlsx"
done
echo "$rounds rounds, $busy runs refused with exit 3 (the lock)"

# every report.xlsx is a whole zip whose tables are those of the run whose
# CSVs lay beside it
"$PYTHON" - "$TMP" <<'PY' || fail "a report.xlsx is not the one of its set"
import os, sys, zipfile, openpyxl
tmp = sys.argv[1]
def cells(path):
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None, path
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for ws in wb.worksheets:
        if ws.title != "Summary":
            out[ws.title] = [tuple(r) for r in ws.iter_rows(values_only=True)]
    return out
ref = {w: cells(os.path.join(tmp, "ref" + w, "report.xlsx")) for w in "AB"}
assert ref["A"] != ref["B"]
n = 0
for name in os.listdir(os.path.join(tmp, "xl")):
    who = name.split(".")[1]
    if cells(os.path.join(tmp, "xl", name)) != ref[who]:
        print("round", name, "report.xlsx differs from run", who, file=sys.stderr)
        sys.exit(1)
    n += 1
print(n, "report.xlsx checked")
PY

# finding 2: a rename failing halfway puts back what it replaced
run_ok "$R" "$TMP/A"
rm "$R/gaps.csv"
mkdir -p "$R/gaps.csv/x"
(cd "$R" && find . -type f ! -name .flowreport.lock | sort | xargs sha256sum) >"$TMP/before"
expect_exit 3 "$FLOWREPORT" -q -o "$R" "$TMP/B" 2>"$TMP/err"
grep -q "gaps.csv: cannot rename into place: Is a directory; the [1-9][0-9]* files already replaced were put back; previous reports left untouched" "$TMP/err" ||
    fail "rename failure: $(cat "$TMP/err")"
(cd "$R" && sha256sum -c --quiet "$TMP/before") || fail "rename failure: the previous set changed"
[ -z "$(find "$R" -name '.flowreport-tmp.*')" ] || fail "rename failure: temporary directory left"
rm -r "$R/gaps.csv"

# finding 3: -f csv after a full run: only CSVs remain, and the run says so
run_ok "$R" "$TMP/A"
set +e; "$FLOWREPORT" -f csv -o "$R" "$TMP/B" 2>"$TMP/err"; rc=$?; set -e
[ "$rc" -le 1 ] || fail "-f csv exited $rc"
[ ! -e "$R/summary.md" ] && [ ! -e "$R/report.xlsx" ] || fail "-f csv left summary.md or report.xlsx"
grep -q "removed .*/summary.md of an earlier run" "$TMP/err" || fail "-f csv: removal not said: $(cat "$TMP/err")"
grep -q "removed .*/report.xlsx of an earlier run" "$TMP/err" || fail "-f csv: removal not said"
for f in $(grep '\.csv$' "$TMP/names"); do
    cmp -s "$R/$f" "$TMP/refB/$f" || fail "-f csv: $f is not run B's"
done
# a file the user put there is not flowreport's: it stays
echo keep >"$R/notes.md"
run_ok "$R" "$TMP/A" -f md
[ -e "$R/notes.md" ] && [ -e "$R/summary.md" ] && [ ! -e "$R/windows.csv" ] || fail "-f md: wrong files left"

# DIR is checked and locked before any input is read: the input here is a
# FIFO that never ends
mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo"
: >"$TMP/file"
t0=$(date +%s)
expect_exit 3 "$FLOWREPORT" -q -o "$TMP/file/sub" - <"$TMP/fifo" 2>"$TMP/err"
grep -q "cannot use as output directory" "$TMP/err" || fail "bad -o: $(cat "$TMP/err")"
FLOWREPORT_TEST_PAUSE=locked "$FLOWREPORT" -q -o "$R" "$TMP/A" 2>"$TMP/holder" &
holder=$!
n=0
until grep -q 'test pause: locked' "$TMP/holder"; do
    n=$((n + 1)); [ "$n" -lt 100 ] || fail "the holder never took the lock"; sleep 0.1
done
expect_exit 3 "$FLOWREPORT" -q -o "$R" - <"$TMP/fifo" 2>"$TMP/err"
grep -q "in use by another flowreport run (pid $holder on host " "$TMP/err" || fail "busy: $(cat "$TMP/err")"
t1=$(date +%s)
[ $((t1 - t0)) -le 5 ] || fail "a bad or busy -o took $((t1 - t0)) s to be refused"
kill -TERM "$holder"
set +e; wait "$holder"; rc=$?; set -e
[ "$rc" -eq 143 ] || fail "the holder exited $rc on SIGTERM"
exec 3>&-
# with --wait the second run waits, then writes
FLOWREPORT_TEST_PAUSE=locked "$FLOWREPORT" -q -o "$R" "$TMP/A" 2>"$TMP/holder" &
holder=$!
n=0
until grep -q 'test pause: locked' "$TMP/holder"; do
    n=$((n + 1)); [ "$n" -lt 100 ] || fail "the holder never took the lock"; sleep 0.1
done
"$FLOWREPORT" --wait -o "$R" "$TMP/B" 2>"$TMP/err" &
waiter=$!
n=0
until grep -q "is in use by another flowreport run (pid $holder .*); waiting" "$TMP/err"; do
    n=$((n + 1)); [ "$n" -lt 100 ] || fail "--wait: no message: $(cat "$TMP/err")"; sleep 0.1
done
kill -TERM "$holder"
set +e; wait "$holder"; wait "$waiter"; rc=$?; set -e
[ "$rc" -le 1 ] || fail "--wait run exited $rc"
cmp -s "$R/windows.csv" "$TMP/refB/windows.csv" || fail "--wait: not run B's set"
pass "report sets stay whole: $rounds concurrent rounds, rename failure, -f csv, early lock"
