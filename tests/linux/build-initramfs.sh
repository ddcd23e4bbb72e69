#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the test initramfs: busybox-static, tests/linux/init.sh as /init and
# /bin/vsock-echo (tests/linux/vsock_echo.c, built static here), as an
# uncompressed newc cpio (unpacking a compressed one costs tens of
# seconds where guest code is emulated).
#
#   build-initramfs.sh minimal|stock|arm64
#
# minimal: for the minimal kernel (everything built in).
# arm64:   the same for the minimal arm64 kernel: Debian's arm64 busybox
#          (fetched with apt-get download: its package would replace the
#          amd64 one) and vsock-echo built with aarch64-linux-gnu-gcc.
# stock:   also carries the stock cloud kernel's virtio modules and their
#          dependencies (fetch-stock.sh is run first), which /init insmods
#          in the order listed in /etc/modules.list.
# Output: ${VMM_CACHE:-~/.cache/vmm}/linux/initramfs/KIND.cpio, printed on
# stdout. Idempotent (stamp: init.sh, busybox's version, the stock kernel).
# The archive is reproducible: entries sorted, owned by root, mtime 0.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RECIPE=1
kind=${1:-minimal}
case "$kind" in minimal|stock|arm64) ;; *) echo "usage: $0 minimal|stock|arm64" >&2; exit 2 ;; esac
# The stock kernel's virtio drivers (modprobe adds their dependencies).
stock_modules="virtio_mmio virtio_blk virtio_net virtio_console virtio_rng vmw_vsock_virtio_transport"

stock=""
if [ "$kind" = stock ]; then
  stock=$("$LX_HERE/fetch-stock.sh" | tail -1)
fi
dir=$LX_CACHE/initramfs
lx_lock "initramfs-$kind"
lx_need_pkgs busybox-static kmod python3 gcc libc6-dev linux-libc-dev
bb=/bin/busybox cc=gcc bbrun=""
bbver=$(lx_pkg_version busybox-static)
if [ "$kind" = arm64 ]; then
  lx_need_pkgs gcc-aarch64-linux-gnu qemu-user
  cc=aarch64-linux-gnu-gcc bbrun=qemu-aarch64
  bbver=$(apt-cache policy busybox-static:arm64 | awk '/Candidate:/ {print $2}')
  bb=$LX_CACHE/busybox-arm64-$bbver/bin/busybox
  if [ ! -x "$bb" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download busybox-static:arm64 >/dev/null 2>&1) ||
      lx_die "apt-get download busybox-static:arm64 failed"
    dpkg-deb -x "$tmp"/*.deb "$LX_CACHE/busybox-arm64-$bbver"
    rm -rf "$tmp"
  fi
fi
[ -x "$bb" ] || lx_die "$bb is missing (busybox-static)"

hash=$(lx_hash "recipe $RECIPE" "$kind" "busybox $bbver" \
  "$LX_HERE/init.sh" "$LX_HERE/build-initramfs.sh" "$LX_HERE/vsock_echo.c" \
  "gcc $(lx_pkg_version gcc) libc $(lx_pkg_version libc6-dev)" \
  ${stock:+"$stock/stamp"} ${stock:+"modules $stock_modules"})
cpio=$dir/$kind.cpio
if [ -f "$cpio" ] && [ "$(cat "$dir/$kind.stamp" 2>/dev/null)" = "$hash" ]; then
  lx_log "up to date ($cpio)"
  echo "$cpio"
  exit 0
fi

mkdir -p "$dir"
stage=$(mktemp -d "$dir/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,etc,proc,sys,tmp,root,lib/modules}
ln -s bin "$stage/sbin"
cp "$bb" "$stage/bin/busybox"
for a in $($bbrun "$bb" --list); do
  [ "$a" = busybox ] || ln -sf busybox "$stage/bin/$a"
done
install -m 0755 "$LX_HERE/init.sh" "$stage/init"
$cc -static -Os -s -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
  -o "$stage/bin/vsock-echo" "$LX_HERE/vsock_echo.c" ||
  lx_die "cannot build vsock-echo"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

if [ -n "$stock" ]; then
  kver=$(cat "$stock/kver")
  moddir=$stock/root/lib/modules/$kver
  : >"$stage/etc/modules.list"
  for m in $stock_modules; do
    modprobe --show-depends -d "$stock/root" -S "$kver" "$m" |
      awk '$1 == "insmod" { print $2 }'
  done | awk '!seen[$0]++' | while read -r ko; do
    rel=$kver/${ko#"$moddir"/}
    mkdir -p "$stage/lib/modules/$(dirname "$rel")"
    cp "$ko" "$stage/lib/modules/$rel"
    echo "$rel" >>"$stage/etc/modules.list"
  done
  [ -s "$stage/etc/modules.list" ] || lx_die "no modules found for: $stock_modules"
  lx_log "modules: $(xargs -n1 basename <"$stage/etc/modules.list" | tr '\n' ' ')"
fi

# newc writer: the kernel also needs /dev/console to exist before /init
# runs (its stdin/stdout), which a plain `cpio -o` of a directory made
# without root cannot hold.
python3 - "$stage" "$cpio.tmp" <<'PY'
import os, stat, sys
root, dst = sys.argv[1], sys.argv[2]
entries = []  # (name, mode, data, rdevmajor, rdevminor)
for d, dirs, files in os.walk(root):
    dirs.sort()
    for n in sorted(dirs + files):
        p = os.path.join(d, n)
        rel = os.path.relpath(p, root)
        st = os.lstat(p)
        if stat.S_ISLNK(st.st_mode):
            entries.append((rel, 0o120777, os.readlink(p).encode(), 0, 0))
        elif stat.S_ISDIR(st.st_mode):
            entries.append((rel, 0o040755, b"", 0, 0))
        else:
            mode = 0o100755 if st.st_mode & 0o111 else 0o100644
            entries.append((rel, mode, open(p, "rb").read(), 0, 0))
entries.append(("dev/console", 0o020600, b"", 5, 1))
entries.sort(key=lambda e: e[0])
out = bytearray()
def pad():
    out.extend(b"\0" * (-len(out) % 4))
for ino, (name, mode, data, maj, mnr) in enumerate(entries + [("TRAILER!!!", 0, b"", 0, 0)], 1):
    nm = name.encode() + b"\0"
    fields = [ino if name != "TRAILER!!!" else 0, mode, 0, 0,
              2 if stat.S_ISDIR(mode) else 1, 0, len(data), 0, 0, maj, mnr, len(nm), 0]
    out += b"070701" + b"".join(b"%08X" % f for f in fields)
    out += nm; pad(); out += data; pad()
out.extend(b"\0" * (-len(out) % 512))
open(dst, "wb").write(out)
PY
mv "$cpio.tmp" "$cpio"
echo "$hash" >"$dir/$kind.stamp"
lx_log "$cpio: $(du -h "$cpio" | cut -f1)"
echo "$cpio"
