#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""check_xlsx.py: reads report.xlsx back with openpyxl (and, for what openpyxl
cannot see, the raw XML in the zip) and checks it against the CSVs of the
same run.

    check_xlsx.py [--max-rows N] DIR

DIR holds report.xlsx, windows.csv, interfaces.csv, gaps.csv, top_talkers.csv,
top_rejected.csv and top_ports.csv, and when flowreport wrote them (the
reference does not) inputs.csv and fetch.csv. --max-rows is the rows per sheet, header
included, that the writer was built with (FR_XLSX_MAX_ROWS; Excel's 1048576
by default). Exit status: 0 pass, 1 fail (every problem is listed), 2 usage.

What it checks:
- the sheets, in order: Summary, Windows, Interfaces, Gaps, Top talkers,
  Top rejected, Top ports, Inputs, and Fetch exactly when fetch.csv exists,
  each table possibly continued on
  "Name (2)", "Name (3)"... sheets that hold exactly N-1 rows each but the last;
- every table: row 1 is the CSV header, bold; every cell equals the CSV cell
  (times: the CSV's ISO text against an Excel date-time, to the second;
  counts: numbers against the CSV integers; text: strings, with the
  writer's substitution of U+FFFD for bytes XML cannot hold); cell types
  and number formats (date-times "yyyy-mm-dd hh:mm:ss", counts "#,##0");
  frozen header row (freeze_panes == "A2"); an autofilter covering exactly
  the table; column widths that fit the longest value (up to the cap);
- Inputs: one row per file with text, numbers, a SHA-256 and date-times (or
  empty ones) in the right columns, as many rows as the Summary's Files;
  with inputs.csv, every cell against it (the ETag column included);
- Fetch (with fetch.csv): every cell against it, counts as numbers; the
  Summary's Sheets/Fetch row count, and one Provenance line per source that
  names it and says "all N objects|slices read" exactly when nothing failed,
  else points at sheet Fetch (with "F of N" when F failed);
- Summary: period against the windows, totals against the sums of
  windows.csv, gap totals against gaps.csv, row counts of every table, notes
  naming continuation sheets, human byte sizes consistent with the numbers;
- charts: present on Summary and Windows when there are windows (none when
  there are none), each series reading real ranges of the Windows sheet
  (x: window_start, y: bytes or reject_records, rows 2..windows+1);
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

EXCEL_ROWS = 1048576
WIDTH_CAP = 66.0
SMALL_XML = 40 * 1024 * 1024  # also load with openpyxl's full reader below this

TIME, NUM, STR, WRAP = "time", "num", "str", "wrap"  # WRAP: text in a capped, wrapping column
DATE_FMT = "yyyy-mm-dd hh:mm:ss"
COUNT_FMT = "#,##0"

# (sheet base name, csv file, [(column, kind)])
TABLES = [
    ("Windows", "windows.csv", [
        ("window_start", TIME), ("window_end", TIME), ("records", NUM),
        ("ok_records", NUM), ("accept_records", NUM), ("reject_records", NUM),
        ("nodata_records", NUM), ("skipdata_records", NUM), ("packets", NUM),
        ("bytes", NUM), ("accept_bytes", NUM), ("reject_bytes", NUM),
        ("interfaces", NUM)]),
    ("Interfaces", "interfaces.csv", [
        ("interface_id", STR), ("account_id", STR), ("first_start", TIME),
        ("last_end", TIME), ("records", NUM), ("ok_records", NUM),
        ("nodata_records", NUM), ("skipdata_records", NUM),
        ("accept_records", NUM), ("reject_records", NUM), ("packets", NUM),
        ("bytes", NUM)]),
    ("Gaps", "gaps.csv", [
        ("interface_id", STR), ("kind", STR), ("gap_start", TIME),
        ("gap_end", TIME), ("seconds", NUM), ("records", NUM)]),
    ("Top talkers", "top_talkers.csv", [
        ("rank", NUM), ("srcaddr", STR), ("dstaddr", STR), ("records", NUM),
        ("packets", NUM), ("bytes", NUM)]),
    ("Top rejected", "top_rejected.csv", [
        ("rank", NUM), ("srcaddr", STR), ("records", NUM), ("packets", NUM),
        ("bytes", NUM)]),
    ("Top ports", "top_ports.csv", [
        ("rank", NUM), ("protocol", NUM), ("dstport", NUM), ("records", NUM),
        ("accept_records", NUM), ("reject_records", NUM), ("packets", NUM),
        ("bytes", NUM)]),
]
INPUT_COLS = [
    ("path", WRAP), ("status", STR), ("format", STR), ("size", NUM),
    ("text_bytes", NUM), ("sha256", STR), ("lines", NUM), ("records", NUM),
    ("malformed", NUM), ("excluded", NUM), ("untimed", NUM),
    ("tgw_records", NUM), ("first_start", TIME), ("last_start", TIME),
    ("error", WRAP), ("etag", STR)]
FETCH_COLS = [
    ("source", WRAP), ("kind", STR), ("requests", NUM), ("retries", NUM),
    ("throttles", NUM), ("pages", NUM), ("listed", NUM), ("read", NUM),
    ("failed", NUM), ("skipped", NUM), ("events", NUM), ("bytes", NUM),
    ("error", WRAP)]
FETCH_KINDS = {"s3": ("object", "objects"), "cloudwatch-logs": ("slice", "slices")}
STATUSES = {"OK", "DAMAGED", "UNREADABLE", "UNSUPPORTED"}
FORMATS = {"text", "gzip", "json", "json.gz"}

# Summary (section, label) -> sum of this windows.csv column
TOTALS = {
    "Records": "records", "OK records": "ok_records",
    "Accepted records": "accept_records", "Rejected records": "reject_records",
    "NODATA records": "nodata_records", "SKIPDATA records": "skipdata_records",
    "Packets": "packets", "Bytes": "bytes", "Accepted bytes": "accept_bytes",
    "Rejected bytes": "reject_bytes",
}
SECTIONS = {"Period", "Inputs", "Totals", "Gaps", "Top tables", "Sheets",
            "Provenance"}
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


class Stats:
    """What the Summary checks need of a CSV, gathered while streaming it:
    row count, first and last rows, sums of the count columns, and per-kind
    counts and seconds (gaps)."""

    def __init__(self, cols):
        self.names = [c for c, _ in cols]
        self.n = 0
        self.first = self.last = None
        self.sums = {c: 0 for c, k in cols if k == NUM}
        self.kinds = {}

    def add(self, row):
        if self.n == 0:
            self.first = row
        self.last = row
        self.n += 1
        for i, c in enumerate(self.names):
            if c in self.sums and i < len(row) and row[i].isdigit():
                self.sums[c] += int(row[i])
        if "seconds" in self.names and "kind" in self.names and len(row) == len(self.names):
            k = self.kinds.setdefault(row[self.names.index("kind")], [0, 0])
            k[0] += 1
            k[1] += int(row[self.names.index("seconds")])


def xl_text(s):
    """What the XLSX holds for CSV text s (None for empty)."""
    s = BAD_XML_CHARS.sub("\ufffd", s)[:32767]
    return s or None


def parse_iso(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


def to_second(v):
    """A datetime rounded to the nearest second (openpyxl may be a few
    microseconds off)."""
    return (v + dt.timedelta(microseconds=500000)).replace(microsecond=0)


def excel_can_hold(iso):
    """Whether Excel has a date-time for ISO text iso (1900-03-01 on)."""
    try:
        d = parse_iso(iso)
    except ValueError:  # years beyond 9999, or negative ones
        return False
    return d >= dt.datetime(1900, 3, 1)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def num_equal(cell, want):
    if want > 2 ** 53:  # beyond a double's exact integers
        return math.isclose(float(cell), float(want), rel_tol=1e-15)
    return float(cell) == float(want) and float(cell).is_integer()


def display_width(v):
    """Characters the writer reckons a value needs."""
    if v is None:
        return 0
    if isinstance(v, dt.datetime):
        return 19
    if is_number(v):
        return len(f"{int(round(v)):,}")
    return len(str(v))


def human_bytes_value(text):
    m = re.fullmatch(r"([0-9.]+) (B|KiB|MiB|GiB|TiB|PiB|EiB)", text or "")
    if not m:
        return None
    unit = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"].index(m.group(2))
    return float(m.group(1)) * 1024 ** unit


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


# ---------------------------------------------------------------- checks

def table_sheets(ck, names, base):
    """The sheets of table base: base, 'base (2)', ... (consecutive)."""
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


def check_cell(ck, where, kind, cell, want):
    """Compares one cell with CSV text `want` (None: no CSV, types only)."""
    v = cell.value
    if kind == TIME:
        if isinstance(v, dt.datetime):
            ck.check(cell.number_format == DATE_FMT,
                     f"{where}: date-time format is {cell.number_format!r}")
            if want is not None:
                got = to_second(v).strftime("%Y-%m-%dT%H:%M:%SZ")
                ck.check(got == want, f"{where}: {got} != CSV {want}")
        elif isinstance(v, str) and want is not None:
            # only a time Excel cannot hold may fall back to text
            ck.check(v == want and not excel_can_hold(want),
                     f"{where}: time written as text {v!r} (CSV {want})")
        elif v is None and want is None:
            pass
        else:
            ck.fail(f"{where}: expected a date-time, got {v!r}")
    elif kind == NUM:
        if not ck.check(is_number(v), f"{where}: expected a number, got {v!r}"):
            return
        ck.check(cell.number_format == COUNT_FMT,
                 f"{where}: number format is {cell.number_format!r}")
        if want is not None:
            ck.check(num_equal(v, int(want)), f"{where}: {v!r} != CSV {want}")
    else:
        ck.check(v is None or isinstance(v, str),
                 f"{where}: expected text, got {v!r}")
        if want is not None:
            ck.check(v == xl_text(want), f"{where}: {v!r} != CSV {want!r}")


def check_layout(ck, pkg, wb_full, name, ncols, nrows, maxw, headers):
    """Frozen header, autofilter over the table, widths that fit."""
    last = get_column_letter(ncols)
    want_ref = f"A1:{last}{nrows + 1}"
    head, tail = pkg.outside_sheet_data(name)
    freeze, ref, widths = meta_from_xml(head, tail)
    if wb_full is not None:
        ws = wb_full[name]
        freeze, ref = ws.freeze_panes, ws.auto_filter.ref
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        for i in range(ncols):
            ck.check(ws.cell(1, i + 1).font.b, f"{name}!{get_column_letter(i + 1)}1: header not bold")
    ck.check(freeze == "A2", f"{name}: freeze panes {freeze!r}, want 'A2'")
    ck.check(ref == want_ref, f"{name}: autofilter {ref!r}, want {want_ref!r}")
    for i in range(ncols):
        col = get_column_letter(i + 1)
        w = widths.get(col)
        need = min(WIDTH_CAP, max(maxw[i], len(headers[i])))
        if ck.check(w is not None, f"{name}: column {col} has no width"):
            ck.check(need <= w + 0.5 and w <= WIDTH_CAP + 1,
                     f"{name}: column {col} width {w} does not fit {need} characters")


def check_table(ck, pkg, wb_ro, wb_full, names, base, csv_path, cols):
    with open_csv(csv_path) as f:
        return check_table_csv(ck, pkg, wb_ro, wb_full, names, base, csv_path,
                               cols, csv.reader(f))


def check_table_csv(ck, pkg, wb_ro, wb_full, names, base, csv_path, cols, reader):
    header = next(reader, None)
    stats = Stats(cols)
    want_header = [c for c, _ in cols]
    ck.check(header == want_header, f"{csv_path}: header {header} != {want_header}")
    sheets = table_sheets(ck, names, base)
    per = ck.max_rows - 1
    idx = 0
    for k, name in enumerate(sheets):
        ws = wb_ro[name]
        maxw = [0] * len(cols)
        nrows = 0
        for r, row in enumerate(ws.iter_rows(), start=1):
            cells = list(row)[:len(cols)]
            cells += [None] * (len(cols) - len(cells))
            if r == 1:
                got = [c.value if c is not None else None for c in cells]
                ck.check(got == want_header, f"{name}: header {got} != {want_header}")
                if wb_full is None:
                    for i, c in enumerate(cells):
                        ck.check(c is not None and c.font.b,
                                 f"{name}!{get_column_letter(i + 1)}1: header not bold")
                continue
            nrows += 1
            idx += 1
            want = next(reader, None)
            if want is None:
                continue
            stats.add(want)
            for i, ((cname, kind), cell) in enumerate(zip(cols, cells)):
                where = f"{name}!{get_column_letter(i + 1)}{r} ({cname})"
                if cell is None or cell.value is None:
                    ck.check(want[i] == "", f"{where}: empty, CSV {want[i]!r}")
                    continue
                check_cell(ck, where, kind, cell, want[i])
                if kind != WRAP:  # wrapping columns have their own cap
                    maxw[i] = max(maxw[i], display_width(cell.value))
        last = k == len(sheets) - 1
        if last:
            ck.check(nrows <= per, f"{name}: {nrows} rows, more than {per}")
        else:
            ck.check(nrows == per, f"{name}: {nrows} rows before a continuation sheet, want {per}")
        check_layout(ck, pkg, wb_full, name, len(cols), nrows, maxw, want_header)
    for want in reader:
        stats.add(want)
    ck.check(idx == stats.n, f"{base}: {idx} rows in the workbook, {stats.n} in {csv_path}")
    return stats, sheets


def check_inputs(ck, pkg, wb_ro, wb_full, names):
    sheets = table_sheets(ck, names, "Inputs")
    want_header = [c for c, _ in INPUT_COLS]
    n = 0
    for name in sheets:
        ws = wb_ro[name]
        maxw = [0] * len(INPUT_COLS)
        nrows = 0
        for r, row in enumerate(ws.iter_rows(), start=1):
            cells = list(row)[:len(INPUT_COLS)]
            cells += [None] * (len(INPUT_COLS) - len(cells))
            if r == 1:
                got = [c.value if c is not None else None for c in cells]
                ck.check(got == want_header, f"{name}: header {got} != {want_header}")
                continue
            nrows += 1
            vals = {}
            for i, ((cname, kind), cell) in enumerate(zip(INPUT_COLS, cells)):
                where = f"{name}!{get_column_letter(i + 1)}{r} ({cname})"
                vals[cname] = cell.value if cell is not None else None
                if cell is None or cell.value is None:
                    ck.check(cname in ("error", "first_start", "last_start", "path", "etag"),
                             f"{where}: empty")
                    continue
                check_cell(ck, where, kind, cell, None)
                w = display_width(cell.value)
                if kind != WRAP:
                    maxw[i] = max(maxw[i], w)
            ck.check(vals["status"] in STATUSES, f"{name}!B{r}: status {vals['status']!r}")
            ck.check(vals["format"] in FORMATS, f"{name}!C{r}: format {vals['format']!r}")
            ck.check(isinstance(vals["sha256"], str) and re.fullmatch("[0-9a-f]{64}", vals["sha256"] or ""),
                     f"{name}!F{r}: sha256 {vals['sha256']!r}")
            ck.check((vals["status"] == "OK") == (vals["error"] is None),
                     f"{name}!O{r}: status {vals['status']} with error {vals['error']!r}")
            ck.check(vals["etag"] is None or isinstance(vals["etag"], str),
                     f"{name}!P{r}: etag {vals['etag']!r}")
        n += nrows
        check_layout(ck, pkg, wb_full, name, len(INPUT_COLS), nrows, maxw, want_header)
    return n, sheets


def read_summary(ck, ws):
    """{(section, label): (B cell, C value)}, plus the rows' A texts."""
    out, section = {}, None
    for r, row in enumerate(ws.iter_rows(max_col=3), start=1):
        cells = list(row) + [None] * (3 - len(row))
        a = cells[0].value if cells[0] is not None else None
        b = cells[1] if cells[1] is not None and cells[1].value is not None else None
        c = cells[2].value if cells[2] is not None else None
        if a in SECTIONS and b is None and c is None:
            section = a
            continue
        if a is None or section is None:
            continue
        ck.check((section, a) not in out, f"Summary: {section}/{a} twice")
        out[(section, a)] = (b, c)
    return out


def check_summary(ck, s, windows, tables, n_inputs, split):
    """windows: Stats of windows.csv; tables: {sheet base: Stats}."""
    def cell(section, label):
        if (section, label) not in s:
            ck.fail(f"Summary: no {section}/{label} row")
            return None, None
        return s[(section, label)]

    def num(section, label, want):
        b, _ = cell(section, label)
        if b is None and want is None:
            return
        if ck.check(b is not None and is_number(b.value), f"Summary {section}/{label}: not a number"):
            ck.check(b.number_format == COUNT_FMT, f"Summary {section}/{label}: format {b.number_format!r}")
            if want is not None:
                ck.check(num_equal(b.value, want), f"Summary {section}/{label}: {b.value} != {want}")

    # period
    start, _ = cell("Period", "Start (UTC)")
    end, _ = cell("Period", "End (UTC)")
    for label, c in (("Start", start), ("End", end)):
        if c is not None:
            ck.check(isinstance(c.value, dt.datetime) and c.number_format == DATE_FMT,
                     f"Summary Period/{label}: not a date-time: {c.value!r}")
    if windows.n:
        if start is not None and isinstance(start.value, dt.datetime):
            ck.check(to_second(start.value) == parse_iso(windows.first[0]),
                     f"Summary: period start {start.value} != first window {windows.first[0]}")
        if end is not None and isinstance(end.value, dt.datetime):
            ck.check(to_second(end.value) == parse_iso(windows.last[1]),
                     f"Summary: period end {end.value} != last window end {windows.last[1]}")
    num("Period", "Windows", windows.n)
    num("Period", "Window size (seconds)", None)

    # totals = sums over windows.csv
    for label, col in TOTALS.items():
        num("Totals", label, windows.sums[col])
        if "bytes" in col or label == "Bytes":
            b, c = cell("Totals", label)
            if b is not None and is_number(b.value) and b.value >= 1024:
                h = human_bytes_value(c)
                ck.check(h is not None and abs(h - b.value) <= 0.06 * b.value,
                         f"Summary Totals/{label}: human size {c!r} for {b.value}")
    num("Totals", "Interfaces", tables["Interfaces"].n)
    num("Inputs", "Records in period", windows.sums["records"])
    num("Inputs", "Files", n_inputs)
    for label in ("Bytes read", "Text bytes"):
        b, c = cell("Inputs", label)
        if b is not None and is_number(b.value) and b.value >= 1024:
            h = human_bytes_value(c)
            ck.check(h is not None and abs(h - b.value) <= 0.06 * b.value,
                     f"Summary Inputs/{label}: human size {c!r} for {b.value}")

    # gaps
    for kind in ("NODATA", "SKIPDATA"):
        count, seconds = tables["Gaps"].kinds.get(kind, [0, 0])
        num("Gaps", f"{kind} gaps", count)
        num("Gaps", f"{kind} gap time (seconds)", seconds)

    # top tables and sheets
    for base in ("Top talkers", "Top rejected", "Top ports"):
        num("Top tables", base, tables[base].n)
    for base, stats in tables.items():
        num("Sheets", base, stats.n)
        _, note = cell("Sheets", base)
        sheets = split.get(base, [base])
        if len(sheets) > 1:
            ck.check(note is not None and sheets[-1] in note,
                     f"Summary Sheets/{base}: note {note!r} does not name {sheets[-1]!r}")
    num("Sheets", "Inputs", n_inputs)
    return end.value if end is not None else None


def check_fetch_summary(ck, s, rows):
    """rows: fetch.csv's data rows, or None when there is no fetch.csv."""
    labels = [lab for (sec, lab) in s if sec == "Provenance" and re.fullmatch(r"Fetch( \d+)?", lab)]
    if rows is None:
        ck.check(not labels, f"Summary: fetch lines {labels} without fetch.csv")
        ck.check(("Sheets", "Fetch") not in s, "Summary: Sheets/Fetch without fetch.csv")
        return
    want_labels = ["Fetch"] if len(rows) == 1 else [f"Fetch {i + 1}" for i in range(len(rows))]
    ck.check(sorted(labels) == sorted(want_labels), f"Summary: fetch lines {labels} != {want_labels}")
    b, _ = s.get(("Sheets", "Fetch"), (None, None))
    if ck.check(b is not None and is_number(b.value), "Summary: no Sheets/Fetch count"):
        ck.check(num_equal(b.value, len(rows)), f"Summary Sheets/Fetch: {b.value} != {len(rows)}")
    names = [c for c, _ in FETCH_COLS]
    for label, row in zip(want_labels, rows):
        if ("Provenance", label) not in s or len(row) != len(names):
            continue
        f = dict(zip(names, row))
        b, _ = s[("Provenance", label)]
        line = b.value if b is not None else None
        if not ck.check(isinstance(line, str), f"Summary Provenance/{label}: no text"):
            continue
        prefix = (xl_text(f["source"]) or "") + ": "
        ck.check(line.startswith(prefix), f"Summary Provenance/{label}: {line!r} does not name {f['source']!r}")
        listed, read, failed, skipped = (int(f[k]) for k in ("listed", "read", "failed", "skipped"))
        want = max(listed - skipped, 0)
        one, many = FETCH_KINDS.get(f["kind"], ("object", "objects"))
        complete = failed == 0 and read >= want and f["error"] == ""
        rest = line[len(prefix):]
        if complete and want:
            ck.check(rest.startswith(f"all {want} {one if want == 1 else many} read"),
                     f"Summary Provenance/{label}: complete fetch written as {rest!r}")
        elif complete:
            ck.check(rest.startswith("nothing to read"), f"Summary Provenance/{label}: {rest!r}")
        else:
            ck.check("see sheet Fetch" in rest and not rest.startswith("all "),
                     f"Summary Provenance/{label}: incomplete fetch written as {rest!r}")
            if failed:
                ck.check(rest.startswith(f"{failed} of {want} "),
                         f"Summary Provenance/{label}: {rest!r} does not say {failed} of {want} failed")
        if skipped:
            ck.check(f"{skipped} skipped" in rest, f"Summary Provenance/{label}: {rest!r} hides the skipped")


def check_charts(ck, pkg, n_windows):
    # Windows never needs a second sheet (at most 1,000,000 windows); in a
    # test build with fewer rows per sheet the charts show the first sheet's
    # windows and only Summary has them.
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
        ck.check(len(charts) >= 1, f"{name}: no chart")
        seen = set()
        for formulas in charts:
            ck.check(formulas, f"{name}: a chart without range formulas")
            for f in formulas:
                m = rng.match(f or "")
                if not ck.check(m, f"{name}: chart formula {f!r} is not a Windows range"):
                    continue
                c1, r1, c2, r2 = m.groups()
                if c2 is None and r1 == "1":  # a series name: the header cell
                    continue
                if c2 is None:  # a one-cell range: one window
                    c2, r2 = c1, r1
                ck.check(c1 == c2 and r1 == "2" and int(r2) == n_windows + 1,
                         f"{name}: chart range {f!r}, want rows 2..{n_windows + 1} of one column")
                seen.add(c1)
        for col, what in (("A", "window_start"), ("J", "bytes"), ("F", "reject_records")):
            ck.check(col in seen, f"{name}: no chart series reads {what} (column {col})")


def main(argv):
    max_rows = EXCEL_ROWS
    args = argv[1:]
    if len(args) == 3 and args[0] == "--max-rows":
        max_rows = int(args[1])
        args = args[2:]
    if len(args) != 1 or max_rows < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    d = args[0]
    path = os.path.join(d, "report.xlsx")
    ck = Checker(max_rows)

    pkg = Package(path)
    names = [n for n, _ in pkg.sheets]
    wb_ro = openpyxl.load_workbook(path, read_only=True)
    wb_full = None
    if pkg.sheet_xml_size() < SMALL_XML:
        wb_full = openpyxl.load_workbook(path)

    tables, split = {}, {}
    for base, csv_name, cols in TABLES:
        rows, sheets = check_table(ck, pkg, wb_ro, wb_full, names, base,
                                   os.path.join(d, csv_name), cols)
        tables[base], split[base] = rows, sheets
    n_inputs, split["Inputs"] = check_inputs(ck, pkg, wb_ro, wb_full, names)
    inputs_csv = os.path.join(d, "inputs.csv")
    if os.path.exists(inputs_csv):
        st, _ = check_table(ck, pkg, wb_ro, wb_full, names, "Inputs", inputs_csv, INPUT_COLS)
        ck.check(st.n == n_inputs, f"inputs.csv: {st.n} rows, the workbook {n_inputs}")
    fetch_csv = os.path.join(d, "fetch.csv")
    fetch_rows = None
    bases = [t[0] for t in TABLES] + ["Inputs"]
    if os.path.exists(fetch_csv):
        tables_fetch, split["Fetch"] = check_table(ck, pkg, wb_ro, wb_full, names, "Fetch",
                                                   fetch_csv, FETCH_COLS)
        ck.check(tables_fetch.n > 0, "fetch.csv exists but has no rows")
        with open_csv(fetch_csv) as f:
            fetch_rows = list(csv.reader(f))[1:]
        bases.append("Fetch")
    else:
        ck.check(not any(n == "Fetch" or n.startswith("Fetch (") for n in names),
                 "a Fetch sheet without fetch.csv")

    want_names = ["Summary"]
    for base in bases:
        want_names += split[base] or [base]
    ck.check(names == want_names, f"sheets {names} != {want_names}")

    end = None
    if ck.check("Summary" in names, "no sheet Summary"):
        s = read_summary(ck, wb_ro["Summary"])
        end = check_summary(ck, s, tables["Windows"], tables, n_inputs, split)
        check_fetch_summary(ck, s, fetch_rows)
    check_charts(ck, pkg, tables["Windows"].n)

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
    print(f"PASS: {path}: {len(names)} sheets, {sum(t.n for t in tables.values())} "
          f"table rows, {n_inputs} inputs and "
          f"{len(fetch_rows) if fetch_rows is not None else 'no'} fetch rows match the CSVs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
