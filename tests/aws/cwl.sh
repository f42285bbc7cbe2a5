#!/bin/sh
# CloudWatch Logs source against the mock: a log group of four ENI streams
# over a day, read slice by slice with FilterLogEvents (small pages, empty
# pages with tokens, a record exactly on a slice boundary). The reports must
# equal flowreport's on local files holding the same messages, and the
# traffic numbers an independent python computation from the same events.
. "$(dirname "$0")/../lib.sh"
. "$top_srcdir/tests/aws/lib.sh"

"$FLOWREPORT" --help | grep -q -- '--log-group' || skip "flowreport has no --log-group yet"

GROUP=vpc/flow-logs
SINCE=2025-11-29T00:00:00Z
UNTIL=2025-11-30T00:00:00Z
ENI1=eni-0a1b2c3d4e5f60711
CSVS="windows.csv interfaces.csv top_talkers.csv top_rejected.csv top_ports.csv gaps.csv"

# The mock's data (DATA/logs/<group>/<stream>.jsonl) and, for the local
# runs, the messages of the period: all.txt and, per stream, STREAM.txt.
"$PYTHON" - "$TMP" <<'EOF'
import json, os, random, sys, urllib.parse
tmp = sys.argv[1]
random.seed(7)
t0 = 1764374400  # 2025-11-29T00:00:00Z
enis = ["eni-0a1b2c3d4e5f6071%d" % i for i in range(4)]
streams = {e + "-all": [] for e in enis}
def rec(eni, start, src, dst, sport, dport, pkts, nbytes, action):
    return "2 123456789012 %s %s %s %d %d 6 %d %d %d %d %s OK" % (
        eni, src, dst, sport, dport, pkts, nbytes, start, start + 60, action)
for i in range(1200):
    eni = random.choice(enis)
    start = random.randrange(t0, t0 + 86400)
    streams[eni + "-all"].append((start * 1000, rec(
        eni, start, "10.0.%d.%d" % (random.randrange(3), random.randrange(40)),
        "10.1.0.%d" % random.randrange(9), random.randrange(1024, 65535),
        random.choice([22, 443, 3389, 5432]), random.randrange(1, 50),
        random.randrange(40, 90000), random.choice(["ACCEPT", "REJECT"]))))
# exactly on slice boundaries (one hour, and a five-minute one), and on
# both ends of the period: the record at --until is outside it
for eni, start in ((enis[1], t0 + 3600), (enis[2], t0 + 7200), (enis[0], t0 + 300),
                   (enis[3], t0), (enis[3], t0 + 86399), (enis[1], t0 + 86400),
                   (enis[2], t0 - 1)):
    streams[eni + "-all"].append((start * 1000, rec(
        eni, start, "10.9.9.9", "10.1.0.1", 1234, 443, 1, 77, "ACCEPT")))
g = os.path.join(tmp, "data", "logs", urllib.parse.quote("vpc/flow-logs", safe=""))
os.makedirs(g)
inside = []
for s, evs in streams.items():
    evs.sort()
    with open(os.path.join(g, urllib.parse.quote(s, safe="") + ".jsonl"), "w") as f:
        for ts, m in evs:
            f.write(json.dumps({"timestamp": ts, "message": m}) + "\n")
    mine = [(ts, m) for ts, m in evs if t0 * 1000 <= ts < (t0 + 86400) * 1000]
    with open(os.path.join(tmp, s + ".txt"), "w") as f:
        f.writelines(m + "\n" for ts, m in mine)
    inside += mine
with open(os.path.join(tmp, "all.txt"), "w") as f:
    f.writelines(m + "\n" for ts, m in sorted(inside))
with open(os.path.join(tmp, "expected_events"), "w") as f:
    f.write("%d\n" % len(inside))
EOF
# A second group whose messages and stream names are awkward JSON strings:
# quotes, backslashes, slashes, line breaks, control and non-ASCII
# characters (the mock escapes them, astral ones as surrogate pairs).
"$PYTHON" - "$TMP" <<'EOF'
import json, os, random, sys, urllib.parse
tmp = sys.argv[1]
random.seed(11)
t0 = 1764374400000
alphabet = ['"', '\\', '/', '\n', '\r', '\t', '\x01', '\x1f', '\u00e9', '\u2028', '\u4e2d',
            '\U0001F600', '\U0010FFFF', '\ud7ff', '\ue000', 'a', ' ', '{', '}', '[', ']', ':', ',']
g = os.path.join(tmp, "data", "logs", urllib.parse.quote("vpc/odd", safe=""))
os.makedirs(g)
for s in ("eni-odd-1", "str\u00e9am \"q\"", "back\\slash"):
    with open(os.path.join(g, urllib.parse.quote(s, safe="") + ".jsonl"), "w") as f:
        for i in range(300):
            m = "".join(random.choice(alphabet) for _ in range(random.randrange(0, 60)))
            f.write(json.dumps({"timestamp": t0 + i * 1000 + random.randrange(1000),
                                "message": m}) + "\n")
EOF
mkdir -p "$TMP/data/s3"
mock_start "$TMP/data" --logs-page-size 15 --logs-empty-every 4

# same_csvs DIR1 DIR2: the report CSVs are identical.
same_csvs() {
    for _f in $CSVS; do
        [ -f "$1/$_f" ] || fail "$1/$_f missing"
        diff -u "$1/$_f" "$2/$_f" >&2 || fail "$1/$_f differs from $2/$_f"
    done
}

# check_traffic DIR TEXTFILE: windows.csv and interfaces.csv against sums
# computed by python from the messages in TEXTFILE.
check_traffic() {
    "$PYTHON" - "$1" "$2" <<'EOF' || fail "traffic of $1 does not match $2"
import csv, sys, time
out, txt = sys.argv[1], sys.argv[2]
win, eni = {}, {}
for line in open(txt):
    f = line.split()
    start, nbytes = int(f[10]), int(f[9])
    w = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start - start % 3600))
    for d, k in ((win, w), (eni, f[2])):
        r = d.setdefault(k, [0, 0, 0, 0])
        r[0] += 1
        r[1] += nbytes
        r[2 if f[12] == "ACCEPT" else 3] += 1
got_w = {r["window_start"]: [int(r["records"]), int(r["bytes"]), int(r["accept_records"]),
                            int(r["reject_records"])]
         for r in csv.DictReader(open(out + "/windows.csv")) if int(r["records"])}
got_e = {r["interface_id"]: [int(r["records"]), int(r["bytes"]), int(r["accept_records"]),
                            int(r["reject_records"])]
         for r in csv.DictReader(open(out + "/interfaces.csv"))}
ok = got_w == win and got_e == eni
if not ok:
    print("windows want", sorted(win.items()), "got", sorted(got_w.items()), file=sys.stderr)
    print("interfaces want", eni, "got", got_e, file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}

FR_COMMON="--since $SINCE --until $UNTIL -f csv -q"

# 1. the whole group, 4 connections, against local files and python
"$FLOWREPORT" $FR_COMMON -o "$TMP/local" "$TMP/all.txt" || fail "local run failed"
check_traffic "$TMP/local" "$TMP/all.txt"
mock_log_reset
"$FLOWREPORT" $FR_COMMON --log-group $GROUP --connections 4 --rate 1000 -o "$TMP/c4" ||
    fail "log group run failed"
same_csvs "$TMP/local" "$TMP/c4"
check_traffic "$TMP/c4" "$TMP/all.txt"
# every event served once, paging went through empty pages, every request
# asked for one slice [start, end - 1 ms] with the group's name
want=$(cat "$TMP/expected_events")
"$PYTHON" - "$MOCK_LOG" "$want" <<'EOF' || fail "FilterLogEvents requests are wrong"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
fle = [e for e in log if e.get("op") == "FilterLogEvents"]
bad = [e for e in fle if e.get("status") != 200]
events = sum(e.get("events", 0) for e in fle)
empty_with_token = sum(1 for e in fle if e.get("events") == 0 and e.get("next_token"))
slices = {(e["req"]["startTime"], e["req"]["endTime"]) for e in fle}
errs = []
if bad: errs.append("%d failed requests" % len(bad))
if events != int(sys.argv[2]): errs.append("served %d events, want %s" % (events, sys.argv[2]))
if not empty_with_token: errs.append("no empty page with a token was seen")
for s, e in slices:
    if (e + 1 - s) % 300000 or e + 1 <= s: errs.append("slice %d..%d" % (s, e))
if min(s for s, e in slices) != 1764374400000 or max(e for s, e in slices) != 1764460799999:
    errs.append("slices do not cover the period")
if any(e["req"].get("logGroupName") != "vpc/flow-logs" or e["req"].get("limit") != 10000
       for e in fle):
    errs.append("group name or limit")
if len(fle) < 100: errs.append("only %d requests: pages not small?" % len(fle))
print("\n".join(errs), file=sys.stderr)
sys.exit(1 if errs else 0)
EOF

# 2. one connection gives the same report
"$FLOWREPORT" $FR_COMMON --log-group $GROUP --connections 1 --rate 1000 -o "$TMP/c1" ||
    fail "--connections 1 run failed"
same_csvs "$TMP/c4" "$TMP/c1"

# 3. --log-stream-prefix narrows to one ENI
"$FLOWREPORT" $FR_COMMON -o "$TMP/local1" "$TMP/$ENI1-all.txt" || fail "local ENI run failed"
"$FLOWREPORT" $FR_COMMON --log-group $GROUP --log-stream-prefix $ENI1 --rate 1000 \
    -o "$TMP/p1" || fail "--log-stream-prefix run failed"
same_csvs "$TMP/local1" "$TMP/p1"
check_traffic "$TMP/p1" "$TMP/$ENI1-all.txt"
[ "$(wc -l <"$TMP/p1/interfaces.csv")" -eq 2 ] || fail "prefix run saw other ENIs"

# 4. a group ARN as an INPUT
mock_log_reset
"$FLOWREPORT" $FR_COMMON --rate 1000 -o "$TMP/arn" \
    "arn:aws:logs:us-east-1:123456789012:log-group:$GROUP:*" || fail "ARN run failed"
same_csvs "$TMP/local" "$TMP/arn"
[ "$(mock_count 'e.get("op")=="FilterLogEvents" and e["req"].get("logGroupIdentifier")=="arn:aws:logs:us-east-1:123456789012:log-group:vpc/flow-logs" and "logGroupName" not in e["req"]')" -gt 0 ] ||
    fail "the ARN was not sent as logGroupIdentifier without :*"

# 5. an unknown group: exit 1, named in the messages
set +e
"$FLOWREPORT" $FR_COMMON --log-group no/such-group --rate 1000 -o "$TMP/nf" 2>"$TMP/nf.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$TMP/nf.err" >&2; fail "unknown group: exit $rc, want 1"; }
grep -q 'no/such-group' "$TMP/nf.err" || { cat "$TMP/nf.err" >&2; fail "unknown group not named"; }
grep -qi 'not found' "$TMP/nf.err" || { cat "$TMP/nf.err" >&2; fail "no 'not found' message"; }

# 6. --save-raw then an offline run on the directory
"$FLOWREPORT" $FR_COMMON --log-group $GROUP --rate 1000 --save-raw "$TMP/raw" -o "$TMP/sr" ||
    fail "--save-raw run failed"
same_csvs "$TMP/local" "$TMP/sr"
"$FLOWREPORT" $FR_COMMON -o "$TMP/offline" "$TMP/raw" || fail "offline run on --save-raw failed"
same_csvs "$TMP/local" "$TMP/offline"
"$PYTHON" - "$TMP/raw" "$TMP/data/logs/vpc%2Fflow-logs" <<'EOF' || fail "--save-raw files are wrong"
import glob, gzip, json, os, sys, time, urllib.parse
raw, data = sys.argv[1], sys.argv[2]
t0, t1 = 1764374400000, 1764460800000
want = {}
for f in glob.glob(data + "/*.jsonl"):
    s = urllib.parse.unquote(os.path.basename(f)[:-6])
    for line in open(f):
        e = json.loads(line)
        ts = e["timestamp"]
        if t0 <= ts < t1:
            iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts // 1000)) + ".%03dZ" % (ts % 1000)
            want.setdefault(s, []).append(iso + " " + e["message"] + "\n")
got = {}
files = glob.glob(raw + "/logs/*/*/*")
for f in files:
    assert f.endswith(".log.gz") and not os.path.basename(f).startswith("."), f
    s = os.path.basename(f)[:-7]
    got.setdefault(s, []).extend(gzip.open(f, "rt").readlines())
ok = {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in want.items()}
print(len(files), "files", file=sys.stderr) if not ok else None
sys.exit(0 if ok else 1)
EOF

# 7. -v reports requests/s and events/s for the group
"$FLOWREPORT" --since $SINCE --until $UNTIL -f csv -v --log-group $GROUP --rate 1000 \
    -o "$TMP/v" 2>"$TMP/v.err" >/dev/null || fail "-v run failed"
grep "logs:$GROUP" "$TMP/v.err" | grep 'requests (' | grep -q "events (" ||
    { cat "$TMP/v.err" >&2; fail "-v does not report the group's request and event rates"; }

# 8. throttling, 5xx and bodies cut short while paging: retried pages are
#    put once, so the report still equals the local one
mock_faults '[{"id": "t", "fault": "throttle", "match": {"op": "FilterLogEvents"}, "skip": 5, "count": 3},
  {"id": "c", "fault": "truncate", "match": {"op": "FilterLogEvents"}, "skip": 20, "count": 2},
  {"id": "u", "fault": "unavailable", "match": {"op": "FilterLogEvents"}, "skip": 40, "count": 2}]'
"$FLOWREPORT" $FR_COMMON --log-group $GROUP --rate 1000 -o "$TMP/faults" ||
    fail "run with transient faults failed"
same_csvs "$TMP/local" "$TMP/faults"
[ "$(mock_count 'e.get("fault") in ("throttle", "truncate", "unavailable")')" -eq 7 ] ||
    fail "the faults did not all fire"

# 9. a slice that keeps failing: exit 1, the slice named, the others read
mock_faults '[{"id": "p", "fault": "unavailable", "match": {"op": "FilterLogEvents"}, "count": 2}]'
set +e
"$FLOWREPORT" $FR_COMMON --log-group $GROUP --rate 1000 --connections 1 --max-attempts 2 \
    -o "$TMP/perm" 2>"$TMP/perm.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$TMP/perm.err" >&2; fail "failing slice: exit $rc, want 1"; }
grep -q "logs:$GROUP@2025-11-29T00:00:00Z" "$TMP/perm.err" ||
    { cat "$TMP/perm.err" >&2; fail "the failed slice is not named"; }
[ "$(sed -n 2p "$TMP/perm/windows.csv" | cut -d, -f3)" = 0 ] || fail "failed slice counted"
# (the traffic columns: coverage depends on which records were seen at all)
[ "$(sed -n 3p "$TMP/perm/windows.csv" | cut -d, -f1-13)" = "$(sed -n 3p "$TMP/local/windows.csv" | cut -d, -f1-13)" ] ||
    fail "the slices after the failed one were not read"

# 10. access denied stops the run: exit 3
mock_faults '[{"id": "d", "fault": "access_denied", "match": {"op": "FilterLogEvents"}, "count": -1}]'
set +e
"$FLOWREPORT" $FR_COMMON --log-group $GROUP --rate 1000 -o "$TMP/denied" 2>"$TMP/denied.err"
rc=$?
set -e
[ "$rc" -eq 3 ] || { cat "$TMP/denied.err" >&2; fail "access denied: exit $rc, want 3"; }
mock_faults '[]'

# 11. awkward messages: unescaped exactly (line breaks as spaces) into
#     the --save-raw files, one per stream; python's json is the reference
#     (the messages are not flow records: exit 1 for malformed lines; a
#     failed slice would leave its streams' files out)
set +e
"$FLOWREPORT" $FR_COMMON --log-group vpc/odd --rate 1000 --save-raw "$TMP/oddraw" \
    -o "$TMP/odd" 2>"$TMP/odd.err"
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q 'malformed lines not shown' "$TMP/odd.err" &&
    ! grep -q 'FilterLogEvents' "$TMP/odd.err" ||
    { cat "$TMP/odd.err" >&2; fail "awkward group run: exit $rc"; }
"$PYTHON" - "$TMP/oddraw" "$TMP/data/logs/vpc%2Fodd" <<'EOF' || fail "awkward messages were not read back exactly"
import glob, gzip, json, sys, time
raw, data = sys.argv[1], sys.argv[2]
want = []
for f in glob.glob(data + "/*.jsonl"):
    for line in open(f, encoding="utf-8"):
        e = json.loads(line)
        ts, m = e["timestamp"], e["message"].replace("\n", " ").replace("\r", " ")
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts // 1000)) + ".%03dZ" % (ts % 1000)
        want.append((iso + " " + m).encode("utf-8"))
got = []
files = glob.glob(raw + "/logs/*/*/*.log.gz")
for f in files:
    got += gzip.open(f).read().split(b"\n")[:-1]
ok = sorted(got) == sorted(want) and len(files) == 3 and len(want) == 900
if not ok:
    print("%d files, %d lines; want 3 files, %d lines" % (len(files), len(got), len(want)),
          file=sys.stderr)
    print("missing:", sorted(set(want) - set(got))[:3], file=sys.stderr)
    print("unexpected:", sorted(set(got) - set(want))[:3], file=sys.stderr)
sys.exit(0 if ok else 1)
EOF

pass "cloudwatch logs source"
