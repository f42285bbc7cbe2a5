#!/bin/sh
# Builds the Debian package from a copy of the tree (dpkg-buildpackage -us
# -uc -b), checks it with lintian (no error or warning), checks that it holds
# the program, the man page, the example configuration and the systemd
# units, and runs `systemd-analyze verify` on the units when it is there.
# Needs dpkg-dev, debhelper, dh-autoreconf, lintian and the build
# dependencies of debian/control. Takes about 1-2 minutes (a full build).
# It builds its own binary: lib.sh need not find one.
FLOWREPORT=${FLOWREPORT:-/bin/true}
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
for t in dpkg-buildpackage dh lintian; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed (apt-get install dpkg-dev debhelper lintian)"
done
src=$TMP/flowreport
mkdir "$src"
# a clean copy: the tracked files when this is a git checkout, else all but
# build products
if git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$top_srcdir" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src" 2>/dev/null) ||
        fail "cannot copy the tree"
else
    (cd "$top_srcdir" && tar cf - --exclude=./fuzz-build --exclude='*.o' --exclude='*.a' .) |
        (cd "$src" && tar xf -) || fail "cannot copy the tree"
fi
[ -f "$src/debian/control" ] || fail "no debian/ in the copy"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$TMP/build.log" 2>&1 ||
    { tail -40 "$TMP/build.log" >&2; fail "dpkg-buildpackage failed"; }
deb=$(ls "$TMP"/flowreport_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb was built"
changes=$(ls "$TMP"/flowreport_*.changes | head -1)
echo "built $(basename "$deb")"

lintian --fail-on error,warning "$changes" >"$TMP/lintian.log" 2>&1 ||
    { cat "$TMP/lintian.log" >&2; fail "lintian: errors or warnings"; }
cat "$TMP/lintian.log"

dpkg-deb -c "$deb" >"$TMP/contents"
for f in ./usr/bin/flowreport ./usr/share/man/man1/flowreport.1.gz \
    ./usr/share/doc/flowreport/examples/flowreport.conf.example \
    ./usr/share/doc/flowreport/copyright \
    ./lib/systemd/system/flowreport.service ./lib/systemd/system/flowreport.timer; do
    grep -q " $f\$" "$TMP/contents" || grep -q " $f -> " "$TMP/contents" ||
        { cat "$TMP/contents" >&2; fail "the package lacks $f"; }
done
mkdir "$TMP/root"
dpkg-deb -x "$deb" "$TMP/root"
"$TMP/root/usr/bin/flowreport" --version >/dev/null || fail "the packaged program does not run"

if command -v systemd-analyze >/dev/null 2>&1; then
    # the packaged units, with the packaged program in place of /usr/bin's
    mkdir "$TMP/units"
    for u in service timer; do
        sed "s|/usr/bin/flowreport|$TMP/root/usr/bin/flowreport|" \
            "$TMP/root/lib/systemd/system/flowreport.$u" >"$TMP/units/flowreport.$u"
    done
    # man pages need not be installed here: drop the Documentation= check
    systemd-analyze verify --man=no "$TMP/units/flowreport.service" "$TMP/units/flowreport.timer" \
        >"$TMP/verify.log" 2>&1 || { cat "$TMP/verify.log" >&2; fail "systemd-analyze verify"; }
    [ ! -s "$TMP/verify.log" ] || { cat "$TMP/verify.log" >&2; fail "systemd-analyze verify warned"; }
    echo "systemd-analyze verify: clean"
else
    echo "systemd-analyze not available: units not verified"
fi
pass "package built, lintian clean, contents and units checked"
