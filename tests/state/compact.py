#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""compact.py: checks a merge of compact states (--state-keys K) against the
days' full tables, computed apart from flowreport's merge.

Usage: compact.py K MERGED DAY_TRUTH...

MERGED is the report directory of the merge of one compact state per day;
each DAY_TRUTH is a report directory of one pass over that day's logs with
--top 1000000 (so its top_*.csv hold every key). A compact state keeps, in
each physical table (talkers and rejected sources have an IPv4 one and a
general one; ports have one), the keys whose ranking counter is above the
(K+1)-th largest, and adds that (K+1)-th value to the table's bound. So, per
key, the merge must hold the sum over the days where the key was kept, and
the printed bound must be the larger of the physical tables' sums of
thresholds. Both are computed here from the days' full tables and compared
with the merge's CSV rows and its summary.md.
"""

import csv
import os
import re
import sys

TABLES = {
    # name: (csv, key columns, ranking column, value columns, section title)
    "talkers": ("top_talkers.csv", ("srcaddr", "dstaddr"), "bytes",
                ("records", "packets", "bytes"), "## Top talkers"),
    "rejected": ("top_rejected.csv", ("srcaddr",), "records",
                 ("records", "packets", "bytes"), "## Top rejected sources"),
    "ports": ("top_ports.csv", ("protocol", "dstport"), "bytes",
              ("records", "accept_records", "reject_records", "packets", "bytes"),
              "## Top destination ports"),
}


def die(msg):
    sys.stderr.write("compact.py: %s\n" % msg)
    sys.exit(1)


def physical(name, key):
    """Which physical table a key lives in: 4 for the IPv4 tables."""
    if name == "ports":
        return 0
    return 4 if all(":" not in a for a in key) else 6


def rows(path, t):
    _, kcols, _, vcols, _ = t
    with open(path, newline="") as f:
        return {tuple(r[c] for c in kcols): tuple(int(r[c]) for c in vcols)
                for r in csv.DictReader(f)}


def check(k, merged, days):
    md = open(os.path.join(merged, "summary.md")).read()
    for name, t in TABLES.items():
        fname, _, rank, vcols, title = t
        ri = vcols.index(rank)
        want = {}  # key -> summed values over the days it was kept
        bound = {}  # physical table -> sum of thresholds
        cut_any = False
        for d in days:
            full = rows(os.path.join(d, fname), t)
            by_phys = {}
            for key, v in full.items():
                by_phys.setdefault(physical(name, key), []).append((key, v))
            for p, items in by_phys.items():
                theta = 0
                if len(items) > k:
                    theta = sorted((v[ri] for _, v in items), reverse=True)[k]
                    cut_any = True
                bound[p] = bound.get(p, 0) + theta
                for key, v in items:
                    if len(items) <= k or v[ri] > theta:
                        s = want.get(key, (0,) * len(v))
                        want[key] = tuple(a + b for a, b in zip(s, v))
        e = max(bound.values()) if bound else 0
        got = rows(os.path.join(merged, fname), t)
        part = md.split(title)[1].split("\n## ")[0]
        m = re.search(r"may be low by at most ([0-9,]+)", part)
        if cut_any:
            if not m:
                die("%s: summary.md does not call the table approximate" % name)
            if int(m.group(1).replace(",", "")) != e:
                die("%s: summary.md's bound is %s, the days' thresholds add up to %d"
                    % (name, m.group(1), e))
        elif m:
            die("%s: approximate although no day had more than %d keys" % (name, k))
        if not got:
            die("%s: the merge has no rows" % name)
        for key, v in got.items():
            if want.get(key) != v:
                die("%s: %s is %s in the merge, the kept days add up to %s"
                    % (name, key, v, want.get(key)))
        # the rows are the best of the kept sums: nothing left out ranks higher
        low = min(v[ri] for v in got.values())
        better = [key for key, v in want.items() if v[ri] > low and key not in got]
        if better:
            die("%s: %s ranks above the merge's last row but is missing" % (name, better[0]))
        print("%s: %d rows equal the kept days' sums; bound %d%s"
              % (name, len(got), e, "" if cut_any else " (no day was cut)"))


def main():
    a = sys.argv[1:]
    if len(a) < 3:
        sys.exit(__doc__)
    check(int(a[0]), a[1], a[2:])


if __name__ == "__main__":
    main()
