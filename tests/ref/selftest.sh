#!/bin/sh
# SPDX-License-Identifier: MIT
# selftest.sh: check the reference implementation (flowref.py) against small
# fixtures whose expected outputs were worked out by hand (see
# fixtures/README.md), and check that genflows.py is deterministic.
# Automake TESTS protocol: exit 0 pass, 1 fail, 77 skip.
set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

here=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 7))' 2>/dev/null; then
    echo "SKIP: no usable Python 3 ($PY)"
    exit 77
fi
REF="$here/flowref.py"
GEN="$here/../gen/genflows.py"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/flowref-selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# build the binary inputs of the 'formats' case from their text sources:
# a two-member gzip split in the middle of a line, and a gzip cut short
# (stored blocks, so the cut falls at a known uncompressed offset)
build_formats() {
    "$PY" - "$1" "$2" <<'EOF'
import gzip, sys, zlib
src, dst = sys.argv[1], sys.argv[2]
mm = open(src + "/mm.txt", "rb").read()
with open(dst + "/mm.log.gz", "wb") as f:
    f.write(gzip.compress(mm[:130], mtime=0) + gzip.compress(mm[130:], mtime=0))
tr = open(src + "/trunc.txt", "rb").read()
first = tr.index(b"\n") + 1
g = gzip.compress(tr, compresslevel=0, mtime=0)
cut = g[:10 + 5 + first + 20]
d = zlib.decompressobj(31)
assert d.decompress(cut) == tr[:first + 20], "stored-block layout changed"
with open(dst + "/trunc.log.gz", "wb") as f:
    f.write(cut)
EOF
}

# check_totals TOTALS_JSON EXPECTED_TXT RC
check_totals() {
    "$PY" - "$1" "$2" "$3" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
t["exit"] = int(sys.argv[3])
t["errors"] = len(t["errors"])
t["unknown_fields"] = ",".join(t["unknown_fields"])
bad = 0
for line in open(sys.argv[2]):
    line = line.strip()
    if not line:
        continue
    k, v = line.split("=", 1)
    got = str(t[k])
    if got != v:
        print("  totals: %s = %s, expected %s" % (k, got, v))
        bad = 1
sys.exit(bad)
EOF
}

# diff_expected CASE OUTDIR WHO: every hand-computed CSV of CASE against
# OUTDIR; prints the differences, returns 1 when any differs.
diff_expected() {
    de_ok=0
    for f in "$1"/expected/*.csv; do
        b=${f##*/}
        # the hand-computed files of the older fixtures predate the audit
        # layer's columns (appended at the right; the coverage fixture and
        # tests/audit/ check those, and gaps.csv's SILENT rows): compare the
        # columns they have, and only when their header is the output
        # header's leading part
        got="$2/$b"
        want_head=$(head -n 1 "$f")
        got_head=$(head -n 1 "$got" 2>/dev/null || true)
        if [ "$want_head" != "$got_head" ] && [ "${got_head#"$want_head",}" != "$got_head" ]; then
            n=$(printf '%s\n' "$want_head" | awk -F, '{print NF}')
            "$PY" -c 'import csv, sys
n = int(sys.argv[1])
w = csv.writer(sys.stdout, lineterminator="\n")
for row in csv.reader(open(sys.argv[2], newline="")):
    if sys.argv[2].endswith("gaps.csv") and row[1:2] == ["SILENT"]:
        continue  # SILENT rows: checked by the coverage fixture
    w.writerow(row[:n])' "$n" "$got" >"$tmp/cut.csv"
            got="$tmp/cut.csv"
        fi
        if ! diff -u "$f" "$got" >"$tmp/diff" 2>&1; then
            echo "FAIL $3 $b differs from the hand-computed file"
            cat "$tmp/diff"
            de_ok=1
        fi
    done
    return $de_ok
}

for case in "$here"/fixtures/*/; do
    case=${case%/}
    name=${case##*/}
    [ -d "$case/expected" ] || continue
    work="$tmp/$name"
    mkdir -p "$work/in"
    cp -R "$case/in/." "$work/in/"
    if [ -d "$case/src" ]; then
        build_formats "$case/src" "$work/in"
    fi
    args=$(cat "$case/args")
    set +e
    # shellcheck disable=SC2086
    "$PY" "$REF" -o "$work/out" $args "$work/in" 2>"$work/stderr"
    rc=$?
    set -e
    ok=1
    diff_expected "$case" "$work/out" "$name: the reference's" || ok=0
    # the real program against the same hand-computed files, when built
    if [ -n "${FLOWREPORT:-}" ] && [ -x "$FLOWREPORT" ]; then
        set +e
        # shellcheck disable=SC2086
        "$FLOWREPORT" -q -j 2 -f csv -o "$work/fr" $args "$work/in" 2>/dev/null
        frc=$?
        set -e
        if [ "$frc" -ne "$rc" ]; then
            echo "FAIL $name: flowreport exited $frc, the reference $rc"
            ok=0
        fi
        diff_expected "$case" "$work/fr" "$name: flowreport's" || ok=0
    fi
    if ! check_totals "$work/out/totals.json" "$case/expected/totals.txt" "$rc"; then
        echo "FAIL $name: totals.json"
        ok=0
    fi
    if [ $ok = 1 ]; then
        echo "PASS $name"
    else
        fail=1
    fi
done

# usage errors exit 2 and write nothing
expect_usage() {
    set +e
    "$PY" "$REF" -o "$tmp/usage" "$@" "$here/fixtures/basic/in/a.log" 2>/dev/null
    rc=$?
    set -e
    if [ $rc -ne 2 ]; then
        echo "FAIL usage: '$*' exited $rc, expected 2"
        fail=1
    elif [ -e "$tmp/usage/windows.csv" ]; then
        echo "FAIL usage: '$*' wrote output"
        fail=1
    else
        echo "PASS usage: $*"
    fi
}
expect_usage --window 1s --since 2026-01-01 --until 2026-11-26
expect_usage --since yesterday
expect_usage --since 2026-11-26T02:00:00Z --until 2026-11-26T01:00:00Z
expect_usage --window 0
expect_usage --top x

# durations are relative to --until (or --now)
"$PY" "$REF" -o "$tmp/dur1" --now 1795658400 --since 90m "$here/fixtures/basic/in/a.log" 2>/dev/null || true
"$PY" "$REF" -o "$tmp/dur2" --since 2026-11-26T00:30:00Z --until 2026-11-26T02:00:00Z "$here/fixtures/basic/in/a.log" 2>/dev/null || true
"$PY" "$REF" -o "$tmp/dur3" --since 90m --until 2026-11-26T02:00:00Z "$here/fixtures/basic/in/a.log" 2>/dev/null || true
for f in windows.csv interfaces.csv top_talkers.csv; do
    # dur1 has no --until: it runs to the end of the window of the latest start
    if ! diff -u "$tmp/dur2/$f" "$tmp/dur3/$f" >/dev/null; then
        echo "FAIL duration: --since 90m --until T differs from the absolute period"
        fail=1
    fi
done
if ! grep -q '"since": "2026-11-26T00:30:00Z"' "$tmp/dur1/totals.json"; then
    echo "FAIL duration: --since 90m with --now 1795658400 is not 00:30"
    fail=1
else
    echo "PASS durations"
fi

# the generator is deterministic
"$PY" "$GEN" "$tmp/g1" --records 400 --seed 7 --files 4
"$PY" "$GEN" "$tmp/g2" --records 400 --seed 7 --files 4
if diff -r "$tmp/g1" "$tmp/g2" >/dev/null; then
    echo "PASS genflows deterministic"
else
    echo "FAIL genflows: two runs with one seed differ"
    fail=1
fi

# command-line order never matters
# shellcheck disable=SC2046
set -- $(find "$tmp/g1" -type f ! -name '.*' ! -path '*/.*' | sort)
rev=
for f in "$@"; do rev="$f $rev"; done
"$PY" "$REF" -o "$tmp/o1" "$@" 2>/dev/null || true
# shellcheck disable=SC2086
"$PY" "$REF" -o "$tmp/o2" $rev 2>/dev/null || true
"$PY" "$REF" -o "$tmp/o3" "$tmp/g1" 2>/dev/null || true
for f in windows.csv interfaces.csv gaps.csv top_talkers.csv top_rejected.csv top_ports.csv; do
    if ! cmp -s "$tmp/o1/$f" "$tmp/o2/$f" || ! cmp -s "$tmp/o1/$f" "$tmp/o3/$f"; then
        echo "FAIL order: $f depends on the input order"
        fail=1
    fi
done
[ $fail = 1 ] || echo "PASS input order"

exit $fail
