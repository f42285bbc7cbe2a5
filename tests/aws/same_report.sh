#!/bin/sh
# SPDX-License-Identifier: MIT
# One set of flow records read three ways (local .log.gz files, s3:// from the
# mock S3, --log-group from the mock CloudWatch Logs) at -j1 and -j2 must give
# byte-identical CSV reports, whose totals equal the generator's own count.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/aws/lib.sh"

"$FLOWREPORT" --help | grep -q -- '--log-group' ||
    skip "flowreport has no --log-group yet (downloader not built in)"

G="$TMP/g"
"$PYTHON" "$top_srcdir/tests/aws/gen_data.py" "$G" --records 3000 ||
    fail "gen_data.py"
meta() {
    "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
        "$G/meta.json" "$1"
}
SINCE=$(meta since)
UNTIL=$(meta until)
BUCKET=$(meta bucket)
GROUP=$(meta group)
RECORDS=$(meta records)
OBJECTS=$(meta objects)

# The session token path too: the S3 and Logs runs sign with temporary keys.
TOKEN='IQoJb3JpZ2luX2VjEMOCK/token+with/slashes+and=equals=='
TSECRET='tEmPsEcReT/with+plus/and/slash0123456789ab'
mock_start "$G/mock" --accounts \
    "{\"ASIAMOCKSAMEREPORT01\": {\"secret\": \"$TSECRET\", \"token\": \"$TOKEN\"}}"

CSVS="windows interfaces gaps top_talkers top_rejected top_ports"

# run NAME ARGS...: one flowreport run that must exit 0.
run() {
    _n=$1; shift
    set +e
    "$FLOWREPORT" --since "$SINCE" --until "$UNTIL" -f csv --rate 200 \
        "$@" -o "$TMP/r-$_n" >"$TMP/r-$_n.out" 2>"$TMP/r-$_n.err"
    _rc=$?
    set -e
    [ "$_rc" -eq 0 ] || {
        cat "$TMP/r-$_n.err" >&2
        fail "$_n: exit $_rc"
    }
    for _c in $CSVS; do
        [ -s "$TMP/r-$_n/$_c.csv" ] || fail "$_n: no $_c.csv"
    done
}

run local-j1 -j1 "$G/local"
run local-j2 -j2 "$G/local"

# The generator's totals, checked against the local run before anything
# is compared with it.
"$PYTHON" - "$G/meta.json" "$TMP/r-local-j1" <<'EOF' || fail "local totals"
import csv, json, sys
m = json.load(open(sys.argv[1]))
d = sys.argv[2]
w = list(csv.DictReader(open(d + "/windows.csv")))
got = {k: sum(int(r[k]) for r in w) for k in
       ("records", "ok_records", "nodata_records", "skipdata_records",
        "accept_records", "reject_records", "packets", "bytes")}
want = {"records": m["records"], "ok_records": m["ok"],
        "nodata_records": m["nodata"], "skipdata_records": m["skipdata"],
        "accept_records": m["accept"], "reject_records": m["reject"],
        "packets": m["packets"], "bytes": m["bytes"]}
ifs = list(csv.DictReader(open(d + "/interfaces.csv")))
if got != want or len(ifs) != m["interfaces"]:
    sys.exit("windows.csv %s interfaces %d; generator %s interfaces %d"
             % (got, len(ifs), want, m["interfaces"]))
EOF

export AWS_ACCESS_KEY_ID=ASIAMOCKSAMEREPORT01
export AWS_SECRET_ACCESS_KEY="$TSECRET"
export AWS_SESSION_TOKEN="$TOKEN"

for j in 1 2; do
    mock_log_reset
    run "s3-j$j" -j$j "s3://$BUCKET/AWSLogs/"
    n=$(mock_count 'e["op"] == "GetObject" and e["status"] in (200, 206)')
    [ "$n" -eq "$OBJECTS" ] || fail "s3-j$j: $n GetObject for $OBJECTS objects"
    n=$(mock_count 'e["signed"] != "yes" or e["status"] not in (200, 206)')
    [ "$n" -eq 0 ] || fail "s3-j$j: $n unsigned or failed requests"
    n=$(mock_count 'e["op"] == "ListObjectsV2" and e["truncated"]')
    [ "$n" -ge 1 ] || fail "s3-j$j: the listing never needed a continuation"

    mock_log_reset
    run "cwl-j$j" -j$j --log-group "$GROUP"
    # Every event was served exactly once: no overlapping or repeated pages.
    n=$("$PYTHON" - "$MOCK_LOG" <<'EOF'
import json, sys
print(sum(e.get("events", 0) for e in map(json.loads, open(sys.argv[1]))
          if e["op"] == "FilterLogEvents" and e["status"] == 200))
EOF
)
    [ "$n" -eq "$RECORDS" ] || fail "cwl-j$j: mock served $n events, not $RECORDS"
    n=$(mock_count 'e["signed"] != "yes" or e["status"] != 200')
    [ "$n" -eq 0 ] || fail "cwl-j$j: $n unsigned or failed requests"
    n=$(mock_count 'e["op"] == "FilterLogEvents" and e.get("events") == 0 and e.get("next_token")')
    [ "$n" -ge 1 ] || fail "cwl-j$j: no empty page with a nextToken was served"
done

for r in local-j2 s3-j1 s3-j2 cwl-j1 cwl-j2; do
    for c in $CSVS; do
        cmp -s "$TMP/r-local-j1/$c.csv" "$TMP/r-$r/$c.csv" || {
            diff -u "$TMP/r-local-j1/$c.csv" "$TMP/r-$r/$c.csv" | head -20 >&2
            fail "$r: $c.csv differs from the local run"
        }
    done
done

# No secret or token anywhere we wrote or printed.
for s in "$MOCK_SECRET" "$TSECRET" "$TOKEN"; do
    if grep -rlF -- "$s" "$TMP"/r-* "$MOCK_LOG" >&2; then
        fail "a secret key or session token was written out"
    fi
done

pass "local, s3:// and --log-group reports identical at -j1 and -j2 ($RECORDS records, $OBJECTS objects)"
