#!/bin/sh
# contrib/parallel/flowreport-parallel.sh: with a stand-in flowreport that
# logs its arguments, each runner (GNU parallel when installed, xargs -P, the
# plain loop) runs the N = 3 shard commands with the right arguments once each
# and then the merge; a failing shard stops the run with its status. Then,
# with the real flowreport (when it writes --save-state), the merged CSVs of
# 3 shards equal a single run's byte for byte.
. "$(dirname "$0")/../lib.sh"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
RECIPE="$top_srcdir/contrib/parallel/flowreport-parallel.sh"
[ -r "$RECIPE" ] || fail "no $RECIPE"
cd "$TMP"
unset STATEDIR JOBS FLOWREPORT_MERGE_OPTS FR_RUNNER

# --- the commands, with a stand-in flowreport ---------------------------------
# fake: logs "ARG|ARG|..." per call to $FAKE_LOG; a shard writes its state
# file; $FAIL_SHARD K makes shard K exit 3
cat >"$TMP/fake" <<'EOS'
#!/bin/sh
line=""
for a in "$@"; do line="$line$a|"; done
echo "$line" >>"$FAKE_LOG"
while [ $# -gt 0 ]; do
    case $1 in
    --shard) shard=$2; shift ;;
    --save-state) : >"$2"; shift ;;
    esac
    shift
done
[ "${shard:-}" != "${FAIL_SHARD:-none}/3" ] || exit 3
exit 0
EOS
chmod +x "$TMP/fake"

# check_calls FILE: 3 shard commands (any order), then the merge
cat >"$TMP/check_calls.py" <<'EOS'
import sys
calls = [l.rstrip("\n").split("|")[:-1] for l in open(sys.argv[1])]
extra = ["--since", "2026-11-26", "a b's $HOME", "data"]
want = sorted(["--shard", f"{k}/3", "--save-state", f"out.shards/shard-{k}.frstate",
               "-o", f"out.shards/shard-{k}"] + extra for k in range(3))
merge = ["-o", "out"] + [f"out.shards/shard-{k}.frstate" for k in range(3)]
ok = len(calls) == 4 and sorted(calls[:3]) == want and calls[3] == merge
if not ok:
    print("got:", *calls, "want (any order), then the merge:", *want, merge, sep="\n  ",
          file=sys.stderr)
sys.exit(0 if ok else 1)
EOS

runners="xargs loop"
if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    runners="parallel $runners"
else
    echo "note: GNU parallel is not installed; its runner is not tested"
fi
for runner in $runners; do
    rm -rf out out.shards "$TMP/calls"
    FAKE_LOG="$TMP/calls" FLOWREPORT="$TMP/fake" FR_RUNNER=$runner \
        sh "$RECIPE" 3 out --since 2026-11-26 "a b's \$HOME" data 2>"$TMP/stderr" ||
        fail "$runner: the recipe exited $?: $(cat "$TMP/stderr")"
    grep -qF "3 shards done ($runner)" "$TMP/stderr" || fail "$runner: not run by $runner"
    "$PYTHON" "$TMP/check_calls.py" "$TMP/calls" || fail "$runner: wrong commands (above)"

    # a failing shard: its status, nothing merged
    rm -rf out out.shards "$TMP/calls"
    set +e
    FAKE_LOG="$TMP/calls" FLOWREPORT="$TMP/fake" FR_RUNNER=$runner FAIL_SHARD=1 \
        sh "$RECIPE" 3 out data 2>"$TMP/stderr"
    rc=$?
    set -e
    [ "$rc" -eq 3 ] || fail "$runner: a shard exiting 3 gave $rc"
    grep -qF "shard 1/3 exited 3" "$TMP/stderr" || fail "$runner: $(cat "$TMP/stderr")"
    [ "$(grep -c -- '--shard' "$TMP/calls")" -eq 3 ] || fail "$runner: not 3 shards run"
    if grep -q '^-o|out|' "$TMP/calls"; then fail "$runner: merged after a failed shard"; fi

    # STATEDIR and JOBS
    rm -rf out "$TMP/calls"
    FAKE_LOG="$TMP/calls" FLOWREPORT="$TMP/fake" FR_RUNNER=$runner STATEDIR="$TMP/st" JOBS=1 \
        sh "$RECIPE" 3 out data 2>"$TMP/stderr" || fail "$runner: STATEDIR: $(cat "$TMP/stderr")"
    grep -qF -- "--save-state|$TMP/st/shard-2.frstate|-o|$TMP/st/shard-2|data|" "$TMP/calls" ||
        fail "$runner: STATEDIR not used: $(cat "$TMP/calls")"
done
expect_exit 2 sh "$RECIPE" 0 out data 2>/dev/null
expect_exit 2 sh "$RECIPE" x out data 2>/dev/null
expect_exit 2 sh "$RECIPE" 3 out 2>/dev/null
pass "the shard and merge commands ($runners)"

# --- the real thing: 3 shards merged = one run ---------------------------------
# 12 files of 40 records over two days; their names spread over the 3 shards
"$PYTHON" - <<'EOS'
import gzip, os
base = 1795651200  # 2026-11-26T00:00:00Z
os.makedirs("data", exist_ok=True)
def fnv(b):
    h = 0xcbf29ce484222325
    for c in b:
        h = ((h ^ c) * 0x100000001b3) % 2**64
    return h
shards = set()
for f in range(12):
    name = f"data/eni-{f:02d}.log.gz"
    shards.add(fnv(name.encode()) % 3)
    with gzip.open(name, "wt") as out:
        out.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
                  "packets bytes start end action log-status\n")
        for i in range(40):
            t = base + 3600 * ((f * 7 + i * 5) % 48) + 17 * i
            act = "REJECT" if (f + i) % 6 == 0 else "ACCEPT"
            out.write(f"2 123456789012 eni-{f:04x}abcd 10.0.{f}.{i % 9 + 1} "
                      f"{198 if i % 3 else 10}.51.100.{(i * 7) % 250 + 1} {40000 + i} "
                      f"{(22, 443, 3389, 8080)[i % 4]} 6 {i + 1} {(i + 1) * 100 + f} "
                      f"{t} {t + 30} {act} OK\n")
assert shards == {0, 1, 2}, shards
EOS
period="--since 2026-11-26T00:00:00Z --until 2026-11-28T00:00:00Z"
set +e
# shellcheck disable=SC2086
"$FLOWREPORT" -q -f csv $period --shard 0/1 --save-state probe.frstate -o probe data 2>"$TMP/stderr"
rc=$?
set -e
if [ "$rc" -gt 1 ] || [ ! -s probe.frstate ]; then
    skip "this flowreport does not write --save-state yet (exit $rc; $(head -c 300 "$TMP/stderr")): the merged-equals-single comparison did not run"
fi
# shellcheck disable=SC2086
"$FLOWREPORT" -q -f csv $period -o single data
# shellcheck disable=SC2086
FLOWREPORT="$FLOWREPORT" FLOWREPORT_MERGE_OPTS="-q -f csv" \
    sh "$RECIPE" 3 merged -q -f csv $period data 2>"$TMP/stderr" ||
    fail "the recipe with flowreport exited $?: $(cat "$TMP/stderr")"
for k in 0 1 2; do
    [ -s "merged.shards/shard-$k.frstate" ] || fail "no state of shard $k"
done
n=0
for f in single/*.csv; do
    b=$(basename "$f")
    [ -e "merged/$b" ] || fail "the merged report has no $b"
    cmp -s "$f" "merged/$b" || { diff -u "$f" "merged/$b" | head -20 >&2; fail "$b differs"; }
    n=$((n + 1))
done
[ "$n" -ge 5 ] || fail "only $n CSVs in the single run"
[ "$(ls merged/*.csv | wc -l)" -eq "$n" ] || fail "the merged report has other CSVs"
pass "3 shards merged = one run: $n CSVs byte for byte"
