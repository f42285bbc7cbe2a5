#!/bin/bash
# run.sh SRCDIR BUILDDIR [TARGET...]: runs each libFuzzer target built by
# build.sh for $FUZZ_SECONDS (default 60), $FUZZ_JOBS at a time (default 1),
# over its seeds (tests/fuzz/corpus/T), its regression inputs
# (tests/fuzz/regressions/T) and the corpus it grew before (BUILDDIR/corpus/T,
# which is where new inputs go: the source tree is not written). A crash,
# leak, sanitizer report or timeout fails the target; its input is saved as
# BUILDDIR/crashes/T-*. Ends with "N passed, N failed".
set -u
src=$1 out=$2
shift 2
secs=${FUZZ_SECONDS:-60} jobs=${FUZZ_JOBS:-1}
targets=${*:-$(cd "$src/tests/fuzz/corpus" && ls)}
mkdir -p "$out/crashes" "$out/logs"

# one TARGET: runs it and writes its result to logs/TARGET.result
one() {
    local t=$1 bin=$out/tests/fuzz/fuzz_$1
    local dirs=("$out/corpus/$t" "$src/tests/fuzz/corpus/$t")
    mkdir -p "$out/corpus/$t"
    [ -d "$src/tests/fuzz/regressions/$t" ] && dirs+=("$src/tests/fuzz/regressions/$t")
    if [ ! -x "$bin" ]; then
        echo "missing $bin" >"$out/logs/$t.log"
        echo fail >"$out/logs/$t.result"
        return
    fi
    local start=$SECONDS
    if AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null \
        "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2560 \
        -artifact_prefix="$out/crashes/$t-" -print_final_stats=1 "${dirs[@]}" \
        >"$out/logs/$t.log" 2>&1; then
        echo pass >"$out/logs/$t.result"
    else
        echo fail >"$out/logs/$t.result"
    fi
    echo "$((SECONDS - start))" >>"$out/logs/$t.result"
}

running=0
for t in $targets; do
    one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

passed=0 failed=0
for t in $targets; do
    r=$(sed -n 1p "$out/logs/$t.result" 2>/dev/null)
    s=$(sed -n 2p "$out/logs/$t.result" 2>/dev/null)
    execs=$(awk '/stat::number_of_executed_units/{print $2}' "$out/logs/$t.log" | tail -1)
    cov=$(grep -Eo 'cov: [0-9]+' "$out/logs/$t.log" | tail -1)
    if [ "$r" = pass ]; then
        passed=$((passed + 1))
        echo "PASS fuzz_$t: ${execs:-?} runs in ${s:-?} s, $cov"
    else
        failed=$((failed + 1))
        echo "FAIL fuzz_$t (${s:-?} s): log $out/logs/$t.log"
        grep -E 'ERROR: |SUMMARY: |Test unit written to|runtime error' "$out/logs/$t.log" | head -8
        echo "  make it a regression input: cp $out/crashes/$t-* $src/tests/fuzz/regressions/$t/"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
