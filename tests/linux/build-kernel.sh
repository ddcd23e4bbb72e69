#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the minimal guest kernel from Debian's linux-source package.
#
#   build-kernel.sh [-j N] [--arch arm64]
#
# x86 (the default): tinyconfig + tests/linux/minimal.config +
# tests/linux/patches/*.patch. Outputs, in
# ${VMM_CACHE:-~/.cache/vmm}/linux/minimal/:
#   vmlinux   ELF with the PVH note (boots with `vmm --kernel vmlinux`)
#   bzImage   the same kernel, compressed, with the x86 boot protocol
#   config    the final .config
# --arch arm64: ARCH=arm64 tinyconfig + tests/linux/minimal-arm64.config,
# cross-built with aarch64-linux-gnu-gcc (the patches are x86's), into
# .../linux/minimal-arm64/: Image (the arm64 boot protocol's), config.
# Prints the output directory on stdout. Idempotent: nothing is rebuilt
# while the stamp matches the inputs (the fragment, the patches, the
# linux-source version and RECIPE below). The build tree is removed
# afterwards unless VMM_KEEP_BUILD is set (then a change of the fragment
# rebuilds only what it touches).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Bump when the build steps change in a way that changes the output.
RECIPE=1
jobs=$(nproc)
arch=x86
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    --arch) arch=$2; shift 2 ;;
    *) lx_die "usage: build-kernel.sh [-j N] [--arch x86|arm64]" ;;
  esac
done

case "$arch" in
  x86)
    frag=$LX_HERE/minimal.config name=minimal karch=x86_64 cross=""
    target=bzImage outputs="vmlinux bzImage" ;;
  arm64)
    frag=$LX_HERE/minimal-arm64.config name=minimal-arm64 karch=arm64
    cross=aarch64-linux-gnu- target=Image outputs=Image ;;
  *) lx_die "--arch $arch: x86 or arm64" ;;
esac
out=$LX_CACHE/$name
lx_lock "$name"

# Build dependencies: those the kernel build needs (tinyconfig has no
# module signing; objtool needs libelf).
lx_need_pkgs linux-source-6.1 bc bison flex libelf-dev libssl-dev make gcc \
  cpio kmod xz-utils lz4 patch
[ "$arch" = x86 ] || lx_need_pkgs gcc-aarch64-linux-gnu
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || lx_die "$tarball is missing (linux-source-6.1 installed?)"

patches=()
[ "$arch" = x86 ] && mapfile -t patches < <(find "$LX_HERE/patches" -name '*.patch' | sort)
srcver=$(lx_pkg_version linux-source-6.1)
hash=$(lx_hash "recipe $RECIPE" "linux-source $srcver" "$frag" ${patches[@]+"${patches[@]}"})
have_all() { for f in $outputs; do [ -f "$out/$f" ] || return 1; done; }
if lx_fresh "$out" "$hash" && have_all; then
  lx_log "up to date ($out)"
  echo "$out"
  exit 0
fi

lx_log "building the minimal kernel in $out (a few minutes)"
start=$(date +%s)
mkdir -p "$out"
rm -f "$out/stamp" "$out/config"
for f in $outputs; do rm -f "$out/$f"; done
# The source tree (unpacked and patched) is reused while the source and
# the patches are the same: a change of the fragment alone then rebuilds
# only what it touches.
src=$out/build/linux-source-6.1
tree=$(lx_hash "linux-source $srcver" ${patches[@]+"${patches[@]}"})
if [ "$(cat "$out/build/tree.stamp" 2>/dev/null)" != "$tree" ] || [ ! -d "$src" ]; then
  rm -rf "$out/build"
  mkdir -p "$out/build"
  lx_log "unpacking $tarball"
  tar -C "$out/build" -xJf "$tarball"
  for p in ${patches[@]+"${patches[@]}"}; do
    lx_log "applying $(basename "$p")"
    patch -d "$src" -p1 -s <"$p"
  done
  echo "$tree" >"$out/build/tree.stamp"
fi

mk() { make -C "$src" -s ARCH=$karch ${cross:+CROSS_COMPILE=$cross} "$@"; }
mk tinyconfig >"$out/merge.log" 2>&1
(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$frag") >>"$out/merge.log" 2>&1 ||
  { cat "$out/merge.log" >&2; lx_die "merge_config.sh failed"; }
mk olddefconfig >>"$out/merge.log" 2>&1

# Every option the fragment asks for must have survived olddefconfig
# (a missing dependency silently drops it).
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*)
      grep -qxF "$line" "$src/.config" ||
        { lx_log "wanted $line, .config has: $(grep -E "^(# )?${line%%=*}[= ]" "$src/.config" || echo nothing)"; bad=1; } ;;
    "# CONFIG_"*" is not set")
      sym=${line#\# }; sym=${sym%% *}
      if grep -qE "^$sym=[ym]" "$src/.config"; then
        lx_log "wanted $sym off, .config has it on"; bad=1
      fi ;;
  esac
done <"$frag"
[ "$bad" = 0 ] || lx_die "the .config lacks options of $frag"

lx_log "make -j$jobs $target"
if ! mk -j"$jobs" "$target" >"$out/build.log" 2>&1; then
  tail -40 "$out/build.log" >&2
  lx_die "kernel build failed (log: $out/build.log)"
fi
cp "$src/.config" "$out/config"
if [ "$arch" = x86 ]; then
  cp "$src/vmlinux" "$out/vmlinux"
  cp "$src/arch/x86/boot/bzImage" "$out/bzImage"
  # The PVH entry note must be there, or vmm boots vmlinux the 64-bit way.
  readelf -n "$out/vmlinux" | grep 'Xen.*0x00000012' >/dev/null ||
    lx_die "vmlinux has no Xen PHYS32_ENTRY (PVH) note"
else
  cp "$src/arch/arm64/boot/Image" "$out/Image"
fi
[ -n "${VMM_KEEP_BUILD:-}" ] || rm -rf "$out/build"
echo "$hash" >"$out/stamp"
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
sizes=""
for f in $outputs; do sizes="$sizes, $f $(mb "$out/$f")"; done
lx_log "done in $(( $(date +%s) - start )) s${sizes}"
echo "$out"
