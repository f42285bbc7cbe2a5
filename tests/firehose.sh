#!/bin/sh
# SPDX-License-Identifier: MIT
# JSON document inputs and underscore field names. A Kinesis Data Firehose
# object (gzip members of CloudWatch Logs subscription documents written back
# to back, a CONTROL_MESSAGE among them), the same object gzipped once more, an
# `aws logs filter-log-events` document, documents cut short, and headers and
# --fields written with underscores (account_id, log_status). Every expected
# number is computed here in python from the same events, never captured.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/in"
"$PYTHON" - "$TMP/in" <<'PY'
import gzip, json, os, random, sys, zlib
d = sys.argv[1]
rng = random.Random(20261130)
T0 = 1795651200  # 2026-11-27T00:00:00Z
expect = {}

def rec_line(i):
    start = T0 + rng.randrange(0, 4 * 3600)
    action = "ACCEPT" if rng.random() < 0.7 else "REJECT"
    pk, by = rng.randint(1, 50), rng.randint(40, 90000)
    eni = "eni-%04x" % rng.randrange(6)
    line = "2 123456789012 %s 10.0.%d.%d 10.1.0.%d %d 443 6 %d %d %d %d %s OK" % (
        eni, i % 250, i % 200 + 1, i % 50 + 1, 1024 + i, pk, by, start, start + 30, action)
    return line, dict(start=start, action=action, packets=pk, bytes=by, eni=eni)

def windows(recs):
    w = {}
    for r in recs:
        k = r["start"] - r["start"] % 3600
        e = w.setdefault(k, dict(records=0, accept=0, reject=0, packets=0, bytes=0, enis=set()))
        e["records"] += 1  # all with log-status OK
        e["accept" if r["action"] == "ACCEPT" else "reject"] += 1
        e["packets"] += r["packets"]
        e["bytes"] += r["bytes"]
        e["enis"].add(r["eni"])
    return {str(k): [v["records"], v["records"], v["accept"], v["reject"], v["packets"], v["bytes"],
                     len(v["enis"])] for k, v in w.items()}

def sub_doc(events, mtype="DATA_MESSAGE"):
    return json.dumps({"messageType": mtype, "owner": "123456789012",
                       "logGroup": "/vpc/flow", "logStream": "eni-0001-all",
                       "subscriptionFilters": ["to-firehose"],
                       "logEvents": [dict(id=str(n), timestamp=T0 * 1000, **e)
                                     for n, e in enumerate(events)]},
                      separators=(",", ":")).encode()

# --- a Firehose object: documents back to back, events numbered across them ---
docs, recs, n_event, bad_events = [], [], 0, []
control = sub_doc([{"message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}],
                  "CONTROL_MESSAGE")
docs.append(control)
for k in range(12):
    evs = []
    for m in range(0 if k == 5 else rng.randint(1, 40)):  # document 5: no events
        n_event += 1
        if k == 3 and m == 2:
            evs.append({"message": "this is not a flow record"})
            bad_events.append(n_event)
        elif k == 8 and m == 0:
            evs.append({"msg": "no message field"})
            bad_events.append(n_event)
        else:
            line, r = rec_line(n_event)
            evs.append({"message": line})
            recs.append(r)
    docs.append(sub_doc(evs))
# gzip members of one to three documents; separators none, newline, blank lines
members, i = [], 0
seps = [b"", b"\n", b"", b"\n\n  ", b""]
while i < len(docs):
    take = docs[i:i + 1 + i % 3]
    text = b""
    for j, doc in enumerate(take):
        text += doc + seps[(i + j) % len(seps)]
    members.append(gzip.compress(text, mtime=0))
    i += len(take)
fh = b"".join(members)
open(os.path.join(d, "fh-object"), "wb").write(fh)
open(os.path.join(d, "fh-double"), "wb").write(gzip.compress(fh, mtime=0))
expect["fh"] = dict(records=len(recs), malformed=len(bad_events), lines=n_event,
                    bad_events=bad_events, windows=windows(recs))

# --- the same object cut in the middle of a gzip member ---
cut = fh[: len(fh) * 3 // 5]
# an independent count: whole documents in the text recovered before the cut
# (raw_decode reads one member's text; the cut lands in some later member)
dec, pos, whole = json.JSONDecoder(), 0, []
recovered = b""
rest = cut
while rest:
    z = zlib.decompressobj(16 + 15)
    try:
        recovered += z.decompress(rest)
    except zlib.error:
        break
    if not z.eof:
        break
    rest = z.unused_data
s = recovered.decode()
while True:
    while pos < len(s) and s[pos] in " \n":
        pos += 1
    try:
        obj, pos = dec.raw_decode(s, pos)
    except ValueError:
        break
    whole.append(obj)
good = sum(1 for o in whole if o["messageType"] == "DATA_MESSAGE"
           for e in o["logEvents"] if e.get("message", "").startswith("2 "))
# events are streamed: those of the cut document that end before the cut
# are whole lines and kept too (SEMANTICS.md, Lines: JSON)
k = s.find('"logEvents":[', pos)
if k >= 0 and '"messageType":"DATA_MESSAGE"' in s[pos:k]:
    p = k + len('"logEvents":[')
    while True:
        try:
            ev, p = dec.raw_decode(s, p)
        except ValueError:
            break
        good += ev.get("message", "").startswith("2 ")
        if s[p:p + 1] != ",":
            break
        p += 1
open(os.path.join(d, "fh-cut"), "wb").write(cut)
expect["cut"] = dict(records=good)

# --- plain text: three documents, the third cut off ---
d1 = sub_doc([{"message": rec_line(1)[0]}, {"message": rec_line(2)[0]}])
d2 = sub_doc([{"message": rec_line(3)[0]}])
d3 = sub_doc([{"message": rec_line(4)[0]}, {"message": rec_line(5)[0]}])
open(os.path.join(d, "doc-cut.json"), "wb").write(d1 + d2 + d3[: len(d3) // 2])
expect["doccut"] = dict(records=3)

# --- aws logs filter-log-events output, pretty-printed ---
evs, frecs = [], []
for n in range(30):
    if n == 17:
        evs.append({"logStreamName": "eni-0001-all", "timestamp": T0 * 1000,
                    "message": "2 bad record", "ingestionTime": T0 * 1000, "eventId": "x"})
        continue
    line, r = rec_line(n)
    frecs.append(r)
    evs.append({"logStreamName": "eni-0001-all", "timestamp": r["start"] * 1000,
                "message": line, "ingestionTime": r["start"] * 1000, "eventId": str(n)})
open(os.path.join(d, "filter.json"), "w").write(
    json.dumps({"events": evs, "searchedLogStreams": [], "nextToken": "abc"}, indent=4) + "\n")
expect["filter"] = dict(records=len(frecs), windows=windows(frecs), bad_event=18)

# --- underscore names: a header, a ${...} header, and --fields ---
names = ("account_id version interface_id srcaddr dstaddr srcport dstport protocol "
         "bytes packets start end action log_status vpc_id flow_direction tcp_flags").split()
urecs, body = [], ""
for n in range(40):
    line, r = rec_line(n)
    t = line.split(" ")
    t[0], t[1] = t[1], t[0]  # a header that starts with an underscore name
    t[8], t[9] = t[9], t[8]  # bytes before packets: a wrong map swaps the totals
    body += " ".join(t) + " vpc-0abc %s 2\n" % ("ingress" if n % 2 else "egress")
    urecs.append(r)
open(os.path.join(d, "header_us.log"), "w").write(" ".join(names) + "\n" + body)
open(os.path.join(d, "header_dollar.log"), "w").write(
    " ".join("${%s}" % x for x in names) + "\n" + body)
open(os.path.join(d, "noheader.log"), "w").write(body)
expect["us"] = dict(records=len(urecs), windows=windows(urecs), fields=" ".join(names))
json.dump(expect, open(os.path.join(d, "expect.json"), "w"))
PY

# check DIR NAME KEY [damaged]: compares summary.md and windows.csv of a run
# with the expectations under KEY.
check() {
    "$PYTHON" - "$1" "$TMP/in/expect.json" "$2" "$3" "${4:-0}" <<'PY' || fail "$2"
import csv, json, re, sys
out, exp, name, key, damaged = sys.argv[1], json.load(open(sys.argv[2]))[sys.argv[4]], \
    sys.argv[3], sys.argv[4], int(sys.argv[5])
md = open(out + "/summary.md").read()
def row(label):
    m = re.search(r"^\| %s \| ([0-9,]+) \|" % re.escape(label), md, re.M)
    if not m:
        sys.exit("%s: no '%s' row in summary.md" % (name, label))
    return int(m.group(1).replace(",", ""))
probs = []
def eq(what, got, want):
    if got != want:
        probs.append("%s: %s is %r, want %r" % (name, what, got, want))
eq("records", row("records in the period"), exp["records"])
if "malformed" in exp:
    eq("malformed lines", row("malformed lines"), exp["malformed"])
if "lines" in exp:
    eq("lines", row("lines"), exp["lines"])
eq("damaged files", row("files damaged, unreadable or unsupported"), damaged)
if "windows" in exp:
    got = {}
    for r in csv.DictReader(open(out + "/windows.csv")):
        if int(r["records"]) == 0:
            continue
        import calendar, time
        k = calendar.timegm(time.strptime(r["window_start"], "%Y-%m-%dT%H:%M:%SZ"))
        got[str(k)] = [int(r[c]) for c in ("records", "ok_records", "accept_records", "reject_records",
                                            "packets", "bytes", "interfaces")]
    eq("windows", got, exp["windows"])
if probs:
    sys.exit("\n".join(probs))
PY
}

run() { # run OUTDIR ARGS...: flowreport must write a report (exit 0 or 1)
    _out=$1; shift
    set +e; "$FLOWREPORT" -j 2 -f csv,md --window 1h -o "$_out" "$@" 2>"$_out.err"; _rc=$?; set -e
    [ "$_rc" -le 1 ] || fail "exit $_rc: $* : $(cat "$_out.err")"
    ! grep -q "Sanitizer\|runtime error" "$_out.err" || fail "sanitizer report: $*: $(cat "$_out.err")"
}

# --- Firehose object and gzip of gzip ---
for f in fh-object fh-double; do
    run "$TMP/$f" "$TMP/in/$f"
    check "$TMP/$f" "$f" fh
    # stderr names every kept malformed event (summary.md groups them by
    # reason with a few examples); problems.csv counts every one of them
    bad=$("$PYTHON" -c 'import json,sys; print(*json.load(open(sys.argv[1]))["fh"]["bad_events"])' "$TMP/in/expect.json")
    for n in $bad; do
        grep -q "/$f:event $n: " "$TMP/$f.err" ||
            fail "$f: malformed event $n not named on stderr: $(grep ':event' "$TMP/$f.err")"
    done
    got=$("$PYTHON" -c 'import csv,sys; print(sum(int(r["malformed_lines"]) for r in csv.DictReader(open(sys.argv[1]))))' "$TMP/$f/problems.csv")
    [ "$got" -eq "$(echo $bad | wc -w)" ] || fail "$f: problems.csv counts $got malformed lines, want $(echo $bad | wc -w)"
done
# one thread and many give the same report
run "$TMP/fh-j1" "$TMP/in/fh-object" -j 1
cmp "$TMP/fh-j1/windows.csv" "$TMP/fh-object/windows.csv" || fail "-j1 and -j2 differ"

# --- cut objects: the damage is reported, earlier documents are kept ---
run "$TMP/fh-cut" "$TMP/in/fh-cut"
check "$TMP/fh-cut" fh-cut cut 1
grep -q "damaged gzip data" "$TMP/fh-cut.err" || fail "fh-cut: damage not reported: $(cat "$TMP/fh-cut.err")"
run "$TMP/doc-cut" "$TMP/in/doc-cut.json"
check "$TMP/doc-cut" doc-cut doccut 1
grep -q "JSON document 3 .*cut off" "$TMP/doc-cut.err" ||
    fail "doc-cut: cut document not named: $(cat "$TMP/doc-cut.err")"

# --- aws logs filter-log-events output ---
run "$TMP/filter" "$TMP/in/filter.json"
check "$TMP/filter" filter filter
grep -q "filter.json:event 18: " "$TMP/filter.err" || fail "filter: event 18 not named on stderr"

# --- underscore names in a header, a \${...} header and --fields ---
run "$TMP/us" "$TMP/in/header_us.log"
check "$TMP/us" header_us us
run "$TMP/usd" "$TMP/in/header_dollar.log"
check "$TMP/usd" header_dollar us
fields=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["us"]["fields"])' "$TMP/in/expect.json")
run "$TMP/usf" --fields "$fields" "$TMP/in/noheader.log"
check "$TMP/usf" fields_us us
grep -q "unknown" "$TMP/us.err" "$TMP/usf.err" && fail "underscore names reported as unknown"
pass "Firehose objects, JSON documents and underscore field names"
