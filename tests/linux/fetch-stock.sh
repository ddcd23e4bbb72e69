#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fetch Debian's stock cloud kernel, never installing it.
#
#   fetch-stock.sh
#
# `apt-get download` the linux-image-*-cloud-amd64 package that
# linux-image-cloud-amd64 currently points to, `dpkg-deb -x` it, pull the
# vmlinux (an ELF with the PVH note) out of its bzImage, and run `depmod -b`
# (the .deb ships no modules.dep). Outputs, in
# ${VMM_CACHE:-~/.cache/vmm}/linux/stock/:
#   bzImage   /boot/vmlinuz-VERSION from the package
#   vmlinux   extracted from it
#   root/     the unpacked package (root/lib/modules/VERSION/...)
#   kver      VERSION;   config   the package's /boot/config-VERSION
# Prints the output directory. Idempotent: the stamp is the package's name
# and version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RECIPE=1
out=$LX_CACHE/stock
lx_lock stock
lx_need_pkgs kmod lz4 xz-utils zstd binutils

meta=linux-image-cloud-amd64
# The versioned package the metapackage depends on, e.g.
# linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2).
dep=$(apt-cache show --no-all-versions "$meta" 2>/dev/null | sed -n 's/^Depends: //p' | head -1)
if [ -z "$dep" ]; then
  lx_log "apt-cache knows no $meta: apt-get update"
  apt-get update -qq >/dev/null 2>&1 || true
  dep=$(apt-cache show --no-all-versions "$meta" 2>/dev/null | sed -n 's/^Depends: //p' | head -1)
fi
[ -n "$dep" ] || lx_skip "no $meta package in the apt sources"
pkg=${dep%% *}
ver=$(echo "$dep" | sed -n 's/.*(= \(.*\)).*/\1/p')
[ -n "$ver" ] || ver=$(apt-cache show --no-all-versions "$pkg" | sed -n 's/^Version: //p' | head -1)

hash=$(lx_hash "recipe $RECIPE" "$pkg $ver" "$LX_HERE/fetch-stock.sh")
if lx_fresh "$out" "$hash" && [ -f "$out/vmlinux" ]; then
  lx_log "up to date: $pkg $ver ($out)"
  echo "$out"
  exit 0
fi

lx_log "fetching $pkg $ver"
rm -rf "$out"
mkdir -p "$out/dl"
(cd "$out/dl" && apt-get download "$pkg=$ver" >/dev/null 2>&1) ||
  { apt-get update -qq >/dev/null 2>&1 || true
    (cd "$out/dl" && apt-get download "$pkg=$ver") >&2 || lx_die "apt-get download $pkg=$ver failed"; }
deb=$(ls "$out"/dl/*.deb)
dpkg-deb -x "$deb" "$out/root"
rm -rf "$out/dl"

kver=$(ls "$out/root/lib/modules")
[ -n "$kver" ] && [ -f "$out/root/boot/vmlinuz-$kver" ] || lx_die "unexpected package layout in $deb"
echo "$kver" >"$out/kver"
cp "$out/root/boot/vmlinuz-$kver" "$out/bzImage"
cp "$out/root/boot/config-$kver" "$out/config"

# The bzImage's payload: setup_sects (0x1f1), payload_offset (0x248) and
# payload_length (0x248 + 4) in the setup header. The compressor is known
# by its magic; all but gzip have a 4-byte size appended by the kernel's
# build, which the decompressors must not see.
plen=$(python3 - "$out/bzImage" "$out/payload" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[0x202:0x206] == b"HdrS", "not a bzImage"
setup_sects = d[0x1f1] or 4
off, length = struct.unpack_from("<II", d, 0x248)
start = (setup_sects + 1) * 512 + off
open(sys.argv[2], "wb").write(d[start:start + length])
print(length)
PY
)
magic=$(od -An -tx1 -N6 "$out/payload" | tr -d ' \n')
strip4() { truncate -s $((plen - 4)) "$out/payload"; cat "$out/payload"; }
case "$magic" in
  1f8b*)         kind=gzip; gzip -dc <"$out/payload" >"$out/vmlinux" 2>/dev/null || true ;;
  02214c18*)     kind=lz4;  strip4 | lz4 -dc >"$out/vmlinux" ;;
  fd377a585a00)  kind=xz;   strip4 | xz -dc >"$out/vmlinux" ;;
  28b52ffd*)     kind=zstd; strip4 | zstd -dcq >"$out/vmlinux" ;;
  *) lx_die "unknown bzImage payload (magic $magic)" ;;
esac
rm -f "$out/payload"
[ "$(od -An -tx1 -N4 "$out/vmlinux" | tr -d ' \n')" = 7f454c46 ] ||
  lx_die "the $kind payload did not decompress to an ELF"
readelf -n "$out/vmlinux" | grep 'Xen.*0x00000012' >/dev/null ||
  lx_die "the extracted vmlinux has no PVH (Xen PHYS32_ENTRY) note"

depmod -b "$out/root" "$kver"
echo "$hash" >"$out/stamp"
lx_log "$pkg $ver: payload $kind, vmlinux $(du -h "$out/vmlinux" | cut -f1)"
echo "$out"
