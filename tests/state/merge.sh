#!/bin/sh
# Merged states equal one pass over the raw logs (issue 11). Three days of
# generated logs (tests/state/gendays.py) are split by file (2 to 5 unequal
# states, one of a single file), by day, by --shard K/4, mixed with raw
# files, and nested (a state of states); every CSV of the merge must be
# byte-identical to the single pass and summary.md identical apart from its
# Command: line (tests/state/check.py). Also: --window 1d over 1h states
# equals a --window 1d pass and --window 90m is refused; a NODATA gap planted
# across the day boundary is one row; approximate states keep their bound;
# -j1, -j3 and the order of the states change nothing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/state/setup.sh"

# the single passes: default, exact top tables in full, --window 1d
run 0 -j2 -o "$TMP/single" "$D"
run 0 -j2 --window 1d -o "$TMP/single1d" "$D"
run 0 -j2 --top 1000000 -o "$TMP/truth" "$D"
chk gap "$TMP/single" "$TMP/info.json" || fail "the single pass misses the planted gap"

# 1. by file: a seeded partition, one state per group
chk split "$TMP/info.json" 5 "$D" >"$TMP/groups"
ng=0
while read -r files; do
    run 0 -j2 -o "$TMP/r" --save-state "$S/file$ng.frstate" $files
    ng=$((ng + 1))
done <"$TMP/groups"
[ "$ng" -ge 2 ] || fail "only $ng groups"
run 0 -o "$TMP/m_file" "$S"/file*.frstate
chk same "$TMP/single" "$TMP/m_file" || fail "merge of $ng states split by file differs"
chk gap "$TMP/m_file" "$TMP/info.json" || fail "gap across the file split"
echo "by file: $ng states ($(awk '{ printf "%s%d", (NR > 1 ? "+" : ""), NF }' "$TMP/groups") files) = single pass"

# order and threads: reversed at -j1, rotated at -j3
set -- "$S"/file*.frstate
rev=
for f in "$@"; do rev="$f $rev"; done
run 0 -j1 -o "$TMP/m_j1" $rev
first=$1; shift
run 0 -j3 -o "$TMP/m_j3" "$@" "$first"
chk same "$TMP/m_file" "$TMP/m_j1" || fail "-j1, reversed order changes the merge"
chk same "$TMP/m_file" "$TMP/m_j3" || fail "-j3, rotated order changes the merge"
# a directory of states is an input too
mkdir "$TMP/stdir" && cp "$S"/file*.frstate "$TMP/stdir/"
run 0 -j2 -o "$TMP/m_dir" "$TMP/stdir"
chk same "$TMP/m_file" "$TMP/m_dir" || fail "a directory of states merges differently"

# 2. by day, one state per day (both accounts' directories)
for dd in 24 25 26; do
    run 0 -o "$TMP/r" --save-state "$S/day$dd.frstate" "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/$dd
done
run 0 -j2 -o "$TMP/m_day" "$S"/day*.frstate
chk same "$TMP/single" "$TMP/m_day" || fail "merge of day states differs"
chk gap "$TMP/m_day" "$TMP/info.json" || fail "gap across the day split"
echo "by day: 3 states = single pass, the planted gap is one row"

# states made with --since/--until: the merge's period is theirs together
for dd in 24 25 26; do
    run 0 -o "$TMP/r" --since 2026-11-${dd}T00:00:00Z --until 2026-11-$((dd + 1))T00:00:00Z \
        --save-state "$S/pday$dd.frstate" "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/$dd
done
run 0 -j2 --since 2026-11-24T00:00:00Z --until 2026-11-27T00:00:00Z -o "$TMP/single_p" "$D"
run 0 -j2 -o "$TMP/m_pday" "$S"/pday*.frstate
chk same "$TMP/single_p" "$TMP/m_pday" || fail "merge of bounded day states differs"
echo "by day with --since/--until: 3 states = single pass over their period"

# 3. window multiple: 1h states make a 1d report; 90m is refused
run 0 -j2 --window 1d -o "$TMP/m_1d" "$S"/day*.frstate
chk same "$TMP/single1d" "$TMP/m_1d" || fail "--window 1d over 1h states differs"
set +e
$FR --window 90m -o "$TMP/m_90" "$S"/day*.frstate 2>"$TMP/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--window 90m over 1h states: exit $rc, want 2"
grep -q 'frstate' "$TMP/err" || fail "--window 90m: the message names no state: $(cat "$TMP/err")"
[ ! -e "$TMP/m_90" ] || [ -z "$(ls -A "$TMP/m_90")" ] || fail "--window 90m wrote a report"
echo "window: 1d over 1h states = single 1d pass; 90m refused"

# 4. by shard
if $FR --shard 0/4 -o "$TMP/r" --save-state "$S/shard0.frstate" "$D" 2>"$TMP/err"; then
    for k in 1 2 3; do
        set +e
        $FR --shard $k/4 -o "$TMP/r" --save-state "$S/shard$k.frstate" "$D" 2>"$TMP/err"
        rc=$?
        set -e
        [ "$rc" -le 1 ] && [ -f "$S/shard$k.frstate" ] || fail "shard $k/4: exit $rc $(cat "$TMP/err")"
    done
    run 0 -j2 -o "$TMP/m_shard" "$S"/shard*.frstate
    chk same "$TMP/single" "$TMP/m_shard" || fail "merge of 4 shards differs"
    echo "by shard: 4 states = single pass"
else
    grep -qi 'shard' "$TMP/err" || fail "--shard 0/4 failed: $(cat "$TMP/err")"
    echo "NOTE: --shard not accepted yet, shard split skipped: $(head -1 "$TMP/err")"
fi

# 5. mixed: the first two groups' states plus the other groups' raw files
raw=$(sed 1,2d "$TMP/groups" | tr '\n' ' ')
run 0 -j2 -o "$TMP/m_mixed" "$S/file0.frstate" $raw "$S/file1.frstate"
chk same "$TMP/single" "$TMP/m_mixed" || fail "states plus raw files differ"
echo "mixed: 2 states + $(echo $raw | wc -w) raw files = single pass"

# 6. nested: two states merged into a third, then merged with the rest
run 0 -o "$TMP/r" --save-state "$S/nest.frstate" "$S/day24.frstate" "$S/day25.frstate"
run 0 -j2 -o "$TMP/m_nest" "$S/nest.frstate" "$S/day26.frstate"
chk same "$TMP/single" "$TMP/m_nest" || fail "a state of states differs"
# and a state of states mixed with raw logs
run 0 -o "$TMP/r" --save-state "$S/nestraw.frstate" "$S/day24.frstate" \
    "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/25
run 0 -j2 -o "$TMP/m_nest2" "$S/nestraw.frstate" "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/26
chk same "$TMP/single" "$TMP/m_nest2" || fail "a state of a state and raw logs differs"
echo "nested: states of states = single pass"

# 7. approximate tables: states made with the smallest --max-memory
set +e
$FR --max-memory 1M -o "$TMP/r" --save-state "$S/apx0.frstate" "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/24 "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/25
r0=$?
$FR --max-memory 1M -o "$TMP/r" --save-state "$S/apx1.frstate" "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/26
r1=$?
$FR -o "$TMP/m_apx" "$S/apx0.frstate" "$S/apx1.frstate"
r2=$?
set -e
[ "$r0$r1$r2" = 000 ] || fail "approximate runs exit $r0 $r1 $r2"
chk approx "$TMP/m_apx" "$TMP/truth" || fail "approximate merge breaks its bound"

# 8. format version 1 (absolute interval times): the day states rewritten
# as version 1 by tests/state/mkbad.py, from doc/STATE.md, alone and mixed
# with version-2 states, merge as the originals do
for d in 24 25 26; do
    "$PYTHON" "$here/mkbad.py" v1 "$S/day$d.frstate" "$S/v1day$d.frstate"
    [ "$(od -An -tu4 -j8 -N4 "$S/v1day$d.frstate" | tr -d ' ')" = 1 ] || fail "v1day$d is not version 1"
done
cmp -s "$S/day24.frstate" "$S/v1day24.frstate" && fail "the version-1 copy is the original"
run 0 -j2 -o "$TMP/m_v1" "$S"/v1day*.frstate
chk same "$TMP/single" "$TMP/m_v1" || fail "version-1 states differ"
run 0 -o "$TMP/m_v12" "$S/v1day24.frstate" "$S/day25.frstate" "$S/v1day26.frstate"
chk same "$TMP/single" "$TMP/m_v12" || fail "version-1 and version-2 states mixed differ"
echo "version 1: the same states rewritten as version 1 = single pass"

pass "merged states equal single passes ($ng-way file split, days, shards, mixed, nested, 1d windows, version 1)"
