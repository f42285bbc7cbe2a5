#!/bin/sh
# SPDX-License-Identifier: MIT
# check_fail.sh: a write that fails (a "full disk", simulated with a file-size
# limit) must make xlsx_demo fail with a message naming report.xlsx, leave no
# report.xlsx and no temporary file behind, and leave an earlier report.xlsx
# untouched. Exit 0 pass, 1 fail, 2 usage.
#
#   check_fail.sh XLSX_DEMO
set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

if [ $# -ne 1 ]; then
    echo "usage: $0 XLSX_DEMO" >&2
    exit 2
fi
demo=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_fail.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

# run_limited BLOCKS ARGS...: runs the demo with files limited to BLOCKS
# blocks (512 bytes in dash and POSIX, 1024 in bash: the limits below work
# with either); SIGXFSZ is ignored so that writes fail with EFBIG instead of
# killing it.
run_limited() {
    lim=$1
    shift
    (ulimit -f "$lim" && trap '' XFSZ && exec "$demo" "$@") >"$tmp/out" 2>"$tmp/err"
}

# expect_failure NAME DIR: the last run failed cleanly.
expect_failure() {
    name=$1
    dir=$2
    if ! grep -q "report.xlsx: " "$tmp/err"; then
        echo "FAIL: $name: no message naming report.xlsx:" >&2
        cat "$tmp/err" >&2
        status=1
    fi
    left=$(find "$dir" -name '*report.xlsx*' ! -name report.xlsx.before | sort)
    if [ -n "$left" ]; then
        echo "FAIL: $name: files left behind: $left" >&2
        status=1
    fi
}

# 1. The zip (over 20 KB) cannot be written; the CSVs (under 1 KB) can.
mkdir "$tmp/a"
if run_limited 10 small "$tmp/a"; then
    echo "FAIL: zip: the demo succeeded under a 5-10 KB file-size limit" >&2
    status=1
else
    expect_failure zip "$tmp/a"
fi

# 2. libxlsxwriter's temporary row data cannot be written: 100,000 rows are
#    at most 11 MB of CSV but 50 MB of sheet XML (Windows).
mkdir "$tmp/b"
if run_limited 32768 big 100000 "$tmp/b"; then
    echo "FAIL: tmpfile: the demo succeeded under a 16-32 MB file-size limit" >&2
    status=1
else
    expect_failure tmpfile "$tmp/b"
fi

# 3. A failed run keeps the earlier report.
mkdir "$tmp/c"
"$demo" small "$tmp/c" >/dev/null
cp "$tmp/c/report.xlsx" "$tmp/c/report.xlsx.before"
if run_limited 10 edge "$tmp/c"; then
    echo "FAIL: keep: the demo succeeded under a 5-10 KB file-size limit" >&2
    status=1
elif ! cmp -s "$tmp/c/report.xlsx" "$tmp/c/report.xlsx.before"; then
    echo "FAIL: keep: the earlier report.xlsx was changed" >&2
    status=1
fi

[ $status -eq 0 ] && echo "PASS: failed writes leave no report.xlsx behind"
exit $status
