#!/bin/sh
# Bad input never crashes and never loses data: usage errors, damaged gzip,
# missing files, huge lines, Parquet; each with its exit code and message.
. "$(dirname "$0")/lib.sh"

# --- usage ---
expect_exit 2 "$FLOWREPORT" >"$TMP/out" 2>"$TMP/err"
[ ! -s "$TMP/out" ] || fail "no-argument run printed to stdout"
grep -q "Usage: flowreport" "$TMP/err" || fail "no usage on stderr"
expect_exit 2 "$FLOWREPORT" --bogus x -o "$TMP/never" 2>"$TMP/err"
grep -q "unknown option '--bogus'" "$TMP/err" || fail "unknown option not named"
[ ! -e "$TMP/never" ] || fail "usage error created the output directory"
expect_exit 2 "$FLOWREPORT" --window 7s x -o "$TMP/never" 2>/dev/null
expect_exit 2 "$FLOWREPORT" --since 2026-11-27 --until 2026-11-26 x -o "$TMP/never" 2>/dev/null
expect_exit 2 "$FLOWREPORT" -f pdf x -o "$TMP/never" 2>/dev/null
expect_exit 0 "$FLOWREPORT" --help >"$TMP/help"
grep -q "^Period and windows:" "$TMP/help" || fail "--help lacks the stage groups"
expect_exit 0 "$FLOWREPORT" --version >"$TMP/ver"
grep -Eq "^flowreport [0-9.]+ \((zlib|isal) " "$TMP/ver" || fail "--version: $(cat "$TMP/ver")"

# --- a clean input gives exit 0 ---
mkdir -p "$TMP/in"
"$PYTHON" - "$TMP/in" <<'PY'
import gzip, sys, os
d = sys.argv[1]
hdr = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
def rec(i):
    return "2 123456789012 eni-%04d 10.0.%d.%d 10.1.0.1 %d 443 6 %d %d %d %d ACCEPT OK\n" % (
        i % 7, i % 250, i % 200 + 1, 1024 + i, i % 9 + 1, 100 + i, 1795651200 + i, 1795651200 + i + 30)
good = hdr + "".join(rec(i) for i in range(2000))
with open(os.path.join(d, "good.log"), "w") as f:
    f.write(good)
# a gzip file cut in the middle: records before the damage must be kept
data = gzip.compress((hdr + "".join(rec(i) for i in range(2000, 7000))).encode(), mtime=0)
cut = data[: len(data) // 2]
with open(os.path.join(d, "cut.log.gz"), "wb") as f:
    f.write(cut)
# what an independent decoder recovers: complete lines before the cut
import zlib
dec = zlib.decompressobj(16 + 15).decompress(cut)
lines = dec.split(b"\n")
complete = lines[:-1]
records = sum(1 for l in complete if l and not l.startswith(b"version"))
partial_is_record = False
with open(os.path.join(d, "expect"), "w") as f:
    f.write("%d %d %d\n" % (records, len(dec), len(lines[-1])))
# corrupt deflate data in the middle of a member
data2 = bytearray(gzip.compress((hdr + "".join(rec(i) for i in range(7000, 9000))).encode(), mtime=0))
for k in range(200, 260):
    data2[k] ^= 0x55
with open(os.path.join(d, "corrupt.log.gz"), "wb") as f:
    f.write(bytes(data2))
PY
expect_exit 0 "$FLOWREPORT" -q -j 2 -f csv -o "$TMP/r0" "$TMP/in/good.log"
"$PYTHON" -c "
import csv,sys
rows=list(csv.DictReader(open('$TMP/r0/windows.csv')))
assert sum(int(r['records']) for r in rows)==2000, rows
" || fail "clean input: wrong record count"

# --- truncated and corrupt gzip: exit 1, named with offset, the rest kept ---
expect_exit 1 "$FLOWREPORT" -q -j 2 -f csv,md -o "$TMP/r1" "$TMP/in/good.log" \
    "$TMP/in/cut.log.gz" "$TMP/in/corrupt.log.gz" 2>"$TMP/err"
grep -q "cut.log.gz: damaged gzip data at uncompressed offset [0-9]*: unexpected end of file" "$TMP/err" \
    || fail "truncated gzip not reported: $(cat "$TMP/err")"
grep -q "corrupt.log.gz: damaged gzip data at uncompressed offset" "$TMP/err" \
    || fail "corrupt gzip not reported: $(cat "$TMP/err")"
read -r want_cut declen tail_len <"$TMP/in/expect"
"$PYTHON" - "$TMP/r1" "$want_cut" "$tail_len" <<'PY' || fail "damaged-gzip counts"
import csv, sys
out, want_cut, tail_len = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.DictReader(open(out + "/windows.csv")))
got = sum(int(r["records"]) for r in rows)
# good.log: 2000; cut: every complete line before the damage (the partial
# last line, if any, is malformed); corrupt: at least the lines before byte 200
# of compressed data, at most all 2000.
low = 2000 + want_cut
if not (low <= got <= low + 2000):
    sys.exit("records %d, expected between %d and %d" % (got, low, low + 2000))
md = open(out + "/summary.md").read()
assert "cut.log.gz: damaged" in md.replace("\\", "").replace("`", ""), "summary lacks the damaged file"
PY
grep -q "reports in" "$TMP/err" && fail "-q still printed the summary line"

# --- a failed file after a damaged one adds nothing to the damaged one's counts ---
"$FLOWREPORT" -q -j 1 -f md -o "$TMP/c1" "$TMP/in/cut.log.gz" 2>/dev/null || true
"$FLOWREPORT" -q -j 1 -f md -o "$TMP/c2" "$TMP/in/cut.log.gz" "$TMP/in/zz-missing.log" 2>/dev/null || true
[ "$(grep -c 'incomplete line' "$TMP/c1/summary.md")" -eq 1 ] || fail "the cut line is not reported once"
a=$(grep '^| malformed lines |' "$TMP/c1/summary.md"); b=$(grep '^| malformed lines |' "$TMP/c2/summary.md")
[ "$a" = "$b" ] || fail "a missing file changed the malformed count: $a vs $b"

# --- missing input: exit 1, named, the others processed ---
expect_exit 1 "$FLOWREPORT" -q -f csv -o "$TMP/r2" "$TMP/in/good.log" "$TMP/in/nope.log" 2>"$TMP/err"
grep -q "nope.log: cannot open: No such file or directory" "$TMP/err" || fail "missing file: $(cat "$TMP/err")"
[ "$(tail -n +2 "$TMP/r2/windows.csv" | awk -F, '{s+=$3} END {print s}')" = 2000 ] || fail "missing file lost data"

# --- a read error (open works, read fails): exit 1, named, the others processed ---
if [ -r /proc/self/mem ]; then
    expect_exit 1 "$FLOWREPORT" -q -f csv -o "$TMP/r2b" /proc/self/mem "$TMP/in/good.log" 2>"$TMP/err"
    grep -q "^/proc/self/mem: read error: " "$TMP/err" || fail "read error: $(cat "$TMP/err")"
    cmp -s "$TMP/r0/windows.csv" "$TMP/r2b/windows.csv" || fail "a read error lost other data"
fi

# --- the first 10 malformed lines of a big file, whatever the threads ---
"$PYTHON" - "$TMP/in/many.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(1, 40001):
        if i % 997 == 0:
            f.write("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 x%d 1795651200 1795651260 ACCEPT OK\n" % i)
        else:
            f.write("2 1 eni-%d 10.0.%d.1 10.0.0.2 1 2 6 1 10 1795651200 1795651260 ACCEPT OK\n" % (i % 50, i % 200))
PY
first10=$(awk -v f="$TMP/in/many.log" 'BEGIN { for (i = 997; i <= 9970; i += 997) printf "%s:%d: bad number in bytes\n", f, i }')
for j in 1 3; do
    expect_exit 1 "$FLOWREPORT" -q -j "$j" -f csv -o "$TMP/r8" "$TMP/in/many.log" 2>"$TMP/err"
    grep ':[0-9][0-9]*: ' "$TMP/err" >"$TMP/got" || true
    printf '%s\n' "$first10" | diff -u - "$TMP/got" >&2 || fail "-j $j: wrong first malformed lines"
    grep -q "many.log: 30 more malformed lines not shown" "$TMP/err" || fail "-j $j: the rest is not counted"
done

# --- a huge line is malformed, the lines around it are kept ---
"$PYTHON" - "$TMP/in/huge.log" <<'PY'
import sys
r = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 10 1795651200 1795651260 ACCEPT OK\n"
with open(sys.argv[1], "w") as f:
    f.write(r * 3 + "x" * (3 * 1024 * 1024) + "\n" + r * 2)
PY
expect_exit 1 "$FLOWREPORT" -q -j 2 -f csv -o "$TMP/r3" "$TMP/in/huge.log" 2>"$TMP/err"
grep -q "huge.log:4: line too long" "$TMP/err" || fail "huge line: $(cat "$TMP/err")"
[ "$(sed -n 2p "$TMP/r3/windows.csv" | cut -d, -f3)" = 5 ] || fail "huge line lost neighbours"

# --- Parquet is refused by name, not parsed as garbage ---
printf 'PAR1\0\0\0binary' >"$TMP/in/x.log.parquet"
expect_exit 1 "$FLOWREPORT" -q -f csv -o "$TMP/r4" "$TMP/in/x.log.parquet" 2>"$TMP/err"
grep -q "x.log.parquet: unsupported format: Parquet" "$TMP/err" || fail "parquet: $(cat "$TMP/err")"

# --- stdin ---
expect_exit 0 "$FLOWREPORT" -q -f csv -o "$TMP/r5" - <"$TMP/in/good.log"
cmp -s "$TMP/r0/windows.csv" "$TMP/r5/windows.csv" || fail "stdin differs from the file"
gzip -c "$TMP/in/good.log" | "$FLOWREPORT" -q -f csv -o "$TMP/r6" - || fail "gzip on stdin"
cmp -s "$TMP/r0/windows.csv" "$TMP/r6/windows.csv" || fail "gzip stdin differs"

# --- an empty directory: an empty report, said loudly, exit 1 ---
mkdir -p "$TMP/emptydir/.hidden" && : >"$TMP/emptydir/.hidden/x.log"
expect_exit 1 "$FLOWREPORT" -q -f csv -o "$TMP/r7" "$TMP/emptydir" 2>"$TMP/err"
grep -q "no input files found" "$TMP/err" || fail "empty input not reported: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/r7/windows.csv")" -eq 1 ] || fail "empty input: windows.csv should hold the header only"

# --- an output path that is a file: exit 3, nothing written ---
: >"$TMP/afile"
expect_exit 3 "$FLOWREPORT" -q -o "$TMP/afile" "$TMP/in/good.log" 2>"$TMP/err"
grep -q "cannot use as output directory" "$TMP/err" || fail "bad output dir: $(cat "$TMP/err")"
pass "bad input"
