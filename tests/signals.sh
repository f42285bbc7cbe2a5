#!/bin/sh
# Signals (issue 10, finding 3): SIGINT, SIGTERM or SIGHUP in any phase
# (waiting for input, reading, reducing, writing each format, committing)
# exit 130, 143 or 129, leave DIR with the previous set (or, once the commit
# has begun, the new one) and no temporary files. After SIGKILL, the next run
# removes what was left and rolls back a half-done commit.
# FLOWREPORT_TEST_PAUSE=PHASE[:SECONDS] is a test-only hook: the run says
# "test pause: PHASE" on stderr and sleeps there, 30 s unless told
# (src/main.c, src/output.c).
. "$(dirname "$0")/lib.sh"

"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/A" --records 1500 --seed 1 --files 4 >/dev/null
"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/B" --records 1500 --seed 2 --files 4 >/dev/null
R="$TMP/R"

# the shell starts background jobs with SIGINT ignored (and flowreport, like
# every tool, leaves an ignored signal ignored): give them the default back
LAUNCH=
if env --default-signal=INT true 2>/dev/null; then
    LAUNCH="env --default-signal=INT,TERM,HUP"
    SIGS="TERM INT HUP"
else
    SIGS="TERM HUP"
fi
status_of() { case $1 in TERM) echo 143 ;; INT) echo 130 ;; HUP) echo 129 ;; esac; }

run_ok() { # run_ok INPUT ARGS...: a run into R that writes its reports
    _i=$1; shift
    set +e; "$FLOWREPORT" -q "$@" -o "$R" "$_i" 2>/dev/null; _rc=$?; set -e
    [ "$_rc" -le 1 ] || fail "flowreport $_i exited $_rc"
}
snapshot() { # snapshot FILE: names and hashes of everything in R
    (cd "$R" && find . -type f ! -name .flowreport.lock | sort | xargs sha256sum) >"$1"
    (cd "$R" && find . -mindepth 1 | sort) >>"$1"
}
await() { # await FILE TEXT: until FILE holds TEXT (10 s at most)
    _n=0
    until grep -q "$2" "$1" 2>/dev/null; do
        _n=$((_n + 1)); [ "$_n" -lt 100 ] || fail "never saw '$2': $(cat "$1")"; sleep 0.1
    done
}
no_temps() { # no_temps WHAT
    [ -z "$(find "$R" -name '.flowreport-tmp.*' -o -name '*.tmp.*')" ] ||
        fail "$1: temporary files left: $(find "$R" -name '.*')"
}

run_ok "$TMP/B"
cp -r "$R" "$TMP/refB"
run_ok "$TMP/A"
snapshot "$TMP/before"
sigs=$SIGS
next_sig() { set -- $sigs; sig=$1; shift; sigs="$* $sig"; }

# each phase where the run can be paused
for phase in locked reduce csv md xlsx; do
    next_sig
    FLOWREPORT_TEST_PAUSE=$phase $LAUNCH "$FLOWREPORT" -q -o "$R" "$TMP/B" 2>"$TMP/err" &
    pid=$!
    await "$TMP/err" "test pause: $phase"
    [ "$phase" = locked ] || [ -n "$(find "$R" -name '.flowreport-tmp.*')" ] ||
        fail "$phase: no staging directory while writing"
    kill -s "$sig" "$pid"
    set +e; wait "$pid"; rc=$?; set -e
    [ "$rc" -eq "$(status_of "$sig")" ] || fail "$phase: SIG$sig: exit $rc: $(cat "$TMP/err")"
    grep -q "interrupted by SIG$sig; nothing written, previous reports left untouched" "$TMP/err" ||
        fail "$phase: $(cat "$TMP/err")"
    snapshot "$TMP/after"
    cmp -s "$TMP/before" "$TMP/after" || fail "$phase: SIG$sig changed DIR"
    no_temps "$phase"
    echo "$phase: SIG$sig -> $rc"
done

# reading: standard input is a FIFO that delivers part of a log, then stalls
"$PYTHON" -c 'import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())' \
    "$(find "$TMP/A" -name '*.log.gz' | sort | head -n 1)" >"$TMP/part.log"
mkfifo "$TMP/fifo"
for sig in $SIGS; do
    $LAUNCH "$FLOWREPORT" -v -o "$R" - <"$TMP/fifo" 2>"$TMP/err" &
    pid=$!
    exec 3>"$TMP/fifo"
    cat "$TMP/part.log" >&3
    await "$TMP/err" "input files, "
    sleep 0.3
    kill -s "$sig" "$pid"
    set +e; wait "$pid"; rc=$?; set -e
    exec 3>&-
    [ "$rc" -eq "$(status_of "$sig")" ] || fail "reading: SIG$sig: exit $rc: $(cat "$TMP/err")"
    snapshot "$TMP/after"
    cmp -s "$TMP/before" "$TMP/after" || fail "reading: SIG$sig changed DIR"
    no_temps reading
    echo "reading: SIG$sig -> $rc"
done

# during the commit: the commit completes (or rolls back) first; here it
# completes, and the run says the new set is in place
FLOWREPORT_TEST_PAUSE=commit:2 $LAUNCH "$FLOWREPORT" -q -o "$R" "$TMP/B" 2>"$TMP/err" &
pid=$!
await "$TMP/err" "test pause: commit"
kill -TERM "$pid"
set +e; wait "$pid"; rc=$?; set -e
[ "$rc" -eq 143 ] || fail "commit: exit $rc"
grep -q "interrupted by SIGTERM; the new reports had already been written" "$TMP/err" ||
    fail "commit: $(cat "$TMP/err")"
for f in $(cd "$TMP/refB" && ls); do
    case $f in *.csv) cmp -s "$R/$f" "$TMP/refB/$f" || fail "commit: $f is not the new one" ;; esac
done
[ -s "$R/summary.md" ] && [ -s "$R/report.xlsx" ] || fail "commit: set incomplete"
no_temps commit
echo "commit: SIGTERM -> 143, new set in place"

# SIGKILL while writing: the next run removes the staging directory, and an
# old-style temporary file of an earlier version
run_ok "$TMP/A"
snapshot "$TMP/before"
FLOWREPORT_TEST_PAUSE=xlsx "$FLOWREPORT" -q -o "$R" "$TMP/B" 2>"$TMP/err" &
pid=$!
await "$TMP/err" "test pause: xlsx"
kill -KILL "$pid"
set +e; wait "$pid"; set -e
[ -n "$(find "$R" -name '.flowreport-tmp.*')" ] || fail "SIGKILL left nothing to clean (test is void)"
echo x >"$R/.windows.csv.tmp.4242"
snapshot "$TMP/after"
cmp -s "$TMP/before" "$TMP/after" && fail "SIGKILL: nothing left behind (test is void)"
FLOWREPORT_TEST_PAUSE=locked $LAUNCH "$FLOWREPORT" -v -o "$R" "$TMP/B" 2>"$TMP/err" &
pid=$!
await "$TMP/err" "test pause: locked"
kill -TERM "$pid"
set +e; wait "$pid"; set -e
grep -q "removed 2 temporary files or directories of dead runs" "$TMP/err" || fail "stale: $(cat "$TMP/err")"
snapshot "$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "stale temporaries not removed"

# SIGKILL in the middle of the commit: DIR holds a mixed set until the next
# run takes the lock and rolls it back
FLOWREPORT_TEST_PAUSE=commit "$FLOWREPORT" -q -o "$R" "$TMP/B" 2>"$TMP/err" &
pid=$!
await "$TMP/err" "test pause: commit"
kill -KILL "$pid"
set +e; wait "$pid"; set -e
snapshot "$TMP/after"
cmp -s "$TMP/before" "$TMP/after" && fail "SIGKILL in the commit changed nothing (test is void)"
FLOWREPORT_TEST_PAUSE=locked $LAUNCH "$FLOWREPORT" -q -o "$R" "$TMP/B" 2>"$TMP/err" &
pid=$!
await "$TMP/err" "test pause: locked"
kill -TERM "$pid"
set +e; wait "$pid"; set -e
grep -q "a run that died while replacing the reports was rolled back" "$TMP/err" ||
    fail "rollback not said: $(cat "$TMP/err")"
snapshot "$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || { diff "$TMP/before" "$TMP/after" >&2; fail "half-done commit not rolled back"; }
pass "signals: every phase exits 128+N and leaves a whole set; dead runs cleaned up"
