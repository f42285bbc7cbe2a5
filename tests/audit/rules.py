# SPDX-License-Identifier: MIT
"""Every audit rule with records that trigger it and near misses that must
not (tests/audit/rules.sh runs this). Expected values are written here by
hand from doc/SEMANTICS.md, not taken from flowreport."""
import csv
import os
import subprocess
import sys

FR, TMP = sys.argv[1], sys.argv[2]
T0 = 1795651200  # 2026-11-26T00:00:00Z
HDR = ("version account-id interface-id srcaddr dstaddr srcport dstport "
       "protocol packets bytes start end action log-status")
failed = []


def rec(iface, src, dst, dport, act="ACCEPT", proto=6, t=0, dur=60, pk=1, by=40,
        status="OK"):
    if status != "OK":
        return "2 1 %s - - - - - - - %d %d - %s" % (iface, T0 + t, T0 + t + dur, status)
    return "2 1 %s %s %s 40000 %d %d %d %d %d %d %s OK" % (
        iface, src, dst, dport, proto, pk, by, T0 + t, T0 + t + dur, act)


def run(name, lines, *opts):
    d = os.path.join(TMP, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "in.log"), "w") as f:
        f.write(HDR + "\n" + "\n".join(lines) + "\n")
    p = subprocess.run([FR, "-q", "-f", "csv", "-o", os.path.join(d, "out")] + list(opts)
                       + [os.path.join(d, "in.log")], stderr=subprocess.PIPE)
    rows = []
    if os.path.exists(os.path.join(d, "out", "findings.csv")):
        with open(os.path.join(d, "out", "findings.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    return p.returncode, rows, d


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failed.append(what)


def find(rows, rule, **kw):
    return [r for r in rows if r["rule"] == rule and all(r[k] == v for k, v in kw.items())]


# --- public-admin-port-accepted -------------------------------------------
cases = [  # (source, port, proto, action, finding expected?, why)
    ("203.0.113.5", 22, 6, "ACCEPT", True, "RFC 5737 documentation source is public"),
    ("203.0.113.5", 2221, 6, "ACCEPT", False, "port 2221 is not administrative"),
    ("203.0.113.5", 21, 6, "ACCEPT", False, "port 21 is not in the default list"),
    ("172.16.0.1", 22, 6, "ACCEPT", False, "172.16/12 is private"),
    ("172.31.255.255", 22, 6, "ACCEPT", False, "top of 172.16/12 is private"),
    ("172.32.0.1", 22, 6, "ACCEPT", True, "172.32.0.1 is public"),
    ("100.64.0.1", 3389, 6, "ACCEPT", False, "RFC 6598 is internal"),
    ("100.128.0.1", 3389, 6, "ACCEPT", True, "100.128.0.1 is public"),
    ("169.254.1.1", 5432, 6, "ACCEPT", False, "link-local is internal"),
    ("127.0.0.1", 6379, 6, "ACCEPT", False, "loopback is internal"),
    ("192.168.9.9", 445, 6, "ACCEPT", False, "192.168/16 is private"),
    ("fd00::1", 22, 6, "ACCEPT", False, "ULA is internal"),
    ("fe80::1", 22, 6, "ACCEPT", False, "IPv6 link-local is internal"),
    ("::1", 22, 6, "ACCEPT", False, "IPv6 loopback is internal"),
    ("2001:db8::5", 22, 6, "ACCEPT", True, "RFC 3849 documentation source is public"),
    ("198.51.100.1", 22, 6, "REJECT", False, "REJECTed traffic is not exposure"),
    ("198.51.100.1", 22, 1, "ACCEPT", False, "ICMP has no port"),
    ("198.51.100.1", 3389, 17, "ACCEPT", True, "UDP 3389 counts"),
]
lines = []
for i, (src, port, proto, act, _, _) in enumerate(cases):
    dst = "10.1.0.%d" % (i + 1) if ":" not in src else "fd00::%x" % (i + 1)
    lines.append(rec("eni-adm", src, dst, port, act, proto))
    lines.append(rec("eni-adm", src, dst, port, act, proto, t=100))  # one row per subject
rc, rows, _ = run("admin", lines)
for i, (src, port, proto, act, want, why) in enumerate(cases):
    dst = "10.1.0.%d" % (i + 1) if ":" not in src else "fd00::%x" % (i + 1)
    got = find(rows, "public-admin-port-accepted", dstaddr=dst)
    check(len(got) == (1 if want else 0), "admin: %s (%s)" % (why, src))
    if want and got:
        g = got[0]
        check(g["severity"] == "high" and g["interface_id"] == "eni-adm" and g["records"] == "2"
              and g["dstport"] == str(port) and g["protocol"] == str(proto)
              and g["first_seen"] == "2026-11-26T00:00:00Z"
              and g["last_seen"] == "2026-11-26T00:02:40Z"
              and g["detail"] == "1 distinct public sources", "admin: row of %s" % src)
rc, rows, _ = run("admin-ports", lines, "--admin-ports", "2221")
check(len(find(rows, "public-admin-port-accepted")) == 1
      and find(rows, "public-admin-port-accepted")[0]["dstport"] == "2221",
      "--admin-ports replaces the list")
rc, rows, _ = run("admin-vpc", lines, "--vpc-cidr", "203.0.113.0/24")
check(len(find(rows, "public-admin-port-accepted", dstaddr="10.1.0.1")) == 0,
      "--vpc-cidr makes a source internal")

# --- egress-volume ---------------------------------------------------------
lines = [rec("eni-e1", "10.0.0.1", "198.51.100.7", 443, by=600),
         rec("eni-e1", "10.0.0.1", "198.51.100.8", 443, by=400, t=60),   # 1000: not above
         rec("eni-e2", "10.0.0.2", "198.51.100.7", 443, by=1001),        # above
         rec("eni-e3", "10.0.0.3", "198.51.100.7", 443, by=5000, act="REJECT"),
         rec("eni-e4", "10.0.0.4", "10.0.0.5", 443, by=5000),            # internal
         rec("eni-e5", "198.51.100.7", "10.0.0.6", 443, by=5000)]        # ingress
rc, rows, _ = run("egress", lines, "--egress-threshold", "1000")
check([r["interface_id"] for r in find(rows, "egress-volume")] == ["eni-e2"],
      "egress: only 1001 bytes > 1000, not 1000, REJECT, internal or ingress")
check(find(rows, "egress-volume")[0]["bytes"] == "1001", "egress: bytes")
rc, rows, _ = run("egress-vpc", lines, "--egress-threshold", "1000",
                  "--vpc-cidr", "198.51.100.0/24")
check(find(rows, "egress-volume") == [], "egress: --vpc-cidr destination is internal")

# --- port-scan and host-sweep ----------------------------------------------
lines = []
lines += [rec("eni-s", "198.51.100.1", "10.2.0.1", p, "REJECT") for p in range(1, 101)]
lines += [rec("eni-s", "198.51.100.2", "10.2.0.2", p, "REJECT") for p in range(1, 100)]
lines += [rec("eni-s", "198.51.100.3", "10.2.0.3", p, "REJECT", t=k * 60)
          for p in range(1, 100) for k in range(2)]
lines += [rec("eni-s", "198.51.100.4", "10.2.0.4", p, "ACCEPT") for p in range(1, 101)]
lines += [rec("eni-s", "198.51.100.9", "10.3.0.%d" % h, 443, "REJECT") for h in range(1, 51)]
lines += [rec("eni-s", "198.51.100.10", "10.3.0.%d" % h, 443, "REJECT") for h in range(1, 50)]
rc, rows, _ = run("scan", lines)
ps = find(rows, "port-scan")
check([(r["srcaddr"], r["dstaddr"]) for r in ps] == [("198.51.100.1", "10.2.0.1")],
      "port-scan: 100 ports yes; 99, 99 twice, ACCEPTed no")
check(ps and ps[0]["records"] == "100" and ps[0]["detail"] ==
      "100 distinct destination ports rejected", "port-scan: row")
hs = find(rows, "host-sweep")
check([r["srcaddr"] for r in hs] == ["198.51.100.9"], "host-sweep: 50 hosts yes, 49 no")
rc, rows, _ = run("scan-opt", lines, "--scan-ports", "99", "--sweep-hosts", "49")
check(sorted(r["srcaddr"] for r in find(rows, "port-scan")) ==
      ["198.51.100.1", "198.51.100.2", "198.51.100.3"], "--scan-ports 99")
check(sorted(r["srcaddr"] for r in find(rows, "host-sweep")) ==
      ["198.51.100.10", "198.51.100.9"], "--sweep-hosts 49")

# the sketch: 5000 ports with 1M of memory (1024 exact pairs) is estimated
lines = [rec("eni-k", "198.51.100.5", "10.4.0.1", p, "REJECT") for p in range(1, 5001)]
rc, rows, _ = run("sketch-exact", lines)
check(find(rows, "port-scan")[0]["detail"] == "5000 distinct destination ports rejected",
      "sketch: exact under the budget")
rc, rows, _ = run("sketch", lines, "--max-memory", "1M")
det = find(rows, "port-scan")[0]["detail"]
words = det.split()
n, rate = int(words[1]), int(det.split("1/")[1].rstrip(" sample)"))
# each pair is kept with probability 1/rate: the standard deviation of the
# estimate is sqrt(n (rate - 1)); allow 4 of them
sd = (5000 * (rate - 1)) ** 0.5
check(words[0] == "about" and rate > 1 and abs(n - 5000) <= 4 * sd,
      "sketch: over the budget an estimate within 4 sd (%s)" % det)

# --- reject-spike ----------------------------------------------------------
def spike_lines(counts):
    out = []
    for w, n in enumerate(counts):
        out += [rec("eni-r", "198.51.100.20", "10.5.%d.%d" % (k // 250, k % 250), 443,
                    "REJECT", t=w * 3600 + k % 3000) for k in range(n)]
    return out


lines = spike_lines([10, 10, 10, 1010, 1009])   # median 10
rc, rows, _ = run("spike", lines, "--sweep-hosts", "100000")
sp = find(rows, "reject-spike")
check([r["first_seen"] for r in sp] == ["2026-11-26T03:00:00Z"],
      "reject-spike: median + 1000 yes, median + 999 no")
check(sp and sp[0]["severity"] == "low" and sp[0]["records"] == "1010"
      and sp[0]["last_seen"] == "2026-11-26T04:00:00Z", "reject-spike: row")
rc, rows, _ = run("spike-factor", lines, "--spike-factor", "101", "--sweep-hosts", "100000")
check(find(rows, "reject-spike") == [], "reject-spike: 1010 is not above 101 x 10")
rc, rows, _ = run("spike-factor100", lines, "--spike-factor", "100", "--sweep-hosts", "100000")
check(len(find(rows, "reject-spike")) == 1, "reject-spike: 1010 is above 100 x 10")

# --- --fail-on ---------------------------------------------------------------
for opt, want in (([], 0), (["--fail-on", "low"], 4), (["--fail-on", "medium"], 0),
                  (["--fail-on", "high"], 0)):
    rc, _, d = run("fail-low", lines, "--sweep-hosts", "100000", "--silent-gap", "1d", *opt)
    check(rc == want, "--fail-on with only a low finding: %s -> %d (got %d)" % (opt, want, rc))
    check(os.path.exists(os.path.join(d, "out", "windows.csv")), "the report is written")
adm = [rec("eni-adm", "203.0.113.5", "10.1.0.1", 22, t=0, dur=3600)]
for opt, want in ((["--fail-on", "high"], 4), (["--fail-on", "low"], 4), ([], 0)):
    rc, _, _ = run("fail-high", adm, *opt)
    check(rc == want, "--fail-on with a high finding: %s -> %d (got %d)" % (opt, want, rc))
rc, _, _ = run("fail-bad", adm, "--fail-on", "severe")
check(rc == 2, "--fail-on severe is a usage error")

# --- data-lost and silent-interface ----------------------------------------
P = ["--since", "2026-11-26T00:00:00Z", "--until", "2026-11-26T02:00:00Z"]
lines = [rec("eni-d1", "", "", 0, t=0, dur=7200, status="SKIPDATA"),
         rec("eni-d2", "", "", 0, t=0, dur=7200, status="NODATA"),
         # eni-g1: a gap of exactly 1200 s (not silent), eni-g2: 1201 s
         rec("eni-g1", "10.0.0.1", "10.0.0.2", 443, t=0, dur=3000),
         rec("eni-g1", "10.0.0.1", "10.0.0.2", 443, t=4200, dur=3000),
         rec("eni-g2", "10.0.0.1", "10.0.0.2", 443, t=0, dur=3000),
         rec("eni-g2", "10.0.0.1", "10.0.0.2", 443, t=4201, dur=2999)]
rc, rows, d = run("coverage", lines, *P)
check([r["interface_id"] for r in find(rows, "data-lost")] == ["eni-d1"],
      "data-lost: SKIPDATA yes, NODATA no")
si = find(rows, "silent-interface")
check([r["interface_id"] for r in si] == ["eni-g2"], "silent: 1201 s yes, 1200 s no")
check(si and si[0]["first_seen"] == "2026-11-26T00:50:00Z"
      and si[0]["last_seen"] == "2026-11-26T01:10:01Z", "silent: the stretch")
rc, rows, _ = run("coverage-gap", lines, *P, "--silent-gap", "1199s")
check(sorted(r["interface_id"] for r in find(rows, "silent-interface")) == ["eni-g1", "eni-g2"],
      "--silent-gap 1199s makes 1200 s silent")

# --- counters never wrap ----------------------------------------------------
big = 2 ** 63 - 1
lines = [rec("eni-big", "10.0.0.1", "10.0.0.2", 443, t=k, by=big, pk=big) for k in range(3)]
rc, rows, d = run("saturate", lines)
with open(os.path.join(d, "out", "windows.csv"), newline="") as f:
    w = list(csv.DictReader(f))[0]
with open(os.path.join(d, "out", "interfaces.csv"), newline="") as f:
    i = list(csv.DictReader(f))[0]
check(w["bytes"] == w["packets"] == i["bytes"] == str(2 ** 64 - 1),
      "3 x (2^63-1) bytes saturate at 2^64-1 (%s)" % w["bytes"])

sys.exit(1 if failed else 0)
