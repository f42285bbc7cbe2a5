#!/bin/sh
# States are loaded by -j threads (issue 11): twelve states of generated
# logs (tests/state/gendays.py, four objects each) merged at -j1, -j2 and
# -j4, in argument order, reversed and in two seeded shuffles, must give
# every CSV byte-identical to one pass over the raw logs and summary.md
# identical apart from its Command: line (tests/state/check.py). Then a
# state in the middle of the list whose body is damaged behind a valid
# checksum (so only the loading threads can refuse it, tests/state/mkbad.py)
# fails the -j4 merge: exit 2, the message names it, nothing is written;
# with two damaged states the message names the first in argument order,
# whichever thread meets its state first.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/state/setup.sh"

run 0 -j2 -o "$TMP/single" "$D"

# twelve states of four objects each, in the objects' sorted order
"$PYTHON" -c '
import json, sys
files = json.load(open(sys.argv[1]))["files"]
assert len(files) == 48, len(files)
for i in range(0, 48, 4):
    print(" ".join(sys.argv[2] + "/" + f for f in files[i:i + 4]))
' "$TMP/info.json" "$D" >"$TMP/groups"
ng=0
while read -r files; do
    n=$(printf '%02d' $ng)
    run 0 -j2 -o "$TMP/r" --save-state "$S/s$n.frstate" $files
    ng=$((ng + 1))
done <"$TMP/groups"
[ "$ng" -eq 12 ] || fail "$ng states, want 12"

# order ARG: the states in order (fwd), reversed (rev) or shuffled with seed N
order() {
    "$PYTHON" -c '
import random, sys
v = sys.argv[2:]
if sys.argv[1] == "rev":
    v.reverse()
elif sys.argv[1] != "fwd":
    random.Random(int(sys.argv[1])).shuffle(v)
print(" ".join(v))
' "$1" "$S"/s*.frstate
}

for case in "1 rev" "2 fwd" "2 7" "3 23" "4 rev"; do
    set -- $case
    run 0 -j"$1" -o "$TMP/m_$1_$2" $(order "$2")
    chk same "$TMP/single" "$TMP/m_$1_$2" || fail "-j$1, order $2: the merge differs from the single pass"
done
echo "12 states at -j1/-j2/-j3/-j4, in order, reversed and shuffled = single pass"

# a damaged state in the middle: refused by a loading thread at -j4. The
# run takes its inputs sorted by path, so a copy named sNN-KIND.frstate is
# taken just before sNN.frstate.
set -- "$S"/s*.frstate
dmg() { "$PYTHON" "$here/mkbad.py" body "$1" "$S/$2.frstate" "$3"; }
dmg "$6" s05-half half
dmg "$4" s01-extra extra
dmg "$6" s01-half half
dmg "$6" s02-half half
dmg "$4" s08-extra extra
# refused NAME OUT ARGS...: a -j4 merge of ARGS into OUT exits 2, names NAME
# and writes neither a report nor a state
refused() {
    _name=$1 _out=$2
    shift 2
    expect_refusal "$_name" $FR -j4 -o "$_out" --save-state "$TMP/new.frstate" "$@"
    grep -Fq "$_name: state file refused" "$TMP/err" || fail "message does not name $_name: $(cat "$TMP/err")"
    [ ! -e "$_out" ] || [ -z "$(ls -A "$_out")" ] || fail "$_name: a report was written"
    [ -z "$(ls -A "$TMP" | grep 'new\.frstate')" ] || fail "$_name: a state file was written"
}
refused s05-half.frstate "$TMP/bad1" "$1" "$2" "$3" "$4" "$5" "$S/s05-half.frstate" \
    "$7" "$8" "$9" "${10}" "${11}" "${12}"
# two damaged states: the first (in the run's order) is named, every time,
# also when the second fails sooner (cut in half, while the first is read to
# its end) and both are taken by the first four threads at once
for k in 1 2; do
    refused s01-extra.frstate "$TMP/bad2" "${12}" "$S/s01-half.frstate" "$2" "$3" "$1" \
        "$S/s01-extra.frstate" "$5" "$7" "$8" "$9" "${10}" "${11}"
    grep -Fq half "$TMP/err" && fail "two damaged states: the second is named: $(cat "$TMP/err")"
    refused s02-half.frstate "$TMP/bad3" "$1" "$2" "$3" "$S/s02-half.frstate" "$5" "$7" \
        "$8" "$9" "$S/s08-extra.frstate" "${10}" "${11}" "${12}"
    grep -Fq extra "$TMP/err" && fail "two damaged states: the second is named: $(cat "$TMP/err")"
done
echo "a damaged state at -j4: exit 2, named (the first of two), nothing written"

pass "states loaded by 1 to 4 threads in any order equal the single pass; damaged ones are refused"
