# Common set-up of the state tests (source it after tests/lib.sh): three
# days of generated logs in $D (tests/state/gendays.py; its JSON in
# $TMP/info.json), a directory $S for states, and helpers.
here=$top_srcdir/tests/state
chk() { "$PYTHON" "$here/check.py" "$@"; }
FR="$FLOWREPORT -q -f csv,md"
D=$TMP/d S=$TMP/st
mkdir -p "$S"
"$PYTHON" "$here/gendays.py" "$D" >"$TMP/info.json"

# run CODE ARGS...: flowreport with ARGS must exit CODE
run() { _c=$1; shift; expect_exit "$_c" $FR "$@"; }
