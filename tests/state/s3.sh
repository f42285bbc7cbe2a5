#!/bin/sh
# SPDX-License-Identifier: MIT
# State files on S3 (issue 11): shards save their state with
# `--save-state s3://...` (PutObject through the mock, which checks every
# signature with botocore), a merge run reads them back as s3:// INPUTs, and
# its CSVs equal one run over all the logs byte for byte. A state URL that
# does not exist stops the merge (exit 2, nothing written); AccessDenied on
# the PUT leaves the reports written and says the state was not (exit 3).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/aws/lib.sh"
export FLOWREPORT_RETRY_SCALE=0.01

D="$TMP/data"
mkdir -p "$D/s3/states"
mock_start "$D"
export AWS_ENDPOINT_URL="$MOCK_URL"

files=$(find "$top_srcdir/samples/AWSLogs" -type f | LC_ALL=C sort)
set -- $files
[ $# -ge 4 ] || skip "samples/ has fewer than 4 flow-log files"
half=$(($# / 2))
A=$(echo $files | tr ' ' '\n' | head -n $half)
B=$(echo $files | tr ' ' '\n' | tail -n +$((half + 1)))

"$FLOWREPORT" -q -f csv -o "$TMP/single" $files || fail "single run: exit $?"
"$FLOWREPORT" -q -f csv -o "$TMP/a" --save-state s3://states/night/a.frstate $A ||
    fail "shard a: exit $?"
"$FLOWREPORT" -q -f csv -o "$TMP/b" --save-state s3://states/night/b.frstate $B ||
    fail "shard b: exit $?"
for k in a b; do
    [ -s "$D/s3/states/night/$k.frstate" ] || fail "state $k was not put to the bucket"
    "$PYTHON" -c 'import sys; sys.exit(open(sys.argv[1], "rb").read(8) != b"\x89FRSTATE")' \
        "$D/s3/states/night/$k.frstate" || fail "state $k on S3 does not start with the magic"
done
"$FLOWREPORT" -q -f csv -o "$TMP/merged" s3://states/night/a.frstate s3://states/night/b.frstate ||
    fail "merge from S3: exit $?"
for f in "$TMP/single"/*.csv; do
    cmp -s "$f" "$TMP/merged/$(basename "$f")" || fail "$(basename "$f"): merge from S3 differs"
done
ls "${TMPDIR:-/tmp}"/flowreport-state-* 2>/dev/null | grep -q . &&
    fail "fetched state files were left in ${TMPDIR:-/tmp}"

# a state that is not there: nothing written
expect_exit 2 "$FLOWREPORT" -q -o "$TMP/missing" s3://states/night/a.frstate \
    s3://states/night/nope.frstate 2>"$TMP/err"
grep -q "nope.frstate" "$TMP/err" || fail "the missing state is not named: $(cat "$TMP/err")"
[ ! -e "$TMP/missing/windows.csv" ] || fail "a report was written without the missing state"

pass "states put to and merged from S3 equal one run over the logs"
