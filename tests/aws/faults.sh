#!/bin/sh
# SPDX-License-Identifier: MIT
# Part 1: the mock AWS server itself, driven by botocore clients: paging with
# awkward tokens, ranges, If-Match, AssumeRole, and wrongly signed requests
# rejected (so the other tests can trust that an accepted request was signed
# correctly).
# Part 2: flowreport against injected faults: throttling, 5xx, resets and
# truncated bodies mid-body, slow replies and an object that changes under a
# resumed download must give the clean run's reports, with every fault
# retried; AccessDenied exits 3 and leaves the previous report untouched; a
# permanently failing object exits 1 and names its key; no secret or session
# token appears in any output.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/aws/lib.sh"

G="$TMP/g"
"$PYTHON" "$top_srcdir/tests/aws/gen_data.py" "$G" --records 1500 \
    --slot-minutes 20 || fail "gen_data.py"
meta() {
    "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
        "$G/meta.json" "$1"
}
SINCE=$(meta since)
UNTIL=$(meta until)
BUCKET=$(meta bucket)
GROUP=$(meta group)

TOKEN='FwoGZXIvYXdzEMOCKfaults/session+token/with=signs=='
TSECRET='fAuLtSsEcReT/with+plus/and/slash01234567ab'
mock_start "$G/mock" --accounts \
    "{\"ASIAMOCKFAULTS000001\": {\"secret\": \"$TSECRET\", \"token\": \"$TOKEN\"}}"

# ---------------------------------------------------------------- part 1
"$PYTHON" - "$G" "$MOCK_URL" "$MOCK_SECRET" "$MOCK_FAULTS" <<'EOF' || fail "mock self-check"
import hashlib, json, os, sys, urllib.request, urllib.error
import botocore, botocore.session, botocore.config
from botocore.auth import SigV4Auth, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

gdir, url, secret, faults = sys.argv[1:5]
meta = json.load(open(gdir + "/meta.json"))
sess = botocore.session.get_session()
cfg = botocore.config.Config(retries={"max_attempts": 0, "mode": "standard"})
errors = []

def check(cond, what):
    if not cond:
        errors.append(what)

def client(svc, akid="AKIDEXAMPLE", sec=secret, token=None):
    return sess.create_client(svc, region_name="us-east-1", endpoint_url=url,
                              aws_access_key_id=akid, aws_secret_access_key=sec,
                              aws_session_token=token, config=cfg)

def code(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    except Exception as e:
        return type(e).__name__
    return "accepted"

# CloudWatch Logs paging: every event once, in order, empty pages with tokens.
logs = client("logs")
evs, tok, pages, empty, toks = [], None, 0, 0, []
while True:
    kw = {"nextToken": tok} if tok else {}
    r = logs.filter_log_events(logGroupName=meta["group"], **kw)
    pages += 1
    empty += not r["events"]
    evs += r["events"]
    tok = r.get("nextToken")
    if not tok:
        break
    toks.append(tok)
check(len(evs) == meta["records"], "logs: %d events, want %d" % (len(evs), meta["records"]))
check(empty >= 2 and pages > 3, "logs: %d pages, %d empty" % (pages, empty))
check(all(c in toks[0] for c in "/+="), "logs: token without / + =")
order = [(e["timestamp"], e["ingestionTime"]) for e in evs]
check(order == sorted(order), "logs: events out of order")
# startTime and endTime are both inclusive.
t0 = evs[10]["timestamp"]
n_at = sum(1 for e in evs if e["timestamp"] == t0)
got, tok = 0, None
while True:
    r = logs.filter_log_events(logGroupName=meta["group"], startTime=t0, endTime=t0, **({"nextToken": tok} if tok else {}))
    got += len(r["events"])
    tok = r.get("nextToken")
    if not tok:
        break
check(got == n_at, "logs: inclusive [t0, t0] gave %d, want %d" % (got, n_at))
check(code(lambda: logs.filter_log_events(logGroupName="/no/such")) == "ResourceNotFoundException",
      "logs: unknown group")

# S3 paging with tokens holding / + =, exact bytes, ranges, If-Match.
s3 = client("s3")
keys, tok, toks = [], None, []
while True:
    r = s3.list_objects_v2(Bucket=meta["bucket"], Prefix="AWSLogs/",
                           **({"ContinuationToken": tok} if tok else {}))
    keys += [c["Key"] for c in r.get("Contents", [])]
    if not r["IsTruncated"]:
        break
    tok = r["NextContinuationToken"]
    toks.append(tok)
check(len(keys) == meta["objects"], "s3: %d keys, want %d" % (len(keys), meta["objects"]))
check(toks and all(c in toks[0] for c in "/+="), "s3: token without / + =")
r = s3.list_objects_v2(Bucket=meta["bucket"], MaxKeys=2)
check(r["KeyCount"] == 2 and r["IsTruncated"], "s3: max-keys ignored")
local = open(os.path.join(gdir, "local", keys[0]), "rb").read()
r = s3.get_object(Bucket=meta["bucket"], Key=keys[0])
check(r["Body"].read() == local, "s3: object bytes differ")
check(r["ETag"] == '"%s"' % hashlib.md5(local).hexdigest(), "s3: ETag is not the MD5")
etag = r["ETag"]
r = s3.get_object(Bucket=meta["bucket"], Key=keys[0], Range="bytes=100-", IfMatch=etag)
check(r["ResponseMetadata"]["HTTPStatusCode"] == 206 and r["Body"].read() == local[100:]
      and r["ContentRange"] == "bytes 100-%d/%d" % (len(local) - 1, len(local)), "s3: range")
check(code(lambda: s3.get_object(Bucket=meta["bucket"], Key=keys[0], IfMatch='"0"')) == "PreconditionFailed",
      "s3: If-Match not enforced")
check(code(lambda: s3.get_object(Bucket=meta["bucket"], Key="no/such")) == "NoSuchKey", "s3: NoSuchKey")
check(code(lambda: s3.list_objects_v2(Bucket="no-such-bucket")) == "NoSuchBucket", "s3: NoSuchBucket")

# STS: AssumeRole gives temporary keys that work only with their token.
sts = client("sts")
role = "arn:aws:iam::123456789012:role/flowreport-test"
c = sts.assume_role(RoleArn=role, RoleSessionName="selfcheck")["Credentials"]
t = client("s3", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
check(t.list_objects_v2(Bucket=meta["bucket"], MaxKeys=1)["KeyCount"] == 1, "sts: temporary keys refused")
nt = client("s3", c["AccessKeyId"], c["SecretAccessKey"])
check(code(lambda: nt.list_objects_v2(Bucket=meta["bucket"])) != "accepted", "s3: missing session token accepted")
check(code(lambda: sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/other",
                                   RoleSessionName="x1")) == "AccessDenied", "sts: unknown role")
web = sess.create_client("sts", region_name="us-east-1", endpoint_url=url,
                         config=botocore.config.Config(signature_version=botocore.UNSIGNED))
c2 = web.assume_role_with_web_identity(RoleArn=role, RoleSessionName="web1",
                                       WebIdentityToken="fake-web-identity-token")["Credentials"]
check(c2["AccessKeyId"].startswith("ASIA"), "sts: web identity")
check(code(lambda: web.assume_role_with_web_identity(RoleArn=role, RoleSessionName="web1",
                                                     WebIdentityToken="wrong")) == "InvalidIdentityToken",
      "sts: wrong web identity token accepted")

# Wrong signatures are rejected, with AWS's codes.
bad = "x" + secret[1:]
for svc, call, want in [
        ("logs", lambda c: c.filter_log_events(logGroupName=meta["group"]), "InvalidSignatureException"),
        ("s3", lambda c: c.list_objects_v2(Bucket=meta["bucket"]), "SignatureDoesNotMatch"),
        ("s3", lambda c: c.get_object(Bucket=meta["bucket"], Key=keys[0]), "SignatureDoesNotMatch"),
        ("sts", lambda c: c.assume_role(RoleArn=role, RoleSessionName="x1"), "SignatureDoesNotMatch")]:
    got = code(lambda: call(client(svc, sec=bad)))
    check(got == want, "%s with a wrong secret: %s" % (svc, got))
got = code(lambda: client("logs", akid="AKIDUNKNOWN").filter_log_events(logGroupName=meta["group"]))
check(got == "UnrecognizedClientException", "logs unknown key: " + got)
got = code(lambda: client("s3", akid="AKIDUNKNOWN").list_objects_v2(Bucket=meta["bucket"]))
check(got == "InvalidAccessKeyId", "s3 unknown key: " + got)

# Hand-signed requests: accepted as signed, rejected once anything signed
# changes (the body, the date by one second, a raw '+' in the query).
def send(method, path, body, headers):
    req = urllib.request.Request(url + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

host = url.split("//")[1]
body = json.dumps({"logGroupIdentifier": "arn:aws:logs:us-east-1:123456789012:log-group:%s:*"
                   % meta["group"], "limit": 5}).encode()
req = AWSRequest(method="POST", url=url + "/", data=body,
                 headers={"Content-Type": "application/x-amz-json-1.1",
                          "X-Amz-Target": "Logs_20140328.FilterLogEvents", "Host": host})
SigV4Auth(Credentials("AKIDEXAMPLE", secret), "logs", "us-east-1").add_auth(req)
h = dict(req.headers.items())
check(send("POST", "/", body, h)[0] == 200, "hand-signed logs request refused")
check(send("POST", "/", body.replace(b"5", b"6"), h)[0] == 400, "logs: changed body accepted")
d = h["X-Amz-Date"]
h2 = dict(h, **{"X-Amz-Date": d[:-3] + "%02dZ" % ((int(d[-3:-1]) + 1) % 60)})
st, b = send("POST", "/", body, h2)
check(st == 400 and b"InvalidSignatureException" in b, "logs: date changed by 1 s accepted")
tok = toks[0]
good_q = "continuation-token=%s&list-type=2" % urllib.parse.quote(tok, safe="")
req = AWSRequest(method="GET", url="%s/%s?%s" % (url, meta["bucket"], good_q), headers={"Host": host})
S3SigV4Auth(Credentials("AKIDEXAMPLE", secret), "s3", "us-east-1").add_auth(req)
h = dict(req.headers.items())
check(send("GET", "/%s?%s" % (meta["bucket"], good_q), None, h)[0] == 200, "s3: hand-signed list refused")
raw_q = "continuation-token=%s&list-type=2" % urllib.parse.quote(tok, safe="+")
check(send("GET", "/%s?%s" % (meta["bucket"], raw_q), None, h)[0] in (400, 403),
      "s3: a raw '+' in the token was read as '+'")
del h["X-Amz-Content-SHA256"]
check(send("GET", "/%s?%s" % (meta["bucket"], good_q), None, h)[0] in (400, 403),
      "s3: missing x-amz-content-sha256 accepted")

# Faults: a reset mid-body breaks the read; object_changed turns an
# If-Match resume into 412 while a restart succeeds.
open(faults, "w").write(json.dumps([
    {"id": "r1", "fault": "reset", "match": {"op": "GetObject"}, "count": 1, "bytes": 50},
    {"id": "c1", "fault": "object_changed", "match": {"op": "GetObject"}, "count": 1, "bytes": 60},
    {"id": "t1", "fault": "throttle", "match": {"op": "FilterLogEvents"}, "count": 1}]))
r = s3.get_object(Bucket=meta["bucket"], Key=keys[1])
check(code(lambda: r["Body"].read()) != "accepted", "reset: body read completely")
r = s3.get_object(Bucket=meta["bucket"], Key=keys[1])
old = r["ETag"]
check(code(lambda: r["Body"].read()) != "accepted", "object_changed: body read completely")
check(code(lambda: s3.get_object(Bucket=meta["bucket"], Key=keys[1], Range="bytes=60-",
                                 IfMatch=old)) == "PreconditionFailed", "object_changed: resume not refused")
r = s3.get_object(Bucket=meta["bucket"], Key=keys[1])
check(r["ETag"] != old and r["Body"].read() == open(os.path.join(gdir, "local", keys[1]), "rb").read(),
      "object_changed: restart")
check(code(lambda: logs.filter_log_events(logGroupName=meta["group"])) == "ThrottlingException", "throttle")
check(code(lambda: logs.filter_log_events(logGroupName=meta["group"])) == "accepted", "throttle count")
open(faults, "w").write("[]")

if errors:
    print("mock self-check failed:\n  " + "\n  ".join(errors), file=sys.stderr)
    sys.exit(1)
print("mock self-check: %d events in %d pages, %d keys, signatures verified" % (len(evs), pages, len(keys)))
EOF
n=$(mock_count 'e["signed"] == "bad"')
[ "$n" -ge 8 ] || fail "the mock logged only $n rejected signatures"
n=$(mock_count 'e.get("internal_error") is not None')
[ "$n" -eq 0 ] || fail "the mock had $n internal errors"
grep -qF -- "$MOCK_SECRET" "$MOCK_LOG" && fail "the mock logged the secret key"

# ---------------------------------------------------------------- part 2
"$FLOWREPORT" --help | grep -q -- '--log-group' ||
    skip "flowreport has no --log-group yet (mock self-check passed)"

export AWS_ACCESS_KEY_ID=ASIAMOCKFAULTS000001
export AWS_SECRET_ACCESS_KEY="$TSECRET"
export AWS_SESSION_TOKEN="$TOKEN"
CSVS="windows interfaces gaps top_talkers top_rejected top_ports"

# fr NAME ARGS...: one run; its exit status goes to $rc.
fr() {
    _n=$1; shift
    set +e
    "$FLOWREPORT" --since "$SINCE" --until "$UNTIL" -f csv --rate 200 "$@" \
        >"$TMP/$_n.out" 2>"$TMP/$_n.err"
    rc=$?
    set -e
}
same() {
    for _c in $CSVS; do
        cmp -s "$TMP/clean/$_c.csv" "$2/$_c.csv" || {
            diff -u "$TMP/clean/$_c.csv" "$2/$_c.csv" | head -20 >&2
            fail "$1: $_c.csv differs from the clean run"
        }
    done
}

fr clean -j2 "$G/local" -o "$TMP/clean"
[ "$rc" -eq 0 ] || fail "clean local run: exit $rc"

# Distinct objects for the S3 faults, so no object fails more than twice.
set -- $(cd "$G/mock/s3/$BUCKET" && find AWSLogs -type f | LC_ALL=C sort |
    sed 's/.*_\([0-9a-f]*\)\.log\.gz$/\1/')
[ $# -ge 8 ] || fail "too few objects ($#)"
mock_faults "[
 {\"id\": \"list-slowdown\", \"fault\": \"throttle\", \"match\": {\"op\": \"ListObjectsV2\"}, \"count\": 2},
 {\"id\": \"get-500\", \"fault\": \"internal\", \"match\": {\"op\": \"GetObject\", \"path\": \"_$1\\\\.\"}, \"count\": 2},
 {\"id\": \"get-503\", \"fault\": \"throttle\", \"match\": {\"op\": \"GetObject\", \"path\": \"_$2\\\\.\"}, \"count\": 1},
 {\"id\": \"get-reset\", \"fault\": \"reset\", \"match\": {\"op\": \"GetObject\", \"path\": \"_$3\\\\.\"}, \"count\": 2, \"bytes\": 300},
 {\"id\": \"get-trunc\", \"fault\": \"truncate\", \"match\": {\"op\": \"GetObject\", \"path\": \"_$4\\\\.\"}, \"count\": 2, \"bytes\": 700},
 {\"id\": \"get-slow\", \"fault\": \"slow\", \"match\": {\"op\": \"GetObject\", \"path\": \"_$6\\\\.\"}, \"count\": 1, \"ms\": 1500},
 {\"id\": \"get-reset0\", \"fault\": \"reset\", \"match\": {\"op\": \"GetObject\", \"path\": \"_$7\\\\.\"}, \"count\": 1, \"bytes\": 0}
]"
mock_log_reset
fr s3f -j2 "s3://$BUCKET/AWSLogs/" -o "$TMP/s3f"
[ "$rc" -eq 0 ] || { cat "$TMP/s3f.err" >&2; fail "s3 with faults: exit $rc"; }
same "s3 with faults" "$TMP/s3f"
# Every fault fired as often as asked, and each faulted object was then
# fetched successfully.
"$PYTHON" - "$MOCK_LOG" <<'EOF' || fail "s3 fault log"
import collections, json, sys
want = {"list-slowdown": 2, "get-500": 2, "get-503": 1, "get-reset": 2,
        "get-trunc": 2, "get-slow": 1, "get-reset0": 1}
log = [json.loads(l) for l in open(sys.argv[1])]
fired = collections.Counter(e.get("fault_id") for e in log if e.get("fault"))
bad = [k for k in want if fired[k] != want[k]]
for e in log:
    if e.get("fault") and e["op"] == "GetObject" and e["fault"] != "slow":
        later = [x for x in log if x["n"] > e["n"] and x.get("key") == e["key"]
                 and x["status"] in (200, 206) and not x.get("fault")]
        if not later:
            bad.append("no successful retry of %s after %s" % (e["key"], e["fault"]))
if bad:
    sys.exit("fired %s; problems: %s" % (dict(fired), bad))
EOF

# An object whose ETag changes after part of it was served: the resume
# with If-Match gets 412.  Either the object is read again from byte 0 and
# the report equals the clean one, or the run exits 1 naming the object;
# never a silent exit 0 with other numbers.
for conns in 2 8; do
    mock_faults "[{\"id\": \"chg$conns\", \"fault\": \"object_changed\", \"match\": {\"op\": \"GetObject\", \"path\": \"_$5\\\\.\"}, \"count\": 1, \"bytes\": 500}]"
    mock_log_reset
    fr chg$conns -j2 --connections $conns "s3://$BUCKET/AWSLogs/" -o "$TMP/chg$conns"
    [ "$(mock_count 'e.get("fault_id") == "chg'"$conns"'"')" -eq 1 ] || fail "object_changed did not fire"
    case $rc in
    0) same "changed object (--connections $conns)" "$TMP/chg$conns"
       n=$(mock_count 'e["op"] == "GetObject" and e["status"] in (200, 206) and not e["fault"] and e["key"].endswith("_'"$5"'.log.gz")')
       [ "$n" -ge 1 ] || fail "changed object: exit 0 without reading it again" ;;
    1) grep -q "_$5\.log\.gz.*changed" "$TMP/chg$conns.err" ||
           { cat "$TMP/chg$conns.err" >&2; fail "changed object: exit 1 without naming it"; } ;;
    *) cat "$TMP/chg$conns.err" >&2; fail "changed object: exit $rc" ;;
    esac
done

mock_faults "[
 {\"id\": \"thr\", \"fault\": \"throttle\", \"match\": {\"op\": \"FilterLogEvents\"}, \"count\": 3},
 {\"id\": \"unav\", \"fault\": \"unavailable\", \"match\": {\"op\": \"FilterLogEvents\"}, \"skip\": 6, \"count\": 2},
 {\"id\": \"slow\", \"fault\": \"slow\", \"match\": {\"op\": \"FilterLogEvents\"}, \"skip\": 9, \"count\": 1, \"ms\": 1200},
 {\"id\": \"reset\", \"fault\": \"reset\", \"match\": {\"op\": \"FilterLogEvents\"}, \"skip\": 12, \"count\": 2, \"bytes\": 100},
 {\"id\": \"trunc\", \"fault\": \"truncate\", \"match\": {\"op\": \"FilterLogEvents\"}, \"skip\": 18, \"count\": 2}
]"
mock_log_reset
fr cwlf -j2 --log-group "$GROUP" -o "$TMP/cwlf"
[ "$rc" -eq 0 ] || { cat "$TMP/cwlf.err" >&2; fail "cwl with faults: exit $rc"; }
same "cwl with faults" "$TMP/cwlf"
"$PYTHON" - "$MOCK_LOG" <<'EOF' || fail "cwl fault log"
import collections, json, sys
want = {"thr": 3, "unav": 2, "slow": 1, "reset": 2, "trunc": 2}
log = [json.loads(l) for l in open(sys.argv[1])]
fired = collections.Counter(e.get("fault_id") for e in log if e.get("fault"))
if any(fired[k] != v for k, v in want.items()):
    sys.exit("fired %s, want %s" % (dict(fired), want))
# Each failed page was asked for again (same request body) and served; the
# retry may itself be the one the slow fault delays (a slow reply is whole).
for e in log:
    if e.get("fault") and e["fault"] != "slow":
        again = [x for x in log if x["n"] > e["n"] and x.get("req") == e["req"]
                 and x["status"] == 200 and x.get("fault") in (None, "", "slow")]
        if not again:
            sys.exit("page %s was not retried after %s" % (e["req"], e["fault"]))
EOF

# AccessDenied: exit 3, the previous report byte-for-byte untouched.
cp -pR "$TMP/s3f" "$TMP/s3f.before"
mock_faults '[{"fault": "access_denied", "match": {"op": "GetObject"}, "count": -1}]'
fr deny -j2 "s3://$BUCKET/AWSLogs/" -o "$TMP/s3f"
[ "$rc" -eq 3 ] || fail "S3 AccessDenied: exit $rc, want 3"
diff -r "$TMP/s3f.before" "$TMP/s3f" >/dev/null || fail "S3 AccessDenied changed the previous report"
grep -q AccessDenied "$TMP/deny.err" || fail "S3 AccessDenied not reported on stderr"
mock_faults '[{"fault": "access_denied", "match": {"op": "FilterLogEvents"}, "count": -1}]'
fr deny2 -j2 --log-group "$GROUP" -o "$TMP/s3f"
[ "$rc" -eq 3 ] || fail "Logs AccessDeniedException: exit $rc, want 3"
diff -r "$TMP/s3f.before" "$TMP/s3f" >/dev/null || fail "Logs AccessDenied changed the previous report"

# An object that always fails: exit 1, its key on stderr, exactly
# --max-attempts tries of it.
mock_faults "[{\"id\": \"perm\", \"fault\": \"internal\", \"match\": {\"op\": \"GetObject\", \"path\": \"_$8\\\\.\"}, \"count\": -1}]"
mock_log_reset
fr perm -j2 --max-attempts 3 "s3://$BUCKET/AWSLogs/" -o "$TMP/perm"
[ "$rc" -eq 1 ] || { cat "$TMP/perm.err" >&2; fail "permanent 500: exit $rc, want 1"; }
grep -q "_$8\\.log\\.gz" "$TMP/perm.err" || { cat "$TMP/perm.err" >&2; fail "permanent 500: key not named"; }
n=$(mock_count 'e.get("fault_id") == "perm"')
[ "$n" -eq 3 ] || fail "permanent 500: $n attempts, want 3 (--max-attempts 3)"
mock_faults '[]'

# No secret key or session token in anything written or printed.
for s in "$MOCK_SECRET" "$TSECRET" "$TOKEN"; do
    if grep -rlF -- "$s" "$TMP"/*.out "$TMP"/*.err "$TMP/clean" "$TMP/s3f" \
        "$TMP/cwlf" "$TMP/perm" "$MOCK_LOG" >&2; then
        fail "a secret key or session token was written out"
    fi
done

pass "mock verifies signatures; reports unchanged under throttling, 5xx, resets, truncation, slow replies, a changed object; AccessDenied exit 3; permanent failure exit 1"
