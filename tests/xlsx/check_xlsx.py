#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""check_xlsx.py: reads report.xlsx back with openpyxl (and, for what openpyxl
cannot see, the raw XML in the zip) and checks it against the CSVs of the
same run.

    check_xlsx.py [--max-rows N] [--stderr FILE] [--semantics FILE] DIR

DIR holds report.xlsx, windows.csv, interfaces.csv, gaps.csv, top_talkers.csv,
top_rejected.csv and top_ports.csv, and when flowreport wrote them (the
reference does not) inputs.csv, problems.csv and fetch.csv. --max-rows is the
rows per sheet, header included, that the writer was built with
(FR_XLSX_MAX_ROWS). --stderr is flowreport's stderr: its FILE:LINE: reason
lines are what the Problems sheet must hold. --semantics is doc/SEMANTICS.md:
every "Header = csv_name" pair below must be written there. Exit status: 0
pass, 1 fail (every problem is listed), 2 usage.

What it checks:
- the sheets, in order: Summary, Findings, Changes exactly when changes.csv
  exists, Coverage, Details, How to read, Windows, Interfaces, Gaps, Top
  talkers, Top rejected, Top ports, Inputs, Problems, Problem reasons, and
  Fetch exactly when fetch.csv exists; each table possibly continued on
  "Name (2)", ... sheets of exactly N-1 rows each but the last (the audit
  layer's sheets and columns: check_audit.py);
- every table: row 1 holds the human headers of COLUMNS below (the
  SEMANTICS.md mapping, kept here explicitly so that a changed header fails),
  bold; every cell equals the CSV cell of the mapped column (times as
  date-times "yyyy-mm-dd hh:mm:ss", counts as numbers "#,##0", ports and
  protocol numbers as numbers without separators "0"/"General", durations as
  "[h]:mm:ss"), and every column that is not in the CSV equals what the CSVs
  give (protocol names, gap meanings, h:mm:ss, per-interface NODATA/SKIPDATA
  time from gaps.csv, bytes in the chart unit, the Inputs File name and
  status); frozen header row; an Excel table over exactly the data (banded
  rows, an autofilter); column widths that fit; a "Back to Summary" link;
- page setup: data sheets landscape at 70 % or more, Summary and Details
  portrait at 90 % or more, no fit-to-page (it would override the scale),
  the header row repeated on every page, the footer "&A" and "Page &P of &N";
- Problems against the stderr examples, one row per FILE:LINE: reason;
  Problem reasons against problems.csv, row by row;
- Summary and Details: period, totals, gap totals, completeness, row counts,
  human byte sizes, links to every sheet; charts reading real ranges;
- document properties: creator "flowreport", a title, created == period end.
"""
import csv
import datetime as dt
import math
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

import openpyxl
from openpyxl.utils import get_column_letter

import check_audit as audit

EXCEL_ROWS = 1048576
WIDTH_CAP = 66.0
SMALL_XML = 40 * 1024 * 1024  # also load with openpyxl's full reader below this

# kinds: times, counts, code numbers (no separators), h:mm:ss, text,
# wrapping text, decimal
TIME, NUM, CODE, HMS, STR, WRAP, DEC = "time", "num", "code", "hms", "str", "wrap", "dec"
DATE_FMT = "yyyy-mm-dd hh:mm:ss"
COUNT_FMT = "#,##0"
CODE_FMTS = ("0", "General")
HMS_FMT = "[h]:mm:ss"

# sheet base -> (csv file, [(header, csv column or None, kind)])
COUNTERS = [
    ("Records", "records", NUM), ("OK records", "ok_records", NUM),
    ("Accepted records", "accept_records", NUM), ("Rejected records", "reject_records", NUM),
    ("NODATA records (idle)", "nodata_records", NUM),
    ("SKIPDATA records (data lost)", "skipdata_records", NUM),
]
COLUMNS = {
    "Windows": ("windows.csv", [
        ("Window start (UTC)", "window_start", TIME), ("Window end (UTC)", "window_end", TIME)]
        + COUNTERS + [
        ("Packets", "packets", NUM), ("Bytes", "bytes", NUM),
        ("Accepted bytes", "accept_bytes", NUM), ("Rejected bytes", "reject_bytes", NUM),
        ("Interfaces", "interfaces", NUM), ("Bytes (chart unit)", None, DEC),
        ("Coverage (%)", "coverage_pct", DEC), ("SKIPDATA interfaces", "skipdata_interfaces", NUM)]),
    "Interfaces": ("interfaces.csv", [
        ("Interface ID", "interface_id", STR), ("Account ID", "account_id", STR),
        ("First start (UTC)", "first_start", TIME), ("Last end (UTC)", "last_end", TIME),
        ("Records", "records", NUM), ("OK records", "ok_records", NUM),
        ("NODATA records (idle)", "nodata_records", NUM),
        ("SKIPDATA records (data lost)", "skipdata_records", NUM),
        ("Accepted records", "accept_records", NUM), ("Rejected records", "reject_records", NUM),
        ("Packets", "packets", NUM), ("Bytes", "bytes", NUM),
        ("NODATA time (s)", None, NUM), ("NODATA time (h:mm:ss)", None, HMS),
        ("SKIPDATA time (s)", None, NUM), ("SKIPDATA time (h:mm:ss)", None, HMS),
        ("Covered by OK (s)", "covered_seconds", NUM),
        ("Covered by NODATA (s)", "nodata_seconds", NUM),
        ("Lost to SKIPDATA (s)", "skipdata_seconds", NUM),
        ("Silent time (s)", "silent_seconds", NUM), ("Coverage (%)", "coverage_pct", DEC),
        ("Silent at period edge", "silent_edge", STR)]),
    "Gaps": ("gaps.csv", [
        ("Interface ID", "interface_id", STR), ("Kind", "kind", STR), ("Meaning", None, STR),
        ("Gap start (UTC)", "gap_start", TIME), ("Gap end (UTC)", "gap_end", TIME),
        ("Duration (s)", "seconds", NUM), ("Duration (h:mm:ss)", None, HMS),
        ("Records", "records", NUM), ("Period edge", "edge", STR)]),
    "Top talkers": ("top_talkers.csv", [
        ("Rank", "rank", NUM), ("Source address", "srcaddr", STR),
        ("Destination address", "dstaddr", STR), ("Records", "records", NUM),
        ("Packets", "packets", NUM), ("Bytes", "bytes", NUM)]),
    "Top rejected": ("top_rejected.csv", [
        ("Rank", "rank", NUM), ("Source address", "srcaddr", STR), ("Records", "records", NUM),
        ("Packets", "packets", NUM), ("Bytes", "bytes", NUM)]),
    "Top ports": ("top_ports.csv", [
        ("Rank", "rank", NUM), ("Protocol", "protocol", CODE), ("Protocol name", None, STR),
        ("Destination port", "dstport", CODE), ("Records", "records", NUM),
        ("Accepted records", "accept_records", NUM), ("Rejected records", "reject_records", NUM),
        ("Packets", "packets", NUM), ("Bytes", "bytes", NUM)]),
    "Inputs": ("inputs.csv", [
        ("File", None, WRAP), ("Status", None, STR), ("Malformed lines", "malformed", NUM),
        ("Error", "error", WRAP), ("Format", "format", STR), ("Size (bytes)", "size", NUM),
        ("Text (bytes)", "text_bytes", NUM), ("Lines", "lines", NUM),
        ("Records", "records", NUM), ("Excluded records", "excluded", NUM),
        ("Untimed records", "untimed", NUM), ("TGW records", "tgw_records", NUM),
        ("First start (UTC)", "first_start", TIME), ("Last start (UTC)", "last_start", TIME),
        ("Full path", "path", WRAP), ("SHA-256", "sha256", STR), ("ETag", "etag", STR)]),
    "Problems": (None, [
        ("File", None, WRAP), ("Line or event", None, NUM), ("Reason", None, WRAP),
        ("Full path", None, WRAP)]),
    "Problem reasons": ("problems.csv", [
        ("Reason", "reason", WRAP), ("Malformed lines", "malformed_lines", NUM),
        ("Files", "files", NUM), ("First example (file:line)", None, WRAP)]),
    "Fetch": ("fetch.csv", [
        ("Source", "source", WRAP), ("Kind", "kind", STR), ("Requests", "requests", NUM),
        ("Retries", "retries", NUM), ("Throttled", "throttles", NUM), ("Pages", "pages", NUM),
        ("Listed", "listed", NUM), ("Read", "read", NUM), ("Failed", "failed", NUM),
        ("Skipped", "skipped", NUM), ("Events", "events", NUM), ("Bytes", "bytes", NUM),
        ("Error", "error", WRAP)]),
    "How to read": (None, [("Sheet or term", None, WRAP), ("What it means", None, WRAP)]),
}
CSV_HEADERS = {
    "windows.csv": "window_start window_end records ok_records accept_records reject_records "
                   "nodata_records skipdata_records packets bytes accept_bytes reject_bytes interfaces "
                   "coverage_pct skipdata_interfaces",
    "interfaces.csv": "interface_id account_id first_start last_end records ok_records "
                      "nodata_records skipdata_records accept_records reject_records packets bytes "
                      "covered_seconds nodata_seconds skipdata_seconds silent_seconds coverage_pct "
                      "silent_edge",
    "gaps.csv": "interface_id kind gap_start gap_end seconds records edge",
    "top_talkers.csv": "rank srcaddr dstaddr records packets bytes",
    "top_rejected.csv": "rank srcaddr records packets bytes",
    "top_ports.csv": "rank protocol dstport records accept_records reject_records packets bytes",
    "inputs.csv": "path status format size text_bytes sha256 lines records malformed excluded "
                  "untimed tgw_records first_start last_start error etag",
    "problems.csv": "reason malformed_lines files example_path example_line",
    "fetch.csv": "source kind requests retries throttles pages listed read failed skipped "
                 "events bytes error",
}
audit.register(COLUMNS, CSV_HEADERS)
# IANA protocol keywords (https://www.iana.org/assignments/protocol-numbers)
IANA = {1: "ICMP", 2: "IGMP", 4: "IPv4", 6: "TCP", 17: "UDP", 41: "IPv6", 47: "GRE",
        50: "ESP", 51: "AH", 58: "IPv6-ICMP", 89: "OSPFIGP", 112: "VRRP", 132: "SCTP"}
MEANING = {"NODATA": "idle", "SKIPDATA": "data lost", "SILENT": "no records"}
STATUS = {"DAMAGED": "DAMAGED", "UNREADABLE": "FAILED", "UNSUPPORTED": "UNSUPPORTED"}
FETCH_KINDS = {"s3": ("object", "objects"), "cloudwatch-logs": ("slice", "slices")}
NOT_KEPT = "(not kept: beyond the examples kept per file)"
HOWTO_TERMS = ["Summary", "Findings", "Coverage", "Windows", "Inputs", "Problems", "NODATA", "SKIPDATA", "OK",
               "ACCEPT / REJECT"]
NOT_LOGGED = ["DNS", "DHCP", "metadata", "license activation", "default router", "mirrored"]
BAD_XML_CHARS = re.compile("[\x00-\x1f\x7f\ufffe\uffff]")

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}


class Checker:
    def __init__(self, max_rows):
        self.errors = []
        self.max_rows = max_rows

    def fail(self, msg):
        if len(self.errors) < 200:
            self.errors.append(msg)
        elif len(self.errors) == 200:
            self.errors.append("... (more problems not listed)")

    def check(self, cond, msg):
        if not cond:
            self.fail(msg)
        return cond


def open_csv(path):
    """A CSV file, decoded the way the writer sanitises text."""
    return open(path, encoding="utf-8", errors="replace", newline="")


def read_csv(ck, path):
    """The data rows of a CSV as dicts, after checking its header."""
    with open_csv(path) as f:
        rows = list(csv.reader(f))
    want = CSV_HEADERS[os.path.basename(path)].split()
    if os.path.basename(path) == "interfaces.csv" and rows and rows[0] == want + audit.ENI_HEADER:
        want += audit.ENI_HEADER  # --eni-info
    if not ck.check(rows and rows[0] == want, f"{path}: header {rows[:1]} != {want}"):
        return []
    return [dict(zip(want, r)) for r in rows[1:]]


def xl_units(c):
    """Excel counts text in UTF-16 units: a character past U+FFFF is two."""
    return 2 if ord(c) > 0xFFFF else 1


def xl_text(s):
    """What the XLSX holds for CSV text s (None for empty); the CSV's
    injection guard (a leading ') is not in the workbook. Past Excel's
    32,767 units the text is cut to 32,767 - 48 units and ends with
    "\u2026 [cut: N more characters]" (SEMANTICS.md, Output formats)."""
    s = BAD_XML_CHARS.sub("\ufffd", s)
    if sum(xl_units(c) for c in s) > 32767:
        kept, units = 0, 0
        while units + xl_units(s[kept]) <= 32767 - 48:
            units += xl_units(s[kept])
            kept += 1
        s = s[:kept] + "\u2026 [cut: %d more characters]" % (len(s) - kept)
    return s or None


def csv_unguard(s):
    if len(s) > 1 and s[0] == "'" and s[1] in "=+-@\t\r":
        return s[1:]
    return s


def parse_iso(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


def to_second(v):
    return (v + dt.timedelta(microseconds=500000)).replace(microsecond=0)


def excel_can_hold(iso):
    try:
        d = parse_iso(iso)
    except ValueError:
        return False
    return d >= dt.datetime(1900, 3, 1)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def hms_seconds(v):
    """Seconds of an h:mm:ss cell (openpyxl gives a timedelta or days)."""
    if isinstance(v, dt.timedelta):
        return v.total_seconds()
    if isinstance(v, dt.time):
        return v.hour * 3600 + v.minute * 60 + v.second
    if is_number(v):
        return v * 86400.0
    return None


def human_bytes_value(text):
    m = re.fullmatch(r"([0-9.]+) (B|KiB|MiB|GiB|TiB|PiB|EiB)", text or "")
    if not m:
        return None
    unit = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"].index(m.group(2))
    return float(m.group(1)) * 1024 ** unit


def display_width(v):
    if v is None:
        return 0
    if isinstance(v, dt.datetime):
        return 19
    if is_number(v):
        return len(f"{int(round(v)):,}")
    return len(str(v))


def num_equal(cell, want):
    if want > 2 ** 53:  # beyond a double's exact integers
        return math.isclose(float(cell), float(want), rel_tol=1e-15)
    return float(cell) == float(want) and float(cell).is_integer()


# ---------------------------------------------------------------- the zip

class Package:
    """Sheet names, sheet XML paths and chart formulas, from the zip."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        wb = ET.fromstring(self.zip.read("xl/workbook.xml"))
        rels = self.rels("xl/_rels/workbook.xml.rels", "xl/")
        self.sheets = []  # (name, xml path)
        for s in wb.find("m:sheets", NS):
            rid = s.get("{%s}id" % NS["r"])
            self.sheets.append((s.get("name"), rels[rid]))

    def rels(self, path, base):
        out = {}
        if path not in self.zip.namelist():
            return out
        for r in ET.fromstring(self.zip.read(path)):
            target = r.get("Target")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = os.path.normpath(base + target)
            out[r.get("Id")] = target
        return out

    def sheet_path(self, name):
        for n, p in self.sheets:
            if n == name:
                return p
        return None

    def outside_sheet_data(self, name):
        """The sheet XML without its <sheetData> (streamed: sheets can be huge)."""
        head, tail, state = [], [], 0
        with self.zip.open(self.sheet_path(name)) as f:
            carry = b""
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                buf = carry + chunk
                if state == 0:
                    i = buf.find(b"<sheetData")
                    if i < 0:
                        head.append(buf[:-16])
                        carry = buf[-16:]
                        continue
                    head.append(buf[:i])
                    state, buf = 1, buf[i:]
                if state == 1:
                    j = buf.find(b"</sheetData>")
                    if j < 0:
                        if buf.endswith(b"/>") and b"<sheetData/>" in buf:
                            j = buf.find(b"<sheetData/>")
                            state, buf = 2, buf[j + len(b"<sheetData/>"):]
                        else:
                            carry = buf[-16:]
                            continue
                    else:
                        state, buf = 2, buf[j + len(b"</sheetData>"):]
                    carry = b""
                if state == 2:
                    tail.append(buf)
                    carry = b""
            if state == 0:
                head.append(carry)
            elif state == 2:
                tail.append(carry)
        return b"".join(head).decode(), b"".join(tail).decode()

    def charts_of(self, name):
        """For each chart drawn on sheet `name`, its list of <c:f> formulas."""
        sheet = self.sheet_path(name)
        d, b = os.path.split(sheet)
        out = []
        for target in self.rels(f"{d}/_rels/{b}.rels", d + "/").values():
            if "/drawings/" not in target:
                continue
            dd, db = os.path.split(target)
            for chart in self.rels(f"{dd}/_rels/{db}.rels", dd + "/").values():
                if "/charts/" not in chart:
                    continue
                x = ET.fromstring(self.zip.read(chart))
                out.append([f.text for f in x.iter("{%s}f" % NS["c"])])
        return out

    def sheet_xml_size(self):
        return sum(self.zip.getinfo(p).file_size for _, p in self.sheets)


def meta_from_xml(head, tail):
    """freeze cell, autofilter ref and {column letter: width} from sheet XML."""
    m = re.search(r'<pane [^>]*topLeftCell="([A-Z]+[0-9]+)"[^>]*state="frozen"', head)
    freeze = m.group(1) if m else None
    m = re.search(r'<autoFilter ref="([^"]+)"', tail)
    ref = m.group(1) if m else None
    widths = {}
    for cm in re.finditer(r'<col min="(\d+)" max="(\d+)" width="([0-9.]+)"', head):
        for i in range(int(cm.group(1)), int(cm.group(2)) + 1):
            widths[get_column_letter(i)] = float(cm.group(3))
    return freeze, ref, widths


class Derived:
    """An expected value that is a test, not a value: fn(cell value) -> bool."""

    def __init__(self, fn, what):
        self.fn, self.what = fn, what


def check_cell(ck, where, kind, cell, want):
    """Compares one cell with `want`: CSV text, a Python value, a Derived, or
    None (types only)."""
    v = cell.value if cell is not None else None
    if isinstance(want, Derived):
        ck.check(want.fn(v), f"{where}: {v!r} is not {want.what}")
        return
    if isinstance(want, str) and kind in (NUM, CODE, HMS):
        want = int(want) if want != "" else None
    if isinstance(want, str) and kind == DEC:
        want = float(want) if want != "" else None
    if v is None:
        ck.check(want in (None, ""), f"{where}: empty, want {want!r}")
        return
    if kind == TIME:
        if isinstance(v, dt.datetime):
            ck.check(cell.number_format == DATE_FMT, f"{where}: date-time format {cell.number_format!r}")
            if want:
                got = to_second(v).strftime("%Y-%m-%dT%H:%M:%SZ")
                ck.check(got == want, f"{where}: {got} != CSV {want}")
        elif isinstance(v, str) and want:
            ck.check(v == want and not excel_can_hold(want), f"{where}: time as text {v!r} (CSV {want})")
        else:
            ck.fail(f"{where}: expected a date-time, got {v!r}")
    elif kind in (NUM, CODE, DEC):
        if not ck.check(is_number(v), f"{where}: expected a number, got {v!r}"):
            return
        fmt = cell.number_format
        if kind == NUM:
            ck.check(fmt == COUNT_FMT, f"{where}: number format {fmt!r}, want {COUNT_FMT!r}")
        elif kind == CODE:
            ck.check(fmt in CODE_FMTS, f"{where}: code number format {fmt!r} (no thousands separator)")
        else:
            ck.check(fmt == "#,##0.00", f"{where}: decimal format {fmt!r}")
        if want is not None:
            if kind == DEC:
                ck.check(math.isclose(v, want, rel_tol=1e-9, abs_tol=1e-9), f"{where}: {v!r} != {want!r}")
            else:
                ck.check(num_equal(v, want), f"{where}: {v!r} != CSV {want}")
    elif kind == HMS:
        s = hms_seconds(v)
        ck.check(cell.number_format == HMS_FMT, f"{where}: duration format {cell.number_format!r}")
        if ck.check(s is not None, f"{where}: expected a duration, got {v!r}") and want is not None:
            ck.check(abs(s - want) < 0.5, f"{where}: {s} s != {want} s")
    else:
        ck.check(isinstance(v, str), f"{where}: expected text, got {v!r}")
        if want is not None:
            ck.check(v == xl_text(csv_unguard(want)), f"{where}: {v!r} != {want!r}")


def table_sheets(ck, names, base):
    out = []
    if base not in names:
        ck.fail(f"no sheet {base!r}")
        return out
    i = names.index(base)
    out.append(base)
    k = 2
    while i + 1 < len(names) and names[i + 1] == f"{base} ({k})":
        out.append(names[i + 1])
        i += 1
        k += 1
    return out


def check_back_link(ck, ws, name):
    found = False
    for row in ws.iter_rows(min_row=1, max_row=1):
        for c in row:
            if c.value == "Back to Summary":
                found = c.hyperlink is not None and c.hyperlink.location == "'Summary'!A1"
    ck.check(found, f"{name}: no 'Back to Summary' link to 'Summary'!A1")


def check_print(ck, ws, name, portrait, min_scale, repeat):
    ps = ws.page_setup
    want = "portrait" if portrait else "landscape"
    ck.check(ps.orientation == want, f"{name}: orientation {ps.orientation!r}, want {want}")
    scale = int(ps.scale) if ps.scale is not None else 100
    ck.check(min_scale <= scale <= 100, f"{name}: print scale {scale} %, want >= {min_scale}")
    pr = ws.sheet_properties.pageSetUpPr
    ck.check(pr is None or not pr.fitToPage, f"{name}: fit-to-page set (it overrides the scale)")
    if repeat:
        ck.check((ws.print_title_rows or "").replace("$", "") == "1:1",
                 f"{name}: print titles {ws.print_title_rows!r}, want row 1")
    foot = ws.oddFooter
    ck.check(foot.right.text == "Page &P of &N", f"{name}: footer right {foot.right.text!r}")
    ck.check(foot.left.text == "&A", f"{name}: footer left {foot.left.text!r}")
    return scale


def check_table(ck, wb_ro, wb_full, names, base, want_rows):
    """Checks table base (all its sheets) against want_rows: a list of
    {header: want} dicts (None: types only). Returns (rows, sheets, values)
    where values is the list of {header: cell value} read back."""
    cols = COLUMNS[base][1]
    heads = [h for h, _, _ in cols]
    sheets = table_sheets(ck, names, base)
    per = ck.max_rows - 1
    got_rows = []
    for k, name in enumerate(sheets):
        ws = wb_ro[name]
        maxw = [0] * len(cols)
        nrows = 0
        for r, row in enumerate(ws.iter_rows(), start=1):
            cells = list(row)[:len(cols)]
            cells += [None] * (len(cols) - len(cells))
            if r == 1:
                got = [c.value if c is not None else None for c in cells]
                ck.check(got == heads, f"{name}: header {got} != {heads}")
                continue
            if all(c is None or c.value is None for c in cells) and want_rows is not None \
                    and len(got_rows) >= len(want_rows):
                continue
            nrows += 1
            i = len(got_rows)
            want = want_rows[i] if want_rows is not None and i < len(want_rows) else None
            if want_rows is not None and want is None:
                ck.fail(f"{name}!A{r}: a row more than expected")
            got_rows.append({h: (c.value if c is not None else None) for h, c in zip(heads, cells)})
            for j, ((h, _, kind), cell) in enumerate(zip(cols, cells)):
                where = f"{name}!{get_column_letter(j + 1)}{r} ({h})"
                check_cell(ck, where, kind, cell, want.get(h) if want else None)
                if kind != WRAP and cell is not None:
                    maxw[j] = max(maxw[j], display_width(cell.value))
        if k == len(sheets) - 1:
            ck.check(nrows <= per, f"{name}: {nrows} rows, more than {per}")
        else:
            ck.check(nrows == per, f"{name}: {nrows} rows before a continuation sheet, want {per}")
        if wb_full is not None:
            check_layout(ck, wb_full[name], name, cols, nrows, maxw)
    if want_rows is not None:
        ck.check(len(got_rows) == len(want_rows),
                 f"{base}: {len(got_rows)} rows in the workbook, want {len(want_rows)}")
    return len(got_rows), sheets, got_rows


def check_layout(ck, ws, name, cols, nrows, maxw):
    last = get_column_letter(len(cols))
    ck.check(ws.freeze_panes == "A2", f"{name}: freeze panes {ws.freeze_panes!r}")
    for j in range(len(cols)):
        ck.check(ws.cell(1, j + 1).font.b, f"{name}!{get_column_letter(j + 1)}1: header not bold")
    ref = f"A1:{last}{max(nrows, 1) + 1}"
    tables = list(ws.tables.values())
    if ck.check(len(tables) == 1, f"{name}: {len(tables)} Excel tables, want 1"):
        t = tables[0]
        ck.check(t.ref == ref, f"{name}: table over {t.ref}, want {ref}")
        ck.check(t.tableStyleInfo is not None and t.tableStyleInfo.showRowStripes,
                 f"{name}: table rows not banded")
        ck.check(t.autoFilter is not None and t.autoFilter.ref == ref,
                 f"{name}: table without an autofilter over {ref}")
    for j, (h, _, kind) in enumerate(cols):
        col = get_column_letter(j + 1)
        d = ws.column_dimensions.get(col)
        w = d.width if d is not None else None
        if ck.check(w, f"{name}: column {col} has no width"):
            need = min(WIDTH_CAP, maxw[j])
            ck.check(need <= w + 0.5 and w <= WIDTH_CAP + 1,
                     f"{name}: column {col} ({h}) width {w} does not fit {need} characters")
    check_back_link(ck, ws, name)
    check_print(ck, ws, name, False, 70, True)
    area = ws.print_area or ""
    if isinstance(area, list):
        area = ",".join(area)
    area = re.sub(r"^.*!", "", area.replace("$", ""))
    ck.check(area == ref or area == f"A1:{last}2" and nrows == 0,
             f"{name}: print area {ws.print_area!r}, want {ref}")


def is_tail(short, path):
    """Whether short is path or a tail of it starting after a '/'."""
    if not isinstance(short, str) or not short:
        return False
    return short == path or (path.endswith(short) and path[-len(short) - 1] == "/")


def read_stderr(path):
    """{path: [(line, reason)]} of the FILE:LINE: reason lines of stderr."""
    out = {}
    pat = re.compile(r"^(.+?):(?:event )?(\d+): (.+)$")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("flowreport:"):
                continue
            m = pat.match(line)
            if m:
                out.setdefault(m.group(1), []).append((int(m.group(2)), m.group(3)))
    return out


def read_labels(ck, ws, sheet, sections):
    """{(section, label): (B cell, C value)} of a Summary-like sheet."""
    out, section = {}, None
    for row in ws.iter_rows(max_col=3):
        cells = list(row) + [None] * (3 - len(row))
        a = cells[0].value if cells[0] is not None else None
        b = cells[1] if cells[1] is not None and cells[1].value is not None else None
        c = cells[2].value if cells[2] is not None else None
        if isinstance(a, str) and any(a.startswith(s) for s in sections) and b is None and c is None:
            section = next(s for s in sections if a.startswith(s))
            continue
        if a is None or section is None:
            continue
        ck.check((section, a) not in out, f"{sheet}: {section}/{a} twice")
        out[(section, a)] = (b, c)
    return out


class Labels:
    def __init__(self, ck, sheet, d):
        self.ck, self.sheet, self.d = ck, sheet, d

    def get(self, section, label):
        if (section, label) not in self.d:
            self.ck.fail(f"{self.sheet}: no {section}/{label} row")
            return None, None
        return self.d[(section, label)]

    def num(self, section, label, want, human=False):
        b, c = self.get(section, label)
        ck, where = self.ck, f"{self.sheet} {section}/{label}"
        if b is None:
            return None
        if ck.check(is_number(b.value), f"{where}: not a number: {b.value!r}"):
            ck.check(b.number_format == COUNT_FMT, f"{where}: format {b.number_format!r}")
            if want is not None:
                ck.check(num_equal(b.value, want), f"{where}: {b.value} != {want}")
            if human and b.value >= 1024:
                h = human_bytes_value(c)
                ck.check(h is not None and abs(h - b.value) <= 0.06 * b.value,
                         f"{where}: human size {c!r} for {b.value}")
        return c


def check_summary(ck, wb_ro, wb_full, names, windows, gaps, ifaces, inputs, counts, fetch):
    ws = wb_ro["Summary"]
    s = Labels(ck, "Summary", read_labels(ck, ws, "Summary", [
        "Period (UTC)", "Sources", "Completeness", "Totals", "Sheets"]))
    start, _ = s.get("Period (UTC)", "Start (UTC)")
    end, _ = s.get("Period (UTC)", "End (UTC)")
    for label, c in (("Start", start), ("End", end)):
        if c is not None:
            ck.check(isinstance(c.value, dt.datetime) and c.number_format == DATE_FMT,
                     f"Summary Period/{label}: not a date-time: {c.value!r}")
    if windows and start is not None and isinstance(start.value, dt.datetime):
        ck.check(to_second(start.value) == parse_iso(windows[0]["window_start"]),
                 f"Summary: period start {start.value} != first window")
    if windows and end is not None and isinstance(end.value, dt.datetime):
        ck.check(to_second(end.value) == parse_iso(windows[-1]["window_end"]),
                 f"Summary: period end {end.value} != last window end")
    s.num("Period (UTC)", "Windows", len(windows))

    def wsum(col):
        return sum(int(w[col]) for w in windows)

    for label, col in (("Records", "records"), ("Accepted records", "accept_records"),
                       ("Rejected records", "reject_records"),
                       ("NODATA records", "nodata_records"),
                       ("SKIPDATA records", "skipdata_records"), ("Packets", "packets")):
        s.num("Totals", label, wsum(col))
    s.num("Totals", "Bytes", wsum("bytes"), human=True)
    s.num("Totals", "Interfaces", len(ifaces))
    for kind in ("NODATA", "SKIPDATA"):
        g = [int(x["seconds"]) for x in gaps if x["kind"] == kind]
        note = s.num("Totals", f"{kind} time (s)", sum(g))
        ck.check(isinstance(note, str) and re.search(rf"\b{len(g)} gaps?\b", note)
                 and (len(g) == 1) == (f"{len(g)} gap," in note + ","),
                 f"Summary Totals/{kind} time: note {note!r} does not count {len(g)} gap(s)")
    if inputs is not None:
        failed = sum(1 for i in inputs if i["status"] in ("UNREADABLE", "UNSUPPORTED"))
        damaged = any(i["status"] == "DAMAGED" for i in inputs)
        note = s.num("Completeness", "Files read", len(inputs) - failed)
        ck.check(isinstance(note, str) and note.startswith(f"of {len(inputs):,} found")
                 and ("damaged" in note) == damaged and ("failed" in note) == (failed > 0),
                 f"Summary: Files read note {note!r}")
        s.num("Completeness", "Malformed lines", sum(int(i["malformed"]) for i in inputs))
        s.num("Completeness", "Records outside the period", sum(int(i["excluded"]) for i in inputs))
        s.num("Completeness", "Records without a start time", sum(int(i["untimed"]) for i in inputs))
    for i, f in enumerate(fetch or []):
        label = "Fetched objects read" if len(fetch) == 1 else f"Fetched objects read ({i + 1})"
        note = s.num("Completeness", label, int(f["read"]))
        ck.check(isinstance(note, str) and (xl_text(csv_unguard(f["source"])) or "")[:120] in note,
                 f"Summary {label}: note {note!r} does not name the source")
    # links to every other sheet, with the table's row count
    links = {}
    if wb_full is not None:
        for row in wb_full["Summary"].iter_rows():
            for c in row:
                if c.hyperlink is not None:
                    links[c.hyperlink.location] = c.value
        for name in names[1:]:
            if " (" in name and name.endswith(")"):
                continue  # continuation sheets are named in the notes
            text = links.get(f"'{name}'!A1")
            if ck.check(isinstance(text, str) and text.startswith(name),
                        f"Summary: no link to sheet {name}"):
                base = name
                if base in counts and base != "How to read":
                    m = re.search(r": ([0-9,]+) rows?\b", text)
                    ck.check(m and int(m.group(1).replace(",", "")) == counts[base]
                             and m.group(1) == f"{counts[base]:,}",
                             f"Summary: link {text!r} does not say {counts[base]:,} rows")
        check_print(ck, wb_full["Summary"], "Summary", True, 90, False)
    return end.value if end is not None else None


def check_details(ck, wb_ro, wb_full, windows, gaps, inputs, counts, fetch_rows):
    d = Labels(ck, "Details", read_labels(ck, wb_ro["Details"], "Details", [
        "Inputs", "Totals", "Top tables", "Provenance"]))
    if inputs is not None:
        d.num("Inputs", "Files", len(inputs))
        d.num("Inputs", "Files failed", sum(1 for i in inputs if i["status"] != "OK"))
        d.num("Inputs", "Bytes read", sum(int(i["size"]) for i in inputs), human=True)
        d.num("Inputs", "Text bytes", sum(int(i["text_bytes"]) for i in inputs), human=True)
        d.num("Inputs", "Lines", sum(int(i["lines"]) for i in inputs))
        for label, col in (("Excluded records", "excluded"), ("Untimed records", "untimed"),
                           ("Malformed lines", "malformed"), ("TGW records", "tgw_records")):
            d.num("Inputs", label, sum(int(i[col]) for i in inputs))
    d.num("Inputs", "Records in period", sum(int(w["records"]) for w in windows))
    d.num("Totals", "OK records", sum(int(w["ok_records"]) for w in windows))
    d.num("Totals", "Accepted bytes", sum(int(w["accept_bytes"]) for w in windows), human=True)
    d.num("Totals", "Rejected bytes", sum(int(w["reject_bytes"]) for w in windows), human=True)
    for kind in ("NODATA", "SKIPDATA"):
        d.num("Totals", f"{kind} gaps", sum(1 for g in gaps if g["kind"] == kind))
    for base in ("Top talkers", "Top rejected", "Top ports"):
        d.num("Top tables", base, counts[base])
    b, _ = d.get("Provenance", "Inputs SHA-256")
    ck.check(b is not None and re.fullmatch("[0-9a-f]{64}", str(b.value)),
             f"Details: Inputs SHA-256 {b.value if b else None!r}")
    check_fetch_lines(ck, d.d, fetch_rows)
    if wb_full is not None:
        check_back_link(ck, wb_full["Details"], "Details")
        check_print(ck, wb_full["Details"], "Details", True, 90, False)


def check_fetch_lines(ck, s, rows):
    labels = [lab for (sec, lab) in s if sec == "Provenance" and re.fullmatch(r"Fetch( \d+)?", lab)]
    if rows is None:
        ck.check(not labels, f"Details: fetch lines {labels} without fetch.csv")
        return
    want_labels = ["Fetch"] if len(rows) == 1 else [f"Fetch {i + 1}" for i in range(len(rows))]
    ck.check(sorted(labels) == sorted(want_labels), f"Details: fetch lines {labels} != {want_labels}")
    for label, f in zip(want_labels, rows):
        if ("Provenance", label) not in s:
            continue
        b, _ = s[("Provenance", label)]
        line = b.value if b is not None else None
        if not ck.check(isinstance(line, str), f"Details Provenance/{label}: no text"):
            continue
        prefix = (xl_text(csv_unguard(f["source"])) or "") + ": "
        ck.check(line.startswith(prefix), f"Details {label}: {line!r} does not name {f['source']!r}")
        listed, read, failed, skipped = (int(f[k]) for k in ("listed", "read", "failed", "skipped"))
        want = max(listed - skipped, 0)
        one, many = FETCH_KINDS.get(f["kind"], ("object", "objects"))
        complete = failed == 0 and read >= want and f["error"] == ""
        rest = line[len(prefix):]
        if complete and want:
            ck.check(rest.startswith(f"all {want} {one if want == 1 else many} read"),
                     f"Details {label}: complete fetch written as {rest!r}")
        elif complete:
            ck.check(rest.startswith("nothing to read"), f"Details {label}: {rest!r}")
        else:
            ck.check("see sheet Fetch" in rest and not rest.startswith("all "),
                     f"Details {label}: incomplete fetch written as {rest!r}")
            if failed:
                ck.check(rest.startswith(f"{failed} of {want} "),
                         f"Details {label}: {rest!r} does not say {failed} of {want} failed")
        if skipped:
            ck.check(f"{skipped} skipped" in rest, f"Details {label}: {rest!r} hides the skipped")


def check_charts(ck, pkg, n_windows):
    split = n_windows > ck.max_rows - 1
    n_windows = min(n_windows, ck.max_rows - 1)
    rng = re.compile(r"^'?Windows'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$")
    for name in ("Summary", "Windows"):
        if pkg.sheet_path(name) is None:
            continue
        charts = pkg.charts_of(name)
        if n_windows == 0 or (split and name == "Windows"):
            ck.check(not charts, f"{name}: {len(charts)} unexpected charts")
            continue
        if name == "Windows" and not charts:
            continue  # the charts are on the Summary
        ck.check(len(charts) >= 1, f"{name}: no chart")
        seen = set()
        for formulas in charts:
            for f in formulas:
                m = rng.match(f or "")
                if not ck.check(m, f"{name}: chart formula {f!r} is not a Windows range"):
                    continue
                c1, r1, c2, r2 = m.groups()
                if c2 is None and r1 == "1":
                    continue
                if c2 is None:
                    c2, r2 = c1, r1
                ck.check(c1 == c2 and r1 == "2" and int(r2) == n_windows + 1,
                         f"{name}: chart range {f!r}, want rows 2..{n_windows + 1}")
                seen.add(c1)
        for col, what in (("A", "window start"), ("N", "bytes in the chart unit"),
                          ("F", "rejected records")):
            ck.check(col in seen, f"{name}: no chart series reads {what} (column {col})")


def check_semantics(ck, path):
    """Every "Header = csv_name" pair is written in SEMANTICS.md."""
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"\s+", " ", f.read())
    for base, (csv_name, cols) in list(COLUMNS.items()) + [("eni", (None, audit.ENI_COLS))]:
        for h, c, _ in cols:
            if c is None or h == c.replace("_", " ").capitalize():
                continue
            if h in ("Records", "Packets", "Bytes", "Rank", "Reason", "Files"):
                continue
            ck.check(f"{h} = {c}" in text, f"SEMANTICS.md does not say {h} = {c}")


def main(argv):
    max_rows, stderr_path, sem = EXCEL_ROWS, None, None
    args = argv[1:]
    while len(args) > 1 and args[0].startswith("--"):
        opt, val, args = args[0], args[1], args[2:]
        if opt == "--max-rows":
            max_rows = int(val)
        elif opt == "--stderr":
            stderr_path = val
        elif opt == "--semantics":
            sem = val
        else:
            args = []
    if len(args) != 1 or max_rows < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    d = args[0]
    path = os.path.join(d, "report.xlsx")
    ck = Checker(max_rows)
    if sem:
        check_semantics(ck, sem)

    pkg = Package(path)
    names = [n for n, _ in pkg.sheets]
    wb_ro = openpyxl.load_workbook(path, read_only=True)
    wb_full = openpyxl.load_workbook(path) if pkg.sheet_xml_size() < SMALL_XML else None

    def csv_of(name):
        p = os.path.join(d, name)
        return read_csv(ck, p) if os.path.exists(p) else None

    windows, ifaces, gaps = csv_of("windows.csv"), csv_of("interfaces.csv"), csv_of("gaps.csv")
    with open_csv(os.path.join(d, "interfaces.csv")) as f:
        if f.readline().rstrip("\n").endswith("," + ",".join(audit.ENI_HEADER)):
            audit.with_eni(COLUMNS)
    findings, changes = csv_of("findings.csv"), csv_of("changes.csv")
    talkers, rejected, ports = csv_of("top_talkers.csv"), csv_of("top_rejected.csv"), csv_of("top_ports.csv")
    inputs, problems, fetch = csv_of("inputs.csv"), csv_of("problems.csv"), csv_of("fetch.csv")

    def plain(base, rows):
        """Wanted cells of the columns that are in the CSV."""
        cols = COLUMNS[base][1]
        return [{h: r[c] for h, c, _ in cols if c is not None} for r in rows]

    counts, split, got = {}, {}, {}

    def table(base, want):
        n, sheets, rows = check_table(ck, wb_ro, wb_full, names, base, want)
        counts[base], split[base], got[base] = n, sheets, rows

    # Windows: the chart column is bytes / 1024^k, one k for the sheet
    # the audit layer's sheets (check_audit.py)
    if findings is not None:
        table("Findings", audit.want_findings(findings, plain, IANA, Derived))
    else:
        table("Findings", None)  # the demo writes no findings.csv
    if changes is not None:
        table("Changes", plain("Changes", changes))
    else:
        ck.check("Changes" not in names, "a Changes sheet without changes.csv")
    table("Coverage", audit.want_coverage(ifaces, plain, csv_unguard))

    table("Windows", plain("Windows", windows))
    ks = set()
    for w, g in zip(windows, got["Windows"]):
        v, b = g.get("Bytes (chart unit)"), int(w["bytes"])
        if is_number(v) and v > 0 and b > 0:
            k = round(math.log(b / v, 1024))
            ks.add(k)
            ck.check(math.isclose(b / 1024 ** k, v, rel_tol=1e-9), f"Windows: chart bytes {v} for {b}")
    ck.check(len(ks) <= 1, f"Windows: chart unit changes between rows ({ks})")

    want = plain("Interfaces", ifaces)
    for r, w in zip(ifaces, want):
        for kind in ("NODATA", "SKIPDATA"):
            sec = sum(int(g["seconds"]) for g in gaps
                      if g["interface_id"] == r["interface_id"] and g["kind"] == kind)
            w[f"{kind} time (s)"] = sec
            w[f"{kind} time (h:mm:ss)"] = sec
    table("Interfaces", want)
    want = plain("Gaps", gaps)
    for r, w in zip(gaps, want):
        w["Meaning"] = MEANING.get(r["kind"], "")
        w["Duration (h:mm:ss)"] = int(r["seconds"])
    table("Gaps", want)
    table("Top talkers", plain("Top talkers", talkers))
    table("Top rejected", plain("Top rejected", rejected))
    want = plain("Top ports", ports)
    for r, w in zip(ports, want):
        p = int(r["protocol"])
        w["Protocol name"] = IANA[p] if p in IANA else Derived(
            lambda v: v is None or isinstance(v, str) and v, "a protocol name or empty")
    table("Top ports", want)

    # Inputs: the file name first (a tail of the path that tells the
    # inputs apart), the sheet's status, the full path later
    if inputs is not None:
        want = plain("Inputs", inputs)
        for r, w in zip(inputs, want):
            p = xl_text(csv_unguard(r["path"])) or ""
            w["File"] = Derived(lambda v, p=p: is_tail(v, p), f"a tail of {p!r}")
            st = r["status"]
            w["Status"] = STATUS.get(st, "MALFORMED LINES" if int(r["malformed"]) else "OK")
    else:
        want = None
    table("Inputs", want)
    files = [g["File"] for g in got["Inputs"]]
    ck.check(len(set(files)) == len(files), "Inputs: two inputs with the same File name")
    short = {g["Full path"]: g["File"] for g in got["Inputs"]}

    # Problems: a row per input not read whole, then its kept examples
    want = None
    if inputs is not None and stderr_path:
        examples = read_stderr(stderr_path)
        want = []
        for r in inputs:
            p = r["path"]
            if r["status"] != "OK":
                want.append({"File": short.get(p), "Line or event": None, "Full path": p,
                             "Reason": Derived(lambda v, s=STATUS[r["status"]]: isinstance(v, str)
                                               and v.startswith(s + ":"), "the status and error")})
            for line, reason in examples.pop(p, []):
                want.append({"File": short.get(p), "Line or event": line, "Reason": reason,
                             "Full path": p})
        ck.check(not examples, f"stderr names examples of files not on sheet Inputs: {list(examples)[:3]}")
    table("Problems", want)
    ck.check(stderr_path is None or counts["Problems"] > 0 or not any(
        int(r["malformed"]) for r in inputs or []), "Problems: empty although lines were malformed")

    if problems is not None:
        want = plain("Problem reasons", problems)
        for r, w in zip(problems, want):
            w["First example (file:line)"] = (
                (f"{short.get(r['example_path'], '?')}:{r['example_line']}" if r["example_line"]
                 else short.get(r["example_path"], "?")) if r["example_path"] else None)
            if r["reason"] == NOT_KEPT:
                w["Reason"] = NOT_KEPT
        table("Problem reasons", want)
    else:
        table("Problem reasons", None)  # the reference writes no problems.csv
    if fetch is not None:
        table("Fetch", plain("Fetch", fetch))
        ck.check(len(fetch) > 0, "fetch.csv exists but has no rows")
    else:
        ck.check(not any(n == "Fetch" or n.startswith("Fetch (") for n in names),
                 "a Fetch sheet without fetch.csv")
    table("How to read", None)
    if wb_full is not None and "How to read" in names:
        hs = [wb_full[n] for n in split["How to read"]]
        text = " ".join(str(c.value) for ws in hs for row in ws.iter_rows() for c in row
                        if c.value is not None)
        terms = [str(c.value) for ws in hs for c in ws["A"]]
        for t in HOWTO_TERMS:
            ck.check(t in terms, f"How to read: no row for {t}")
        for t in NOT_LOGGED:
            ck.check(t in text, f"How to read: what is not logged misses {t!r}")

    bases = ["How to read", "Windows", "Interfaces", "Gaps", "Top talkers", "Top rejected",
             "Top ports", "Inputs", "Problems", "Problem reasons"]
    if fetch is not None:
        bases.append("Fetch")
    want_names = ["Summary"]
    for base in ["Findings"] + (["Changes"] if changes is not None else []) + ["Coverage"]:
        want_names += split.get(base) or [base]
    want_names.append("Details")
    for base in bases:
        want_names += split.get(base) or [base]
    ck.check(names == want_names, f"sheets {names} != {want_names}")

    end = None
    if ck.check("Summary" in names and "Details" in names, "no sheet Summary or Details"):
        end = check_summary(ck, wb_ro, wb_full, names, windows, gaps, ifaces, inputs, counts, fetch)
        check_details(ck, wb_ro, wb_full, windows, gaps, inputs, counts, fetch)
        labels = read_labels(ck, wb_ro["Details"], "Details",
                             ["Inputs", "Totals", "Top tables", "Provenance"])
        audit.check_outputs(ck, labels, d)
        audit.check_topn_notes(ck, labels)
        if wb_full is not None:
            audit.check_no_exceed(ck, wb_full)
        fp = os.path.join(d, "findings.csv")
        if os.path.exists(fp):  # the audit layer: findings by severity, coverage
            with open_csv(fp) as f:
                fr = list(csv.DictReader(f))
            s = Labels(ck, "Summary", read_labels(ck, wb_ro["Summary"], "Summary", [
                "Period (UTC)", "Sources", "Completeness", "Totals", "Sheets"]))
            note = s.num("Completeness", "Findings", len(fr))
            sev = [sum(f["severity"] == k for f in fr) for k in ("high", "medium", "low")]
            ck.check(note == "%d high, %d medium, %d low (findings.csv)" % tuple(sev),
                     f"Summary Completeness/Findings: note {note!r}, want counts {sev}")
            b, note = s.get("Completeness", "Coverage (%)")
            lost = sum(1 for i in ifaces if int(i["skipdata_seconds"]) > 0)
            silent = sum(1 for i in ifaces if int(i["silent_seconds"]) > 0)
            ck.check(note == f"{lost} lost data, {silent} went silent",
                     f"Summary Completeness/Coverage: note {note!r}, want {lost} lost, {silent} silent")
            ck.check(not ifaces or (b is not None and is_number(b.value) and 0 <= b.value <= 100),
                     f"Summary Completeness/Coverage: {b.value if b else None!r}")
    check_charts(ck, pkg, len(windows))

    props = wb_ro.properties
    ck.check(props.creator == "flowreport", f"creator {props.creator!r}")
    ck.check(bool(props.title), "no document title")
    if isinstance(end, dt.datetime):
        ck.check(props.created == to_second(end), f"created {props.created} != period end {end}")
    else:
        ck.check(props.created == dt.datetime(1970, 1, 1, 0, 0, 1),
                 f"created {props.created} without a period")
    wb_ro.close()

    if ck.errors:
        for e in ck.errors:
            print("FAIL:", e)
        return 1
    print(f"PASS: {path}: {len(names)} sheets, {sum(counts.values())} table rows match the CSVs"
          + (" and stderr" if stderr_path else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
