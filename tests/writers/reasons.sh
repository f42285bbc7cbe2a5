#!/bin/sh
# Malformed lines are counted by reason exactly, not only the ten examples
# kept per file: problems.csv, summary.md and the workbook's Problem reasons
# give every line's reason, the same for any thread count.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$TMP/in"
# Two files; the test writes the reasons itself and counts them.
"$PYTHON" - "$TMP/in" >"$TMP/want.txt" <<'EOF2'
import collections, sys
d = sys.argv[1]
want = collections.Counter()
files = collections.defaultdict(set)
good = "2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 40000 6 10 840 1795651200 1795651260 ACCEPT OK"
for f, (short, badnum, badaddr) in {"a.log": (23, 12, 0), "b.log": (4, 0, 17)}.items():
    lines = [good] * 5
    lines += [" ".join(good.split()[:13])] * short            # 13 fields
    lines += [good.replace(" 840 ", " 8x0 ")] * badnum        # bad bytes
    lines += [good.replace("10.0.0.2", "10.0.0.999")] * badaddr
    open(d + "/" + f, "w").write("\n".join(lines) + "\n")
    for reason, n in (("expected 14 fields, got 13", short), ("bad number in bytes", badnum),
                      ("bad address in dstaddr", badaddr)):
        if n:
            want[reason] += n
            files[reason].add(f)
for reason, n in sorted(want.items()):
    print("%s|%d|%d" % (reason, n, len(files[reason])))
EOF2
for j in 1 3; do
    set +e; "$FLOWREPORT" -q -j $j -f csv,md -o "$TMP/o$j" "$TMP/in" 2>/dev/null; rc=$?; set -e
    [ "$rc" -eq 1 ] || fail "-j$j: exit $rc, want 1"
done
cmp -s "$TMP/o1/problems.csv" "$TMP/o3/problems.csv" || fail "problems.csv differs between -j1 and -j3"
"$PYTHON" - "$TMP/o1/problems.csv" "$TMP/want.txt" <<'EOF2' || fail "problems.csv does not count every line by reason"
import csv, sys
got = sorted("%s|%s|%s" % (r["reason"], r["malformed_lines"], r["files"])
             for r in csv.DictReader(open(sys.argv[1])))
want = sorted(open(sys.argv[2]).read().split("\n")[:-1])
assert got == want, (got, want)
EOF2
grep -q '| expected 14 fields, got 13 | 27 | 2 |' "$TMP/o1/summary.md" ||
    fail "summary.md does not give the exact count of a reason"
if grep -q 'not kept' "$TMP/o1/problems.csv" "$TMP/o1/summary.md"; then
    fail "lines beyond the examples are still reported as of unknown reason"
fi
pass "malformed lines counted by reason exactly"
