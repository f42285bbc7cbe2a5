#!/bin/sh
# SPDX-License-Identifier: MIT
# manifest.json: every output of the run but itself, each with its real size
# and SHA-256 (checked with Python's hashlib), the inputs with theirs and
# their records; a CSV-only run lists only what it wrote.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
F="$top_srcdir/tests/ref/fixtures/coverage/in"
cp -R "$F" "$TMP/in"
printf 'not a record\n' >"$TMP/in/bad.log"
expect_exit 1 "$FLOWREPORT" -q -o "$TMP/all" "$TMP/in" 2>/dev/null
expect_exit 1 "$FLOWREPORT" -q -f csv -o "$TMP/csv" "$TMP/in" 2>/dev/null
"$PYTHON" - "$TMP" <<'PY' || fail "manifest.json"
import hashlib, json, os, sys
tmp = sys.argv[1]
for run in ("all", "csv"):
    d = os.path.join(tmp, run)
    m = json.load(open(os.path.join(d, "manifest.json")))
    names = [o["name"] for o in m["outputs"]]
    files = sorted(f for f in os.listdir(d) if f != "manifest.json" and not f.startswith("."))
    assert sorted(names) == files, (run, names, files)
    for o in m["outputs"]:
        data = open(os.path.join(d, o["name"]), "rb").read()
        assert o["size"] == len(data) and o["sha256"] == hashlib.sha256(data).hexdigest(), o
    if run == "all":
        assert "summary.md" in names and "report.xlsx" in names
    else:
        assert not any(n.endswith((".md", ".xlsx")) for n in names), names
    ins = {os.path.basename(i["name"]): i for i in m["inputs"]}
    for name, records, problems in (("a.log", 19, 0), ("bad.log", 0, 1)):
        i = ins[name]
        data = open(os.path.join(tmp, "in", name), "rb").read()
        assert i["sha256"] == hashlib.sha256(data).hexdigest() and i["size"] == len(data), i
        assert i["records"] == records and i["problems"] == problems, i
    assert m["period_start"] == "2026-11-26T00:00:00Z", m["period_start"]
print("manifest ok")
PY
pass "manifest.json lists every output with its SHA-256"
