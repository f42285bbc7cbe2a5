#!/bin/sh
# SPDX-License-Identifier: MIT
# s3:// inputs against the mock S3: objects in the classic and Hive layouts,
# daily and hourly, over several days and many list pages. The report must
# read exactly the objects whose name-time can hold records of the period
# (computed here in python, with the margin documented in src/source_s3.c),
# count the records python counts, equal a run on local copies, not depend
# on --connections, survive a reset mid-body (resumed by Range), report
# Parquet as unsupported, and --save-raw must keep the bytes unchanged.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/aws/lib.sh"

"$FLOWREPORT" --help | grep -q 's3://' ||
    skip "flowreport does not read s3:// yet (downloader not built in)"

SINCE=2024-03-10T18:00:00Z
UNTIL=2024-03-11T02:00:00Z
D="$TMP/data"
BIG=20240310T2020Z # the name-time of the large object (reset test)

# ---- the objects ----
"$PYTHON" - "$D" "$BIG" "$SINCE" "$UNTIL" <<'EOF' || fail "generating objects"
import calendar, gzip, os, random, sys, time
root, big = sys.argv[1], sys.argv[2]
iso = lambda s: calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))
S, U = iso(sys.argv[3]), iso(sys.argv[4])
rnd = random.Random(20240310)
B = os.path.join(root, "s3", "flow-bucket")
HDR = ("version account-id interface-id srcaddr dstaddr srcport dstport "
       "protocol packets bytes start end action log-status\n")

def body(t, n):
    out = [HDR]
    for _ in range(n):
        start = t - rnd.randint(0, 540)  # a record ends in the file's window
        out.append("2 123456789012 eni-%04x 10.0.%d.%d 10.1.0.%d %d 443 6 %d %d %d %d %s OK\n" % (
            rnd.randint(0, 5), rnd.randint(0, 3), rnd.randint(1, 200), rnd.randint(1, 9),
            rnd.randint(1024, 65000), rnd.randint(1, 50), rnd.randint(40, 90000),
            start, start + rnd.randint(0, 60), rnd.choice(["ACCEPT", "REJECT"])))
    return "".join(out).encode()

def put(key, data):
    p = os.path.join(B, key)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)

def gz(b):
    return gzip.compress(b, mtime=0)

A, H = "123456789012", "210987654321"
t0 = calendar.timegm((2024, 3, 9, 0, 5, 0))
times = list(range(t0, t0 + 3 * 86400, 50 * 60))
# at the edges of the kept names [since - 15 min, until + 1 h)
edges = [S - 20 * 60, S - 15 * 60, U + 55 * 60, U + 60 * 60]
for t in times + edges:
    g = time.gmtime(t)
    ymd = time.strftime("%Y/%m/%d", g)
    hive = time.strftime("year=%Y/month=%m/day=%d", g)
    stamp = time.strftime("%Y%m%dT%H%MZ", g)
    dirs = [
        ("AWSLogs/%s/vpcflowlogs/us-east-1/%s/" % (A, ymd), A, "us-east-1"),
        ("AWSLogs/%s/vpcflowlogs/eu-west-1/%s/%02d/" % (A, ymd, g.tm_hour), A, "eu-west-1"),
        ("AWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/aws-region=us-east-1/%s/"
         % (H, hive), H, "us-east-1"),
        ("AWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/aws-region=ap-south-1/%s/hour=%02d/"
         % (H, hive, g.tm_hour), H, "ap-south-1"),
    ]
    for i, (d, acct, region) in enumerate(dirs):
        if t not in edges and (t // 60 + i) % 3 == 0:
            continue
        name = "%s_vpcflowlogs_%s_fl-%08x_%s_%08x.log.gz" % (
            acct, region, 0xabc0 + i, stamp, rnd.getrandbits(32))
        put(d + name, gz(body(t, rnd.randint(1, 25))))
# a large object (several hundred KB of gzip) for the reset test
t = calendar.timegm(time.strptime(big, "%Y%m%dT%H%MZ"))
put("AWSLogs/%s/vpcflowlogs/us-east-1/2024/03/10/%s_vpcflowlogs_us-east-1_fl-0000beef_%s_0000b16b.log.gz"
    % (A, A, big), gz(body(t, 6000)))
# another service's logs under the account: never listed
put("AWSLogs/%s/CloudTrail/us-east-1/2024/03/10/%s_CloudTrail_us-east-1_20240310T1200Z_x.json.gz"
    % (A, A), gz(b'{"Records": []}\n'))
# no time in the name, in a day of the period: kept; '+', ' ' and '=' in it
put("AWSLogs/%s/vpcflowlogs/us-east-1/2024/03/10/extra+copy =1&2.log.gz" % A,
    gz(body(calendar.timegm((2024, 3, 10, 20, 0, 0)), 5)))
# Parquet: by name, and by its magic under a .log.gz name
put("AWSLogs/%s/vpcflowlogs/us-east-1/2024/03/10/%s_vpcflowlogs_us-east-1_fl-00000009_20240310T2100Z_0000cafe.log.parquet"
    % (A, A), b"PAR1" + bytes(64) + b"PAR1")
put("AWSLogs/%s/vpcflowlogs/us-east-1/2024/03/10/%s_vpcflowlogs_us-east-1_fl-00000009_20240310T2105Z_0000cafe.log.gz"
    % (A, A), b"PAR1" + bytes(64) + b"PAR1")
EOF

# ---- what must be read, computed independently ----
"$PYTHON" - "$D" "$SINCE" "$UNTIL" "$TMP/expect" <<'EOF' || fail "expected set"
import calendar, gzip, hashlib, json, os, re, sys, time
root, since, until, out = sys.argv[1:5]
iso = lambda s: calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))
S, U = iso(since), iso(until)
B = os.path.join(root, "s3", "flow-bucket")
objs, records = {}, 0
for dp, _, fs in os.walk(B):
    for f in fs:
        key = os.path.relpath(os.path.join(dp, f), B)
        seg = key.split("/")
        if seg[0] == "AWSLogs" and "vpcflowlogs" not in seg[2]:
            continue  # another service
        m = re.search(r"_(\d{8}T\d{4}Z)_", f)
        if m:
            t = calendar.timegm(time.strptime(m.group(1), "%Y%m%dT%H%MZ"))
            if not (S - 15 * 60 <= t < U + 3600):
                continue
        data = open(os.path.join(dp, f), "rb").read()
        e = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if f.endswith(".parquet") or data[:4] == b"PAR1":
            e["parquet"] = True
        else:
            text = gzip.decompress(data).decode()
            lines = text.splitlines()
            e["lines"] = len(lines)
            for l in lines:
                w = l.split()
                if w[0] != "version" and S <= int(w[10]) < U:
                    records += 1
        objs["s3://flow-bucket/" + key] = e
json.dump({"objects": objs, "records": records}, open(out, "w"), indent=1, sort_keys=True)
print("expect: %d objects, %d records in the period" % (len(objs), records))
EOF

mock_start "$D"
CSVS="windows interfaces gaps top_talkers top_rejected top_ports"

# run NAME WANT_EXIT ARGS...: one flowreport run over the period.
run() {
    _n=$1 _want=$2
    shift 2
    set +e
    "$FLOWREPORT" --since "$SINCE" --until "$UNTIL" -f csv,md -j2 "$@" \
        -o "$TMP/r-$_n" >"$TMP/r-$_n.out" 2>"$TMP/r-$_n.err"
    _rc=$?
    set -e
    [ "$_rc" -eq "$_want" ] || {
        cat "$TMP/r-$_n.err" >&2
        fail "$_n: exit $_rc, expected $_want"
    }
}

# same A B FILES...: the named CSVs of two runs are byte-identical.
same() {
    _a=$1 _b=$2
    shift 2
    for _c in "$@"; do
        cmp -s "$TMP/r-$_a/$_c.csv" "$TMP/r-$_b/$_c.csv" || {
            diff -u "$TMP/r-$_a/$_c.csv" "$TMP/r-$_b/$_c.csv" | head -20 >&2
            fail "$_c.csv differs between $_a and $_b"
        }
    done
}

# ---- the report from S3 ----
run c1 1 --connections 1 s3://flow-bucket/
"$PYTHON" - "$TMP/expect" "$TMP/r-c1" "$MOCK_LOG" <<'EOF' || fail "s3 report vs python"
import csv, json, sys
exp = json.load(open(sys.argv[1]))
d, log = sys.argv[2], sys.argv[3]
rows = {r["path"]: r for r in csv.DictReader(open(d + "/inputs.csv"))}
want = exp["objects"]
if set(rows) != set(want):
    sys.exit("inputs differ: missing %s, extra %s" % (sorted(set(want) - set(rows))[:3],
                                                      sorted(set(rows) - set(want))[:3]))
for p, e in want.items():
    r = rows[p]
    if e.get("parquet"):
        if "unsupported format: Parquet" not in r["error"]:
            sys.exit("%s: not reported as Parquet: %r" % (p, r["error"]))
        continue
    if r["status"] != "OK" or int(r["size"]) != e["size"] or r["sha256"] != e["sha256"] \
            or int(r["lines"]) != e["lines"]:
        sys.exit("%s: %r, expected %r" % (p, r, e))
got = sum(int(r["records"]) for r in csv.DictReader(open(d + "/windows.csv")))
if got != exp["records"]:
    sys.exit("records %d, python counts %d" % (got, exp["records"]))
f = list(csv.DictReader(open(d + "/fetch.csv")))
readable = sum(1 for e in want.values() if not e.get("parquet"))
if len(f) != 1 or f[0]["kind"] != "s3" or int(f[0]["read"]) != readable or \
        int(f[0]["failed"]) != 0 or int(f[0]["skipped"]) < 3 or \
        int(f[0]["listed"]) <= len(want) or int(f[0]["pages"]) < 10:
    sys.exit("fetch.csv: %r (readable %d)" % (f, readable))
# narrowing: nothing outside the flow-log tree was listed, nothing
# outside the expected set was fetched, and the pages were followed
lists = gets = tokens = 0
for line in open(log):
    e = json.loads(line)
    if e["op"] == "ListObjectsV2":
        lists += 1
        if "CloudTrail" in e["query"]:
            sys.exit("listed another service: %s" % e["query"])
        tokens += "continuation-token=" in e["query"]
    elif e["op"] == "GetObject":
        gets += 1
        if "s3://flow-bucket/" + e["key"] not in want:
            sys.exit("fetched %s" % e["key"])
if tokens < 5:
    sys.exit("only %d continued list pages" % tokens)
print("s3: %d inputs, %d records, %d lists (%d continued), %d gets" %
      (len(rows), got, lists, tokens, gets))
EOF
grep -q "unsupported format: Parquet" "$TMP/r-c1/summary.md" ||
    fail "summary.md does not name the Parquet objects"

run c8 1 --connections 8 s3://flow-bucket/
same c1 c8 $CSVS inputs fetch

# ---- the same objects as local files ----
"$PYTHON" - "$TMP/expect" "$D/s3/flow-bucket" "$TMP/local" <<'EOF' || fail "local copies"
import json, os, shutil, sys
exp = json.load(open(sys.argv[1]))
for p, e in exp["objects"].items():
    if e.get("parquet"):
        continue
    key = p[len("s3://flow-bucket/"):]
    dst = os.path.join(sys.argv[3], key)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(os.path.join(sys.argv[2], key), dst)
EOF
run local 0 "$TMP/local"
same c1 local $CSVS

# ---- --save-raw, then offline ----
run save 1 --save-raw "$TMP/raw" s3://flow-bucket/
same c1 save $CSVS inputs
"$PYTHON" - "$TMP/expect" "$D/s3/flow-bucket" "$TMP/raw" <<'EOF' || fail "saved objects"
import json, os, sys
exp = json.load(open(sys.argv[1]))
want = {p[len("s3://flow-bucket/"):] for p, e in exp["objects"].items() if not e.get("parquet")}
base = os.path.join(sys.argv[3], "s3", "flow-bucket")
got = set()
for dp, _, fs in os.walk(sys.argv[3]):
    for f in fs:
        full = os.path.join(dp, f)
        key = os.path.relpath(full, base)
        got.add(key)
        if open(full, "rb").read() != open(os.path.join(sys.argv[2], key), "rb").read():
            sys.exit("%s differs" % key)
if got != want:
    sys.exit("saved: missing %s, extra %s" % (sorted(want - got)[:3], sorted(got - want)[:3]))
EOF
run offline 0 "$TMP/raw"
same c1 offline $CSVS

# ---- a reset mid-body is resumed with a Range request ----
mock_log_reset
mock_faults '[{"fault": "reset", "match": {"op": "GetObject", "path": "_'"$BIG"'_"}, "count": 1, "bytes": 150000}]'
run reset 1 --connections 4 s3://flow-bucket/
same c1 reset $CSVS inputs
"$PYTHON" - "$MOCK_LOG" "$BIG" <<'EOF' || fail "no resume by Range"
import json, sys
big = [json.loads(l) for l in open(sys.argv[1])]
big = [e for e in big if e["op"] == "GetObject" and sys.argv[2] in e["key"]]
if not (len(big) == 2 and big[0]["fault"] == "reset" and big[1]["status"] == 206
        and (big[1].get("range") or "").startswith("bytes=")
        and not big[1]["range"].startswith("bytes=0-") and big[1].get("if_match")):
    sys.exit("requests for the large object: %r" % big)
print("resumed with %s" % big[1]["range"])
EOF
f=$("$PYTHON" -c 'import csv,sys; print(list(csv.DictReader(open(sys.argv[1])))[0]["retries"])' \
    "$TMP/r-reset/fetch.csv")
[ "$f" -ge 1 ] || fail "fetch.csv counts no retry after the reset"

pass "s3 sources"
