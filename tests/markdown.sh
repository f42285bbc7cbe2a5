#!/bin/sh
# summary.md renders cleanly with real CommonMark renderers (cmark, and
# cmark-gfm for the tables), and its tables hold the numbers of the CSVs.
. "$(dirname "$0")/lib.sh"
command -v cmark >/dev/null 2>&1 || skip "cmark not installed (apt-get install cmark)"
"$PYTHON" -c 'import cmarkgfm' 2>/dev/null || skip "python3-cmarkgfm not installed"

"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/data" --records 3000 --seed 3 --files 8 >/dev/null
# a file name full of Markdown punctuation must come out as plain text
cp "$top_srcdir/tests/data/damaged/"*.log "$TMP/data/odd_*name*_[x]_|pipe|.log"
set +e; "$FLOWREPORT" -q -j 2 -f csv,md -o "$TMP/out" "$TMP/data" 2>"$TMP/out.err"; set -e
cp "$TMP/out.err" "$TMP/out/stderr.txt"

cmark --validate-utf8 "$TMP/out/summary.md" >"$TMP/plain.html" || fail "cmark failed"
"$PYTHON" - "$TMP/out" "$TMP/plain.html" <<'PY' || fail "summary.md does not render as expected"
import csv, sys, re, html, html.parser, cmarkgfm
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
want = ["Sources", "Completeness", "Totals", "Findings", "Coverage", "Problems", "Busiest windows", "Gaps",
        "Top talkers", "Top rejected sources", "Top destination ports", "Inputs"]
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
busy = by_header[("window start (UTC)", "records", "rejected", "packets", "bytes", "interfaces")]
top = sorted(w, key=lambda r: (-int(r[9]), r[0]))[: len(busy)]
assert [[b[0]] + [str(num(x)) for x in b[1:]] for b in busy] == \
    [[r[0], r[2], r[5], r[8], r[9], r[12]] for r in top], (busy, top)
gaps = by_header.get(("interface", "kind", "start (UTC)", "end (UTC)", "seconds", "duration",
                      "records"), [])
assert [[g[0], g[1].split()[0], g[2], g[3], str(num(g[4])), str(num(g[6]))] for g in gaps] == \
    [g[:6] for g in rows("gaps.csv")[: len(gaps)]], gaps
# the audit layer: findings as findings.csv, coverage worst first as
# interfaces.csv, the sentence on the first screen, the outputs' SHA-256
fcsv = list(csv.DictReader(open(out + "/findings.csv")))
ft = by_header.get(("Severity", "Rule", "Interface", "Source", "Destination", "Port",
                    "First seen", "Last seen", "Records", "Bytes", "Detail"), [])
assert len(ft) == min(len(fcsv), 50), (len(ft), len(fcsv))
for got, f in zip(ft, fcsv):
    assert [html.unescape(x) for x in got[:5]] + got[6:10] == [
        f["severity"], f["rule"], f["interface_id"], f["srcaddr"], f["dstaddr"],
        f["first_seen"], f["last_seen"], f["records"], f["bytes"]], (got, f)
    assert html.unescape(got[10]) == f["detail"], (got, f)
    assert got[5] == (f["dstport"] + "/" + {"6": "tcp", "17": "udp"}.get(f["protocol"], "?")
                      if f["dstport"] else ""), (got, f)
sev = {k: sum(f["severity"] == k for f in fcsv) for k in ("high", "medium", "low")}
head = md[:md.index("## Sources")]
if fcsv:
    assert "Findings: **%d high**, %d medium, %d low" % (sev["high"], sev["medium"], sev["low"]) in head, head
else:
    assert "Findings: none." in head, head
ic = list(csv.DictReader(open(out + "/interfaces.csv")))
ct = by_header[("Interface", "Coverage %", "Covered (s)", "NODATA (s)", "SKIPDATA (s)",
                "Silent (s)", "Silent at")]
# worst first: coverage_pct never falls (the C sorts by the unrounded
# share), each row is its interfaces.csv row, no interface left out is worse
byid = {f["interface_id"]: f for f in ic}
shown = [[html.unescape(c[0])] + c[1:6] for c in ct]
assert len(shown) == min(len(ic), 50), len(shown)
for row in shown:
    f = byid[row[0]]
    assert row[1:] == [f["coverage_pct"], f["covered_seconds"], f["nodata_seconds"],
                       f["skipdata_seconds"], f["silent_seconds"]], (row, f)
pcts = [float(r[1] or 0) for r in shown]
assert pcts == sorted(pcts), pcts
rest = [float(f["coverage_pct"] or 0) for f in ic if f["interface_id"] not in {r[0] for r in shown}]
assert not rest or min(rest) >= pcts[-1], (min(rest), pcts[-1])
assert "Logs cover " in head and "% of interface-time" in head, head
assert any(g[1] == "SILENT" for g in rows("gaps.csv")), "no SILENT gap in the test data"
import hashlib, os
for name in ["windows.csv", "interfaces.csv", "gaps.csv", "findings.csv", "top_talkers.csv"]:
    data = open(out + "/" + name, "rb").read()
    line = "- `%s` %d bytes `%s`" % (name, len(data), hashlib.sha256(data).hexdigest())
    assert line in md, line
inp = dict((r[0], num(r[1])) for r in by_header[("what", "count")])
assert inp["records in the period"] == tot["records"]
# the first screen: period, sources, completeness, totals; problems after the totals
assert gfm.index("<h2>Totals</h2>") < gfm.index("<h2>Problems</h2>")
assert "GitHub-flavoured Markdown" in md
# malformed lines by reason: each count equals problems.csv and the stderr examples
err = open(out + "/stderr.txt", encoding="utf-8", errors="replace").read()
ex = {}
for line in err.splitlines():
    m = re.match(r"^.*?:(?:event )?\d+: (.*)$", line)
    if m and not line.startswith("flowreport"):
        ex[m.group(1)] = ex.get(m.group(1), 0) + 1
pr = {r[0]: int(r[1]) for r in rows("problems.csv") if not r[0].startswith("(not kept")}
reasons = {html.unescape(r[0]): num(r[1]) for r in by_header[("reason", "lines", "files", "first examples")]}
reasons.pop("(not kept: beyond the first 10 examples of a file)", None)
assert reasons == pr, (reasons, pr)
assert pr == ex, (pr, ex)
assert sum(pr.values()) == sum(int(r[8]) for r in rows("inputs.csv")), pr
PY
# A downloaded report (xlsx_demo small: two fetched sources, one with a failed
# object): a Fetch section whose table holds fetch.csv and whose sentences
# say which fetch was complete; no Fetch section without remote sources.
[ -z "$(grep -n '^## Fetch' "$TMP/out/summary.md")" ] || fail "a Fetch section in a local run"
if [ -x "${XLSX_DEMO:-}" ]; then
    "$XLSX_DEMO" small "$TMP/demo" || fail "xlsx_demo small failed"
    "$PYTHON" - "$TMP/demo" <<'PY' || fail "the Fetch section does not match fetch.csv"
import csv, re, sys, html, cmarkgfm
out = sys.argv[1]
gfm = cmarkgfm.github_flavored_markdown_to_html(open(out + "/summary.md", encoding="utf-8").read())
sec = gfm[gfm.index("<h2>Fetch</h2>"):gfm.index("<hr")]
rows = [[html.unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in re.findall(r"<tr>(.*?)</tr>", sec, re.S)]
want = list(csv.reader(open(out + "/fetch.csv")))
cols = want[0]
assert rows[0] == ["source", "kind", "requests", "retries", "throttles", "pages", "listed",
                   "read", "failed", "skipped", "events", "bytes"], rows[0]
assert len(rows) == len(want), (rows, want)
def human(n):  # binary units, one decimal
    for u in ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]:
        if n < 1024 or u == "PiB":
            return "%d B" % n if u == "B" else "%.1f %s" % (n, u)
        n /= 1024
for got, w in zip(rows[1:], want[1:]):
    f = dict(zip(cols, w))
    assert got[:2] == [f["source"], f["kind"]], got
    for i, c in enumerate(rows[0][2:11], start=2):
        assert int(got[i].replace(",", "")) == int(f[c]), (c, got[i], f[c])
    assert got[11] == human(int(f["bytes"])), (got[11], f["bytes"])
    item = re.search(r"<li><code>%s</code>: (.*?)</li>" % re.escape(html.escape(f["source"], quote=False)), sec, re.S)
    assert item, f["source"]
    text = html.unescape(item.group(1))
    unit = "slices" if f["kind"] == "cloudwatch-logs" else "objects"
    n = int(f["listed"]) - int(f["skipped"])
    if int(f["failed"]):
        assert text.startswith("%s of %d %s failed" % (f["failed"], n, unit)), text
    else:
        assert text.startswith("all %d %s read" % (n, unit)), text
    if f["error"]:
        assert f["error"] in text, text
incomplete = any(int(dict(zip(cols, w))["failed"]) for w in want[1:])
assert ("The report is incomplete" in sec) == incomplete
PY
fi
pass "summary.md renders and matches the CSVs"
