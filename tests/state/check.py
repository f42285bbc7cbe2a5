#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""check.py: the independent checks of tests/state/merge.sh.

  check.py same A B             every CSV of A and B byte-identical (same set
                                of CSVs), summary.md identical apart from its
                                `Command:` line; exit 1 saying what differs
  check.py split INFO SEED DIR  a seeded partition of INFO's files (gendays.py
                                JSON) into 2..5 unequal groups, one of them a
                                single file, the two files of the planted gap
                                in different groups; prints one group a line
                                (paths under DIR, space-separated)
  check.py gap REPORT INFO      gaps.csv of REPORT has one NODATA row of the
                                planted interface spanning the planted
                                records, computed here from INFO
  check.py approx MERGED TRUTH  MERGED's top tables say approximate, and each
                                top_talkers.csv row of MERGED is within
                                [true - E, true], TRUTH an exact run with a
                                --top large enough to list every pair
"""

import csv
import json
import os
import random
import re
import sys
import time


def die(msg):
    print("check.py: " + msg, file=sys.stderr)
    sys.exit(1)


def same(a, b):
    ca = sorted(f for f in os.listdir(a) if f.endswith(".csv"))
    cb = sorted(f for f in os.listdir(b) if f.endswith(".csv"))
    if ca != cb:
        die("CSV sets differ: %s vs %s" % (ca, cb))
    if len(ca) < 8:
        die("only %d CSVs in %s" % (len(ca), a))
    for f in ca:
        x = open(os.path.join(a, f), "rb").read()
        y = open(os.path.join(b, f), "rb").read()
        if x != y:
            xl, yl = x.split(b"\n"), y.split(b"\n")
            for i, (p, q) in enumerate(zip(xl, yl)):
                if p != q:
                    die("%s differs at line %d:\n  %s\n  %s" % (f, i + 1, p.decode(), q.decode()))
            die("%s differs in length (%d vs %d lines)" % (f, len(xl), len(yl)))
    ma = [l for l in open(os.path.join(a, "summary.md")).read().split("\n")
          if not l.startswith("Command: ")]
    mb = [l for l in open(os.path.join(b, "summary.md")).read().split("\n")
          if not l.startswith("Command: ")]
    if len(ma) == len(open(os.path.join(a, "summary.md")).read().split("\n")):
        die("no Command: line in %s/summary.md" % a)
    if ma != mb:
        for i, (p, q) in enumerate(zip(ma, mb)):
            if p != q:
                die("summary.md differs (Command: line aside):\n  %s\n  %s" % (p, q))
        die("summary.md differs in length")


def split(info, seed, root):
    d = json.load(open(info))
    files = list(d["files"])
    rng = random.Random(int(seed))
    k = rng.randrange(2, 6)
    rng.shuffle(files)
    g1, g2 = d["gap"]["day1_file"], d["gap"]["day2_file"]
    files.remove(g1)
    files.remove(g2)
    # group 0 is one file; the others get unequal random sizes
    groups = [[files.pop()]]
    cuts = sorted(rng.sample(range(1, len(files)), k - 2))
    prev = 0
    for c in cuts + [len(files)]:
        groups.append(files[prev:c])
        prev = c
    groups[1].append(g1)
    groups[-1].append(g2)
    sizes = [len(g) for g in groups]
    assert len(groups) == k and min(sizes) == 1 and sum(sizes) == len(d["files"]), sizes
    for g in groups:
        print(" ".join(os.path.join(root, f) for f in sorted(g)))


def gap(report, info):
    g = json.load(open(info))["gap"]
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    rows = [r for r in csv.DictReader(open(os.path.join(report, "gaps.csv")))
            if r["interface_id"] == g["eni"] and r["kind"] == "NODATA"]
    want = (iso(g["start"]), iso(g["end"]), str(g["end"] - g["start"]), str(g["records"]))
    got = [(r["gap_start"], r["gap_end"], r["seconds"], r["records"]) for r in rows]
    if got != [want]:
        die("%s/gaps.csv: NODATA rows of %s are %s, want one row %s" % (report, g["eni"], got,
                                                                      want))


def approx(merged, truth):
    md = open(os.path.join(merged, "summary.md")).read()
    part = md.split("## Top talkers")[1].split("\n## ")[0]
    m = re.search(r"may be low by at most ([0-9,]+)", part)
    if not m:
        die("%s/summary.md: the top talkers are not said to be approximate" % merged)
    e = int(m.group(1).replace(",", ""))
    if e <= 0:
        die("bound %d" % e)
    tr = {(r["srcaddr"], r["dstaddr"]): int(r["bytes"])
          for r in csv.DictReader(open(os.path.join(truth, "top_talkers.csv")))}
    rows = list(csv.DictReader(open(os.path.join(merged, "top_talkers.csv"))))
    if len(rows) < 10:
        die("only %d merged rows" % len(rows))
    for r in rows:
        k = (r["srcaddr"], r["dstaddr"])
        if k not in tr:
            die("merged talker %s is not in the data" % (k,))
        if not tr[k] - e <= int(r["bytes"]) <= tr[k]:
            die("talker %s: %s bytes, true %d, bound %d" % (k, r["bytes"], tr[k], e))
    print("approx: %d rows within a bound of %d (of %d true pairs)" % (len(rows), e, len(tr)))


def main():
    a = sys.argv[1:]
    if a[:1] == ["same"] and len(a) == 3:
        same(a[1], a[2])
    elif a[:1] == ["split"] and len(a) == 4:
        split(a[1], a[2], a[3])
    elif a[:1] == ["gap"] and len(a) == 3:
        gap(a[1], a[2])
    elif a[:1] == ["approx"] and len(a) == 3:
        approx(a[1], a[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
