#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""gendays.py: deterministic flow logs over three days for the state tests.

Usage: gendays.py OUTDIR [--seed S] [--records N]

Writes gzipped S3-layout objects (default v2 header) under
OUTDIR/AWSLogs/<acct>/vpcflowlogs/us-east-1/2026/11/DD/, one per account and
three-hour slot (2 accounts x 8 slots x 3 days = 48 objects), holding the
records whose start is in that slot. The data has ~80 interfaces, Zipf-like
talkers plus thousands of one-off pairs (so a small --max-memory makes the
top tables approximate), ~12 % REJECT, IPv6, NODATA and SKIPDATA runs that
touch and overlap, interfaces silent for hours, a port scan, a host sweep
and accepted connections to admin ports from public addresses.

It also plants one NODATA gap that crosses the day 1 / day 2 boundary on
interface GAP_ENI (23:50-24:00 in day 1's last object, 00:00-00:10 in day
2's first), and prints JSON to stdout: {"files": [relative paths, sorted],
"gap": {"eni", "start", "end", "records", "day1_file", "day2_file"}}.
Only the Python 3 standard library is used.
"""

import calendar
import gzip
import hashlib
import json
import os
import random
import sys

ACCOUNTS = ["111122223333", "444455556666"]
FLOW_LOG_IDS = {"111122223333": "fl-0aa11bb22", "444455556666": "fl-0cc33dd44"}
DAY0 = calendar.timegm((2026, 11, 24, 0, 0, 0))
DAYS = 3
SLOT = 3 * 3600
HEADER = ("version account-id interface-id srcaddr dstaddr srcport dstport "
          "protocol packets bytes start end action log-status")
GAP_ENI = "eni-0ba5eba11gap00001"


def eni(rng):
    return "eni-%017x" % rng.getrandbits(68)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    out = args[0]
    seed, total = 11, 24000
    i = 1
    while i < len(args):
        if args[i] == "--seed":
            seed = int(args[i + 1])
        elif args[i] == "--records":
            total = int(args[i + 1])
        else:
            sys.exit("unknown argument " + args[i])
        i += 2
    rng = random.Random(seed)
    end_all = DAY0 + DAYS * 86400

    enis = {a: [eni(rng) for _ in range(40)] for a in ACCOUNTS}
    enis[ACCOUNTS[0]][0] = GAP_ENI
    # interfaces silent for a few hours somewhere
    silent = {}
    for a in ACCOUNTS:
        for e in rng.sample(enis[a][1:], 6):
            s = DAY0 + rng.randrange(0, DAYS * 86400 - 6 * 3600)
            silent[e] = (s, s + rng.randrange(2 * 3600, 6 * 3600))
    internal4 = ["10.%d.%d.%d" % (k, rng.randrange(256), rng.randrange(1, 255))
                 for k in range(1, 3) for _ in range(60)]
    internal6 = ["2600:1f18:%x:%x::%x" % (rng.randrange(65536), rng.randrange(16),
                                          rng.randrange(1, 4096)) for _ in range(20)]
    public4 = ["%d.%d.%d.%d" % (rng.choice([52, 54, 3, 35, 198, 151]), rng.randrange(256),
                                rng.randrange(256), rng.randrange(1, 255)) for _ in range(80)]
    public6 = ["2a00:1450:%x::%x" % (rng.randrange(65536), rng.randrange(1, 65536))
               for _ in range(15)]
    ports = [443, 80, 53, 123, 8080, 5432, 3306, 6379, 9092, 22, 25, 993]

    recs = {a: [] for a in ACCOUNTS}   # account -> [(start, line)]

    def add(acct, iface, src, dst, sport, dport, proto, pk, by, st, en, action, status):
        line = "2 %s %s %s %s %s %s %s %s %s %d %d %s %s" % (
            acct, iface, src, dst, sport, dport, proto, pk, by, st, en, action, status)
        recs[acct].append((st, line))

    def zipf(v):
        return v[min(int(rng.paretovariate(1.2)) - 1, len(v) - 1)]

    def quiet(iface, t):
        s = silent.get(iface)
        return s is not None and s[0] <= t < s[1]

    n = 0
    while n < total:
        acct = rng.choice(ACCOUNTS)
        iface = zipf(enis[acct][1:]) if rng.random() < 0.6 else rng.choice(enis[acct])
        st = DAY0 + rng.randrange(0, DAYS * 86400 - 60)
        if quiet(iface, st):
            continue
        en = min(st + rng.choice([0, 1, 10, 30, 60, 120, 600]), end_all + 600)
        v6 = rng.random() < 0.06
        if rng.random() < 0.25:   # one-off pairs: many distinct talkers
            src = rng.choice(internal6) if v6 else rng.choice(internal4)
            if v6:
                dst = "2a00:1450:%x::%x" % (rng.randrange(65536), rng.randrange(1, 65536))
            else:
                dst = "%d.%d.%d.%d" % (rng.choice([13, 34, 44, 99]), rng.randrange(256),
                                       rng.randrange(256), rng.randrange(1, 255))
        else:
            src = zipf(internal6) if v6 else zipf(internal4)
            dst = zipf(public6) if v6 else zipf(public4)
        if rng.random() < 0.5:
            src, dst = dst, src
        proto = rng.choice([6, 6, 6, 17, 17]) if rng.random() > 0.01 else 1
        dport = zipf(ports) if proto != 1 else 0
        sport = rng.randrange(1024, 65536) if proto != 1 else 0
        pk = rng.randrange(1, 2000)
        by = pk * rng.randrange(40, 1500)
        action = "REJECT" if rng.random() < 0.12 else "ACCEPT"
        add(acct, iface, src, dst, sport, dport, proto, pk, by, st, en, action, "OK")
        n += 1

    # NODATA / SKIPDATA runs that touch and overlap
    for a in ACCOUNTS:
        for iface in rng.sample(enis[a][1:], 8):
            t = DAY0 + rng.randrange(0, DAYS * 86400 - 4 * 3600)
            kind = "SKIPDATA" if rng.random() < 0.3 else "NODATA"
            for _ in range(rng.randrange(2, 7)):
                ln = rng.choice([60, 300, 600])
                add(a, iface, "-", "-", "-", "-", "-", "-", "-", t, t + ln, "-", kind)
                t += ln - rng.choice([0, 0, 30, 60])  # touching or overlapping
            t += rng.randrange(1800, 7200)
            add(a, iface, "-", "-", "-", "-", "-", "-", "-", t, t + 600, "-", "NODATA")

    # the planted gap across the day boundary (day 1 -> day 2) on GAP_ENI,
    # with OK traffic on it far from the boundary
    a0 = ACCOUNTS[0]
    b = DAY0 + 86400
    add(a0, GAP_ENI, "-", "-", "-", "-", "-", "-", "-", b - 600, b, "-", "NODATA")
    add(a0, GAP_ENI, "-", "-", "-", "-", "-", "-", "-", b, b + 600, "-", "NODATA")
    for k in range(30):
        t = DAY0 + 4 * 3600 + k * 4000
        if b - 3 * 3600 < t < b + 3 * 3600:
            continue
        add(a0, GAP_ENI, "10.1.7.7", "52.94.1.1", 40000 + k, 443, 6, 10, 5000, t, t + 30,
            "ACCEPT", "OK")

    # a port scan (150 rejected ports of one destination), a host sweep
    # (70 rejected destinations), admin ports accepted from the Internet
    a1 = ACCOUNTS[1]
    scan_eni = enis[a1][3]
    t = DAY0 + 86400 + 5 * 3600
    for k in range(150):
        add(a1, scan_eni, "203.0.113.50", "10.2.0.5", 51000 + k, 1000 + k, 6, 1, 44, t + k,
            t + k + 1, "REJECT", "OK")
    t = DAY0 + 2 * 86400 + 2 * 3600
    for k in range(70):
        add(a1, enis[a1][4], "198.51.100.77", "10.2.9.%d" % (k + 1), 52000 + k, 445, 6, 1, 44,
            t + 2 * k, t + 2 * k + 1, "REJECT", "OK")
    for k, (src, port) in enumerate([("185.220.101.3", 22), ("185.220.101.4", 3389),
                                     ("2001:67c:1e8::9", 22), ("91.240.118.2", 5432)]):
        t = DAY0 + 3600 * (7 + 17 * k)
        add(a0, enis[a0][5], src, "10.1.0.9", 50000 + k, port, 6, 30, 9000, t, t + 60,
            "ACCEPT", "OK")

    files = []
    for a in ACCOUNTS:
        slots = {}
        for st, line in recs[a]:
            slots.setdefault((st - DAY0) // SLOT, []).append((st, line))
        for s in sorted(slots):
            t0 = DAY0 + s * SLOT
            y, mo, d, hh, mi = __import__("time").gmtime(t0)[:5]
            lines = [l for _, l in slots[s]]
            rng.shuffle(lines)
            body = (HEADER + "\n" + "\n".join(lines) + "\n").encode()
            h = hashlib.sha1(body).hexdigest()[:8]
            rel = "AWSLogs/%s/vpcflowlogs/us-east-1/%04d/%02d/%02d/%s_vpcflowlogs_us-east-1_%s_" \
                  "%04d%02d%02dT%02d%02dZ_%s.log.gz" % (a, y, mo, d, a, FLOW_LOG_IDS[a],
                                                       y, mo, d, hh, mi, h)
            path = os.path.join(out, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(gzip.compress(body, 6, mtime=0))
            files.append(rel)
    files.sort()
    day = lambda t: "/%04d/%02d/%02d/" % __import__("time").gmtime(t)[:3]
    hhmm = lambda t: "T%02d%02dZ" % __import__("time").gmtime(t)[3:5]
    d1 = [f for f in files if f.startswith("AWSLogs/" + a0) and day(b - 600) in f
          and hhmm(b - SLOT) in f]
    d2 = [f for f in files if f.startswith("AWSLogs/" + a0) and day(b) in f and hhmm(b) in f]
    assert len(d1) == 1 and len(d2) == 1, (d1, d2)
    json.dump({"files": files,
               "gap": {"eni": GAP_ENI, "start": b - 600, "end": b + 600, "records": 2,
                       "day1_file": d1[0], "day2_file": d2[0]}}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
