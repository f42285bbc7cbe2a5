#!/bin/sh
# Finding 16: text from input reaches the terminal escaped. A file name with
# an escape sequence and a newline must neither reach stderr raw nor forge a
# line of its own; an id in a malformed line neither.
. "$(dirname "$0")/lib.sh"

mkdir "$TMP/in"
name=$(printf 'x\033]0;pwned\007\033[2J\nflowreport: 0 records from 0 files\\.log')
{
    echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
    echo "2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 49152 6 10 840 1764115200 1764115260 ACCEPT OK"
    printf '2 123456789012 eni-\033[31mred 10.0.0.1 10.0.0.2 443 bad\033[0m 6 10 840 1764115200 1764115260 ACCEPT OK\n'
} >"$TMP/in/$name"
set +e; "$FLOWREPORT" -o "$TMP/out" "$TMP/in" 2>"$TMP/err"; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "exit $rc (expected 1: one malformed line): $(cat "$TMP/err")"
cat "$TMP/err"
"$PYTHON" - "$TMP/err" <<'PY' || fail "stderr carries raw control characters or a forged line"
import sys
data = open(sys.argv[1], "rb").read()
bad = [c for c in data if (c < 0x20 and c != 0x0A) or c == 0x7F]
assert not bad, "raw control bytes on stderr: %r" % bytes(bad)
lines = data.decode("utf-8", "replace").split("\n")
assert not any(l.startswith("flowreport: 0 records from 0 files") for l in lines), "forged line"
text = data.decode()
assert "x\\x1b]0;pwned\\x07\\x1b[2J\\nflowreport: 0 records from 0 files\\\\.log" in text, text
assert "1 records from 1 files" in text or "records from 1 files" in text, text
PY
pass "control characters from input are escaped on stderr"
