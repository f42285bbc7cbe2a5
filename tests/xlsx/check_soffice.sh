#!/bin/sh
# SPDX-License-Identifier: MIT
# check_soffice.sh: converts DIR/report.xlsx to PDF with LibreOffice, as a
# second, independent reader of the workbook; passes when the PDF is made,
# is not empty and prints as check_pdf.py expects (when pdftotext is here). Exit 0 pass, 1 fail, 77 skip (no soffice).
#
#   check_soffice.sh DIR [KEEP_PDF_DIR]
#
# With KEEP_PDF_DIR the PDF is copied there (to render and look at it:
# pdftoppm -png -r 60 KEEP_PDF_DIR/report.pdf page).
set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 DIR [KEEP_PDF_DIR]" >&2
    exit 2
fi
dir=$1
keep=${2-}
xlsx=$dir/report.xlsx

soffice=${SOFFICE:-$(command -v soffice || true)}
if [ -z "$soffice" ] || [ ! -x "$soffice" ]; then
    echo "SKIP: soffice not found"
    exit 77
fi
if [ ! -s "$xlsx" ]; then
    echo "FAIL: $xlsx is missing or empty" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_soffice.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# A throwaway profile: no first-start wizard, no lock on the user's profile,
# nothing left behind. timeout guards against a hung office process.
to=
if command -v timeout >/dev/null 2>&1; then
    to="timeout 300"
fi
if ! $to "$soffice" -env:UserInstallation="file://$tmp/profile" \
        --headless --norestore --nolockcheck \
        --convert-to pdf --outdir "$tmp/out" "$xlsx" >"$tmp/log" 2>&1; then
    echo "FAIL: soffice could not convert $xlsx:" >&2
    cat "$tmp/log" >&2
    exit 1
fi
pdf=$tmp/out/report.pdf
if [ ! -s "$pdf" ]; then
    echo "FAIL: soffice made no PDF (or an empty one) from $xlsx:" >&2
    cat "$tmp/log" >&2
    exit 1
fi
if [ "$(head -c 5 "$pdf")" != "%PDF-" ]; then
    echo "FAIL: $pdf is not a PDF" >&2
    exit 1
fi
# The pages themselves (check_pdf.py): the Summary alone on page 1, legible
# scales. Needs pdftotext (poppler-utils) and openpyxl.
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
if command -v pdftotext >/dev/null 2>&1 && "$py" -c 'import openpyxl' 2>/dev/null; then
    if ! "$py" "$here/check_pdf.py" "$xlsx" "$pdf" >&2; then
        echo "FAIL: the PDF of $xlsx does not print as it should" >&2
        [ -z "$keep" ] || { mkdir -p "$keep" && cp "$pdf" "$keep/report.pdf"; }
        exit 1
    fi
else
    echo "note: pdftotext or openpyxl missing, pages not checked" >&2
fi
if [ -n "$keep" ]; then
    mkdir -p "$keep"
    cp "$pdf" "$keep/report.pdf"
fi
echo "PASS: $xlsx converts to a $(wc -c <"$pdf" | tr -d ' ')-byte PDF"
