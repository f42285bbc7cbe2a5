#!/bin/sh
# The configuration file: which file is read (--config, $FLOWREPORT_CONFIG,
# $XDG_CONFIG_HOME, ~/.config), repeated keys, the command line over the file,
# errors as FILE:LINE: key, and strftime conversions in `output`. Local files
# only: the inputs are small gzip files written here with python's gzip.
. "$(dirname "$0")/lib.sh"
export AWS_EC2_METADATA_DISABLED=true
unset FLOWREPORT_CONFIG XDG_CONFIG_HOME
export HOME="$TMP/home"
mkdir -p "$HOME"
cd "$TMP"

# a.gz: 3 records, b.gz: 5 records, c.gz: 7 records, all on 2026-11-26
"$PYTHON" - "$TMP" <<'EOF'
import gzip, sys
base = 1795651200  # 2026-11-26T00:00:00Z
for name, n in (("a", 3), ("b", 5), ("c", 7)):
    with gzip.open(f"{sys.argv[1]}/{name}.gz", "wt") as f:
        f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
                "packets bytes start end action log-status\n")
        for i in range(n):
            t = base + 600 * i + 60
            f.write(f"2 123456789012 eni-0{name}{i} 10.0.0.{i + 1} 10.0.1.9 {40000 + i} 443 6 "
                    f"10 840 {t} {t + 50} ACCEPT OK\n")
EOF

# records DIR: the records counted in DIR/windows.csv (python's csv)
records() {
    "$PYTHON" -c 'import csv, sys
print(sum(int(r["records"]) for r in csv.DictReader(open(sys.argv[1] + "/windows.csv"))))' "$1"
}

# run ARGS...: flowreport quietly, must exit 0
run() {
    set +e; "$FLOWREPORT" "$@" 2>"$TMP/stderr"; rc=$?; set -e
    [ "$rc" -eq 0 ] || { cat "$TMP/stderr" >&2; fail "flowreport $* exited $rc"; }
}

# conf FILE NAME: a configuration file reading a.gz into out-NAME
conf() {
    mkdir -p "$(dirname "$1")"
    printf '# written by tests/config.sh\n[flowreport]\ninput = %s/a.gz\noutput = %s/out-%s\nformats = csv\nquiet = true\n' \
        "$TMP" "$TMP" "$2" >"$1"
}

# only_out NAME: the only out-* directory is out-NAME (then removed)
only_out() {
    got=$(ls -d out-* 2>/dev/null | tr '\n' ' ')
    [ "$got" = "out-$1 " ] || fail "expected out-$1 from the $1 configuration file, got '$got'"
    rm -rf out-*
}

# --- which file is read -----------------------------------------------------
conf "$HOME/.config/flowreport/config" home
run -q
only_out home
conf "$TMP/xdg/flowreport/config" xdg
XDG_CONFIG_HOME="$TMP/xdg" run -q
only_out xdg
# a relative $XDG_CONFIG_HOME is ignored (the XDG rules), ~/.config is read
XDG_CONFIG_HOME="xdg" run -q
only_out home
conf "$TMP/env.conf" env
FLOWREPORT_CONFIG="$TMP/env.conf" XDG_CONFIG_HOME="$TMP/xdg" run -q
only_out env
conf "$TMP/explicit.conf" explicit
FLOWREPORT_CONFIG="$TMP/env.conf" XDG_CONFIG_HOME="$TMP/xdg" run --config "$TMP/explicit.conf"
only_out explicit
# a named file that does not exist is an error, not a fall-back
set +e
FLOWREPORT_CONFIG="$TMP/env.conf" "$FLOWREPORT" --config "$TMP/missing.conf" 2>"$TMP/stderr"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--config missing.conf exited $rc, not 2"
grep -q "missing.conf" "$TMP/stderr" || fail "the missing --config file is not named"
set +e
FLOWREPORT_CONFIG="$TMP/missing-env.conf" "$FLOWREPORT" "$TMP/a.gz" -o out-x 2>"$TMP/stderr"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "a missing \$FLOWREPORT_CONFIG exited $rc, not 2"
grep -q "FLOWREPORT_CONFIG.*missing-env.conf" "$TMP/stderr" || fail "missing \$FLOWREPORT_CONFIG not named"
[ ! -e out-x ] || fail "a report was written despite the configuration error"
# no file anywhere (XDG and ~/.config empty): defaults; /etc/flowreport.conf
# is read last, so only when it is absent can we tell
rm -rf "$HOME/.config" "$TMP/xdg"
if [ ! -e /etc/flowreport.conf ]; then
    run "$TMP/a.gz" -q -f csv -o out-none
    only_out none
else
    echo "note: /etc/flowreport.conf exists; the no-file case is not checked"
fi
pass "file precedence"

# --- repeated keys, the command line over the file -------------------------
cat >"$TMP/multi.conf" <<EOF
; inputs may repeat (log-group too: tests/unit/test_units checks that, as
; reading a log group would need the network)
input = $TMP/a.gz
[flowreport]
  input = $TMP/b.gz
output = $TMP/out-multi   ; a comment after a value
formats = csv
window = 15m
quiet = yes
progress = no
connections = 4
rate = 2.5
max-attempts = 3
region = eu-west-3
EOF
export FLOWREPORT_CONFIG="$TMP/multi.conf"
run -q
[ "$(records out-multi)" -eq 8 ] || fail "two input lines: $(records out-multi) records, not 3 + 5"
n=$("$PYTHON" -c 'import csv, sys; print(len(list(csv.DictReader(open(sys.argv[1])))))' out-multi/windows.csv)
[ "$n" -ge 2 ] || fail "window = 15m gave $n windows for 7 records 10 minutes apart"
[ ! -e out-multi/summary.md ] || fail "formats = csv wrote summary.md"
rm -rf out-multi
# INPUTs on the command line replace the file's; options replace its values
run "$TMP/c.gz" -o out-cli -f csv,md --window 1h
[ ! -e out-multi ] || fail "-o did not replace the file's output"
[ "$(records out-cli)" -eq 7 ] || fail "command-line INPUT: $(records out-cli) records, not 7"
[ -e out-cli/summary.md ] || fail "-f csv,md did not replace formats = csv"
n=$("$PYTHON" -c 'import csv, sys; print(len(list(csv.DictReader(open(sys.argv[1])))))' out-cli/windows.csv)
[ "$n" -eq 2 ] || fail "--window 1h did not replace window = 15m ($n windows)"
[ ! -s "$TMP/stderr" ] || fail "quiet = yes did not keep stderr quiet: $(cat "$TMP/stderr")"
rm -rf out-cli
unset FLOWREPORT_CONFIG
pass "repeated keys and the command line over the file"

# --- errors: FILE:LINE: key, exit 2, nothing written ------------------------
bad() { # bad LINE KEY TEXT: the file TEXT fails at LINE naming KEY
    printf '%b' "$3" >"$TMP/flowreport.conf"
    set +e
    "$FLOWREPORT" --config "$TMP/flowreport.conf" "$TMP/a.gz" -o out-bad 2>"$TMP/stderr"
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "bad $2 at line $1 exited $rc, not 2"
    grep -q "flowreport.conf:$1: $2: " "$TMP/stderr" ||
        fail "stderr does not say flowreport.conf:$1: $2: ... but: $(cat "$TMP/stderr")"
    [ ! -e out-bad ] || fail "a report was written despite the bad $2"
}
bad 4 windw '[flowreport]\ntop = 5\n\nwindw = 15m\n'
bad 2 window '# the window\nwindow = 90x\n'
grep -q "'90x'" "$TMP/stderr" || fail "the bad value is not quoted"
bad 3 connections 'top = 5\n[flowreport]\nconnections = 65\n'
bad 1 quiet 'quiet = maybe\n'
bad 2 output 'top = 5\noutput = /srv/%Q\n'
bad 1 max-attempts 'max-attempts = 0\n'
pass "bad keys and values"

# --- strftime conversions in output ----------------------------------------
printf 'output = %s/audit/%%Y-%%m-%%d\nformats = csv\nquiet = true\n' "$TMP" >"$TMP/daily.conf"
run --config "$TMP/daily.conf" --since 2026-11-26 --until 2026-11-27 "$TMP/a.gz" "$TMP/b.gz"
[ -d "$TMP/audit/2026-11-26" ] || fail "output = .../%Y-%m-%d did not make audit/2026-11-26: $(ls "$TMP/audit" 2>&1)"
[ "$(records "$TMP/audit/2026-11-26")" -eq 8 ] || fail "audit/2026-11-26 does not hold the 8 records"
[ "$(ls "$TMP/audit")" = "2026-11-26" ] || fail "other directories in audit/: $(ls "$TMP/audit")"
# and on the command line, with %% for a literal %
run --config "$TMP/daily.conf" --since 2026-11-26T00:30:00Z --until 2026-11-27 -o "$TMP/x/100%%-%H%M" "$TMP/c.gz"
[ -d "$TMP/x/100%-0030" ] || fail "-o .../100%%-%H%M did not make x/100%-0030: $(ls "$TMP/x" 2>&1)"
pass "strftime output directories"
