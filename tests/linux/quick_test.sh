#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The one real Linux boot of `make check` (linux.userspace_quick): the
# minimal kernel's vmlinux (PVH, ACPI) under vmm --accel kvm, 1 vCPU, a
# 64 MiB disk, the busybox /init with only its disk check
# (vmmtest.checks=disk); the sector it writes must be in the image on the
# host, and the guest must power itself off (vmm status 0).
#
#   quick_test.sh VMM
#
# The images come from build-kernel.sh and build-initramfs.sh (built on
# first use, which takes minutes; then cached). On an emulated KVM host
# the kernel gets lx_emulated_params. Boot time: about a minute where
# guest code is emulated, well under a second on VT-x/AMD-V.
# Exit: 0 pass, 1 fail, 77 skipped (no /dev/kvm, images cannot be built).
# VMMTEST_TIMEOUT overrides the boot's time limit (seconds).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
vmm=${1:?usage: quick_test.sh VMM}
[ -x "$vmm" ] || { echo "quick_test.sh: $vmm is not executable"; exit 2; }

kind=$("$here/../kvm/hostkind.sh")
[ "$kind" = none ] && lx_skip "/dev/kvm is missing or not accessible to $(id -un)"
echo "host kind: $kind"

t0=$EPOCHREALTIME
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
kdir=$(lx_image build-kernel.sh) || exit $?
initrd=$(lx_image build-initramfs.sh minimal) || exit $?
echo "images: $kdir/vmlinux, $initrd (ready after $(secs "$t0") s)"

work=$(mktemp -d "${TMPDIR:-/tmp}/vmmquick.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
lx_make_disk "$work/disk.img" 64
nonce=$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
cmdline="console=ttyS0 $(lx_fast_params)"
cmdline+=" vmmtest=run vmmtest.checks=disk vmmtest.nonce=$nonce"
[ "$kind" = emulated ] && cmdline+=" $(lx_emulated_params)"
# A hang guard: the boot takes about a minute where guest code is
# emulated (docs/guests.md), a second elsewhere.
limit=${VMMTEST_TIMEOUT:-600}
cmd=("$vmm" --accel kvm --log info --kernel "$kdir/vmlinux" --initrd "$initrd"
     --cpus 1 --mem 256 --disk "$work/disk.img" --serial "file:$work/com1"
     --cmdline "$cmdline")
echo "command: ${cmd[*]}"

t1=$EPOCHREALTIME
timeout -k 5 "$limit" "${cmd[@]}" </dev/null >"$work/stdout" 2>"$work/stderr"
rc=$?
boot=$(secs "$t1")

fail=0
check() { # check NAME ERE: a line of COM1
  if grep -qE -- "$2" "$work/com1"; then echo "  ok     $1"
  else echo "  FAIL   $1"; fail=1; fi
}
echo "boot: status $rc after $boot s"
check "Run /init" "Run /init as init process"
check "init: /dev/vda written and read back" "^VMMTEST disk ok /dev/vda 131072 sectors"
check "init: done" "^VMMTEST done"
check "init: powers off" "^VMMTEST end poweroff"
if lx_sector_is "$work/disk.img" 8 "VMMTEST disk $nonce"; then
  echo "  ok     host: the image holds the sector /init wrote"
else
  echo "  FAIL   host: the image holds the sector /init wrote"; fail=1
fi
case "$rc" in
  0) echo "  ok     guest powered off: vmm status 0" ;;
  124|137) echo "  FAIL   the boot did not end within $limit s"; fail=1 ;;
  *) echo "  FAIL   vmm status $rc, expected 0"; fail=1 ;;
esac
grep 'completed by vmm' "$work/stderr" | sed 's/^/  /'
if [ "$fail" != 0 ]; then
  echo "--- COM1 ---"; cat "$work/com1"
  echo "--- stderr ---"; cat "$work/stderr"
  echo "FAIL"
  exit 1
fi
grep '^VMMTEST' "$work/com1"
echo "PASS: Linux userspace booted, wrote the disk and powered off in $boot s (total $(secs "$t0") s)"
