# Shared preamble of the tests against the mock AWS server.  Source it AFTER
# tests/lib.sh.  It makes the environment safe (fake keys, no profile, no
# metadata service, no proxy, HOME in $TMP) and provides:
#   mock_start DATA_DIR [mock_aws.py args...]
#       starts tests/aws/mock_aws.py on a free 127.0.0.1 port and exports
#       MOCK_PORT, MOCK_URL, MOCK_LOG, MOCK_FAULTS, MOCK_PID and
#       AWS_ENDPOINT_URL=$MOCK_URL; the server is killed when the test exits.
#   mock_stop            stops every server this test started
#   mock_faults JSON     replaces the faults file (read on every request)
#   mock_count EXPR      prints how many log entries e satisfy the python
#                        expression EXPR, e.g. 'e["op"]=="GetObject"'
#   mock_log_reset       empties the request log
# The mock's data layout, configuration, faults and log are described in
# tests/aws/README.md.

MOCK_AWS=${MOCK_AWS:-$top_srcdir/tests/aws/mock_aws.py}
"$PYTHON" -c 'import botocore.auth, botocore.awsrequest' 2>/dev/null ||
    skip "botocore is not importable by $PYTHON"
[ -r "$MOCK_AWS" ] || skip "mock server missing ($MOCK_AWS)"

# The fake static keys every test signs with (the AWS documentation's
# example key, which has '+' and '/' in it).
MOCK_AKID=AKIDEXAMPLE
MOCK_SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'

# Nothing may read the real ~/.aws, a real profile or real credentials, and
# no request may leave 127.0.0.1.
for _v in $(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p'); do
    unset "$_v"
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy \
    ftp_proxy FTP_PROXY CURL_CA_BUNDLE SSL_CERT_FILE
export NO_PROXY='127.0.0.1,localhost' no_proxy='127.0.0.1,localhost'
export HOME="$TMP/home"
mkdir -p "$HOME"
export AWS_EC2_METADATA_DISABLED=true
export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9
export AWS_ACCESS_KEY_ID=$MOCK_AKID
export AWS_SECRET_ACCESS_KEY="$MOCK_SECRET"
export AWS_REGION=us-east-1
export AWS_CONFIG_FILE="$HOME/.aws/config"
export AWS_SHARED_CREDENTIALS_FILE="$HOME/.aws/credentials"

MOCK_PIDS=
_mock_n=0

mock_stop() {
    for _p in $MOCK_PIDS; do
        kill "$_p" 2>/dev/null || :
        wait "$_p" 2>/dev/null || :
    done
    MOCK_PIDS=
}

_mock_cleanup() {
    mock_stop
    rm -rf "$TMP"
}
trap _mock_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mock_start() {
    [ $# -ge 1 ] || fail "mock_start DATA_DIR [args]"
    _mock_data=$1; shift
    _mock_n=$((_mock_n + 1))
    _mock_dir="$TMP/mock.$_mock_n"
    mkdir -p "$_mock_dir"
    MOCK_LOG="$_mock_dir/requests.jsonl"
    MOCK_FAULTS="$_mock_dir/faults.json"
    echo '[]' >"$MOCK_FAULTS"
    : >"$MOCK_LOG"
    "$PYTHON" "$MOCK_AWS" --data "$_mock_data" \
        --port-file "$_mock_dir/port" --log "$MOCK_LOG" \
        --faults "$MOCK_FAULTS" "$@" 2>"$_mock_dir/stderr" &
    MOCK_PID=$!
    MOCK_PIDS="$MOCK_PIDS $MOCK_PID"
    _i=0
    while [ ! -s "$_mock_dir/port" ]; do
        if ! kill -0 "$MOCK_PID" 2>/dev/null; then
            cat "$_mock_dir/stderr" >&2
            fail "mock server did not start"
        fi
        _i=$((_i + 1))
        [ "$_i" -lt 200 ] || fail "mock server: no port after 20 s"
        sleep 0.1
    done
    MOCK_PORT=$(cat "$_mock_dir/port")
    MOCK_URL="http://127.0.0.1:$MOCK_PORT"
    MOCK_STDERR="$_mock_dir/stderr"
    export MOCK_PORT MOCK_URL MOCK_LOG MOCK_FAULTS MOCK_PID MOCK_STDERR
    export AWS_ENDPOINT_URL="$MOCK_URL"
}

mock_faults() {
    [ -n "${MOCK_FAULTS:-}" ] || fail "mock_faults before mock_start"
    printf '%s\n' "$1" >"$MOCK_FAULTS.tmp"
    mv "$MOCK_FAULTS.tmp" "$MOCK_FAULTS"
}

mock_count() {
    "$PYTHON" - "$MOCK_LOG" "$1" <<'EOF'
import json, sys
expr = compile(sys.argv[2], "mock_count", "eval")
n = 0
with open(sys.argv[1]) as f:
    for line in f:
        e = json.loads(line)
        if eval(expr, {}, {"e": e}):
            n += 1
print(n)
EOF
}

mock_log_reset() {
    : >"$MOCK_LOG"
}
