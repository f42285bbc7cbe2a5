#!/bin/sh
# summary.md renders cleanly with real CommonMark renderers (cmark, and
# cmark-gfm for the tables), and its tables hold the numbers of the CSVs.
. "$(dirname "$0")/lib.sh"
command -v cmark >/dev/null 2>&1 || skip "cmark not installed (apt-get install cmark)"
"$PYTHON" -c 'import cmarkgfm' 2>/dev/null || skip "python3-cmarkgfm not installed"

"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/data" --records 3000 --seed 3 --files 8 >/dev/null
# a file name full of Markdown punctuation must come out as plain text
cp "$top_srcdir/samples/malformed/"*.log "$TMP/data/odd_*name*_[x]_|pipe|.log"
set +e; "$FLOWREPORT" -q -j 2 -f csv,md -o "$TMP/out" "$TMP/data" 2>/dev/null; set -e

cmark --validate-utf8 "$TMP/out/summary.md" >"$TMP/plain.html" || fail "cmark failed"
"$PYTHON" - "$TMP/out" "$TMP/plain.html" <<'PY' || fail "summary.md does not render as expected"
import csv, sys, html.parser, cmarkgfm
out, plain_html = sys.argv[1], open(sys.argv[2]).read()
md = open(out + "/summary.md", encoding="utf-8").read()

class Tables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.headings, self.cur, self.cell, self.tag = [], [], None, None, []
        self.em = 0
    def handle_starttag(self, tag, attrs):
        self.tag.append(tag)
        if tag == "table": self.cur = []; self.tables.append(self.cur)
        elif tag == "tr" and self.cur is not None: self.cur.append([])
        elif tag in ("td", "th"): self.cell = ""
        elif tag in ("em", "strong") and "li" in self.tag: self.em += 1
    def handle_endtag(self, tag):
        if self.tag: self.tag.pop()
        if tag in ("td", "th") and self.cur is not None:
            self.cur[-1].append(self.cell.strip()); self.cell = None
        elif tag == "table": self.cur = None
    def handle_data(self, data):
        if self.cell is not None: self.cell += data
        if self.tag and self.tag[-1] == "h2": self.headings.append(data)

gfm = cmarkgfm.github_flavored_markdown_to_html(md)
p = Tables(); p.feed(gfm)
want = ["Inputs", "Totals", "Busiest windows", "Gaps", "Top talkers",
        "Top rejected sources", "Top destination ports"]
assert p.headings == want, p.headings
assert "<h1>VPC Flow Logs audit summary</h1>" in gfm
# plain CommonMark: same headings, no raw HTML passed through
for h in want:
    assert "<h2>%s</h2>" % h in plain_html, h
assert "<script" not in gfm and "<pre" not in gfm
# the odd file name is shown literally, never as emphasis or a link
assert p.em == 0, "markup leaked from a file name"
assert "odd_*name*_[x]_|pipe|.log" in html.unescape(gfm)

def rows(name):
    return list(csv.reader(open(out + "/" + name)))[1:]
num = lambda s: int(s.replace(",", "").split(" ")[0])
# identify tables by their header row
by_header = {tuple(t[0]): t[1:] for t in p.tables}
tt = by_header[("rank", "source", "destination", "records", "packets", "bytes")]
assert [[r[0], r[1], r[2], str(num(r[3])), str(num(r[4])), str(num(r[5]))] for r in tt] == rows("top_talkers.csv")
tr = by_header[("rank", "source", "records", "packets", "bytes")]
assert [[r[0], r[1]] + [str(num(x)) for x in r[2:]] for r in tr] == rows("top_rejected.csv")
tp = by_header[("rank", "protocol", "port", "records", "accepted", "rejected", "packets", "bytes")]
assert [[r[0]] + [str(num(x)) for x in r[1:]] for r in tp] == rows("top_ports.csv")
tot = dict((r[0], num(r[1])) for r in by_header[("measure", "value")])
w = rows("windows.csv")
assert tot["records"] == sum(int(r[2]) for r in w)
assert tot["bytes"] == sum(int(r[9]) for r in w)
assert tot["rejected records"] == sum(int(r[5]) for r in w)
assert tot["interfaces"] == len(rows("interfaces.csv"))
busy = by_header[("window start", "records", "rejected", "packets", "bytes", "interfaces")]
top = sorted(w, key=lambda r: (-int(r[9]), r[0]))[: len(busy)]
assert [[b[0]] + [str(num(x)) for x in b[1:]] for b in busy] == \
    [[r[0], r[2], r[5], r[8], r[9], r[12]] for r in top], (busy, top)
gaps = by_header.get(("interface", "kind", "start", "end", "seconds", "records"), [])
assert [[g[0], g[1], g[2], g[3], str(num(g[4])), str(num(g[5]))] for g in gaps] == \
    rows("gaps.csv")[: len(gaps)], gaps
inp = dict((r[0], num(r[1])) for r in by_header[("what", "count")])
assert inp["records in the period"] == tot["records"]
PY
pass "summary.md renders and matches the CSVs"
