#!/bin/sh
# Past --max-memory the top tables turn approximate: the report says so and
# gives a bound E, every printed ranking counter is within [true - E, true],
# and every key whose true counter clearly beats the cut still appears.
# The true values come from the independent reference (tests/ref/flowref.py).
. "$(dirname "$0")/lib.sh"
"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/data" --records 30000 --seed 9 --files 12 >/dev/null
set +e
"$FLOWREPORT" -q -j 2 -f csv,md --max-memory 1M -o "$TMP/apx" "$TMP/data" 2>/dev/null
"$PYTHON" "$top_srcdir/tests/ref/flowref.py" --top 1000000 -o "$TMP/ref" "$TMP/data" 2>/dev/null
set -e
"$PYTHON" - "$TMP" <<'PY' || fail "approximate top tables break their bound"
import csv, re, sys
root = sys.argv[1]
md = open(root + "/apx/summary.md").read()
checked = 0
for name, keycols, rank in (("top_talkers.csv", 2, "bytes"), ("top_ports.csv", 2, "bytes")):
    apx = list(csv.DictReader(open(root + "/apx/" + name)))
    ref = list(csv.DictReader(open(root + "/ref/" + name)))
    cols = list(ref[0].keys())[1:1 + keycols]
    truth = {tuple(r[c] for c in cols): int(r[rank]) for r in ref}
    section = {"top_talkers.csv": "## Top talkers", "top_ports.csv": "## Top destination ports"}[name]
    part = md.split(section)[1].split("\n## ")[0]
    m = re.search(r"may be low by at most ([0-9,]+)", part)
    assert m, name + " should be approximate with 1M of memory"
    E = int(m.group(1).replace(",", ""))
    assert E > 0
    for r in apx:
        k = tuple(r[c] for c in cols)
        assert k in truth, (name, k)
        got = int(r[rank])
        assert truth[k] - E <= got <= truth[k], (name, k, got, truth[k], E)
        checked += 1
    # keys whose true value beats the last printed row by more than E must be there
    cut = int(apx[-1][rank])
    keys = {tuple(r[c] for c in cols) for r in apx}
    must = [k for k, v in truth.items() if v > cut + E]
    assert must, name + ": nothing to check"
    assert all(k in keys for k in must), (name, [k for k in must if k not in keys])
assert checked >= 20, checked
PY
# with the default budget the same data is exact and says so
"$FLOWREPORT" -q -f md -o "$TMP/exact" "$TMP/data" 2>/dev/null || true
[ "$(grep -c '^Exact, over' "$TMP/exact/summary.md")" -eq 3 ] || fail "default budget should be exact"
pass "approximate top tables keep their bound"
