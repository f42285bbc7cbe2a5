#!/bin/sh
# Inputs hardening (issue 10, findings 4-7, 9-13 and the parser items of 17):
# every input byte counted once, no hangs on special files, CR-only and BOM
# text, absurd times, cut JSON lines, streamed JSON documents in bounded
# memory, long lines wherever they sit, refused headers, gzip header flags
# and trailers, number ranges, calendar dates. Expected values come from the
# data generated here, never from an earlier run.
. "$(dirname "$0")/lib.sh"

IN=$TMP/in
mkdir -p "$IN"
REC='2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 1024 443 6 3 300 1795651200 1795651230 ACCEPT OK'
HDR='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'

# run OUT ARGS...: runs flowreport -f csv, keeps stderr in OUT.err and the
# exit code in OUT.rc; fails on a sanitizer report or a timeout.
run() {
    _out=$1
    shift
    set +e
    timeout 60 "$FLOWREPORT" -q -j 2 -f csv -o "$_out" "$@" 2>"$_out.err"
    _rc=$?
    set -e
    echo "$_rc" >"$_out.rc"
    [ "$_rc" -ne 124 ] || fail "timed out: $*"
    ! grep -q "Sanitizer\|runtime error" "$_out.err" || fail "sanitizer: $*: $(cat "$_out.err")"
}

# col OUT FILE COLUMN: the column of inputs.csv summed over rows whose path
# ends with FILE ("" for all rows).
col() {
    "$PYTHON" - "$1/inputs.csv" "$2" "$3" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["path"].endswith(sys.argv[2])]
print(sum(int(r[sys.argv[3]] or 0) for r in rows))
PY
}

nrows() { "$PYTHON" -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1])))))' "$1/inputs.csv"; }

# --- 4: symlink loops, self-links, hard links: each file read once ---
mkdir -p "$IN/loop/sub"
echo "$REC" >"$IN/loop/one.log"
echo "$REC" >"$IN/loop/sub/two.log"
ln -s . "$IN/loop/self"
ln -s .. "$IN/loop/sub/up"
ln -s . "$IN/loop/sub/x"
ln -s . "$IN/loop/sub/y"
ln "$IN/loop/one.log" "$IN/loop/sub/hard.log"
ln -s ../one.log "$IN/loop/sub/soft.log"
run "$TMP/r4" "$IN/loop" "$IN/loop/one.log"
[ "$(cat "$TMP/r4.rc")" -eq 0 ] || fail "loop: exit $(cat "$TMP/r4.rc"): $(cat "$TMP/r4.err")"
[ "$(col "$TMP/r4" "" records)" -eq 2 ] || fail "loop: $(col "$TMP/r4" "" records) records, want 2"
[ "$(nrows "$TMP/r4")" -eq 2 ] || fail "loop: $(nrows "$TMP/r4") files, want 2"
# twenty self-links in one directory: linear, not exponential
mkdir -p "$IN/selfs"
echo "$REC" >"$IN/selfs/a.log"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do ln -s . "$IN/selfs/l$i"; done
run "$TMP/r4b" "$IN/selfs"
[ "$(col "$TMP/r4b" "" records)" -eq 1 ] || fail "self-links: records $(col "$TMP/r4b" "" records)"
pass "4: loops and links read each file once"

# --- 5: FIFOs and devices inside directories are skipped, not waited on ---
mkdir -p "$IN/special"
echo "$REC" >"$IN/special/a.log"
mkfifo "$IN/special/fifo"
ln -s /dev/zero "$IN/special/zero"
run "$TMP/r5" "$IN/special"
[ "$(col "$TMP/r5" "" records)" -eq 1 ] || fail "special: $(cat "$TMP/r5.err")"
[ "$(nrows "$TMP/r5")" -eq 1 ] || fail "special files listed as inputs"
# a FIFO named on the command line is read as a stream, like "-"
mkfifo "$IN/cmdfifo"
(printf '%s\n%s\n' "$REC" "$REC" >"$IN/cmdfifo") &
run "$TMP/r5b" "$IN/cmdfifo"
wait
[ "$(col "$TMP/r5b" cmdfifo records)" -eq 2 ] || fail "command-line FIFO: $(cat "$TMP/r5b.err")"
pass "5: special files skipped in directories, a named FIFO read"

# --- 6: CR-only line ends, a UTF-8 BOM before the header ---
printf '%s\r%s\r%s\r%s' "$HDR" "$REC" "$REC" "$REC" >"$IN/cr.log"
printf '\357\273\277%s\n%s\n%s\n' "$HDR" "$REC" "$REC" >"$IN/bom.log"
printf '\357\273\277%s\r\n%s\r\n' "$HDR" "$REC" | gzip -c >"$IN/bomcrlf.log.gz"
run "$TMP/r6" "$IN/cr.log" "$IN/bom.log" "$IN/bomcrlf.log.gz"
for f in cr.log:3 bom.log:2 bomcrlf.log.gz:1; do
    n=${f#*:}
    f=${f%:*}
    [ "$(col "$TMP/r6" "$f" records)" -eq "$n" ] || fail "$f: $(col "$TMP/r6" "$f" records) records, want $n"
    [ "$(col "$TMP/r6" "$f" malformed)" -eq 0 ] || fail "$f: malformed lines"
done
pass "6: CR-only and BOM text"

# --- 7: one record far in the future is malformed and named, not the end ---
{
    echo "$REC"
    echo '2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 1024 443 6 3 300 99999999999 99999999999 ACCEPT OK'
    echo "$REC"
} >"$IN/future.log"
run "$TMP/r7" "$IN/future.log"
[ "$(cat "$TMP/r7.rc")" -eq 1 ] || fail "future: exit $(cat "$TMP/r7.rc"): $(cat "$TMP/r7.err")"
grep -q "future.log:2: time in the future" "$TMP/r7.err" || fail "future: not named: $(cat "$TMP/r7.err")"
[ "$(col "$TMP/r7" future.log records)" -eq 2 ] || fail "future: records"
[ -s "$TMP/r7/windows.csv" ] || fail "future: no report"
pass "7: a record in the future is malformed, the report is written"

# --- 9: a cut JSON first line does not make the file a JSON document; a
# huge document is read in bounded memory ---
"$PYTHON" - "$IN" "$REC" <<'PY'
import gzip, json, sys, zlib
d, rec = sys.argv[1], sys.argv[2]
# a cut {"message": ...} line, a record, 100 MiB of blank lines, a record
# (tiny as gzip): read as lines, never buffered whole
z = zlib.compressobj(6, zlib.DEFLATED, 31)
with open(d + "/cutjson.log.gz", "wb") as f:
    f.write(z.compress(('{"message": "2 123456789012 eni-0a1 10.0\n' + rec + "\n").encode()))
    blank = b" \n" * (1 << 20)
    for _ in range(50):
        f.write(z.compress(blank))
    f.write(z.compress((rec + "\n").encode()))
    f.write(z.flush())
# one document of 100 MiB: 100,000 events with 1 KiB of padding each
z = zlib.compressobj(6, zlib.DEFLATED, 31)
pad = "p" * 1000
n = 100000
with open(d + "/huge.json.gz", "wb") as f:
    f.write(z.compress(b'{"nextToken": "x", "events": ['))
    ev = json.dumps({"pad": pad, "message": rec, "timestamp": 1}).encode()
    chunk = b",".join([ev] * 1000)
    for i in range(n // 1000):
        f.write(z.compress((b"," if i else b"") + chunk))
    f.write(z.compress(b', {"timestamp": 2}], "searchedLogStreams": []}\n'))
    f.write(z.flush())
PY
# run_rss OUT ARGS...: like run, and prints the run's peak resident memory
# (KiB) as the kernel counts it
run_rss() {
    _out=$1
    shift
    # (a sanitizer build keeps freed memory in quarantine: not for this count)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" \
        "$PYTHON" - "$_out" "$FLOWREPORT" -q -j 2 -f csv -o "$@" <<'PY'
import resource, subprocess, sys
out = sys.argv[1]
with open(out + ".err", "wb") as err:
    rc = subprocess.run(sys.argv[2:9] + [out] + sys.argv[9:], stdout=subprocess.DEVNULL,
                        stderr=err, timeout=60).returncode
open(out + ".rc", "w").write("%d\n" % rc)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
# the data alone is 100 MiB: a whole-document buffer shows
rss=$(run_rss "$TMP/r9" "$IN/cutjson.log.gz")
[ "$(col "$TMP/r9" cutjson.log.gz records)" -eq 2 ] || fail "cut JSON line: $(cat "$TMP/r9.err")"
[ "$(col "$TMP/r9" cutjson.log.gz malformed)" -eq 1 ] || fail "cut JSON line: malformed"
[ "$rss" -lt 65536 ] || fail "cut JSON line: $rss KiB resident"
rss=$(run_rss "$TMP/r9b" "$IN/huge.json.gz")
[ "$(col "$TMP/r9b" huge.json.gz records)" -eq 100000 ] || fail "huge document: $(cat "$TMP/r9b.err")"
[ "$(col "$TMP/r9b" huge.json.gz malformed)" -eq 1 ] || fail "huge document: malformed"
grep -q "huge.json.gz:event 100001: event without a message" "$TMP/r9b.err" ||
    fail "event without a message not named: $(cat "$TMP/r9b.err")"
[ "$rss" -lt 65536 ] || fail "huge document: $rss KiB resident"
pass "9: cut JSON line read as lines; a 100 MiB document in bounded memory"

# --- 10: interface ids longer than 128 bytes are malformed ---
long128=$("$PYTHON" -c 'print("eni-" + "a" * 124)')
long129=$("$PYTHON" -c 'print("eni-" + "a" * 125)')
{
    echo "2 123456789012 $long128 10.0.0.1 10.0.0.2 1 2 6 1 1 1795651200 1795651230 ACCEPT OK"
    echo "2 123456789012 $long129 10.0.0.1 10.0.0.2 1 2 6 1 1 1795651200 1795651230 ACCEPT OK"
    echo "2 $long129 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1795651200 1795651230 ACCEPT OK"
} >"$IN/ids.log"
run "$TMP/r10" "$IN/ids.log"
[ "$(col "$TMP/r10" ids.log records)" -eq 1 ] || fail "ids: records"
grep -q "ids.log:2: value too long in interface-id" "$TMP/r10.err" || fail "ids: $(cat "$TMP/r10.err")"
grep -q "ids.log:3: value too long in account-id" "$TMP/r10.err" || fail "ids: $(cat "$TMP/r10.err")"
pass "10: ids over 128 bytes are malformed"

# --- 11: long lines: the same wherever they sit; 1 MiB is the exact limit ---
"$PYTHON" - "$IN" "$REC" <<'PY'
import sys
d, rec = sys.argv[1], sys.argv[2] + "\n"
blank700 = " " * (700 << 10) + "\n"
# a 700 KiB line read first, and after 900 KiB of records (it is then
# carried from one buffer to the next)
n = (900 << 10) // len(rec)
open(d + "/long-first.log", "w").write(blank700 + rec * n)
open(d + "/long-later.log", "w").write(rec * n + blank700 + rec)
# exactly at the limit: 1 MiB - 1 is a line, 1 MiB is too long
open(d + "/limit.log", "w").write(" " * ((1 << 20) - 1) + "\n" + rec + " " * (1 << 20) + "\n" + rec)
open(d + "/limit.expect", "w").write("%d\n" % n)
PY
n=$(cat "$IN/limit.expect")
run "$TMP/r11" "$IN/long-first.log" "$IN/long-later.log" "$IN/limit.log"
[ "$(col "$TMP/r11" long-first.log malformed)" -eq 0 ] || fail "700 KiB line first: malformed"
[ "$(col "$TMP/r11" long-later.log malformed)" -eq 0 ] || fail "700 KiB line later: malformed"
[ "$(col "$TMP/r11" long-later.log records)" -eq $((n + 1)) ] || fail "700 KiB line later: records"
[ "$(col "$TMP/r11" limit.log malformed)" -eq 1 ] || fail "1 MiB limit: $(col "$TMP/r11" limit.log malformed) malformed"
grep -q "limit.log:3: line too long" "$TMP/r11.err" || fail "1 MiB line not named: $(cat "$TMP/r11.err")"
pass "11: long lines"

# --- 12: headers of more than 128 names, or with a name twice, are refused ---
"$PYTHON" - "$IN" "$HDR" "$REC" <<'PY'
import sys
d, hdr, rec = sys.argv[1:4]
extra = " ".join("x%d" % i for i in range(115))  # 14 + 115 = 129 names
open(d + "/wide.log", "w").write(hdr + " " + extra + "\n" + rec + "\n")
dup = hdr.replace("dstaddr", "srcaddr")
open(d + "/dup.log", "w").write(rec + "\n" + dup + "\n" + rec + "\n")
PY
run "$TMP/r12" "$IN/wide.log" "$IN/dup.log"
grep -q "wide.log:1: header refused: more than 128 fields" "$TMP/r12.err" || fail "wide: $(cat "$TMP/r12.err")"
grep -q "dup.log:2: header refused: field 'srcaddr' given twice" "$TMP/r12.err" || fail "dup: $(cat "$TMP/r12.err")"
# the map in force stays: the default format reads the records after them
[ "$(col "$TMP/r12" wide.log records)" -eq 1 ] || fail "wide: records"
[ "$(col "$TMP/r12" dup.log records)" -eq 2 ] || fail "dup: records"
pass "12: refused headers are named and counted"

# --- 13 and 17: gzip header flags and trailers, numbers, dates ---
"$PYTHON" - "$IN" "$REC" <<'PY'
import gzip, sys
d, rec = sys.argv[1], (sys.argv[2] + "\n").encode()
g = bytearray(gzip.compress(rec * 3, mtime=0))
f = bytearray(g); f[3] |= 0x80
open(d + "/flags.gz", "wb").write(f)
s = bytearray(g); s[-1] ^= 1           # ISIZE
open(d + "/isize.gz", "wb").write(s)
c = bytearray(g); c[-8] ^= 1           # CRC
open(d + "/crc.gz", "wb").write(c)
big = sys.argv[2].replace(" 300 ", " 99999999999999999999 ")
open(d + "/range.log", "w").write(big + "\n")
PY
run "$TMP/r13" "$IN/flags.gz" "$IN/isize.gz" "$IN/crc.gz" "$IN/range.log"
grep -q "flags.gz: damaged gzip data at uncompressed offset 0: .*reserved flag bits" "$TMP/r13.err" ||
    fail "reserved flags: $(cat "$TMP/r13.err")"
[ "$(col "$TMP/r13" flags.gz records)" -eq 0 ] || fail "reserved flags: records read"
grep -q "isize.gz: damaged gzip data .*length" "$TMP/r13.err" || fail "ISIZE: $(cat "$TMP/r13.err")"
grep -q "crc.gz: damaged gzip data .*\(CRC\|data check\)" "$TMP/r13.err" || fail "CRC: $(cat "$TMP/r13.err")"
grep -q "range.log:1: value out of range in bytes" "$TMP/r13.err" || fail "range: $(cat "$TMP/r13.err")"
expect_exit 2 "$FLOWREPORT" --since 2026-02-31 -o "$TMP/never" "$IN/range.log" 2>/dev/null
expect_exit 2 "$FLOWREPORT" --since 2025-02-29 -o "$TMP/never" "$IN/range.log" 2>/dev/null
[ ! -e "$TMP/never" ] || fail "a bad date made the output directory"
pass "13, 17: gzip flags and trailers, ranges, dates"

# --- the independent reference agrees on the same inputs ---
REF="$top_srcdir/tests/ref/flowref.py"
mkdir -p "$IN/ref"
cp "$IN/cr.log" "$IN/bom.log" "$IN/future.log" "$IN/ids.log" "$IN/wide.log" "$IN/dup.log" \
    "$IN/long-later.log" "$IN/limit.log" "$IN/ref/"
cp -R "$IN/loop" "$IN/ref/loop"
mkfifo "$IN/ref/loop/fifo"
set +e
"$FLOWREPORT" -q -j 2 -f csv -o "$TMP/rc" "$IN/ref" 2>"$TMP/rc.err"
crc=$?
"$PYTHON" "$REF" -o "$TMP/rr" "$IN/ref" 2>"$TMP/rr.err"
rrc=$?
set -e
[ "$crc" -eq "$rrc" ] || fail "reference: exit $rrc, flowreport $crc: $(cat "$TMP/rr.err")"
for f in windows.csv interfaces.csv top_talkers.csv; do
    diff -u "$TMP/rr/$f" "$TMP/rc/$f" >&2 || fail "reference: $f differs"
done
pass "the reference agrees"
