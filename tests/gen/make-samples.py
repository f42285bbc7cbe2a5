#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Regenerate the flowreport sample exports under samples/.

The data is invented but shaped like real AWS VPC Flow Logs output for one
small production VPC (account 111122223333, eu-west-1) on 2026-11-26 between
00:00 and 03:00 UTC:

  AWSLogs/111122223333/vpcflowlogs/eu-west-1/2026/11/26/*.log.gz
      Four consecutive 5-minute S3 objects (slots 00:05 .. 00:20) of flow log
      fl-0c1d2e3f4a5b6c7d8, default format with its v2 header line, 60 s
      aggregation. HTTPS clients (IPv4 and IPv6) on two web servers, a
      PostgreSQL pool, traffic through a NAT gateway, an admin SSH session,
      SSH/telnet/RDP/SMB scans REJECTed from a few public addresses,
      NODATA records of an idle instance that tile time without holes
      (interrupted once by an SSM agent check-in) and one SKIPDATA record.
  custom-v5/*.log
      One uncompressed S3 object (slot 01:00) of a second flow log,
      fl-0e4d5c6b7a8f90123, with a custom version-5 format in non-table order.
  cloudwatch-export/<task-id>/<eni>/000000.gz
      A CloudWatch Logs CreateExportTask result for 02:00-03:00 (default
      format, 10-minute aggregation): one object per log stream (= ENI),
      each line "ISO-8601 event timestamp (= record start) + record",
      exported in chunks that are not in time order.
  (tests/data/damaged/*.log, beside the tests: not in samples/)
      A decompressed S3 object (slot 00:40) in which a few lines were damaged:
      a truncated line, an extra token, a non-numeric byte count, an invalid
      IPv4 address and a port out of range.

All addresses outside the VPC come from the documentation ranges
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) except the
Amazon S3 and Systems Manager endpoints.

The output is deterministic (own PRNG, gzip mtime 0): running this script
again rewrites byte-identical files.  Usage: tests/gen/make-samples.py [OUTDIR]
"""

import calendar
import gzip
import os
import sys
import time

M64 = (1 << 64) - 1


class Rng:
    """splitmix64: tiny, and identical on every Python version."""

    def __init__(self, seed):
        self.x = seed & M64

    def next(self):
        self.x = (self.x + 0x9E3779B97F4A7C15) & M64
        z = self.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def int(self, lo, hi):
        return lo + self.next() % (hi - lo + 1)

    def pick(self, seq):
        return seq[self.int(0, len(seq) - 1)]

    def pct(self, p):
        return self.int(1, 100) <= p


T0 = calendar.timegm((2026, 11, 26, 0, 0, 0))
ACCOUNT = "111122223333"
REGION = "eu-west-1"
VPC = "vpc-0f3a9c2b7d1e45a60"
FL_S3 = "fl-0c1d2e3f4a5b6c7d8"
FL_CUSTOM = "fl-0e4d5c6b7a8f90123"
EXPORT_TASK = "8c1f4e2a-5b7d-4c93-a0e6-2d9f71b3c845"

V2 = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
      "packets bytes start end action log-status").split()
# Custom v5 flow log: the order chosen in the console, not the table order.
V5_CUSTOM = ("version account-id region az-id vpc-id subnet-id instance-id interface-id "
             "flow-direction traffic-path type srcaddr dstaddr pkt-srcaddr pkt-dstaddr "
             "pkt-src-aws-service pkt-dst-aws-service srcport dstport protocol tcp-flags "
             "packets bytes start end action log-status").split()

SUBNET = {  # name: (subnet-id, az-id)
    "public-a": ("subnet-04e1b7c9a2d35f816", "euw1-az1"),
    "public-b": ("subnet-09c2d58e1f7a3b640", "euw1-az2"),
    "private-a": ("subnet-0b6f3a1d8e2c7945e", "euw1-az1"),
    "private-b": ("subnet-07d9e2a4c1b8f3056", "euw1-az2"),
}


class Eni:
    def __init__(self, eni, instance, subnet, ip4, ip6, phase, eph):
        assert len(eni) == 21 and (instance is None or len(instance) == 19)
        self.id, self.instance, self.ip4, self.ip6 = eni, instance, ip4, ip6
        self.subnet, self.az = SUBNET[subnet]
        self.phase = phase  # capture windows are not aligned to the minute
        self.eph = eph      # ephemeral port range of the OS


LINUX = (32768, 60999)
WINDOWS = (49152, 65535)
WEB1 = Eni("eni-0a4c1e7b93d2f6058", "i-0c2f8a41d7e95b3a6", "public-a", "10.20.0.37",
           "2a05:d018:1e2:4a00:5b1:9c2e:7f30:1a4d", 17, LINUX)
WEB2 = Eni("eni-0b7d2f91c4e8a3157", "i-09e3b6d5a1f4c2870", "public-b", "10.20.1.142",
           "2a05:d018:1e2:4a01:8e0f:4d27:b6c1:93e5", 41, LINUX)
BASTION = Eni("eni-06e91c3a5f2b8d704", "i-0f1a7c3e9b5d2a648", "public-a", "10.20.0.11",
              None, 8, LINUX)
WINJUMP = Eni("eni-0d38a6b2e7c1f9450", "i-07b5e2d9c3a1f8064", "public-b", "10.20.1.25",
              None, 29, WINDOWS)
DB = Eni("eni-0e2b7f4c9a6d1e385", "i-0a9d4c7e2b6f1e853", "private-a", "10.20.10.54",
         None, 53, LINUX)
NATGW = Eni("eni-0c5a9e1d3b7f2a694", None, "public-a", "10.20.0.200", None, 2, LINUX)
IDLE = Eni("eni-0f6d3b8a2c9e7140b", "i-0e4b8f2a6c1d9e375", "private-b", "10.20.11.73",
           None, 36, LINUX)

OFFICE = "198.51.100.23"
CLIENTS4 = ["198.51.100.12", "198.51.100.34", "198.51.100.77", "198.51.100.142",
            "203.0.113.9", "203.0.113.58", "203.0.113.88", "192.0.2.17", "192.0.2.61"]
CLIENTS6 = ["2001:db8:4c1:2e0::17", "2001:db8:9a7:1f02:3c4d:5e6f:7a8b:9c0d",
            "2001:db8:3f:a10::2b"]
SCAN_SSH = ["192.0.2.44", "203.0.113.201", "192.0.2.150"]
SCAN_RDP = ["198.51.100.187", "203.0.113.201"]
SCAN6 = "2001:db8:bad:5ca7::66"
METRICS_SAAS = "203.0.113.50"
S3_EP = "52.218.105.43"
SSM_EP = "52.95.120.67"
SERVICE = {S3_EP: "S3", SSM_EP: "AMAZON"}


def in_vpc(addr):
    return addr.startswith("10.20.") or addr.startswith("2a05:d018:1e2:4a")


def rec(eni, src, dst, sport, dport, proto, packets, nbytes, start, end, action,
        flags=0, psrc=None, pdst=None, path=None):
    """One OK record on eni; direction and traffic-path follow from the addresses."""
    psrc = psrc or src
    pdst = pdst or dst
    egress = src in (eni.ip4, eni.ip6)
    if egress and path is None:
        path = 1 if in_vpc(pdst) else (7 if SERVICE.get(pdst) == "S3" else 8)
    return {
        "version": 5, "account-id": ACCOUNT, "region": REGION, "az-id": eni.az,
        "vpc-id": VPC, "subnet-id": eni.subnet, "instance-id": eni.instance,
        "interface-id": eni.id, "flow-direction": "egress" if egress else "ingress",
        "traffic-path": path if egress else None,
        "type": "IPv6" if ":" in src else "IPv4", "srcaddr": src, "dstaddr": dst,
        "pkt-srcaddr": psrc, "pkt-dstaddr": pdst,
        "pkt-src-aws-service": SERVICE.get(psrc), "pkt-dst-aws-service": SERVICE.get(pdst),
        "srcport": sport, "dstport": dport, "protocol": proto,
        "tcp-flags": flags if proto == 6 else 0, "packets": packets, "bytes": nbytes,
        "start": start, "end": end, "action": action, "log-status": "OK",
    }


def status_rec(eni, start, end, status):
    """NODATA/SKIPDATA: interface metadata only, every packet field '-'."""
    return {"version": 5, "account-id": ACCOUNT, "region": REGION, "az-id": eni.az,
            "vpc-id": VPC, "subnet-id": eni.subnet, "instance-id": eni.instance,
            "interface-id": eni.id, "start": start, "end": end, "log-status": status}


FLAGS = {"whole": (3, 19), "open": (2, 18), "mid": (0, 0), "close": (1, 1)}


def conversation(out, eni, client, server, cport, sport, span, req, resp, stage="whole",
                 proto=6, pclient=None, pserver=None, path_out=None):
    """Both directions of one TCP/UDP/ICMP conversation as seen on eni."""
    s, e = span
    cf, sf = FLAGS[stage]
    out.append(rec(eni, client, server, cport, sport, proto, req[0], req[1], s, e, "ACCEPT",
                   cf, pclient, pserver, path_out if client in (eni.ip4, eni.ip6) else None))
    out.append(rec(eni, server, client, sport, cport, proto, resp[0], resp[1], s, e, "ACCEPT",
                   sf, pserver, pclient, path_out if server in (eni.ip4, eni.ip6) else None))


def probe(out, rng, eni, scanner, dport, s, e):
    """A REJECTed connection attempt (SYN only)."""
    n = rng.int(1, 2)
    size = 80 if ":" in scanner else rng.pick([40, 44, 60])
    dst = eni.ip6 if ":" in scanner else eni.ip4
    sport = rng.int(1024, 65535)
    out.append(rec(eni, scanner, dst, sport, dport, 6, n, n * size, s, e, "REJECT", 2))


def sub_span(rng, ws, we, min_len=1):
    s = ws + rng.int(0, 25)
    e = min(we - rng.int(0, 3), s + rng.int(min_len, 35))
    return s, max(e, s)


class World:
    """Long-lived state (ports of persistent connections) for one flow log."""

    def __init__(self, seed):
        self.rng = Rng(seed)
        r = self.rng
        self.pool = {WEB1: r.int(*LINUX), WEB2: r.int(*LINUX)}
        self.ssh_admin = r.int(*WINDOWS)
        self.ssh_db = r.int(*LINUX)
        self.rdp_admin = r.int(*WINDOWS)
        self.backup = r.int(*LINUX)

    def window(self, eni, ws, we, t_rel, busy=100):
        """Records of eni for the capture window [ws, we]; t_rel = ws - T0."""
        r, out = self.rng, []
        full = (ws + 1, we - 1)
        if eni in (WEB1, WEB2):
            for _ in range(r.int(0, 2) * busy // 100 + (1 if r.pct(busy // 2) else 0)):
                v6 = r.pct(25)
                client = r.pick(CLIENTS6 if v6 else CLIENTS4)
                server = eni.ip6 if v6 else eni.ip4
                pk_in, pk_out = r.int(5, 24), r.int(6, 40)
                conversation(out, eni, client, server, r.int(*LINUX), 443, sub_span(r, ws, we),
                             (pk_in, pk_in * r.int(70, 180)),
                             (pk_out, pk_out * r.int(400, 1400)))
            if r.pct(15):
                conversation(out, eni, r.pick(CLIENTS4), eni.ip4, r.int(*WINDOWS), 80,
                             sub_span(r, ws, we), (3, 246), (3, 532))
            pk = r.int(20, 90)
            conversation(out, eni, eni.ip4, DB.ip4, self.pool[eni], 5432, full,
                         (pk, pk * r.int(90, 160)), (pk + 2, (pk + 2) * r.int(300, 900)), "mid")
            if eni is WEB1 and r.pct(20):
                probe(out, r, eni, SCAN6, 22, *sub_span(r, ws, we, 0))
            if r.pct(25):
                probe(out, r, eni, r.pick(SCAN_SSH), r.pick([22, 23]), *sub_span(r, ws, we, 0))
            if eni is WEB1 and busy and r.pct(10):
                conversation(out, eni, OFFICE, eni.ip4, 0, 0, sub_span(r, ws, we), (4, 336),
                             (4, 336), proto=1)
        elif eni is DB:
            for web in (WEB1, WEB2):
                pk = r.int(20, 90)
                conversation(out, eni, web.ip4, eni.ip4, self.pool[web], 5432, full,
                             (pk, pk * r.int(90, 160)), (pk + 2, (pk + 2) * r.int(300, 900)),
                             "mid")
            port = r.int(*LINUX)
            conversation(out, eni, eni.ip4, METRICS_SAAS, port, 443, sub_span(r, ws, we),
                         (9, r.int(1800, 2600)), (7, r.int(900, 1400)), path_out=1)
            if 1020 <= t_rel < 1140 or 3500 <= t_rel < 3620:  # nightly backup to S3
                pk = r.int(9000, 14000)
                conversation(out, eni, eni.ip4, S3_EP, self.backup, 443, full,
                             (pk, pk * 1420), (pk // 2, pk // 2 * 52), "mid")
        elif eni is NATGW:
            port = r.int(1024, 65535)
            span = sub_span(r, ws, we)
            req, resp = (9, r.int(1800, 2600)), (7, r.int(900, 1400))
            # the four records of one NAT'ed conversation (AWS NAT example shape)
            conversation(out, eni, DB.ip4, eni.ip4, r.int(*LINUX), 443, span, req, resp,
                         pserver=METRICS_SAAS, path_out=1)
            conversation(out, eni, eni.ip4, METRICS_SAAS, port, 443, span, req, resp, path_out=2)
        elif eni is BASTION:
            if 180 <= t_rel < 1320 or 3300 <= t_rel:
                stage = "open" if t_rel in (180, 3300) else "close" if t_rel == 1260 else "mid"
                if r.pct(85) or stage != "mid":
                    pk = r.int(12, 160)
                    conversation(out, eni, OFFICE, eni.ip4, self.ssh_admin, 22, full,
                                 (pk, pk * r.int(52, 110)), (pk + 4, (pk + 4) * r.int(60, 240)),
                                 stage)
                if 420 <= t_rel < 600 or 3300 <= t_rel:
                    stage = "open" if t_rel in (420, 3300) else "mid"
                    pk = r.int(10, 80)
                    conversation(out, eni, eni.ip4, DB.ip4, self.ssh_db, 22, full,
                                 (pk, pk * r.int(52, 110)), (pk + 2, (pk + 2) * r.int(60, 300)),
                                 stage)
            for _ in range(r.int(0, 3)):
                probe(out, r, eni, r.pick(SCAN_SSH), 22, *sub_span(r, ws, we, 0))
        elif eni is WINJUMP:
            for _ in range(r.int(0, 2)):
                probe(out, r, eni, r.pick(SCAN_RDP), 3389, *sub_span(r, ws, we, 0))
            if r.pct(15):
                probe(out, r, eni, r.pick(SCAN_RDP + SCAN_SSH), 445, *sub_span(r, ws, we, 0))
            if t_rel >= 900 and t_rel < 1500:
                pk = r.int(200, 900)
                conversation(out, eni, OFFICE, eni.ip4, self.rdp_admin, 3389, full,
                             (pk, pk * r.int(80, 140)), (pk * 2, pk * 2 * r.int(300, 1100)),
                             "open" if t_rel < 960 else "mid")
        elif eni is IDLE:
            if 700 <= t_rel < 760 or 3560 <= t_rel < 3620:  # SSM agent check-in via the NAT GW
                port = r.int(*LINUX)
                conversation(out, eni, eni.ip4, SSM_EP, port, 443, sub_span(r, ws, we),
                             (11, r.int(2400, 3400)), (9, r.int(4200, 6100)), path_out=1)
            else:
                out.append(status_rec(eni, ws, we, "NODATA"))
        return out


def windows(eni, lo, hi, length=60):
    """Capture windows [ws, ws+length] of eni whose end lies in [lo, hi)."""
    k = (lo - length - T0 - eni.phase) // length
    while True:
        ws = T0 + eni.phase + k * length
        if ws + length >= hi:
            return
        if ws + length >= lo:
            yield ws, ws + length
        k += 1


def render(r, fields):
    """The record as a line of the given format; 'version' is the format's version."""
    r = dict(r, version=5 if fields is V5_CUSTOM else 2)
    return " ".join("-" if r.get(f) is None else str(r[f]) for f in fields)


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def gz(text):
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def s3_objects(out_dir):
    """Default-format S3 objects, one per 5-minute slot (records by end time)."""
    w = World(20261126)
    enis = [WEB1, WEB2, BASTION, WINJUMP, DB, NATGW, IDLE]
    slots = [(5, "3f2a9c1e"), (10, "a81d06b4"), (15, "5c97e2f0"), (20, "e04b7a3d")]
    lo, hi = T0 + 300, T0 + 1500
    recs = []
    for eni in enis:
        for ws, we in windows(eni, lo - 60, hi + 60):
            recs.extend(w.window(eni, ws, we, ws - eni.phase - T0))
    # one SKIPDATA window on web-2 (its OK records of that window are kept)
    skip = next(x for x in windows(WEB2, T0 + 960, T0 + 1020))
    recs.append(status_rec(WEB2, skip[0], skip[1], "SKIPDATA"))
    base = os.path.join(out_dir, "AWSLogs", ACCOUNT, "vpcflowlogs", REGION, "2026", "11", "26")
    summary = []
    for minute, tag in slots:
        s0 = T0 + minute * 60
        mine = [r for r in recs if s0 <= r["end"] < s0 + 300]
        # delivered per capture batch, roughly in window order, ENIs interleaved
        mine.sort(key=lambda r: (r["end"] // 60, enis.index(next(e for e in enis
                                                               if e.id == r["interface-id"]))))
        text = " ".join(V2) + "\n" + "".join(render(r, V2) + "\n" for r in mine)
        name = "%s_vpcflowlogs_%s_%s_20261126T00%02dZ_%s.log.gz" % (ACCOUNT, REGION, FL_S3,
                                                                   minute, tag)
        write(os.path.join(base, name), gz(text))
        summary.append((name, len(mine), min(r["start"] for r in mine),
                        max(r["end"] for r in mine)))
    return summary


def custom_object(out_dir):
    w = World(5005)
    enis = [WEB1, BASTION, DB, NATGW, IDLE]
    lo, hi = T0 + 3600, T0 + 3900
    recs = []
    for eni in enis:
        for ws, we in windows(eni, lo - 60, hi + 60):
            recs.extend(w.window(eni, ws, we, ws - eni.phase - T0, busy=60))
    recs = [r for r in recs if lo <= r["end"] < hi]
    recs.sort(key=lambda r: (r["end"] // 60, r["interface-id"]))
    text = " ".join(V5_CUSTOM) + "\n" + "".join(render(r, V5_CUSTOM) + "\n" for r in recs)
    name = "%s_vpcflowlogs_%s_%s_20261126T0100Z_9d7e2b04.log" % (ACCOUNT, REGION, FL_CUSTOM)
    write(os.path.join(out_dir, "custom-v5", name), text.encode())
    return [(name, len(recs), min(r["start"] for r in recs), max(r["end"] for r in recs))]


def cloudwatch_export(out_dir):
    """10-minute aggregation, default format, CreateExportTask for [02:00, 03:00)."""
    w = World(7202)
    lo, hi = T0 + 7200, T0 + 10800
    summary = []
    for eni, phase in ((BASTION, 173), (WINJUMP, 412)):
        recs = []
        k = 0
        while True:
            ws = T0 + 7200 - 600 + phase + 600 * k
            if ws >= hi:
                break
            we = ws + 600
            batch = []
            for _ in range(w.rng.int(3, 7)):  # a night of scanning, 10-minute windows
                s = ws + w.rng.int(0, 560)
                e = min(we, s + w.rng.int(0, 40))
                scanners = SCAN_SSH if eni is BASTION else SCAN_RDP
                port = 22 if eni is BASTION else w.rng.pick([3389, 3389, 3389, 445])
                probe(batch, w.rng, eni, w.rng.pick(scanners), port, s, e)
            if eni is BASTION and T0 + 7800 <= ws < T0 + 9600:  # admin SSH session 02:13-02:43
                stage = "open" if ws < T0 + 8400 else "mid"
                pk = w.rng.int(300, 1500)
                conversation(batch, eni, OFFICE, eni.ip4, w.ssh_admin, 22,
                             (ws + w.rng.int(2, 40), we - w.rng.int(1, 9)),
                             (pk, pk * 84), (pk + 30, (pk + 30) * 190), stage)
            if eni is BASTION and w.rng.pct(50):
                conversation(batch, eni, OFFICE, eni.ip4, 0, 0, sub_span(w.rng, ws, we),
                             (4, 336), (4, 336), proto=1)
            recs.extend(x for x in batch if lo <= x["start"] < hi)
            k += 1
        recs.sort(key=lambda r: (r["start"], r["end"], r["srcaddr"] or ""))
        # export chunks are written out of time order
        chunks = [recs[i:i + 9] for i in range(0, len(recs), 9)]
        order = [2, 0, 3, 1] + list(range(4, len(chunks)))
        order = [i for i in order if i < len(chunks)]
        lines = []
        for i in order:
            lines += ["%s.000Z %s\n" % (iso(r["start"]), render(r, V2)) for r in chunks[i]]
        path = os.path.join(out_dir, "cloudwatch-export", EXPORT_TASK, eni.id, "000000.gz")
        write(path, gz("".join(lines)))
        summary.append((os.path.relpath(path, out_dir), len(recs),
                        min(r["start"] for r in recs), max(r["end"] for r in recs)))
    return summary


def malformed_object(out_dir):
    w = World(4040)
    enis = [WEB1, BASTION, WINJUMP, DB, NATGW]
    lo, hi = T0 + 2400, T0 + 2700
    recs = []
    for eni in enis:
        for ws, we in windows(eni, lo - 60, hi + 60):
            recs.extend(w.window(eni, ws, we, ws - eni.phase - T0, busy=50))
    recs = [r for r in recs if lo <= r["end"] < hi]
    recs.sort(key=lambda r: (r["end"] // 60, r["interface-id"]))
    lines = [render(r, V2) for r in recs]
    # The damage: what a careless copy/paste or a spreadsheet round trip does.
    def damage(i, how):
        t = lines[i].split(" ")
        how(t)
        lines[i] = " ".join(t)
    damage(4, lambda t: t.pop())                                   # 13 fields
    damage(11, lambda t: t.__setitem__(9, "{:,}".format(int(t[9])) if int(t[9]) >= 1000
                                       else t[9] + "k"))            # bytes "12,345"
    damage(19, lambda t: t.__setitem__(4, "10.20.0.300"))          # bad IPv4 address
    damage(26, lambda t: t.__setitem__(6, "70000"))                # port out of range
    damage(33, lambda t: t.append("OK"))                           # 15 fields
    text = " ".join(V2) + "\n" + "".join(l + "\n" for l in lines)
    name = "%s_vpcflowlogs_%s_%s_20261126T0040Z_b5e8a7d3.log" % (ACCOUNT, REGION, FL_S3)
    # written beside the tests, not in samples/: the quick start runs clean
    write(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "damaged", name),
          text.encode())
    return [(name, len(recs), min(r["start"] for r in recs), max(r["end"] for r in recs))]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples")
    summary = (s3_objects(out_dir) + custom_object(out_dir) + cloudwatch_export(out_dir)
               + malformed_object(out_dir))
    for name, n, lo, hi in summary:
        print("%4d records  %sZ .. %sZ  %s" % (n, iso(lo), iso(hi), name))


if __name__ == "__main__":
    main()
