#!/bin/sh
# Compact states (--state-keys N, issue 11): each top table of the saved
# state keeps its N best keys and adds the (N+1)-th ranking counter to its
# bound. Over three generated days (tests/state/gendays.py):
#   - a merge of compact day states holds, for every row, exactly the sum over
#     the days that kept the key, and prints as bound the sum of the days'
#     thresholds, both computed by tests/state/compact.py from each day's
#     full tables (one pass per day with --top 1000000);
#   - windows, interfaces, gaps and inputs stay those of one pass, byte for byte;
#   - an N no table reaches changes nothing: the merge equals one pass;
#   - compacting a saved state (a merge of one) equals saving it compact;
#   - the run that saves a compact state writes the same reports as without;
#   - --state-keys without --save-state, 0 or junk are usage errors.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/state/setup.sh"
days="24 25 26"
dir() { echo "$D"/AWSLogs/*/vpcflowlogs/us-east-1/2026/11/$1; }

run 0 -j2 -o "$TMP/single" "$D"
truths=
for dd in $days; do
    run 0 -j2 --top 1000000 -o "$TMP/truth$dd" $(dir $dd)
    truths="$truths $TMP/truth$dd"
    # exact and compact states of the same day; the day's reports do not change
    run 0 -j2 -o "$TMP/exact$dd" --save-state "$S/exact$dd.frstate" $(dir $dd)
    run 0 -j2 -o "$TMP/small$dd" --save-state "$S/small$dd.frstate" --state-keys 40 $(dir $dd)
    "$PYTHON" "$here/check.py" same "$TMP/exact$dd" "$TMP/small$dd" ||
        fail "saving a compact state changed the day's own reports"
    [ "$(wc -c <"$S/small$dd.frstate")" -lt "$(wc -c <"$S/exact$dd.frstate")" ] ||
        fail "the compact state of day $dd is not smaller than the exact one"
done

# the merge of compact states against the days' full tables
run 0 -j2 -o "$TMP/m_small" "$S"/small*.frstate
"$PYTHON" "$here/compact.py" 40 "$TMP/m_small" $truths || fail "compact merge (N=40) is wrong"
for f in windows.csv interfaces.csv gaps.csv inputs.csv problems.csv; do
    cmp -s "$TMP/single/$f" "$TMP/m_small/$f" || fail "compact states changed $f"
done
grep -q 'state saved with `--state-keys`' "$TMP/m_small/summary.md" ||
    fail "summary.md does not say why the tables are approximate"

# a smaller N, and the states in another order at -j1
run 0 -j2 -o "$TMP/r" --save-state "$S/tiny24.frstate" --state-keys 3 $(dir 24)
run 0 -j2 -o "$TMP/r" --save-state "$S/tiny25.frstate" --state-keys 3 $(dir 25)
run 0 -j2 -o "$TMP/r" --save-state "$S/tiny26.frstate" --state-keys 3 $(dir 26)
run 0 -j1 -o "$TMP/m_tiny" "$S/tiny26.frstate" "$S/tiny24.frstate" "$S/tiny25.frstate"
"$PYTHON" "$here/compact.py" 3 "$TMP/m_tiny" $truths || fail "compact merge (N=3) is wrong"
# the findings that are not sampled by source stay: every admin-port and
# egress finding of one pass is in the merge, with its records and bytes
for m in m_small m_tiny; do
    "$PYTHON" - "$TMP/single/findings.csv" "$TMP/$m/findings.csv" <<'PY' || fail "$m lost findings"
import csv, sys
def rows(p):
    return {(r["rule"], r["interface_id"], r["dstaddr"], r["dstport"], r["protocol"]):
            (r["records"], r["bytes"], r["first_seen"], r["last_seen"])
            for r in csv.DictReader(open(p))
            if r["rule"] in ("public-admin-port-accepted", "egress-volume")}
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert a, "the single pass has no admin-port or egress finding"
assert a == b, (sorted(set(a) ^ set(b))[:3], [(k, a[k], b.get(k)) for k in a if a[k] != b.get(k)][:3])
print(len(a), "admin-port/egress findings kept in", sys.argv[2].split("/")[-2])
PY
done

# an N above every table's keys: exact, the merge equals one pass
for dd in $days; do
    run 0 -o "$TMP/r" --save-state "$S/big$dd.frstate" --state-keys 1000000 $(dir $dd)
done
run 0 -j2 -o "$TMP/m_big" "$S"/big*.frstate
"$PYTHON" "$here/check.py" same "$TMP/single" "$TMP/m_big" ||
    fail "--state-keys above every table's size changed the merge"

# compacting saved states later gives the same merge as saving them compact
for dd in $days; do
    run 0 -o "$TMP/r" --save-state "$S/later$dd.frstate" --state-keys 40 "$S/exact$dd.frstate"
done
run 0 -j2 -o "$TMP/m_later" "$S"/later*.frstate
"$PYTHON" "$here/check.py" same "$TMP/m_small" "$TMP/m_later" ||
    fail "compacting a saved state differs from saving it compact"

# usage errors
expect_exit 2 $FR -o "$TMP/u" --state-keys 10 $(dir 24)
expect_exit 2 $FR -o "$TMP/u" --save-state "$S/u.frstate" --state-keys 0 $(dir 24)
expect_exit 2 $FR -o "$TMP/u" --save-state "$S/u.frstate" --state-keys 12x $(dir 24)
[ ! -e "$S/u.frstate" ] || fail "a refused run saved a state"

pass "compact states: rows are the kept days' sums, bounds add up, the rest stays exact"
