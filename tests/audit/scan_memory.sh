#!/bin/sh
# The port-scan and host-sweep counters are charged to --max-memory: with a
# flood of distinct rejected sources and a small budget the run stays small,
# says it followed a sample of the sources, gives the same findings at -j1
# and -j3 (also when the distinct sources of admin-port findings are
# sampled), and every port-scan finding it makes is true (python counts the
# distinct rejected ports of each pair from the records).
. "$(dirname "$0")/../lib.sh"
[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed"
"$PYTHON" - "$TMP/flood.log" <<'PY'
import random, sys
rnd = random.Random(5)
with open(sys.argv[1], "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
            "packets bytes start end action log-status\n")
    t = 1764115200
    # background noise: 250,000 distinct public sources, one probe each
    for i in range(250000):
        src = "%d.%d.%d.%d" % (20 + (i >> 24) % 50, (i >> 16) & 255, (i >> 8) & 255, i & 255)
        f.write("2 123456789012 eni-0a %s 10.0.0.%d 4444 %d 6 1 40 %d %d REJECT OK\n"
                % (src, 1 + i % 200, 1 + i % 60000, t + i % 3000, t + i % 3000 + 5))
    # admin ports accepted from 30,000 public sources on 8 interfaces: the
    # distinct sources of rule 1 outgrow the budget and are sampled, and the
    # sample must not depend on which interface a worker met first
    for i in range(30000):
        f.write("2 123456789012 eni-%02d 203.0.%d.%d 10.0.2.%d 5555 22 6 3 180 %d %d ACCEPT OK\n"
                % (i % 8, (i >> 8) & 255, i & 255, i % 8, t + i % 3000, t + i % 3000 + 5))
    # 16 admin-port findings with one public source each: once the pairs
    # are sampled, most have none in the sample and must not say "about 0"
    for i in range(16):
        f.write("2 123456789012 eni-0b 198.18.7.%d 10.0.3.%d 5555 3389 6 3 180 %d %d ACCEPT OK\n"
                % (i + 1, i + 1, t + i, t + i + 5))
    # 40 real scanners: 150 ports each on one host
    for s in range(40):
        for p in range(150):
            f.write("2 123456789012 eni-0a 198.51.%d.%d 10.0.1.1 5555 %d 6 1 40 %d %d REJECT OK\n"
                    % (100 + s // 200, s % 200, 1000 + p, t + p, t + p + 5))
PY
for j in 1 3; do
    /usr/bin/time -f "%M" -o "$TMP/j$j.rss" "$FLOWREPORT" -q -j $j -f csv,md --max-memory 8M \
        -o "$TMP/j$j" "$TMP/flood.log" 2>"$TMP/j$j.err" || fail "-j$j: exit $?"
done
cmp -s "$TMP/j1/findings.csv" "$TMP/j3/findings.csv" || fail "findings differ between -j1 and -j3"
RSS=$(cat "$TMP/j1.rss")
# (a sanitizer build's shadow memory and quarantine are not the program's)
if ! ldd "$FLOWREPORT" 2>/dev/null | grep -q -e libasan -e libtsan; then
    [ "$RSS" -lt 150000 ] || fail "peak RSS $RSS KB with --max-memory 8M"
fi
grep -q "port-scan and host-sweep followed 1 in [0-9]* sources" "$TMP/j1/summary.md" ||
    fail "summary.md does not say the sources were sampled"
"$PYTHON" - "$TMP/flood.log" "$TMP/j1/findings.csv" <<'PY' || fail "a port-scan finding is not true"
import collections, csv, sys
ports = collections.defaultdict(set)
for ln in open(sys.argv[1]).read().splitlines()[1:]:
    f = ln.split()
    ports[(f[3], f[4])].add(f[6])
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r["rule"] == "port-scan"]
for r in rows:
    assert len(ports[(r["srcaddr"], r["dstaddr"])]) >= 100, r
true = sum(1 for k, v in ports.items() if len(v) >= 100)
assert len(rows) <= true == 40, (len(rows), true)
print(len(rows), "of", true, "scans found from the followed sources")
PY
"$PYTHON" - "$TMP/j1/findings.csv" <<'PY' || fail "a single-source admin-port finding reads wrong"
import csv, re, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))
        if r["rule"] == "public-admin-port-accepted" and r["dstaddr"].startswith("10.0.3.")]
assert len(rows) == 16, len(rows)
none = 0
for r in rows:
    d = r["detail"]
    m = re.fullmatch(r"at least 1 distinct public sources \(none in the 1/(\d+) sample\)", d)
    if m:
        none += 1
        continue
    m = re.fullmatch(r"about (\d+) distinct public sources \(estimated from a 1/(\d+) sample\)", d)
    assert m and m.group(1) == m.group(2), d
assert none > 0, "no single-source finding fell outside the sample: the case is not exercised"
print(none, "of 16 single-source findings had no sampled pair and say at least 1")
PY
pass "port-scan/host-sweep bounded by --max-memory (peak RSS $RSS KB), sampled the same at any -j"
