#!/bin/sh
# SPDX-License-Identifier: MIT
# Input text cannot turn into formulas or HTML: interface and account ids
# that a spreadsheet would run, and a file name with backticks, an <img>
# tag and a newline. Every such CSV cell starts with a single quote
# (OWASP CSV injection); summary.md rendered by cmark-gfm in unsafe mode
# (raw HTML allowed) holds no <img> element and shows the name literally.
. "$(dirname "$0")/../lib.sh"
"$PYTHON" -c 'import cmarkgfm' 2>/dev/null || skip "python3-cmarkgfm not installed"
mkdir -p "$TMP/in"
name=$("$PYTHON" -c 'print("x" + "`"*15 + "<img src=x onerror=alert(1)>" + "\nnl.log", end="")')
"$PYTHON" - "$TMP/in/$name" <<'PY'
import sys
ids = ['=HYPERLINK("http://x","y")', "+cmd|'/C", "@SUM(1)", "-1+1"]
with open(sys.argv[1], "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
    for i, x in enumerate(ids):
        f.write("2 %s %s 10.0.0.1 10.0.0.2 1234 443 6 1 40 %d %d ACCEPT OK\n" % (ids[(i + 1) % 4], x, 1700000000 + i, 1700000030 + i))
    f.write("2 broken line\n")
PY
set +e; "$FLOWREPORT" -q -f csv,md -o "$TMP/out" "$TMP/in" 2>/dev/null; rc=$?; set -e
[ "$rc" -le 1 ] || fail "flowreport exited $rc"
"$PYTHON" - "$TMP/out" <<'PY' || fail "input text became a formula or HTML"
import csv, sys, cmarkgfm
out = sys.argv[1]
risky = tuple("=+-@\t\r")
seen = 0
for name in ["interfaces.csv", "gaps.csv", "inputs.csv", "problems.csv"]:
    for row in csv.reader(open(out + "/" + name, newline="")):
        for cell in row:
            assert not cell.startswith(risky), (name, cell)
            seen += cell.startswith("'")
ifs = [r[0] for r in csv.reader(open(out + "/interfaces.csv"))][1:]
assert sorted(ifs) == sorted(["'=HYPERLINK(\"http://x\",\"y\")", "'+cmd|'/C", "'@SUM(1)", "'-1+1"]), ifs
assert seen >= 8, seen
md = open(out + "/summary.md", encoding="utf-8").read()
opts = cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE
html = cmarkgfm.github_flavored_markdown_to_html(md, options=opts)
assert "<img" not in html, html
assert "<script" not in html
# the name is shown literally with its newline made visible
assert "\\x0A" in md
PY
pass "no CSV cell opens as a formula; summary.md holds no HTML from the input"
