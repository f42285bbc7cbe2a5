#!/bin/sh
# A run that cannot write its reports (disk full) exits 3, names the file,
# leaves no temporary files and keeps the previous reports byte for byte.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
mkdir -p "$TMP/mnt"
mount -t tmpfs -o size=256k tmpfs "$TMP/mnt" 2>/dev/null || skip "cannot mount tmpfs here"
trap 'umount "$TMP/mnt" 2>/dev/null; rm -rf "$TMP"' EXIT

# a first, small report that fits
"$FLOWREPORT" -q -o "$TMP/mnt/rep" "$top_srcdir/samples/custom-v5" || fail "first run failed"
(cd "$TMP/mnt/rep" && sha256sum ./* >"$TMP/before")
# fill the disk, then ask for a larger report
dd if=/dev/zero of="$TMP/mnt/filler" bs=4k 2>/dev/null || true
"$PYTHON" "$top_srcdir/tests/gen/genflows.py" "$TMP/data" --records 3000 --seed 5 --files 6 >/dev/null
for fmt in csv md xlsx; do
    expect_exit 3 "$FLOWREPORT" -q -f "$fmt" -o "$TMP/mnt/rep" "$TMP/data" 2>"$TMP/err"
    grep -q "previous reports left untouched" "$TMP/err" || fail "$fmt: $(cat "$TMP/err")"
    (cd "$TMP/mnt/rep" && sha256sum -c --quiet "$TMP/before") || fail "$fmt: previous report changed"
    [ -z "$(find "$TMP/mnt/rep" -name '.*tmp*')" ] || fail "$fmt: temporary files left behind"
done
pass "disk full leaves the previous report untouched"
