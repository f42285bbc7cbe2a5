# Common preamble of the shell tests: strict mode, C locale, UTC, a scratch
# directory removed on exit, and helpers. Source it; do not run it.
set -eu
export LC_ALL=C TZ=UTC
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${FLOWREPORT:=$top_srcdir/flowreport}"
: "${PYTHON:=/usr/bin/python3}"
: "${SHARED_DIR:=$top_srcdir/../shared}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fr-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
pass() { echo "PASS: $*"; }

# expect_exit CODE CMD...: runs CMD and fails unless it exits with CODE.
expect_exit() {
    _ee_want=$1; shift
    set +e; "$@"; _ee_got=$?; set -e
    [ "$_ee_got" -eq "$_ee_want" ] || fail "expected exit $_ee_want, got $_ee_got: $*"
}

# expect_refusal WHAT CMD...: runs CMD (stdout to $TMP/out, stderr to
# $TMP/err) and fails unless it exits 2 without a sanitizer report.
expect_refusal() {
    _er_what=$1; shift
    set +e; "$@" >"$TMP/out" 2>"$TMP/err"; _er_rc=$?; set -e
    if grep -Eq 'Sanitizer|runtime error|data race' "$TMP/err"; then
        cat "$TMP/err" >&2
        fail "$_er_what: sanitizer report"
    fi
    [ "$_er_rc" -eq 2 ] || { cat "$TMP/err" >&2; fail "$_er_what: exit $_er_rc, want 2"; }
}

[ -x "$FLOWREPORT" ] || skip "flowreport not built ($FLOWREPORT)"
