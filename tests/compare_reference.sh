#!/bin/sh
# SPDX-License-Identifier: MIT
# compare_reference.sh: run flowreport and the independent Python reference
# (tests/ref/flowref.py) on the same generated data and require byte-identical
# CSV files and the same exit status.
#
# Environment:
#   FLOWREPORT        the binary to test (default ./flowreport)
#   PYTHON            Python 3 interpreter (default /usr/bin/python3)
#   GENFLOWS_SEED     generator seed (default 20261126)
#   GENFLOWS_RECORDS  generator record count (default 5000)
#   KEEP_TMP=1        keep the work directory for inspection
# Automake TESTS protocol: exit 0 pass, 1 fail, 77 skip.
set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
FLOWREPORT=${FLOWREPORT:-./flowreport}
PY=${PYTHON:-/usr/bin/python3}
REF="$here/ref/flowref.py"
GEN="$here/gen/genflows.py"
SEED=${GENFLOWS_SEED:-20261126}
RECORDS=${GENFLOWS_RECORDS:-5000}
CSVS="windows.csv interfaces.csv gaps.csv top_talkers.csv top_rejected.csv top_ports.csv"

if [ ! -x "$FLOWREPORT" ]; then
    echo "SKIP: $FLOWREPORT does not exist yet (set FLOWREPORT=path)"
    exit 77
fi
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 7))' 2>/dev/null; then
    echo "SKIP: no usable Python 3 ($PY)"
    exit 77
fi
case $FLOWREPORT in
    /*) ;;
    *) FLOWREPORT="$(pwd)/$FLOWREPORT" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/flowreport-compare.XXXXXX")
if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "work directory: $tmp"
else
    trap 'rm -rf "$tmp"' EXIT INT TERM
fi
fail=0
ncases=0

data="$tmp/data"
"$PY" "$GEN" "$data" --records "$RECORDS" --seed "$SEED"

# run_case NAME 'OPTIONS' INPUT...
# OPTIONS is one string, evaluated by the shell (quote values with spaces).
run_case() {
    name=$1
    opts=$2
    shift 2
    ncases=$((ncases + 1))
    out="$tmp/cases/$name"
    mkdir -p "$out"
    set +e
    eval "\"\$FLOWREPORT\" -q -j 2 -f csv -o \"\$out/c\" $opts \"\$@\"" \
        >"$out/c.stdout" 2>"$out/c.stderr"
    crc=$?
    eval "\"\$PY\" \"\$REF\" -o \"\$out/r\" $opts \"\$@\"" \
        >"$out/r.stdout" 2>"$out/r.stderr"
    rrc=$?
    set -e
    report_case "$name" "flowreport -q -j 2 -f csv $opts INPUTS"
}

# run_stdin_case NAME FILE: the same file through standard input ('-')
run_stdin_case() {
    name=$1
    ncases=$((ncases + 1))
    out="$tmp/cases/$name"
    mkdir -p "$out"
    set +e
    "$FLOWREPORT" -q -j 2 -f csv -o "$out/c" - <"$2" >"$out/c.stdout" 2>"$out/c.stderr"
    crc=$?
    "$PY" "$REF" -o "$out/r" - <"$2" >"$out/r.stdout" 2>"$out/r.stderr"
    rrc=$?
    set -e
    report_case "$name" "flowreport -q -j 2 -f csv - < $2"
}

report_case() {
    ok=1
    if [ "$rrc" -ne 0 ] && [ "$rrc" -ne 1 ]; then
        echo "FAIL $1: the reference itself exited $rrc:"
        sed 's/^/    /' "$out/r.stderr" | head -20
        fail=1
        return
    fi
    if [ "$crc" -ne "$rrc" ]; then
        echo "FAIL $1: flowreport exited $crc, the reference exited $rrc"
        echo "    ($2)"
        echo "    flowreport stderr:"
        sed 's/^/      /' "$out/c.stderr" | head -20
        ok=0
    fi
    for f in $CSVS; do
        if [ ! -f "$out/c/$f" ]; then
            echo "FAIL $1: flowreport wrote no $f"
            ok=0
            continue
        fi
        if ! diff -u "$out/r/$f" "$out/c/$f" >"$out/$f.diff" 2>&1; then
            echo "FAIL $1: $f differs (--- reference, +++ flowreport)"
            head -40 "$out/$f.diff" | sed 's/^/    /'
            n=$(wc -l <"$out/$f.diff")
            [ "$n" -le 40 ] || echo "    ... ($n diff lines; KEEP_TMP=1 keeps them)"
            ok=0
        fi
    done
    if [ $ok = 1 ]; then
        echo "PASS $1 (exit $crc)"
    else
        fail=1
    fi
}

# 1. the whole generated tree, defaults (1h windows, top 20)
run_case all '' "$data"
# 2. a bounded period
run_case period '--since 2026-11-26T01:00:00Z --until 2026-11-26T04:00:00Z' "$data"
# 3. 15-minute windows, top 5 (ties sit on the cut)
run_case w15-top5 '--window 15m --top 5' "$data"
# 4. only --since, not aligned to the window
run_case since-only '--since 2026-11-26T00:37:30Z --window 15m --top 5' "$data"
# 5. only --until, not aligned to the window (last window ends after it)
run_case until-only '--until 2026-11-26T03:17:00Z --window 10m' "$data"
# 6. a window that does not divide an hour; epoch seconds for the bounds
run_case w7m-top3 '--window 7m --top 3 --since 1795654800 --until 1795669200' "$data"
# 7. a duration relative to --until; a date for a bound
run_case duration '--since 100m --until 2026-11-26T05:00:00Z --window 1h' "$data"
run_case date-bound '--since 2026-11-26 --window 1d --top 50' "$data"

# 8. the same files named one by one, in reverse order (order never matters)
files=$(cd "$data" && find . -type f ! -path '*/.*' | LC_ALL=C sort -r)
set --
for f in $files; do set -- "$@" "$data/${f#./}"; done
run_case reverse-order '' "$@"

# 9. a custom field map from --fields (the v5 object without its header)
v5=$(find "$data" -name '*fl-05c0ffee*' -type f | head -n 1)
mkdir -p "$tmp/fields"
tail -n +2 "$v5" >"$tmp/fields/v5-noheader.log"
v5fields=$(head -n 1 "$v5" | tr -d '\r')
run_case fields "--fields '$v5fields'" "$tmp/fields/v5-noheader.log"

# 10. standard input
gz1=$(find "$data/AWSLogs" -name '*.log.gz' ! -name '.*' -type f | LC_ALL=C sort | head -n 1)
run_stdin_case stdin "$gz1"

# 11. a truncated gzip object: complete lines before the cut are kept, exit 1
mkdir -p "$tmp/damaged"
size=$(wc -c <"$gz1")
head -c $((size * 2 / 3)) "$gz1" >"$tmp/damaged/truncated.log.gz"
run_case truncated-gzip '' "$tmp/damaged"

# 12. the shipped samples, when there are any (their data entries only: a
#     generator script there would just add malformed lines)
if [ -d "$top/samples" ]; then
    set --
    for f in "$top"/samples/*; do
        case $f in *.py|*.sh|*/README*) continue ;; esac
        set -- "$@" "$f"
    done
    if [ $# -gt 0 ]; then
        run_case samples '' "$@"
        run_case samples-w15 '--window 15m --top 5' "$@"
    fi
fi

if [ $fail = 0 ]; then
    echo "all $ncases reference comparisons passed"
else
    echo "flowreport disagrees with the reference (tests/ref/flowref.py, doc/SEMANTICS.md)"
    echo "rerun with KEEP_TMP=1 to keep $tmp"
fi
exit $fail
