#!/bin/sh
# Bad input never crashes: 240 mutated copies of the samples (bytes flipped,
# inserted, deleted; some gzipped, truncated or wrapped in JSON) each run
# through flowreport. Every run must end with exit 0 or 1 (2 only with the
# documented "too many windows" message) and, in sanitizer builds, without a
# sanitizer report. Seeds are fixed, so a failure names a reproducible file.
. "$(dirname "$0")/lib.sh"
mkdir -p "$TMP/m"
"$PYTHON" - "$top_srcdir/samples" "$TMP/m" <<'PY'
import gzip, os, random, sys
samples, out = sys.argv[1], sys.argv[2]
bases = []
for root, dirs, files in os.walk(samples):
    for f in sorted(files):
        data = open(os.path.join(root, f), "rb").read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        bases.append(data)
bases.sort()
rng = random.Random(20261127)
for i in range(240):
    d = bytearray(bases[i % len(bases)])
    for _ in range(rng.randint(1, 60)):
        p = rng.randrange(len(d))
        op = rng.random()
        if op < 0.4:
            d[p] = rng.randrange(256)
        elif op < 0.7:
            d.insert(p, rng.choice(b' \t\n-.:0123456789{}"\\\r\x00'))
        else:
            del d[p]
    data = bytes(d)
    r = rng.random()
    if r < 0.3:
        data = gzip.compress(data, mtime=0)
    if r < 0.15:
        data = data[: rng.randrange(len(data))]
    if r > 0.9:
        data = b'{"events":[{"message":"' + data[:300].replace(b'"', b"") + b'"}]}'
    open(os.path.join(out, "m%03d" % i), "wb").write(data)
PY
n=0
for f in "$TMP"/m/m*; do
    set +e; "$FLOWREPORT" -q -j 2 -f csv,md -o "$TMP/out" "$f" 2>"$TMP/err"; rc=$?; set -e
    if grep -q "Sanitizer\|runtime error" "$TMP/err"; then
        cat "$TMP/err" >&2; fail "$f: sanitizer report"
    fi
    case $rc in
    0|1) ;;
    2) grep -q "windows of" "$TMP/err" || fail "$f: exit 2: $(cat "$TMP/err")" ;;
    *) fail "$f: exit $rc: $(tail -3 "$TMP/err")" ;;
    esac
    n=$((n + 1))
done
[ "$n" -eq 240 ] || fail "ran $n files, not 240"
pass "240 mutated inputs"
