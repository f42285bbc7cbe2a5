#!/bin/sh
# SPDX-License-Identifier: MIT
# State files on S3 (issue 11): fr_remote_put_object then
# fr_remote_get_object through the mock S3, which checks every signature
# with botocore and the signed payload SHA-256 against the body. The stored
# object and the copy read back must equal the file byte for byte (python
# compares); a GET broken mid-body is resumed, a throttled PUT retried, a
# missing key is "not found" (4), AccessDenied is an auth error (3).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/aws/lib.sh"

PROBE=${FR_S3OBJ:-$(dirname "$FLOWREPORT")/tests/aws/fr-s3obj}
[ -x "$PROBE" ] || skip "fr-s3obj not built ($PROBE)"
export FLOWREPORT_RETRY_SCALE=0.01

D="$TMP/data"
mkdir -p "$D/s3/state-bucket"
"$PYTHON" - "$TMP" <<'EOF' || fail "generating files"
import os, random, sys
rnd = random.Random(11)
with open(os.path.join(sys.argv[1], "big.state"), "wb") as f:
    f.write(bytes(range(256)) * 16 + bytes(rnd.getrandbits(8) for _ in range(3 << 20)))
open(os.path.join(sys.argv[1], "empty.state"), "wb").close()
EOF
mock_start "$D"

# same FILE_A FILE_B: python compares the bytes
same() {
    "$PYTHON" -c 'import sys; sys.exit(open(sys.argv[1], "rb").read() != open(sys.argv[2], "rb").read())' "$1" "$2"
}
sha() {
    "$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
}

# ---- put, then get ----
KEY='states/run 1+x=.frstate'
URL="s3://state-bucket/$KEY"
"$PROBE" put "$URL" "$TMP/big.state" || fail "put"
same "$TMP/big.state" "$D/s3/state-bucket/$KEY" || fail "the stored object differs from the file"
H=$(sha "$TMP/big.state")
[ "$(mock_count "e['op'] == 'PutObject' and e['status'] == 200 and e['signed'] == 'yes' and e.get('content_sha256') == '$H'")" -eq 1 ] ||
    fail "PutObject not signed with the payload's SHA-256: $(cat "$MOCK_LOG")"
"$PROBE" get "$URL" "$TMP/got.state" || fail "get"
same "$TMP/big.state" "$TMP/got.state" || fail "the copy read back differs"

# ---- a GET broken mid-body is resumed from where it broke ----
mock_log_reset
mock_faults '[{"fault": "reset", "match": {"op": "GetObject"}, "count": 1, "bytes": 100000}]'
"$PROBE" get "$URL" "$TMP/got2.state" || fail "get after a reset"
same "$TMP/big.state" "$TMP/got2.state" || fail "resumed copy differs"
[ "$(mock_count 'e["op"] == "GetObject" and e.get("range") == "bytes=100000-"')" -eq 1 ] ||
    fail "the retry did not resume at byte 100000: $(cat "$MOCK_LOG")"

# ---- a throttled PUT is retried; the object is replaced ----
mock_log_reset
mock_faults '[{"fault": "throttle", "match": {"op": "PutObject"}, "count": 2}]'
"$PROBE" put "$URL" "$TMP/empty.state" || fail "throttled put"
[ "$(mock_count 'e["op"] == "PutObject" and e["fault"] == "throttle"')" -eq 2 ] ||
    fail "expected 2 throttled PUTs"
[ -f "$D/s3/state-bucket/$KEY" ] && [ ! -s "$D/s3/state-bucket/$KEY" ] ||
    fail "the empty file did not replace the object"
"$PROBE" get "$URL" "$TMP/got3.state" || fail "get of an empty object"
[ -f "$TMP/got3.state" ] && [ ! -s "$TMP/got3.state" ] || fail "empty object read back"

# ---- errors ----
mock_faults '[]'
expect_exit 4 "$PROBE" get "s3://state-bucket/no/such.state" "$TMP/x" 2>"$TMP/e1"
grep -q "NoSuchKey" "$TMP/e1" || fail "missing key message: $(cat "$TMP/e1")"
expect_exit 4 "$PROBE" put "s3://no-such-bucket/a.state" "$TMP/big.state" 2>"$TMP/e2"
expect_exit 1 "$PROBE" put "s3://state-bucket/dir/" "$TMP/big.state" 2>"$TMP/e3"
grep -q "not an S3 object URL" "$TMP/e3" || fail "bad URL message: $(cat "$TMP/e3")"
expect_exit 4 "$PROBE" put "$URL" "$TMP/missing.state" 2>"$TMP/e4"
mock_log_reset
mock_faults '[{"fault": "access_denied", "match": {"op": "PutObject"}, "count": -1}]'
expect_exit 3 "$PROBE" put "$URL" "$TMP/big.state" 2>"$TMP/e5"
grep -q "AccessDenied" "$TMP/e5" || fail "access denied message: $(cat "$TMP/e5")"
[ "$(mock_count 'e["op"] == "PutObject"')" -eq 1 ] || fail "AccessDenied was retried"
grep -qF "$MOCK_SECRET" "$TMP/e1" "$TMP/e2" "$TMP/e3" "$TMP/e5" && fail "secret in a message"
pass "S3 state objects: put/get byte-identical (3 MiB, empty), resumed GET, retried PUT, errors"
