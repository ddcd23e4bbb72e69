#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The one real Linux boot of `make check` (linux.userspace_quick): the
# minimal kernel's vmlinux (PVH, ACPI) under vmm --accel kvm, 1 vCPU, a
# 64 MiB disk, a vsock (cid 3) and the busybox /init with its disk and
# vsock checks (vmmtest.checks=disk,vsock): the sector it writes must be
# in the image on the host; the guest's vsock-echo and the host's
# vsock_peer.py must each get their echo back (a connection each way,
# through the guest kernel's virtio-vsock driver and vmm's hybrid vsock);
# and the guest must power itself off (vmm status 0).
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
cmdline+=" vmmtest=run vmmtest.checks=disk,vsock vmmtest.nonce=$nonce"
[ "$kind" = emulated ] && cmdline+=" $(lx_emulated_params)"
# A hang guard: the boot takes about a minute where guest code is
# emulated (docs/guests.md), a second elsewhere.
limit=${VMMTEST_TIMEOUT:-600}
cmd=("$vmm" --accel kvm --log info --kernel "$kdir/vmlinux" --initrd "$initrd"
     --cpus 1 --mem 256 --disk "$work/disk.img" --serial "file:$work/com1"
     --vsock "cid=3,uds=$work/v.sock" --cmdline "$cmdline")
echo "command: ${cmd[*]}"

# The host's vsock side, ready (its echo service bound) before the boot.
: >"$work/com1"
python3 "$here/vsock_peer.py" "$work/v.sock" "$work/com1" "$nonce" \
  >"$work/peer" 2>&1 &
peer=$!
for _ in $(seq 100); do [ -S "$work/v.sock_5001" ] && break; sleep 0.1; done
t1=$EPOCHREALTIME
timeout -k 5 "$limit" "${cmd[@]}" </dev/null >"$work/stdout" 2>"$work/stderr"
rc=$?
boot=$(secs "$t1")
# With vmm gone its sockets are closed and the peer ends at once, unless
# it still waits for the guest's "listening" line (which cannot come now):
# then it is stopped (and fails) after a grace of 30 s.
for _ in $(seq 300); do kill -0 "$peer" 2>/dev/null || break; sleep 0.1; done
kill "$peer" 2>/dev/null
wait "$peer"
peer_rc=$?

fail=0
check() { # check NAME ERE: a line of COM1
  if grep -qE -- "$2" "$work/com1"; then echo "  ok     $1"
  else echo "  FAIL   $1"; fail=1; fi
}
echo "boot: status $rc after $boot s"
check "Run /init" "Run /init as init process"
check "init: /dev/vda written and read back" "^VMMTEST disk ok /dev/vda 131072 sectors"
check "init: vsock, host to guest" "^VMMTEST vsock host-to-guest ok echoed $((${#nonce} + 6)) bytes"
check "init: vsock, guest to host" "^VMMTEST vsock guest-to-host ok $((${#nonce} + 6)) bytes echoed"
check "init: done" "^VMMTEST done"
check "init: powers off" "^VMMTEST end poweroff"
if lx_sector_is "$work/disk.img" 8 "VMMTEST disk $nonce"; then
  echo "  ok     host: the image holds the sector /init wrote"
else
  echo "  FAIL   host: the image holds the sector /init wrote"; fail=1
fi
sed 's/^/  /' "$work/peer"
[ "$peer_rc" = 0 ] || { echo "  FAIL   host: vsock_peer.py status $peer_rc"; fail=1; }
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
