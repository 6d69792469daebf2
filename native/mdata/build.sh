#!/bin/sh
# Builds the guest metadata tools as one static binary and links it as mdata-get, mdata-put, mdata-delete and
# mdata-list in OUTDIR (berthd mounts that directory into every lx instance; see docs/metadata.md).
# Needs gcc and a static libc (Debian: gcc, libc6-dev).
set -eu
out=${1:?usage: build.sh OUTDIR}
src=$(dirname "$0")/mdata.c
mkdir -p "$out"
tmp="$out/.mdata.$$"
gcc -static -Os -s -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$tmp" "$src"
mv -f "$tmp" "$out/mdata"
for tool in mdata-get mdata-put mdata-delete mdata-list; do
    ln -f "$out/mdata" "$out/$tool"
done
