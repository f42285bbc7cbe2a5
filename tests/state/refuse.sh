#!/bin/sh
# Bad state files and merges that would be wrong are refused whole (issue
# 11): exit 2, a message naming the state and the reason, the previous
# report set in the output directory byte-identical, and no --save-state
# file (nor its temporary) left behind. Damaged copies are made with
# Python's zlib and hashlib (tests/state/mkbad.py): corrupt, truncated at
# ten lengths, trailing garbage, a foreign version with a valid checksum,
# tampered, and bodies re-deflated with a valid header and checksum whose
# structure is broken (these must say "state file refused" and never
# crash; CI runs this under ASan+UBSan too). Then overlaps (one input in
# two states, a state and its own raw file), --prorate, --admin-ports and
# a --since that cuts a state, and a state swapped for another mid-run.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
here=$top_srcdir/tests/state
bad() { "$PYTHON" "$here/mkbad.py" "$@"; }
FR="$FLOWREPORT -q -f csv,md"
D=$TMP/d S=$TMP/st R=$TMP/report
mkdir -p "$S" "$TMP/bad"
"$PYTHON" "$here/gendays.py" "$D" --records 4000 >/dev/null
day() { echo "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/$1; }

# good states: day 24, day 25, days 25+26 (overlaps day 25), and one with --prorate
$FR -o "$TMP/r" --save-state "$S/d24.frstate" $(day 24) || fail "state d24"
$FR -o "$TMP/r" --save-state "$S/d25.frstate" $(day 25) || fail "state d25"
$FR -o "$TMP/r" --save-state "$S/d2526.frstate" $(day 25) $(day 26) || fail "state d2526"
# the previous report set that every refusal must leave alone
$FR -o "$R" $(day 26) || fail "previous report"
snap() { (cd "$R" && find . | sort && find . -type f | sort | xargs sha256sum); }
snap >"$TMP/before"
[ "$(grep -c '\.csv$' "$TMP/before")" -ge 16 ] || fail "previous report set too small"

n=0
# refused NAME REGEX ARGS...: a run over ARGS with --save-state exits 2,
# says NAME and matches REGEX on stderr, changes nothing in $R and leaves
# no state file
refused() {
    _name=$1 _re=$2
    shift 2
    expect_refusal "$_name ($_re)" $FR -o "$R" --save-state "$TMP/new.frstate" "$@"
    grep -Fq "$_name" "$TMP/err" || fail "message does not name $_name: $(cat "$TMP/err")"
    grep -Eq "$_re" "$TMP/err" || fail "$_name: message lacks /$_re/: $(cat "$TMP/err")"
    snap | cmp -s - "$TMP/before" || fail "$_name: the previous report set changed"
    [ -z "$(ls -A "$TMP" | grep 'new\.frstate')" ] || fail "$_name: a state file was written"
    [ -z "${FR_TEST_VERBOSE:-}" ] || echo "$_name: $(cat "$TMP/err")"
    n=$((n + 1))
}

set -- $(bad info "$S/d24.frstate")
size=$1 body=$2 bend=$3
mid=$(((body + bend) / 2))

# corrupt: a byte flipped in the header, the body, the checksum
bad flip "$S/d24.frstate" "$TMP/bad/corrupt-head.frstate" 17
refused corrupt-head.frstate 'state file refused: checksum mismatch' "$TMP/bad/corrupt-head.frstate"
bad flip "$S/d24.frstate" "$TMP/bad/corrupt-sum.frstate" $((size - 5))
refused corrupt-sum.frstate 'state file refused: checksum mismatch' "$TMP/bad/corrupt-sum.frstate"
# tampered: a byte of the body changed, the checksum left as it was
bad flip "$S/d24.frstate" "$TMP/bad/tampered.frstate" $mid
refused tampered.frstate 'state file refused: checksum mismatch' "$TMP/bad/tampered.frstate" $(day 25)

# truncated at ten lengths: inside the header, the body and the checksum
for len in 8 9 20 31 32 33 $mid $bend $((bend + 16)) $((size - 1)); do
    bad cut "$S/d24.frstate" "$TMP/bad/cut$len.frstate" $len
    refused "cut$len.frstate" 'state file refused: truncated' "$TMP/bad/cut$len.frstate"
done

bad trail "$S/d24.frstate" "$TMP/bad/trailing.frstate"
refused trailing.frstate 'state file refused: trailing bytes' "$TMP/bad/trailing.frstate"

# a foreign version whose checksum is right: only the version check catches it
bad version "$S/d24.frstate" "$TMP/bad/v3.frstate" 3
refused v3.frstate 'state file refused: state format version 3 \(this flowreport reads versions 1 to 2\)' "$TMP/bad/v3.frstate"
bad version "$S/d24.frstate" "$TMP/bad/v0.frstate" 0
refused v0.frstate 'state file refused: state format version 0' "$TMP/bad/v0.frstate"

# valid header and checksum, broken structure
for k in inputs+1000 ports+9 creator-long window0 half short1 extra; do
    bad body "$S/d24.frstate" "$TMP/bad/body-$k.frstate" $k
    refused "body-$k.frstate" 'state file refused: ' "$TMP/bad/body-$k.frstate" "$S/d25.frstate"
done
# random damage under a valid checksum: refused or (if it happens to stay
# valid) merged, but never a crash
for seed in 1 2 3 4 5 6 7 8; do
    bad body "$S/d24.frstate" "$TMP/bad/rnd$seed.frstate" random $seed
    set +e
    $FR -o "$TMP/rnd" "$TMP/bad/rnd$seed.frstate" >/dev/null 2>"$TMP/err"
    rc=$?
    set -e
    if grep -Eq 'Sanitizer|runtime error' "$TMP/err" || [ "$rc" -gt 2 ]; then
        cat "$TMP/err" >&2
        fail "random damage $seed: exit $rc"
    fi
    [ "$rc" -ne 2 ] || grep -q 'rnd[0-9]*\.frstate' "$TMP/err" || fail "random damage $seed: $(cat "$TMP/err")"
done

# the same input in two states; a state and a raw file it holds
refused d2526.frstate 'twice' "$S/d25.frstate" "$S/d2526.frstate"
grep -q 'd25\.frstate' "$TMP/err" || fail "the overlap message names one state only: $(cat "$TMP/err")"
one=$(ls "$(day 24 | cut -d' ' -f1)"/*.gz | head -1)
refused d24.frstate 'twice' "$S/d24.frstate" "$one"
grep -Fq "$(basename "$one")" "$TMP/err" || fail "the overlap message does not name the file"
# a copy of a raw file under another name is the same input (by SHA-256)
cp "$one" "$TMP/copy.log.gz"
refused d24.frstate 'same file' "$S/d24.frstate" "$TMP/copy.log.gz"

# a copy of a state under another name holds the same inputs
cp "$S/d24.frstate" "$TMP/d24copy.frstate"
refused d24copy.frstate 'twice' "$S/d24.frstate" "$TMP/d24copy.frstate"

# options that change what is counted must match
refused d24.frstate 'vpc-cidr' --vpc-cidr 10.0.0.0/8 "$S/d24.frstate" "$S/d25.frstate"
refused d24.frstate 'prorate' --prorate "$S/d24.frstate" "$S/d25.frstate"
refused d24.frstate 'admin-ports' --admin-ports 22,3389 "$S/d24.frstate" "$S/d25.frstate"
# a --since that cuts a state
refused d24.frstate 'cannot be cut' --since 2026-11-24T12:00:00Z "$S/d24.frstate" "$S/d25.frstate"
refused d25.frstate 'cannot be cut' --until 2026-11-25T12:00:00Z "$S/d25.frstate"

# a state replaced by another between being listed and being merged: the
# run is held on stdin (a FIFO) after the heads were read ("-v" says how
# many inputs it will read), the file is swapped, then the run goes on
cp "$S/d24.frstate" "$TMP/moving.frstate"
mkfifo "$TMP/fifo"
$FLOWREPORT -f csv,md -v -o "$R" --save-state "$TMP/new.frstate" "$TMP/moving.frstate" - \
    <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
pid=$!
exec 3>"$TMP/fifo"
i=0
until grep -q 'input files' "$TMP/err"; do
    i=$((i + 1))
    [ $i -lt 600 ] || { exec 3>&-; fail "the held run never got to its inputs: $(cat "$TMP/err")"; }
    sleep 0.1
done
cp "$S/d25.frstate" "$TMP/moving.new" && mv "$TMP/moving.new" "$TMP/moving.frstate"
exec 3>&-
set +e
wait $pid
rc=$?
set -e
[ "$rc" -eq 2 ] || { cat "$TMP/err" >&2; fail "a state swapped mid-run: exit $rc, want 2"; }
grep -q 'moving\.frstate: the state file changed while the run read it' "$TMP/err" ||
    fail "a state swapped mid-run: $(cat "$TMP/err")"
snap | cmp -s - "$TMP/before" || fail "a state swapped mid-run: the previous report set changed"
[ ! -e "$TMP/new.frstate" ] || fail "a state swapped mid-run: a state file was written"
n=$((n + 1))

# and a good merge does write (so the checks above are not vacuous)
$FR -o "$R" --save-state "$TMP/new.frstate" "$S/d24.frstate" "$S/d25.frstate" ||
    fail "a good merge failed"
[ -s "$TMP/new.frstate" ] || fail "a good merge wrote no state"
snap | cmp -s - "$TMP/before" && fail "a good merge left the report set unchanged"
pass "$n refusals: exit 2, named, nothing written"
