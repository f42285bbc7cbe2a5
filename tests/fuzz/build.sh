#!/bin/sh
# build.sh SRCDIR BUILDDIR: builds the fuzz targets with clang, libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer in BUILDDIR (an
# out-of-tree configure of SRCDIR, so SRCDIR must not be configured in
# place). Needs Debian's clang and libclang-rt-14-dev (libFuzzer).
set -eu
src=$1 out=$2
: "${CC_FUZZ:=clang}"
command -v "$CC_FUZZ" >/dev/null 2>&1 ||
    { echo "build.sh: $CC_FUZZ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
targets=$(cd "$src/tests/fuzz/corpus" && ls)
progs=
for t in $targets; do progs="$progs tests/fuzz/fuzz_$t"; done
mkdir -p "$out"
cd "$out"
san='-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer'
if [ ! -f Makefile ]; then
    "$src/configure" -q CC="$CC_FUZZ" CFLAGS="-fsanitize=fuzzer-no-link $san -g -O1"
fi
# standalone.c's main is left out (-DFR_FUZZ_LIBFUZZER): libFuzzer's runs.
make -j"${FUZZ_MAKE_JOBS:-2}" CPPFLAGS=-DFR_FUZZ_LIBFUZZER \
    LDFLAGS="-fsanitize=fuzzer $san" $progs
