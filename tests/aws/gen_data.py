#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""gen_data.py: one set of flow records, written three ways for the tests.

Usage:
  gen_data.py OUTDIR [--records N] [--seed S] [--slot-minutes M]
              [--bucket B] [--group G]

Records come from tests/gen/genflows.py (Gen.build(): regular traffic, scans,
exact ties in the top tables, NODATA/SKIPDATA runs), written in the default
version-2 format.  They are grouped per account and per M-minute slot of their
start time (default 30), which is how S3 delivery batches them, and written as:

  OUTDIR/local/AWSLogs/ACCT/vpcflowlogs/us-east-1/YYYY/MM/DD/
      ACCT_vpcflowlogs_us-east-1_FLID_YYYYMMDDTHHmmZ_HASH.log.gz
          gzip text with the default header line, records in random order
  OUTDIR/mock/s3/BUCKET/AWSLogs/...      the same bytes, for mock_aws.py
  OUTDIR/mock/logs/GROUP_ENC/ENI-all.jsonl
          the same records as CloudWatch Logs events, one stream per ENI:
          {"timestamp": start*1000, "message": LINE, "ingestionTime": ...}
  OUTDIR/meta.json
          {"records", "ok", "nodata", "skipdata", "accept", "reject",
           "packets", "bytes", "interfaces", "objects", "bucket", "group",
           "since", "until", "first_start", "last_start"}
          computed here from the records themselves; since/until cover
          every record with an hour to spare on each side.

The same seed gives byte-identical output.  Standard library only.
"""

import argparse
import calendar
import gzip
import hashlib
import json
import os
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "gen"))
import genflows  # noqa: E402

HEADER = genflows.V2_HEADER
REGION = genflows.REGION


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--records", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--slot-minutes", type=int, default=30)
    ap.add_argument("--bucket", default="flow-bucket")
    ap.add_argument("--group", default="/vpc/flow-logs")
    a = ap.parse_args(argv)

    g = genflows.Gen(a.records, a.seed, 12)
    recs = g.build()
    rng = g.rng
    slot = a.slot_minutes * 60

    batches = {}
    for r in recs:
        acct = r["eni"]["acct_text"]
        key = (acct, r["start"] - r["start"] % slot)
        batches.setdefault(key, []).append(r)

    local = os.path.join(a.outdir, "local")
    s3root = os.path.join(a.outdir, "mock", "s3", a.bucket)
    objects = 0
    for (acct, t), lst in sorted(batches.items()):
        flid = genflows.FLOW_LOG_IDS.get(acct, "fl-0123abcd")
        pub = t + slot  # delivered after the slot closes
        gm = time.gmtime(pub)
        day = "%04d/%02d/%02d" % gm[:3]
        stamp = "%04d%02d%02dT%02d%02dZ" % gm[:5]
        lines = [HEADER] + [genflows.v2_line(r) for r in lst]
        text = ("\n".join(lines) + "\n").encode()
        h = hashlib.sha256(text).hexdigest()[:8]
        rel = os.path.join("AWSLogs", acct, "vpcflowlogs", REGION, day,
                           "%s_vpcflowlogs_%s_%s_%s_%s.log.gz"
                           % (acct, REGION, flid, stamp, h))
        data = gzip.compress(text, compresslevel=6, mtime=0)
        for root in (local, s3root):
            p = os.path.join(root, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
            os.utime(p, (pub + 120, pub + 120))
        objects += 1

    gdir = os.path.join(a.outdir, "mock", "logs",
                        urllib.parse.quote(a.group, safe=""))
    os.makedirs(gdir, exist_ok=True)
    streams = {}
    for r in recs:
        streams.setdefault(r["eni"]["id"], []).append(r)
    for eni, lst in sorted(streams.items()):
        # A stream holds events in ingestion order; the service sorts them.
        evs = []
        for r in lst:
            ts = r["start"] * 1000
            ing = r["end"] * 1000 + rng.randrange(60000, 600000)
            evs.append((ing, ts, genflows.v2_line(r)))
        evs.sort()
        with open(os.path.join(gdir, eni + "-all.jsonl"), "w") as f:
            for ing, ts, msg in evs:
                f.write(json.dumps({"timestamp": ts, "message": msg,
                                    "ingestionTime": ing}) + "\n")

    def n(pred):
        return sum(1 for r in recs if pred(r))

    def total(k):
        return sum(r[k] for r in recs if r["status"] == "OK"
                   and isinstance(r[k], int))

    first = min(r["start"] for r in recs)
    last = max(r["start"] for r in recs)
    meta = {
        "records": len(recs),
        "ok": n(lambda r: r["status"] == "OK"),
        "nodata": n(lambda r: r["status"] == "NODATA"),
        "skipdata": n(lambda r: r["status"] == "SKIPDATA"),
        "accept": n(lambda r: r["action"] == "ACCEPT"),
        "reject": n(lambda r: r["action"] == "REJECT"),
        "packets": total("packets"),
        "bytes": total("bytes"),
        "interfaces": len(streams),
        "objects": objects,
        "bucket": a.bucket,
        "group": a.group,
        "first_start": iso(first),
        "last_start": iso(last),
        "since": iso(first - first % 3600 - 3600),
        "until": iso(last - last % 3600 + 7200),
    }
    with open(os.path.join(a.outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
