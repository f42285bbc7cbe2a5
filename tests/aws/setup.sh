#!/bin/sh
# What happens before and around the fetch: no credentials or no region gives
# exit 2 before any request is sent; bad source names are usage errors; TLS
# is verified (an untrusted certificate fails, AWS_CA_BUNDLE makes it
# trusted); the progress line appears only when asked and leaves nothing
# behind; a --fields typo is warned about.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

# A small bucket: two objects of the default format with a header line.
mkdir -p "$TMP/data/s3/bkt1/flow" "$TMP/data/logs"
"$PYTHON" - "$TMP/data/s3/bkt1/flow" <<'EOF'
import gzip, sys
base = 1795651200  # 2026-11-26T00:00:00Z
for k in range(2):
    with gzip.open("%s/f%d.log.gz" % (sys.argv[1], k), "wt") as f:
        f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
                "packets bytes start end action log-status\n")
        for i in range(3000):
            t = base + 7 * i
            f.write("2 123456789012 eni-0%d 10.0.%d.%d 10.1.0.9 %d 443 6 10 840 %d %d ACCEPT OK\n"
                    % (k, k, i % 250, 40000 + i % 1000, t, t + 50))
EOF
mock_start "$TMP/data"

# run NAME [args]: flowreport with stdout/stderr in $TMP/NAME.out/.err and the
# exit status in $rc.
run() {
    _n=$1; shift
    set +e; "$FLOWREPORT" "$@" >"$TMP/$_n.out" 2>"$TMP/$_n.err"; rc=$?; set -e
}

# 1. No credentials: exit 2, the places looked at are named, no request sent.
mock_log_reset
( unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  run nocreds -q -o "$TMP/o1" s3://bkt1/flow/
  echo "$rc" >"$TMP/nocreds.rc" )
[ "$(cat "$TMP/nocreds.rc")" -eq 2 ] || { cat "$TMP/nocreds.err" >&2; fail "no credentials: exit $(cat "$TMP/nocreds.rc")"; }
grep -q 'AWS_ACCESS_KEY_ID' "$TMP/nocreds.err" || fail "no credentials: the environment is not named"
grep -q 'credentials' "$TMP/nocreds.err" || fail "no credentials: the credentials file is not named"
[ "$(mock_count 'True')" -eq 0 ] || fail "a request was sent without credentials"
[ ! -e "$TMP/o1" ] || fail "no credentials: an output directory was made"

# 2. No region: exit 2 before any request.
( unset AWS_REGION AWS_DEFAULT_REGION
  run noregion -q -o "$TMP/o2" --log-group g --since 2026-11-26 --until 2026-11-27
  echo "$rc" >"$TMP/noregion.rc" )
[ "$(cat "$TMP/noregion.rc")" -eq 2 ] || fail "no region: exit $(cat "$TMP/noregion.rc")"
grep -q 'region' "$TMP/noregion.err" || fail "no region: not said"
[ "$(mock_count 'True')" -eq 0 ] || fail "a request was sent without a region"

# 3. Names and periods that cannot work are usage errors, before any request.
run nosince -q -o "$TMP/o3" --log-group g
[ "$rc" -eq 2 ] || fail "--log-group without --since: exit $rc"
grep -q -- '--since' "$TMP/nosince.err" || fail "--log-group without --since: --since not named"
run badurl -q -o "$TMP/o3" s3:///nobucket
[ "$rc" -eq 2 ] || fail "s3:///nobucket: exit $rc"
run badarn -q -o "$TMP/o3" --since 2026-11-26 arn:aws:logs:us-east-1:123:log-group
[ "$rc" -eq 2 ] || fail "a truncated log group ARN: exit $rc"
[ "$(mock_count 'True')" -eq 0 ] || fail "a request was sent for a usage error"

# 4. TLS is verified: a self-signed certificate is refused unless
# AWS_CA_BUNDLE names it.
if command -v openssl >/dev/null 2>&1; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
        2>/dev/null || fail "openssl could not make a certificate"
    mock_start "$TMP/data" --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem"
    tls_url="https://127.0.0.1:$MOCK_PORT"
    run tls_bad -q -o "$TMP/o4" --endpoint-url "$tls_url" s3://bkt1/flow/
    [ "$rc" -eq 1 ] || { cat "$TMP/tls_bad.err" >&2; fail "untrusted certificate: exit $rc"; }
    grep -qi 'certificate\|SSL\|TLS' "$TMP/tls_bad.err" || fail "untrusted certificate: not said"
    [ "$(mock_count 'True')" -eq 0 ] || fail "a request got through an untrusted certificate"
    AWS_CA_BUNDLE="$TMP/cert.pem" run tls_ok -q -o "$TMP/o5" --endpoint-url "$tls_url" s3://bkt1/flow/
    [ "$rc" -eq 0 ] || { cat "$TMP/tls_ok.err" >&2; fail "AWS_CA_BUNDLE: exit $rc"; }
    n=$("$PYTHON" -c 'import csv,sys; print(sum(int(r["records"]) for r in csv.DictReader(open(sys.argv[1]))))' "$TMP/o5/windows.csv")
    [ "$n" -eq 6000 ] || fail "over TLS: $n records, expected 6000"
    pass "TLS verified; AWS_CA_BUNDLE honoured"
else
    echo "SKIP part: no openssl command for the TLS check"
fi

# 5. The progress line: absent unless asked (stderr is not a terminal here),
# drawn with --progress and erased at the end. Slow replies keep the run
# long enough to draw.
mock_start "$TMP/data"
mock_faults '[{"id": "slow1", "fault": "slow", "ms": 700, "match": {"op": "GetObject"}, "count": 2}]'
run noprog -o "$TMP/o6" --connections 1 s3://bkt1/flow/
[ "$rc" -eq 0 ] || fail "progress run: exit $rc"
if grep -q "$(printf '\r')" "$TMP/noprog.err"; then fail "a progress line without --progress on a pipe"; fi
mock_faults '[{"id": "slow2", "fault": "slow", "ms": 700, "match": {"op": "GetObject"}, "count": 2}]'
run prog --progress -o "$TMP/o7" --connections 1 s3://bkt1/flow/
[ "$rc" -eq 0 ] || fail "--progress: exit $rc"
grep -q "$(printf '\r')" "$TMP/prog.err" || fail "--progress drew nothing"
"$PYTHON" - "$TMP/prog.err" <<'EOF' || fail "--progress: the line is not erased before the summary"
import sys
t = open(sys.argv[1], "rb").read()
last = t.rfind(b"\r")
# after the last carriage return: the erase sequence, then plain lines only
rest = t[last:]
assert rest.startswith(b"\r\x1b[K"), rest[:20]
assert b"records from" in rest, rest
EOF
cmp -s "$TMP/o6/windows.csv" "$TMP/o7/windows.csv" || fail "--progress changed the report"

# 6. A --fields name that is still unknown is warned about; underscore
# names are not.
"$PYTHON" -c 'import gzip,sys; print(gzip.open(sys.argv[1],"rt").read(), end="")' \
    "$TMP/data/s3/bkt1/flow/f0.log.gz" | tail -n +2 >"$TMP/plain.log"
run typo -o "$TMP/o8" --fields "version account_id interface-id srcadr dstaddr srcport dstport protocol packets bytes start end action log_status" "$TMP/plain.log"
grep -q "warning: --fields: unknown field 'srcadr'" "$TMP/typo.err" || fail "no warning for the --fields typo"
if grep -q "account_id\|log_status" "$TMP/typo.err"; then fail "underscore names warned about"; fi

pass "setup errors, TLS, progress line and --fields warning"
