#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""genflows.py: deterministic generator of realistic VPC Flow Log test data.

Usage:
  genflows.py OUTDIR [--records N] [--seed S] [--files K]

  --records N  about N valid records in all (default 5000)
  --seed S     random seed (default 1); the same seed gives byte-identical output
  --files K    number of regular gzipped S3 objects (default 12, at least 4)

Layout written under OUTDIR (paths are fixed by the seed):
  AWSLogs/<acct>/vpcflowlogs/us-east-1/2026/11/26/
      <acct>_vpcflowlogs_us-east-1_<fl-id>_<YYYYMMDDTHHMMZ>_<hash>.log.gz
          regular objects: default v2 header, records in random order.  One
          of them repeats its header mid-file (concatenated objects); one is
          a multi-member gzip whose members split lines in the middle; one
          holds blank lines.
      ..._fl-05c0ffee_..._<hash>.log      plain text, custom version-5 field
          order header, some CRLF line ends and millisecond timestamps
      ..._fl-0badc0de_....log.gz          NAT-style custom format without start
          (untimed records)
      ..._fl-07a1b2c3_....log.gz          Transit Gateway default format (TGW records)
  exportedlogs/<task>/<eni>/000000.gz     CloudWatch export, ISO prefix per line
  exportedlogs/aws-logs-write-test        the permission-check object (malformed)
  cwl/filter-log-events.json              FilterLogEvents page (events[])
  firehose/messages.jsonl                 {"message": "..."} lines
  .staging/..., AWSLogs/.../.tmp-...      dot-names that readers must skip

Records span 2026-11-26 00:00 to 06:00 UTC over ~50 interfaces in 2 accounts:
~12 % REJECT, ~1.5 % NODATA/SKIPDATA (runs that touch and overlap), ~5 % IPv6,
Zipf-like address pairs and ports, deliberate exact ties in the top tables,
and a handful of malformed lines.

Only the Python 3 standard library is used.
"""

import calendar
import gzip
import json
import os
import random
import sys
import time

REGION = "us-east-1"
ACCOUNTS = ["123456789012", "210987654321"]
FLOW_LOG_IDS = {"123456789012": "fl-0a1b2c3d", "210987654321": "fl-0e9d8c7b"}
T0 = calendar.timegm((2026, 11, 26, 0, 0, 0))
SPAN = 6 * 3600

V2_HEADER = ("version account-id interface-id srcaddr dstaddr srcport dstport "
             "protocol packets bytes start end action log-status")
V5_FIELDS = ("version interface-id account-id vpc-id subnet-id instance-id "
             "srcaddr dstaddr srcport dstport protocol tcp-flags type "
             "pkt-srcaddr pkt-dstaddr region az-id sublocation-type "
             "sublocation-id packets bytes start end action log-status "
             "flow-direction traffic-path pkt-src-aws-service "
             "pkt-dst-aws-service").split()
NAT_HEADER = "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr"
TGW_HEADER = ("version resource-type account-id tgw-id tgw-attachment-id "
              "tgw-src-vpc-account-id tgw-dst-vpc-account-id tgw-src-vpc-id "
              "tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni "
              "tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id "
              "srcaddr dstaddr srcport dstport protocol packets bytes start end "
              "log-status type packets-lost-no-route packets-lost-blackhole "
              "packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags "
              "region flow-direction pkt-src-aws-service pkt-dst-aws-service")

SERVICES = [(6, 443), (6, 80), (6, 22), (17, 53), (6, 3306), (6, 5432),
            (6, 6379), (6, 8080), (17, 123), (6, 3389), (6, 25), (6, 9200),
            (6, 27017), (6, 11211), (17, 514), (6, 8443), (6, 445), (6, 1433),
            (6, 5601), (6, 2049), (6, 9092), (6, 2181), (17, 161), (6, 21)]
SCAN_PORTS = [(6, 22), (6, 3389), (6, 23), (6, 445), (6, 1433), (6, 5900),
              (6, 80), (17, 161)]


def zipf_weights(n, s=1.1):
    return [1.0 / (i + 1) ** s for i in range(n)]


def iso_ms(t):
    return "%04d-%02d-%02dT%02d:%02d:%02d.000Z" % tuple(time.gmtime(t)[:6])


def slot_name(t):
    """5-minute slot name YYYYMMDDTHHMMZ holding time t."""
    t -= t % 300
    g = time.gmtime(t)
    return "%04d%02d%02dT%02d%02dZ" % g[:5]


def split_sum(rng, total, k):
    """k positive integers summing to total (total >= k)."""
    cuts = sorted(rng.sample(range(1, total), k - 1))
    parts = []
    prev = 0
    for c in cuts + [total]:
        parts.append(c - prev)
        prev = c
    return parts


class Gen:
    def __init__(self, nrec, seed, nfiles):
        self.rng = random.Random(seed)
        self.nrec = nrec
        self.nfiles = max(4, nfiles)
        self.make_world()

    # ------------------------------------------------------------------
    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def make_world(self):
        rng = self.rng
        self.enis = []
        used = set()
        for idx in range(50):
            acct = ACCOUNTS[0] if idx < 30 else ACCOUNTS[1]
            net = 0 if acct == ACCOUNTS[0] else 1
            while True:
                ip = "10.%d.%d.%d" % (net, rng.randrange(0, 8), rng.randrange(4, 250))
                if ip not in used:
                    used.add(ip)
                    break
            v6 = None
            if idx % 3 == 0:
                v6 = "2600:1f18:4a3:6a%02x:%x:%x:%x:%x" % (
                    net * 16 + rng.randrange(16), rng.randrange(1, 0xffff),
                    rng.randrange(0, 0xffff), rng.randrange(1, 0xffff),
                    rng.randrange(1, 0xffff))
            eni = {"id": "eni-" + self.hexid(17), "acct": acct, "ip": ip,
                   "v6": v6, "vpc": ("vpc-0a1b2c3d4e5f6a7b8", "vpc-09f8e7d6c5b4a3928")[net],
                   "subnet": "subnet-0" + self.hexid(16),
                   "instance": "i-0" + self.hexid(16) if idx % 5 else "-",
                   "az": "use1-az%d" % (1 + idx % 6)}
            # two VPC-endpoint ENIs report their account as 'unknown'
            eni["acct_text"] = "unknown" if idx in (7, 41) else acct
            # some ENIs live only part of the time (created/deleted)
            eni["life"] = (T0, T0 + SPAN - 700)
            if idx % 4 == 1:
                lo = T0 + rng.randrange(0, SPAN // 2)
                eni["life"] = (lo, lo + rng.randrange(3600, SPAN // 2))
            self.enis.append(eni)
        rng.shuffle(self.enis)           # busy ENIs spread over both accounts
        self.eni_w = zipf_weights(len(self.enis), 0.9)

        self.remote4 = []
        prefixes = ["52.94.%d.%d", "54.239.%d.%d", "3.5.%d.%d",
                    "203.0.113.%d%s", "198.51.100.%d%s", "192.0.2.%d%s",
                    "185.199.%d.%d", "151.101.%d.%d", "13.107.%d.%d",
                    "172.217.%d.%d"]
        seen = set()
        while len(self.remote4) < 160:
            p = rng.choice(prefixes)
            if p.endswith("%s"):
                a = p % (rng.randrange(1, 200), "")
            else:
                a = p % (rng.randrange(0, 256), rng.randrange(1, 255))
            if a not in seen:
                seen.add(a)
                self.remote4.append(a)
        # internal peers: other ENIs' addresses
        self.remote4[20:20] = [e["ip"] for e in self.enis[:25]]
        self.remote4_w = zipf_weights(len(self.remote4))
        self.remote6 = []
        while len(self.remote6) < 24:
            p = rng.choice(["2001:db8:%x::%x", "2a05:d018:%x::%x",
                            "2606:4700:%x::%x"])
            a = p % (rng.randrange(1, 0xfff), rng.randrange(1, 0xffff))
            if a not in seen:
                seen.add(a)
                self.remote6.append(a)
        self.remote6_w = zipf_weights(len(self.remote6))
        self.svc_w = zipf_weights(len(SERVICES), 1.2)
        self.scanners = []
        while len(self.scanners) < 40:
            a = "%d.%d.%d.%d" % (rng.choice([45, 89, 141, 185, 193, 77]),
                                 rng.randrange(256), rng.randrange(256),
                                 rng.randrange(1, 255))
            if a not in seen:
                seen.add(a)
                self.scanners.append(a)
        self.scanner_w = zipf_weights(len(self.scanners), 1.3)

    # ------------------------------------------------------------------
    def pick(self, items, weights):
        return self.rng.choices(items, weights)[0]

    def times(self, eni=None, dur_max=60):
        rng = self.rng
        lo, hi = eni["life"] if eni else (T0, T0 + SPAN - 700)
        start = rng.randrange(lo, hi)
        if rng.random() < 0.1:
            dur = rng.randrange(60, 600)     # 10-minute flow logs
        else:
            dur = rng.randrange(0, dur_max + 1)
        return start, start + dur

    def rec(self, eni, src, dst, sport, dport, proto, pk, by, start, end,
            action, status="OK"):
        return {"eni": eni, "src": src, "dst": dst, "sport": sport,
                "dport": dport, "proto": proto, "packets": pk, "bytes": by,
                "start": start, "end": end, "action": action,
                "status": status}

    def regular(self):
        """One ordinary OK record."""
        rng = self.rng
        eni = self.pick(self.enis, self.eni_w)
        v6 = eni["v6"] is not None and rng.random() < 0.15
        if v6:
            local = eni["v6"]
            remote = self.pick(self.remote6, self.remote6_w)
        else:
            local = eni["ip"]
            remote = self.pick(self.remote4, self.remote4_w)
        start, end = self.times(eni)
        if rng.random() < 0.02:
            proto = 58 if v6 else 1
            pk = rng.randrange(1, 20)
            by = pk * (104 if v6 else 84)
            action = "ACCEPT" if rng.random() < 0.8 else "REJECT"
            if rng.random() < 0.5:
                return self.rec(eni, remote, local, 0, 0, proto, pk, by, start, end, action)
            return self.rec(eni, local, remote, 0, 0, proto, pk, by, start, end, action)
        proto, port = self.pick(SERVICES, self.svc_w)
        eph = rng.randrange(32768, 61000)
        pk = min(int(rng.lognormvariate(2.4, 1.3)) + 1, 200000)
        by = pk * rng.randrange(40, 1501)
        reject = rng.random() < 0.07
        action = "REJECT" if reject else "ACCEPT"
        if reject:
            pk = rng.randrange(1, 6)
            by = pk * rng.choice([40, 44, 52, 60])
        d = rng.random()
        if d < 0.5 or reject:      # inbound request to a service on the ENI
            return self.rec(eni, remote, local, eph, port, proto, pk, by, start, end, action)
        if d < 0.75:               # the ENI's response
            return self.rec(eni, local, remote, port, eph, proto, pk, by, start, end, action)
        # outbound client connection
        return self.rec(eni, local, remote, eph, port, proto, pk, by, start, end, action)

    def scan(self, src, n):
        """n REJECT records from one scanner address."""
        rng = self.rng
        out = []
        for _ in range(n):
            eni = self.pick(self.enis, self.eni_w)
            dst = eni["v6"] if (":" in src and eni["v6"]) else eni["ip"]
            if ":" in src and ":" not in dst:
                eni = [e for e in self.enis if e["v6"]][0]
                dst = eni["v6"]
            proto, port = rng.choice(SCAN_PORTS)
            pk = rng.randrange(1, 4)
            start, end = self.times()
            out.append(self.rec(eni, src, dst, rng.randrange(1024, 65536), port,
                                proto, pk, pk * 40, start, end, "REJECT"))
        return out

    def gap_runs(self, n_target):
        """NODATA/SKIPDATA records in runs that touch, overlap or stand apart."""
        rng = self.rng
        out = []
        quiet = [e for e in self.enis[30:]] + [self.enis[29]]
        k = 0
        while len(out) < n_target:
            eni = quiet[k % len(quiet)]
            k += 1
            t = T0 + rng.randrange(0, SPAN - 4000)
            t -= t % 60
            for _ in range(rng.randrange(2, 7)):
                dur = rng.choice([58, 59, 60, 60, 60, 115])
                out.append(self.rec(eni, None, None, None, None, None, None, None,
                                    t, t + dur, None, "NODATA"))
                how = rng.random()
                if how < 0.45:
                    t = t + dur                          # touches
                elif how < 0.75:
                    t = t + dur - rng.randrange(1, 20)   # overlaps
                else:
                    t = t + dur + rng.randrange(1, 300)  # separate gap
            if rng.random() < 0.3:
                # a SKIPDATA record starting where this run's last NODATA starts
                last = out[-1]
                out.append(self.rec(eni, None, None, None, None, None, None, None,
                                    last["start"], last["start"] + 45, None, "SKIPDATA"))
        # an exact duplicate NODATA, and a SKIPDATA pair that touches
        out.append(dict(out[0]))
        e = self.enis[33]
        t = T0 + 3 * 3600 + 600
        out.append(self.rec(e, None, None, None, None, None, None, None, t, t + 60, None, "SKIPDATA"))
        out.append(self.rec(e, None, None, None, None, None, None, None, t + 60, t + 120, None, "SKIPDATA"))
        out.append(self.rec(e, None, None, None, None, None, None, None, t + 300, t + 360, None, "SKIPDATA"))
        # a NODATA and a SKIPDATA gap that start at the same second
        out.append(self.rec(e, None, None, None, None, None, None, None, t + 900, t + 958, None, "NODATA"))
        out.append(self.rec(e, None, None, None, None, None, None, None, t + 900, t + 930, None, "SKIPDATA"))
        return out

    def ties(self):
        """Records built so that the top tables hold exact ties."""
        rng = self.rng
        out = []
        n = self.nrec
        # talkers: three pairs with exactly the same bytes, high in the table
        # (one IPv4, one IPv6, one IPv4 whose address sorts last), and three
        # more pairs tied lower down
        e1 = self.enis[0]
        e6 = [e for e in self.enis if e["v6"]][1]
        big = max(300, n * 1200)
        for src, dst, eni, tot in (
                ("198.51.100.250", e1["ip"], e1, big),
                ("2001:db8:ffff::10", e6["v6"], e6, big),
                ("198.51.100.7", e1["ip"], e1, big),
                ("203.0.113.77", self.enis[5]["ip"], self.enis[5], big // 4),
                ("203.0.113.78", self.enis[6]["ip"], self.enis[6], big // 4),
                ("203.0.113.76", self.enis[6]["ip"], self.enis[6], big // 4)):
            k = 5
            for by in split_sum(rng, tot, k):
                start, end = self.times()
                out.append(self.rec(eni, src, dst, rng.randrange(32768, 61000),
                                    443, 6, max(1, by // 1400), by, start, end, "ACCEPT"))
        # ports: two dedicated ports with the same bytes
        for proto, port in ((6, 8883), (6, 1883), (17, 4500)):
            tot = max(300, n * 300)
            for by in split_sum(rng, tot, 4):
                eni = self.pick(self.enis, self.eni_w)
                start, end = self.times()
                out.append(self.rec(eni, self.pick(self.remote4, self.remote4_w),
                                    eni["ip"], rng.randrange(32768, 61000), port,
                                    proto, max(1, by // 1000), by, start, end, "ACCEPT"))
        # rejected: scanners with exactly the same record count (IPv4, IPv6
        # and an IPv4-mapped IPv6 address, written in non-canonical forms)
        s = max(3, n // 150)
        for src in ("45.33.32.156", "45.33.32.9", "::ffff:198.51.100.77"):
            out.extend(self.scan(src, s))
        # one IPv6 scanner written two ways: both forms are one address
        out.extend(self.scan("2001:DB8:0BAD:0:0:0:0:1", s // 2))
        out.extend(self.scan("2001:db8:bad::1", s - s // 2))
        return out

    # ------------------------------------------------------------------
    def build(self):
        rng = self.rng
        n = self.nrec
        gaps = self.gap_runs(max(4, n * 12 // 1000))
        ties = self.ties()
        nscan = max(0, n * 4 // 100)
        scans = []
        for _ in range(nscan):
            scans.extend(self.scan(self.pick(self.scanners, self.scanner_w), 1))
        nreg = max(10, n - len(gaps) - len(ties) - len(scans))
        regs = [self.regular() for _ in range(nreg)]
        allrecs = regs + scans + ties + gaps
        rng.shuffle(allrecs)
        return allrecs


def v2_line(r):
    e = r["eni"]
    def f(v):
        return "-" if v is None else str(v)
    return " ".join([
        "2", e["acct_text"], e["id"], f(r["src"]), f(r["dst"]), f(r["sport"]),
        f(r["dport"]), f(r["proto"]), f(r["packets"]), f(r["bytes"]),
        str(r["start"]), str(r["end"]), f(r["action"]), r["status"]])


def v5_line(r, ms=False):
    e = r["eni"]
    def f(v):
        return "-" if v is None else str(v)
    ok = r["status"] == "OK"
    v6 = ok and ":" in r["src"]
    local = r["src"] in (e["ip"], e["v6"]) if ok else False
    start, end = r["start"], r["end"]
    if ms:
        start, end = start * 1000 + 123, end * 1000 + 999
    vals = {
        "version": "5", "interface-id": e["id"], "account-id": e["acct"],
        "vpc-id": e["vpc"], "subnet-id": e["subnet"],
        "instance-id": e["instance"], "srcaddr": f(r["src"]),
        "dstaddr": f(r["dst"]), "srcport": f(r["sport"]),
        "dstport": f(r["dport"]), "protocol": f(r["proto"]),
        "tcp-flags": ("19" if r["proto"] == 6 else "0") if ok else "-",
        "type": ("IPv6" if v6 else "IPv4") if ok else "-",
        "pkt-srcaddr": f(r["src"]), "pkt-dstaddr": f(r["dst"]),
        "region": REGION, "az-id": e["az"], "sublocation-type": "-",
        "sublocation-id": "-", "packets": f(r["packets"]),
        "bytes": f(r["bytes"]), "start": str(start), "end": str(end),
        "action": f(r["action"]), "log-status": r["status"],
        "flow-direction": ("egress" if local else "ingress") if ok else "-",
        "traffic-path": ("1" if local else "-") if ok else "-",
        "pkt-src-aws-service": "-",
        "pkt-dst-aws-service": ("S3" if ok and r["dport"] == 443 and local else "-"),
    }
    return " ".join(vals[k] for k in V5_FIELDS)


MALFORMED = [
    # (template, description) -- {eni} {acct} {t} are filled in
    "2 {acct} {eni} 10.0.1.5 52.94.1.1 443 49152 6 10 840 {t} {t1} ACCEPT",
    "2 {acct} {eni} 10.0.1.5 52.94.1.1 443 49152 6 1O 840 {t} {t1} ACCEPT OK",
    "2 {acct} {eni} 10.0.0.256 52.94.1.1 443 49152 6 10 840 {t} {t1} ACCEPT OK",
    "2 {acct} {eni} 52.94.1.1 10.0.1.5 49152 70000 6 10 840 {t} {t1} ACCEPT OK",
    "2 {acct} {eni} 52.94.1.1 10.0.1.5 49152 443 6 10 840 {t1} {t} ACCEPT OK",
    "2 {acct} {eni} 52.94.1.1 10.0.1.5 49152 443 6 10 840 {t} {tlong} ACCEPT OK",
    "2 {acct} {eni} 52.94.1.1 10.0.1.5 49152 443 6 10 840 {t} {t1} ALLOW OK",
    "2 {acct} {eni} 2001:db8::g1 10.0.1.5 49152 443 6 10 840 {t} {t1} ACCEPT OK",
    "2 {acct} {eni} 52.94.1.1 10.0.1.5 49152 443 256 10 840 {t} {t1} ACCEPT OK",
    "2 {acct} {eni} 52.94.1.1 10.0.1.5 49152 443 6 10 -5 {t} {t1} ACCEPT OK",
]


def gz(data, members=1, rng=None):
    """gzip with a fixed header (mtime 0); optionally several members split
    at arbitrary byte offsets."""
    if members == 1:
        return gzip.compress(data, compresslevel=6, mtime=0)
    cuts = sorted(rng.sample(range(1, len(data)), members - 1))
    out = b""
    prev = 0
    for c in cuts + [len(data)]:
        out += gzip.compress(data[prev:c], compresslevel=6, mtime=0)
        prev = c
    return out


def main(argv):
    args = {"records": 5000, "seed": 1, "files": 12}
    outdir = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--records", "--seed", "--files") and i + 1 < len(argv):
            try:
                args[a[2:]] = int(argv[i + 1])
            except ValueError:
                sys.exit("genflows.py: %s needs an integer" % a)
            i += 2
        elif a.startswith("-"):
            sys.exit(__doc__.split("\n\n")[1])
        elif outdir is None:
            outdir = a
            i += 1
        else:
            sys.exit("genflows.py: one OUTDIR only")
    if outdir is None or args["records"] < 1:
        sys.exit(__doc__.split("\n\n")[1])

    g = Gen(args["records"], args["seed"], args["files"])
    rng = g.rng
    recs = g.build()

    # route records to objects --------------------------------------------
    s3dir = {a: os.path.join("AWSLogs", a, "vpcflowlogs", REGION, "2026", "11", "26")
             for a in ACCOUNTS}
    files = {}          # relative path -> bytes

    def s3name(acct, flid, t, ext):
        return os.path.join(s3dir[acct], "%s_vpcflowlogs_%s_%s_%s_%s.%s" % (
            acct, REGION, flid, slot_name(t), g.hexid(8), ext))

    nchunks = (g.nfiles + 1) // 2
    chunk_len = SPAN // nchunks
    regular = {}        # (acct, chunk) -> [lines]
    v5 = []
    cwl_export = []
    events = []
    jsonl = []
    export_eni = g.enis[1]
    for r in recs:
        x = rng.random()
        if r["eni"] is export_eni and x < 0.5:
            cwl_export.append(r)
        elif r["eni"]["acct"] == ACCOUNTS[0] and x < 0.08:
            v5.append(r)
        elif x < 0.085 and len(events) < 20:
            events.append(r)
        elif x < 0.09 and len(jsonl) < 10:
            jsonl.append(r)
        else:
            c = min((r["end"] - T0) // chunk_len, nchunks - 1)
            acct = r["eni"]["acct"]
            if (acct == ACCOUNTS[1] and g.nfiles % 2 == 1
                    and c == nchunks - 1):
                c = nchunks - 2     # odd K: the last chunk has one object
            regular.setdefault((acct, max(0, c)), []).append(v2_line(r))

    # malformed lines, spread over the regular objects
    keys = sorted(regular)
    for j, tmpl in enumerate(MALFORMED):
        key = keys[(j * 5) % len(keys)]
        e = g.enis[j]
        t = T0 + chunk_len * key[1] + 100 + j
        line = tmpl.format(acct=e["acct"], eni=e["id"], t=t, t1=t + 60,
                           tlong=t + 90000)
        lst = regular[key]
        lst.insert(rng.randrange(len(lst) + 1), line)

    for n, key in enumerate(keys):
        acct, c = key
        lines = regular[key]
        slot_t = T0 + (c + 1) * chunk_len - 1
        if acct == ACCOUNTS[1] and g.nfiles % 2 == 1 and c == nchunks - 2:
            slot_t += chunk_len
        name = s3name(acct, FLOW_LOG_IDS[acct], slot_t, "log.gz")
        if n == 1:
            # concatenated objects: the header again in the middle
            h = len(lines) // 2
            text = "\n".join([V2_HEADER] + lines[:h] + [V2_HEADER] + lines[h:]) + "\n"
            files[name] = gz(text.encode())
        elif n == 2:
            text = "\n".join([V2_HEADER] + lines) + "\n"
            files[name] = gz(text.encode(), members=3, rng=rng)
        elif n == 3:
            k = len(lines) // 3
            text = "\n".join([V2_HEADER] + lines[:k] + [""] + lines[k:2 * k]
                             + [" \t "] + lines[2 * k:]) + "\n"
            files[name] = gz(text.encode())
        else:
            text = "\n".join([V2_HEADER] + lines) + "\n"
            files[name] = gz(text.encode())

    # plain-text custom v5 object; some CRLF and millisecond lines; no final
    # newline
    a0 = ACCOUNTS[0]
    out = [" ".join(V5_FIELDS)]
    for j, r in enumerate(v5):
        line = v5_line(r, ms=(j % 40 == 7))
        if j % 9 == 4:
            line += "\r"
        out.append(line)
    files[s3name(a0, "fl-05c0ffee", T0 + SPAN - 1, "log")] = "\n".join(out).encode()

    # NAT-style custom format without start: untimed records
    out = [NAT_HEADER]
    nat = [e for e in g.enis if e["acct"] == a0][:3]
    for j in range(6):
        e = nat[j % 3]
        pub = g.remote4[j]
        out.append("%s %s %s %s %s %s" % (e["instance"], e["id"], e["ip"], pub,
                                          e["ip"], pub))
    files[s3name(a0, "fl-0badc0de", T0 + 3600, "log.gz")] = gz(("\n".join(out) + "\n").encode())

    # Transit Gateway default format: TGW records
    out = [TGW_HEADER]
    for j in range(6):
        t = T0 + 1800 + 61 * j
        out.append(" ".join([
            "6", "TransitGatewayAttachment", a0, "tgw-0a1b2c3d4e5f60718",
            "tgw-attach-0123456789abcdef0", a0, ACCOUNTS[1], "vpc-0aaa1111",
            "vpc-0bbb2222", "subnet-0aaa1111", "subnet-0bbb2222",
            g.enis[j]["id"], g.enis[30 + j]["id"], "use1-az1", "use1-az2",
            "tgw-attach-0fedcba9876543210", g.enis[j]["ip"], g.enis[30 + j]["ip"],
            str(40000 + j), "443", "6", str(10 + j), str(1000 * (j + 1)),
            str(t), str(t + 60), "OK", "IPv4", "0", "0", "0", "0", "3",
            REGION, "egress", "-", "-"]))
    files[s3name(a0, "fl-07a1b2c3", T0 + 2100, "log.gz")] = gz(("\n".join(out) + "\n").encode())

    # CloudWatch export object (not time-sorted, ISO prefix = start) and the
    # permission-check object
    task = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    lines = ["%s %s" % (iso_ms(r["start"]), v2_line(r)) for r in cwl_export]
    files[os.path.join("exportedlogs", task, export_eni["id"], "000000.gz")] = \
        gz(("\n".join(lines) + "\n").encode())
    files[os.path.join("exportedlogs", "aws-logs-write-test")] = \
        b"Permission Check Successful"

    # FilterLogEvents page and {"message": ...} lines
    evs = []
    for j, r in enumerate(events):
        evs.append({"eventId": "%056d" % (j + 1),
                    "ingestionTime": (r["end"] + 300) * 1000,
                    "logStreamName": r["eni"]["id"], "message": v2_line(r),
                    "timestamp": r["start"] * 1000})
    doc = {"events": evs, "nextToken": "f/" + g.hexid(40),
           "searchedLogStreams": []}
    files[os.path.join("cwl", "filter-log-events.json")] = \
        (json.dumps(doc, indent=2) + "\n").encode()
    files[os.path.join("firehose", "messages.jsonl")] = "".join(
        json.dumps({"message": v2_line(r)}) + "\n" for r in jsonl).encode()

    # dot-names: must be skipped (they would change every table)
    trap = ("%s\n2 %s %s 9.9.9.9 %s 53 53 17 1000000 999999999 %d %d ACCEPT OK\n"
            % (V2_HEADER, a0, g.enis[0]["id"], g.enis[0]["ip"], T0 + 10, T0 + 20))
    files[os.path.join(".staging", "pending.log")] = trap.encode()
    files[os.path.join(s3dir[a0], ".tmp-upload.log.gz")] = gz(trap.encode())

    for rel in sorted(files):
        p = os.path.join(outdir, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(files[rel])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
