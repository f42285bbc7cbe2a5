#!/bin/sh
# SPDX-License-Identifier: MIT
# flowreport-parallel.sh: a sharded flowreport run on one host.
#
#   flowreport-parallel.sh N OUTDIR [OPTION...] INPUT...
#
# Runs N shards at once, shard K as
#   flowreport --shard K/N --save-state STATEDIR/shard-K.frstate -o STATEDIR/shard-K OPTION... INPUT...
# then merges their states into OUTDIR:
#   flowreport -o OUTDIR STATEDIR/shard-*.frstate
# Every shard is given the same OPTIONs and INPUTs (give an absolute period,
# --since and --until as times, not durations: the shards must agree on it).
# The shards run under GNU parallel when it is installed, else xargs -P, else
# one after the other.
#
# Environment:
#   FLOWREPORT            the program (default: flowreport)
#   STATEDIR              where the states and the shards' reports go
#                         (default: OUTDIR.shards; kept, to merge again)
#   JOBS                  shards running at once (default: N)
#   FLOWREPORT_MERGE_OPTS options of the merge, split on blanks (e.g. "-f csv,md")
#   FR_RUNNER             parallel, xargs or loop: force a runner
#
# Exit status: a shard's status if one failed (2 or more; nothing merged),
# else the merge's, else 1 when a shard read damaged input (or none), else 0.
set -eu

me=$0
FLOWREPORT=${FLOWREPORT:-flowreport}

# --one K N STATEDIR OPTION...: runs shard K (the runners call this); its exit
# status goes to STATEDIR/shard-K.rc, its stderr to STATEDIR/shard-K.log
if [ "${1:-}" = --one ]; then
    k=$2 n=$3 dir=$4
    shift 4
    set +e
    "$FLOWREPORT" --shard "$k/$n" --save-state "$dir/shard-$k.frstate" -o "$dir/shard-$k" \
        "$@" 2>"$dir/shard-$k.log"
    echo $? >"$dir/shard-$k.rc"
    exit 0
fi

usage() {
    echo "usage: flowreport-parallel.sh N OUTDIR [OPTION...] INPUT..." >&2
    exit 2
}
[ $# -ge 3 ] || usage
n=$1 outdir=$2
shift 2
case $n in '' | *[!0-9]*) usage ;; esac
if [ "$n" -lt 1 ] || [ "$n" -gt 65536 ]; then usage; fi
dir=${STATEDIR:-${outdir%/}.shards}
jobs=${JOBS:-$n}
mkdir -p "$dir"
rm -f "$dir"/shard-*.frstate "$dir"/shard-*.rc

runner=${FR_RUNNER:-}
if [ -z "$runner" ]; then
    if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
        runner="parallel"
    elif printf '' | xargs -P 1 true 2>/dev/null; then
        runner="xargs"
    else
        runner="loop"
    fi
fi

last=$((n - 1))
case $runner in
parallel)
    # -q: the arguments reach the shards as they are (blanks and all)
    seq 0 "$last" | parallel --will-cite -q -j "$jobs" sh "$me" --one {} "$n" "$dir" "$@"
    ;;
xargs)
    seq 0 "$last" | xargs -P "$jobs" -I{} sh "$me" --one {} "$n" "$dir" "$@"
    ;;
loop)
    k=0
    while [ "$k" -le "$last" ]; do
        sh "$me" --one "$k" "$n" "$dir" "$@"
        k=$((k + 1))
    done
    ;;
*)
    echo "flowreport-parallel.sh: FR_RUNNER is '$runner', not parallel, xargs or loop" >&2
    exit 2
    ;;
esac

# a shard that failed stops the run; one that read damaged input does not
worst=0
k=0
while [ "$k" -le "$last" ]; do
    rc=$(cat "$dir/shard-$k.rc" 2>/dev/null || echo 3)
    if [ "$rc" -ge 2 ] && [ "$rc" -ne 4 ]; then
        echo "flowreport-parallel.sh: shard $k/$n exited $rc:" >&2
        cat "$dir/shard-$k.log" >&2 || true
        exit "$rc"
    fi
    [ "$rc" -ne 1 ] || worst=1 # 4 (--fail-on) is the merge's to decide
    k=$((k + 1))
done
echo "flowreport-parallel.sh: $n shards done ($runner), merging into $outdir" >&2

set +e
# shellcheck disable=SC2086 # FLOWREPORT_MERGE_OPTS is split on purpose
"$FLOWREPORT" ${FLOWREPORT_MERGE_OPTS:-} -o "$outdir" "$dir"/shard-*.frstate
rc=$?
set -e
[ "$rc" -ne 0 ] && exit "$rc"
exit "$worst"
