#!/bin/sh
# Hardening (issue 10, finding 3 for --save-raw): SIGTERM or SIGINT while
# --save-raw is downloading removes its partial files (S3 objects'
# .part-XXXXXX, CloudWatch Logs streams' .NAME.log.gz.tmp), as it removes the
# report directory's temporaries. Runs against the mock AWS server: the
# download is held open by a "slow" fault while the run is interrupted.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/aws/lib.sh"

"$FLOWREPORT" --help | grep -q -- '--save-raw' || skip "flowreport has no --save-raw"
env --default-signal=INT,TERM true 2>/dev/null || skip "env --default-signal is missing"
LAUNCH="env --default-signal=INT,TERM,HUP"

D="$TMP/data"
"$PYTHON" - "$D" <<'EOF' || fail "generating data"
import calendar, gzip, json, os, sys
root = sys.argv[1]
t = calendar.timegm((2024, 3, 10, 19, 55, 0))
key = ("AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03/10/"
       "123456789012_vpcflowlogs_us-east-1_fl-0000abc0_20240310T2000Z_00000001.log.gz")
p = os.path.join(root, "s3", "flow-bucket", key)
os.makedirs(os.path.dirname(p))
lines = ["2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 1024 443 6 3 300 %d %d ACCEPT OK" % (t + i, t + i + 5)
         for i in range(20)]
open(p, "wb").write(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
g = os.path.join(root, "logs", "vpc%2Fflow-logs")
os.makedirs(g)
with open(os.path.join(g, "eni-0a1-all.jsonl"), "w") as f:
    for i in range(200):
        ts = t + i
        f.write(json.dumps({"timestamp": ts * 1000, "message": lines[i % 20]}) + "\n")
EOF
mock_start "$D"

# interrupt NAME PATTERN SIG ARGS...: runs flowreport --save-raw, waits
# until a partial file named PATTERN exists, sends SIG, checks the status
# and that no partial file is left.
interrupt() {
    _name=$1 _pat=$2 _sig=$3
    shift 3
    _raw="$TMP/raw-$_name"
    $LAUNCH "$FLOWREPORT" -q -f csv --save-raw "$_raw" -o "$TMP/out-$_name" "$@" \
        2>"$TMP/$_name.err" &
    _pid=$!
    _n=0
    until [ -n "$(find "$_raw" -name "$_pat" 2>/dev/null)" ]; do
        _n=$((_n + 1))
        [ "$_n" -lt 200 ] || { kill "$_pid"; fail "$_name: no partial file: $(cat "$_raw.err" 2>/dev/null)"; }
        kill -0 "$_pid" 2>/dev/null || fail "$_name: the run ended: $(cat "$TMP/$_name.err")"
        sleep 0.1
    done
    kill -s "$_sig" "$_pid"
    set +e; wait "$_pid"; _rc=$?; set -e
    case $_sig in TERM) _want=143 ;; INT) _want=130 ;; esac
    [ "$_rc" -eq "$_want" ] || fail "$_name: SIG$_sig: exit $_rc: $(cat "$TMP/$_name.err")"
    _left=$(find "$_raw" -name "$_pat")
    [ -z "$_left" ] || fail "$_name: SIG$_sig left $_left"
    echo "$_name: SIG$_sig -> $_rc, no partial file left"
}

# S3: the object's body is held back 30 s; its .part file exists meanwhile
mock_faults '[{"id": "slow-get", "fault": "slow", "ms": 30000, "match": {"op": "GetObject"}, "count": -1}]'
interrupt s3 '*.part-*' TERM --since 2024-03-10T19:00:00Z --until 2024-03-10T21:00:00Z s3://flow-bucket/
interrupt s3int '*.part-*' INT --since 2024-03-10T19:00:00Z --until 2024-03-10T21:00:00Z s3://flow-bucket/

# CloudWatch Logs: one slice (five minutes); the stream's file is written
# from the first page with events (the mock's first page is empty); the
# pages after it are held back
mock_faults '[{"id": "slow-logs", "fault": "slow", "ms": 30000, "match": {"op": "FilterLogEvents"}, "skip": 2, "count": -1}]'
interrupt logs '*.tmp' TERM --since 2024-03-10T19:55:00Z --until 2024-03-10T20:00:00Z \
    --log-group vpc/flow-logs

mock_stop
pass "--save-raw leaves no partial file on a signal"
