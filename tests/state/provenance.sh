#!/bin/sh
# SPDX-License-Identifier: MIT
# Provenance survives a rollup (issue 11): after merging two states,
# manifest.json lists both states (name, size, SHA-256 of the file, inputs)
# and the state every input came through; the workbook's Inputs sheet has a
# "Via state" column saying the same and Details lists the states. python
# computes the expected values from the state files and the logs.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
files=$(find "$top_srcdir/samples/AWSLogs" -type f | LC_ALL=C sort)
set -- $files
[ $# -ge 2 ] || skip "samples/ has fewer than 2 flow-log files"
"$FLOWREPORT" -q -f csv -o "$TMP/a" --save-state "$TMP/a.frstate" "$1" || fail "state a: $?"
shift
"$FLOWREPORT" -q -f csv -o "$TMP/b" --save-state "$TMP/b.frstate" "$@" || fail "state b: $?"
"$FLOWREPORT" -q -o "$TMP/m" "$TMP/a.frstate" "$TMP/b.frstate" || fail "merge: exit $?"
"$PYTHON" - "$TMP" $files <<'PY' || fail "provenance of the merged report is wrong"
import hashlib, json, os, sys
import openpyxl
tmp, files = sys.argv[1], sys.argv[2:]
want_state = {f: tmp + "/a.frstate" for f in files[:1]}
want_state.update({f: tmp + "/b.frstate" for f in files[1:]})
man = json.load(open(tmp + "/m/manifest.json"))
states = man["states"]
assert [s["name"] for s in states] == [tmp + "/a.frstate", tmp + "/b.frstate"], states
for s in states:
    data = open(s["name"], "rb").read()
    assert s["size"] == len(data) and s["sha256"] == hashlib.sha256(data).hexdigest(), s
assert [s["inputs"] for s in states] == [1, len(files) - 1], states
got = {i["name"]: i.get("state") for i in man["inputs"]}
assert got == {os.path.relpath(f) if not f.startswith("/") else f: v for f, v in want_state.items()} or \
    got == want_state, (got, want_state)
wb = openpyxl.load_workbook(tmp + "/m/report.xlsx", read_only=True)
ws = wb["Inputs"]
rows = list(ws.iter_rows(values_only=True))
hdr = next(i for i, r in enumerate(rows) if r and "Via state" in r)
col, pcol = rows[hdr].index("Via state"), rows[hdr].index("Full path")
seen = {r[pcol]: r[col] for r in rows[hdr + 1:] if r and r[pcol]}
assert seen == got, (seen, got)
det = [c for r in wb["Details"].iter_rows(values_only=True) for c in r if isinstance(c, str)]
assert any(c.startswith(tmp + "/a.frstate: 1 inputs") for c in det), det
print("provenance of", len(files), "inputs through 2 states checked")
PY
# the same inputs write the same state bytes at any thread count
for j in 1 4; do
    "$FLOWREPORT" -q -j $j -f csv -o "$TMP/d$j" --save-state "$TMP/d$j.frstate" \
        "$top_srcdir/samples" || fail "-j$j: exit $?"
    "$FLOWREPORT" -q -j $j -f csv -o "$TMP/e$j" --save-state "$TMP/e$j.frstate" \
        "$TMP/a.frstate" "$TMP/b.frstate" || fail "-j$j merge: exit $?"
done
cmp -s "$TMP/d1.frstate" "$TMP/d4.frstate" || fail "the state file differs between -j1 and -j4"
cmp -s "$TMP/e1.frstate" "$TMP/e4.frstate" || fail "the merged state differs between -j1 and -j4"
pass "states and the state of every input are in manifest.json and the workbook; states are byte-stable"
