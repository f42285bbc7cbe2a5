#!/bin/sh
# Every fuzz target, built with the ordinary compiler and standalone.c's
# main, replays its seed corpus and its regression inputs (crashes the
# fuzzers found once): none may crash, and every target has seeds.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
dir=${FR_FUZZ_DIR:-$(dirname "$FLOWREPORT")/tests/fuzz}
corpus=$top_srcdir/tests/fuzz/corpus
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
n=0
for t in $(cd "$corpus" && ls); do
    bin=$dir/fuzz_$t
    [ -x "$bin" ] || fail "fuzz_$t not built ($bin)"
    [ -n "$(ls "$corpus/$t")" ] || fail "fuzz_$t has no seeds"
    set -- "$corpus/$t"
    [ -d "$top_srcdir/tests/fuzz/regressions/$t" ] && set -- "$@" "$top_srcdir/tests/fuzz/regressions/$t"
    "$bin" "$@" >"$TMP/$t.out" 2>&1 || { cat "$TMP/$t.out" >&2; fail "fuzz_$t crashed on an input above"; }
    cat "$TMP/$t.out"
    n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n fuzz targets"
pass "$n fuzz targets replayed their seeds and regression inputs"
