#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""check_pdf.py: checks the PDF LibreOffice made of report.xlsx, page by page,
with pdftotext (poppler-utils).

    check_pdf.py REPORT.XLSX REPORT.PDF

Every page's footer names its sheet ("&A") and says "Page N of M". Checks:
page 1 is the Summary and the Summary is exactly one page; page 1 holds the
title, the period (start and end, as the workbook has them), the records
total with its thousands separators, and nothing of another sheet; Details is
one page; every sheet's pages are consecutive and in sheet order; every data
sheet prints at 70 % or more, and its page count agrees with that scale (the
columns' and rows' sizes at that scale, give or take one row of pages: a
sheet shrunk to fit would print on fewer pages). Exit 0 pass, 1 fail.
"""
import math
import re
import subprocess
import sys

import openpyxl

PT_PER_CHAR = 7.0  # a column of width w is about 7 w points wide in print
LANDSCAPE_W = 842 - 2 * 0.4 * 72  # A4 less the writer's margins, points
LANDSCAPE_H = 595 - (0.5 + 0.6) * 72 - 30  # less top/bottom margins and footer


def page_texts(pdf):
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                         capture_output=True).stdout.decode("utf-8", "replace")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def footer(text):
    for line in reversed(text.splitlines()):
        m = re.match(r"^\s*(\S.*?)\s{2,}Page (\d+) of (\d+)\s*$", line)
        if m:
            return m.group(1), int(m.group(2)), int(m.group(3))
    return None, None, None


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    wb = openpyxl.load_workbook(argv[1])
    pages = page_texts(argv[2])
    errors = []

    def check(cond, msg):
        if not cond:
            errors.append(msg)

    sheets = []  # sheet name of each page
    for i, text in enumerate(pages, start=1):
        name, no, total = footer(text)
        check(name is not None, f"page {i}: no footer 'SHEET ... Page N of M'")
        check(no == i and total == len(pages), f"page {i}: footer says page {no} of {total}")
        sheets.append(name)
    order = [ws.title for ws in wb.worksheets]
    seen = []
    for s in sheets:
        if not seen or seen[-1] != s:
            check(s not in seen, f"the pages of sheet {s} are not consecutive")
            seen.append(s)
    check(seen == [s for s in order if s in seen], f"sheets printed in order {seen}, not {order}")
    count = {s: sheets.count(s) for s in set(sheets)}

    # page 1: the Summary, all of it, and nothing else
    check(sheets[:1] == ["Summary"], f"page 1 is sheet {sheets[:1]}, not Summary")
    check(count.get("Summary") == 1, f"the Summary prints on {count.get('Summary')} pages")
    check(count.get("Details", 1) == 1, f"Details prints on {count.get('Details')} pages")
    p1 = pages[0] if pages else ""
    ws = wb["Summary"]
    labels = {}
    for row in ws.iter_rows(max_col=2):
        if row[0].value is not None and len(row) > 1:
            labels.setdefault(row[0].value, row[1].value)
    check("VPC Flow Logs audit report" in p1, "page 1: no title")
    check("Summary" in p1, "page 1: the word Summary is missing")
    for label in ("Start (UTC)", "End (UTC)"):
        v = labels.get(label)
        if v is not None and hasattr(v, "strftime"):
            want = v.strftime("%Y-%m-%d %H:%M:%S")
            check(want in p1, f"page 1: period {label} {want} missing")
    rec = labels.get("Records")
    if isinstance(rec, (int, float)):
        want = f"{int(rec):,}"
        check(re.search(rf"(?<![0-9,]){re.escape(want)}(?![0-9,])", p1),
              f"page 1: records total {want} missing")
    for other in ("Back to Summary", "Sheet or term", "Interface ID", "Full path"):
        check(other not in p1, f"page 1 holds {other!r}, from another sheet")

    # data sheets: scale at least 70 %, and a page count that agrees with it
    for ws in wb.worksheets:
        if ws.title in ("Summary", "Details") or ws.title not in count:
            continue
        scale = (ws.page_setup.scale or 100) / 100.0
        check(scale >= 0.70, f"{ws.title}: printed at {scale:.0%}")
        area = ws.print_area
        area = ",".join(area) if isinstance(area, list) else (area or "")
        m = re.search(r"\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$", area)
        if not m:
            continue
        last_col = openpyxl.utils.column_index_from_string(m.group(3))
        last_row = int(m.group(4))
        width = sum((ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43)
                    for c in range(1, last_col + 1)) * PT_PER_CHAR * scale
        head = (ws.row_dimensions[1].height or 15)
        height = sum((ws.row_dimensions[r].height or 15) for r in range(2, last_row + 1))
        if width / scale * 0.70 <= LANDSCAPE_W:
            check(width <= LANDSCAPE_W,
                  f"{ws.title}: fits one page wide at 70 % but prints {width:.0f} pt wide at {scale:.0%}")
        across = max(1, math.ceil(width / LANDSCAPE_W))
        down = max(1, math.ceil(height * scale / (LANDSCAPE_H - head * scale)))
        want, got = across * down, count[ws.title]
        check(want - across <= got <= want + across,
              f"{ws.title}: {got} pages, at {scale:.0%} about {want} ({across} across)")
    for e in errors:
        print("FAIL:", e)
    if not errors:
        print(f"PASS: {argv[2]}: {len(pages)} pages, Summary on page 1 alone")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
