# SPDX-License-Identifier: MIT
"""check_audit.py: the audit layer's part of check_xlsx.py (imported by it):
the Findings, Changes and Coverage sheets, the --eni-info columns of the
Interfaces sheet, the SHA-256 of the outputs on Details, and the wording of
the top tables' exactness notes.

- Findings = findings.csv row by row, plus the protocol's IANA keyword;
- Changes = changes.csv row by row, and present exactly when changes.csv is;
- Coverage = interfaces.csv's coverage columns, its rows sorted worst first
  (least interface-time with any record = covered + NODATA + SKIPDATA
  seconds, then most silent seconds, then interface id), plus the silent
  time as h:mm:ss;
- Interfaces gets interfaces.csv's six --eni-info columns when it has them;
- Details/Provenance lists the SHA-256 (computed here with hashlib) of
  every CSV that manifest.json says the run wrote, and nothing else;
- a top table's note is "exact, of N distinct ..." or "approximate: METRIC
  low by up to N, never high"; no cell says a count "may exceed" the truth.
"""
import hashlib
import json
import os
import re

TIME, NUM, CODE, HMS, STR, WRAP, DEC = "time", "num", "code", "hms", "str", "wrap", "dec"

FINDINGS = ("findings.csv", [
    ("Rule", "rule", STR), ("Severity", "severity", STR),
    ("Interface ID", "interface_id", STR), ("Source address", "srcaddr", STR),
    ("Destination address", "dstaddr", STR), ("Protocol", "protocol", CODE),
    ("Protocol name", None, STR), ("Destination port", "dstport", CODE),
    ("First seen (UTC)", "first_seen", TIME), ("Last seen (UTC)", "last_seen", TIME),
    ("Records", "records", NUM), ("Packets", "packets", NUM), ("Bytes", "bytes", NUM),
    ("Detail", "detail", WRAP)])
CHANGES = ("changes.csv", [
    ("Change", "change", STR), ("Table", "table", STR), ("Key", "key", STR),
    ("Before", "before", STR), ("After", "after", STR)])
COVERAGE = ("interfaces.csv", [
    ("Interface ID", "interface_id", STR), ("Coverage (%)", "coverage_pct", DEC),
    ("Covered by OK (s)", "covered_seconds", NUM),
    ("Covered by NODATA (s)", "nodata_seconds", NUM),
    ("Lost to SKIPDATA (s)", "skipdata_seconds", NUM),
    ("Silent time (s)", "silent_seconds", NUM), ("Silent time (h:mm:ss)", None, HMS),
    ("Silent at period edge", "silent_edge", STR)])
ENI_COLS = [
    ("Description", "description", STR), ("Instance ID", "instance_id", STR),
    ("VPC ID", "vpc_id", STR), ("Subnet ID", "subnet_id", STR),
    ("Security groups", "security_groups", STR),
    ("Private addresses", "private_addresses", STR)]
ENI_HEADER = [c for _, c, _ in ENI_COLS]
CSV_HEADERS = {
    "findings.csv": "rule severity interface_id srcaddr dstaddr protocol dstport first_seen "
                    "last_seen records packets bytes detail",
    "changes.csv": "change table key before after",
}
EXACT = re.compile(r"exact, of [0-9,]+ distinct \w+")
APPROX = re.compile(r"approximate: (bytes|records) low by up to [0-9,]+, never high")


def register(columns, csv_headers):
    """Adds the audit sheets to check_xlsx.py's tables."""
    columns["Findings"] = FINDINGS
    columns["Changes"] = CHANGES
    columns["Coverage"] = COVERAGE
    csv_headers.update(CSV_HEADERS)


def with_eni(columns):
    """The Interfaces sheet with the --eni-info columns after the others."""
    name, cols = columns["Interfaces"]
    columns["Interfaces"] = (name, cols + ENI_COLS)


def want_findings(rows, plain, iana, derived):
    want = plain("Findings", rows)
    for r, w in zip(rows, want):
        if r["protocol"] == "":
            w["Protocol name"] = None
            continue
        p = int(r["protocol"])
        w["Protocol name"] = iana[p] if p in iana else derived(
            lambda v: v is None or isinstance(v, str) and v, "a protocol name or empty")
    return want


def want_coverage(ifaces, plain, unguard):
    def key(r):
        anys = sum(int(r[c]) for c in ("covered_seconds", "nodata_seconds", "skipdata_seconds"))
        return (anys, -int(r["silent_seconds"]), unguard(r["interface_id"]).encode())
    rows = sorted(ifaces, key=key)
    want = plain("Coverage", rows)
    for r, w in zip(rows, want):
        w["Silent time (h:mm:ss)"] = int(r["silent_seconds"])
    return want


def check_outputs(ck, labels, d):
    """Details/Provenance: one row per CSV of d with its SHA-256 when d has a
    manifest.json (flowreport hashed its outputs), none otherwise."""
    got = {lab: b.value if b is not None else None for (sec, lab), (b, _) in labels.items()
           if sec == "Provenance" and re.fullmatch(r"[\w.-]+\.(csv|md|xlsx|json)", lab)}
    if not os.path.exists(os.path.join(d, "manifest.json")):
        ck.check(not got and ("Provenance", "Outputs") not in labels,
                 f"Details: output hashes {sorted(got)} without manifest.json")
        return
    # the CSVs this run wrote (manifest.json names them; the reference may
    # have written others beside them), hashed here
    with open(os.path.join(d, "manifest.json"), encoding="utf-8") as f:
        listed = [o["name"] for o in json.load(f)["outputs"]]
    want = {}
    for name in listed:
        if name.endswith(".csv"):
            with open(os.path.join(d, name), "rb") as f:
                want[name] = hashlib.sha256(f.read()).hexdigest()
    ck.check(bool(want) == (("Provenance", "Outputs") in labels),
             f"Details: Provenance/Outputs row present: {not want}")
    ck.check(sorted(got) == sorted(want), f"Details: output hashes of {sorted(got)}, want {sorted(want)}")
    for name, h in want.items():
        if name in got:
            ck.check(got[name] == h, f"Details Provenance/{name}: {got[name]!r} != sha256 {h}")


def check_topn_notes(ck, labels):
    for base in ("Top talkers", "Top rejected", "Top ports"):
        if ("Top tables", base) not in labels:
            continue
        _, note = labels[("Top tables", base)]
        ck.check(isinstance(note, str) and (EXACT.fullmatch(note) or APPROX.fullmatch(note)),
                 f"Details Top tables/{base}: note {note!r}")


def check_no_exceed(ck, wb):
    """No text says a count may exceed the truth (it never does)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and "may exceed" in c.value:
                    ck.fail(f"{ws.title}!{c.coordinate}: {c.value!r}")
