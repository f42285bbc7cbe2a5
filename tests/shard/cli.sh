#!/bin/sh
# The options of sharded runs: --shard K/N and auto/N (its usage errors exit 2
# naming the rule or the variable), --save-state and --describe-enis on the
# command line and in the configuration file; and repeated -f options adding
# up (-f csv -f md writes the CSVs and summary.md, no workbook) while the
# command line's -f replaces the file's `formats` as a whole.
. "$(dirname "$0")/../lib.sh"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
unset AWS_BATCH_JOB_ARRAY_INDEX JOB_COMPLETION_INDEX
SAMPLES="$top_srcdir/samples"
[ -d "$SAMPLES" ] || skip "no samples/ in $top_srcdir"
cd "$TMP"

# usage WANT ARGS...: flowreport ARGS exits 2, prints WANT (a fixed string)
# on stderr and writes no report; $ENV (VAR=VALUE words) is its environment
ENV=
usage() {
    want=$1; shift
    rm -rf out
    # shellcheck disable=SC2086 # ENV is split on purpose
    set +e; env $ENV "$FLOWREPORT" -q -o out "$SAMPLES" "$@" 2>"$TMP/stderr"; rc=$?; set -e
    [ "$rc" -eq 2 ] || fail "flowreport $* exited $rc, not 2: $(cat "$TMP/stderr")"
    grep -qF -- "$want" "$TMP/stderr" || fail "flowreport $*: no '$want' in: $(cat "$TMP/stderr")"
    [ ! -e out/windows.csv ] || fail "flowreport $* wrote a report"
}

# --- --shard K/N -------------------------------------------------------------
rule="N is a number from 1 to 65536, K one from 0 to N-1"
for bad in 3/3 0/0 1/0 0/65537 -1/4 a/4 4 /4 4/ 1/2/3 " 1/4" 1/4x 0x1/4 auto/0 auto/ Auto/4 auto; do
    usage "--shard: '$bad' is not K/N or auto/N: $rule" --shard "$bad"
done
usage "option '--shard' needs a value" --shard

# --- --shard auto/N: AWS Batch first, then Kubernetes --------------------------
usage "--shard: 'auto/4' takes the shard from \$AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array jobs) or \$JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs), and neither is set" --shard auto/4
ENV="AWS_BATCH_JOB_ARRAY_INDEX= JOB_COMPLETION_INDEX="
usage "neither is set" --shard auto/4
ENV="AWS_BATCH_JOB_ARRAY_INDEX=4"
usage "--shard: AWS_BATCH_JOB_ARRAY_INDEX is '4', not a number from 0 to 3" --shard auto/4
ENV="JOB_COMPLETION_INDEX=x7"
usage "--shard: JOB_COMPLETION_INDEX is 'x7', not a number from 0 to 3" --shard auto/4
ENV="JOB_COMPLETION_INDEX=-1"
usage "--shard: JOB_COMPLETION_INDEX is '-1', not a number from 0 to 1" --shard auto/2
# the AWS Batch variable wins over the Kubernetes one; an empty one is unset
ENV="AWS_BATCH_JOB_ARRAY_INDEX=9 JOB_COMPLETION_INDEX=0"
usage "--shard: AWS_BATCH_JOB_ARRAY_INDEX is '9'" --shard auto/4
ENV="AWS_BATCH_JOB_ARRAY_INDEX= JOB_COMPLETION_INDEX=9"
usage "--shard: JOB_COMPLETION_INDEX is '9'" --shard auto/4
ENV=
# good values are accepted (the run reads its shard: exit 0, or 1 when a
# shard has no input)
for good in 0/1 3/4 65535/65536; do
    set +e; "$FLOWREPORT" -q -f csv -o "out-$good" --shard "$good" "$SAMPLES" 2>"$TMP/stderr"
    rc=$?; set -e
    [ "$rc" -le 1 ] || fail "--shard $good exited $rc: $(cat "$TMP/stderr")"
done
for env in AWS_BATCH_JOB_ARRAY_INDEX JOB_COMPLETION_INDEX; do
    set +e
    env "$env=2" "$FLOWREPORT" -q -f csv -o "out-$env" --shard auto/3 "$SAMPLES" 2>"$TMP/stderr"
    rc=$?; set -e
    [ "$rc" -le 1 ] || fail "$env=2 --shard auto/3 exited $rc: $(cat "$TMP/stderr")"
done
pass "--shard K/N and auto/N"

# --- --save-state and --describe-enis ----------------------------------------
usage "--save-state: an empty value is not a file" --save-state ""
usage "option '--save-state' needs a value" --save-state
usage "option '--describe-enis' takes no value" --describe-enis=yes
usage "unknown option '--no-such-option'" --no-such-option
usage "unknown option '-x'" -qx
printf 'save-state =\n' >"$TMP/empty-state.conf"
usage "$TMP/empty-state.conf:1: save-state: an empty value is not a file" \
    --config "$TMP/empty-state.conf"
printf '[flowreport]\nquiet = true\ndescribe-enis = maybe\n' >"$TMP/enis.conf"
usage "$TMP/enis.conf:3: describe-enis: 'maybe' is not true or false" --config "$TMP/enis.conf"
# accepted in the file (false: this test must not ask EC2 anything)
printf 'describe_enis = no\nsave-state = %s/from-conf.frstate\n' "$TMP" >"$TMP/ok.conf"
"$FLOWREPORT" -q -f csv --config "$TMP/ok.conf" -o out-conf "$SAMPLES" 2>"$TMP/stderr" ||
    fail "describe-enis = no, save-state = FILE in the file: exit $?: $(cat "$TMP/stderr")"
pass "--save-state and --describe-enis"

# --- -f repeated adds up; the command line's -f replaces the file's formats ---
# files DIR: the report files of DIR, sorted, on one line
files() { (cd "$1" && ls | grep -v '^\.' | sort | tr '\n' ' '); }
"$FLOWREPORT" -q -f csv -o csv-only "$SAMPLES"
"$FLOWREPORT" -q -f csv,md -o csv-md "$SAMPLES"
csvs=$(cd csv-only && ls ./*.csv | sort | tr '\n' ' ')
[ -n "$csvs" ] || fail "-f csv wrote no CSV"
[ ! -e csv-only/summary.md ] && [ ! -e csv-only/report.xlsx ] || fail "-f csv wrote other formats"
[ -e csv-md/summary.md ] && [ ! -e csv-md/report.xlsx ] || fail "-f csv,md: $(files csv-md)"

"$FLOWREPORT" -q -f csv -f md -o two "$SAMPLES"
[ "$(cd two && ls ./*.csv | sort | tr '\n' ' ')" = "$csvs" ] ||
    fail "-f csv -f md: CSVs $(files two), want $csvs"
[ -e two/summary.md ] || fail "-f csv -f md wrote no summary.md: $(files two)"
[ ! -e two/report.xlsx ] || fail "-f csv -f md wrote report.xlsx"
[ "$(files two)" = "$(files csv-md)" ] || fail "-f csv -f md: $(files two); -f csv,md: $(files csv-md)"
cmp -s two/summary.md csv-md/summary.md || true # (the footers name the command line)

"$FLOWREPORT" -q -f md -f xlsx -f csv -o three "$SAMPLES"
[ -e three/report.xlsx ] && [ -e three/summary.md ] && [ -e three/windows.csv ] ||
    fail "-f md -f xlsx -f csv: $(files three)"

# the file's formats = xlsx,md is replaced as a whole by -f csv (no merge)
printf 'formats = xlsx,md\nquiet = true\n' >"$TMP/formats.conf"
"$FLOWREPORT" --config "$TMP/formats.conf" -f csv -o over "$SAMPLES"
[ "$(files over)" = "$(files csv-only)" ] || fail "formats = xlsx,md then -f csv: $(files over)"
# and without -f the file's formats hold
"$FLOWREPORT" --config "$TMP/formats.conf" -o file-only "$SAMPLES"
[ -e file-only/report.xlsx ] && [ -e file-only/summary.md ] && [ ! -e file-only/windows.csv ] ||
    fail "formats = xlsx,md: $(files file-only)"
# a bad -f after a good one is still an error
usage "--formats: unknown format 'pdf' (csv, md, xlsx)" -f csv -f pdf
pass "repeated -f add up; -f replaces the file's formats"
