#!/bin/sh
# Interfaces are charged to --max-memory (issue 10, finding 10): with many
# distinct interface ids and a small budget the run stays small, lists a
# hash sample of the interfaces, says so, and loses no record: the listed
# interfaces' records plus those counted apart make the total. The sample
# does not depend on the thread count, and states made from halves of the
# input merge into the same report.
. "$(dirname "$0")/lib.sh"
N=200000
"$PYTHON" - "$TMP/many.log" "$N" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
            "packets bytes start end action log-status\n")
    for i in range(n):
        # every id distinct; a few ids come back so rows have several records
        eni = "eni-%017x" % (i if i % 10 else i // 10)
        f.write("2 123456789012 %s 10.0.%d.%d 10.1.0.1 443 %d 6 2 %d %d %d ACCEPT OK\n"
                % (eni, (i >> 8) & 255, i & 255, 1024 + i % 5000, 100 + i % 7,
                   1764115200 + i % 3600, 1764115260 + i % 3600))
PY
# expected totals, computed here
"$PYTHON" - "$TMP/many.log" >"$TMP/expect" <<'PY'
import sys
recs = byts = 0
ids = set()
for ln in open(sys.argv[1]).read().splitlines()[1:]:
    f = ln.split()
    recs += 1
    byts += int(f[9])
    ids.add(f[2])
print(recs, byts, len(ids))
PY
read -r RECS BYTES IDS <"$TMP/expect"

run() { # run NAME THREADS [ARGS...]
    _n=$1; _j=$2; shift 2
    /usr/bin/time -f "%M" -o "$TMP/$_n.rss" "$FLOWREPORT" -j "$_j" -f csv --max-memory 8M \
        -o "$TMP/$_n" "$@" 2>"$TMP/$_n.err" || fail "$_n: exit $? ($(cat "$TMP/$_n.err"))"
}
[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed"
run j1 1 "$TMP/many.log"
run j3 3 "$TMP/many.log"
for f in interfaces.csv windows.csv gaps.csv; do
    cmp -s "$TMP/j1/$f" "$TMP/j3/$f" || fail "$f differs between -j1 and -j3"
done
grep -q "more interfaces than --max-memory holds" "$TMP/j1.err" ||
    fail "the run does not say that interfaces were sampled: $(cat "$TMP/j1.err")"
RSS=$(cat "$TMP/j1.rss")
# (a sanitizer build's shadow memory and quarantine are not the program's)
if ! ldd "$FLOWREPORT" 2>/dev/null | grep -q -e libasan -e libtsan; then
    [ "$RSS" -lt 120000 ] || fail "peak RSS $RSS KB with --max-memory 8M"
fi

"$PYTHON" - "$TMP/j1" "$TMP/j1.err" "$RECS" "$BYTES" "$IDS" <<'PY' || fail "records lost or miscounted"
import csv, re, sys
d, err, recs, byts, ids = sys.argv[1], open(sys.argv[2]).read(), *map(int, sys.argv[3:])
rows = list(csv.DictReader(open(d + "/interfaces.csv")))
m = re.search(r"1 in (\d+) is listed.*?; (\d+) records of the others", err)
assert m, err
k, other = int(m.group(1)), int(m.group(2))
listed = sum(int(r["records"]) for r in rows)
assert listed + other == recs, (listed, other, recs)
assert len(rows) <= 8 * 2**20 // 8 // 512 or len(rows) <= 1024, len(rows)
# the sample keeps about 1/k of the ids
assert ids / k * 0.8 < len(rows) < ids / k * 1.2, (len(rows), ids, k)
w = list(csv.DictReader(open(d + "/windows.csv")))
assert sum(int(r["records"]) for r in w) == recs
assert sum(int(r["bytes"]) for r in w) == byts
print("listed", len(rows), "of", ids, "interfaces; 1 in", k, "; records", listed, "+", other)
PY

# summary.md says it too, with the same numbers
"$FLOWREPORT" -q -f md --max-memory 8M -o "$TMP/md" "$TMP/many.log" 2>/dev/null || fail "md run"
grep -q "^- Interfaces: more than --max-memory holds; 1 in " "$TMP/md/summary.md" ||
    fail "summary.md does not say the interfaces were sampled"

# halves as states, merged: the same report
head -n $((N / 2 + 1)) "$TMP/many.log" >"$TMP/a.log"
{ head -n 1 "$TMP/many.log"; tail -n +$((N / 2 + 2)) "$TMP/many.log"; } >"$TMP/b.log"
run sa 2 --save-state "$TMP/a.frstate" "$TMP/a.log"
run sb 2 --save-state "$TMP/b.frstate" "$TMP/b.log"
run ab 2 "$TMP/a.log" "$TMP/b.log"
run merged 2 "$TMP/a.frstate" "$TMP/b.frstate"
for f in interfaces.csv windows.csv gaps.csv inputs.csv; do
    cmp -s "$TMP/ab/$f" "$TMP/merged/$f" || fail "$f of the merged states differs from one run"
done
pass "interfaces bounded by --max-memory (peak RSS $RSS KB), sampled the same at -j1/-j3, merged exactly"
