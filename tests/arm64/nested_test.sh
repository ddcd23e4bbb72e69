#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# arm64.nested (CTest label `slow`): the arm64 port proven without arm64
# hardware (docs/arm64.md, "The nested proof"). tests/arm64/nested.sh
# boots Debian's arm64 kernel under qemu-system-aarch64 with the
# virtualization extensions; inside that emulated host, the aarch64
# vmm --accel kvm, with its seccomp filters enforced:
#   1. boots the arm64 test guest (tests/guest/arm64/) with 2 vCPUs and
#      records the run (--record): "testguest: PASS", vmm's status 0;
#   2. boots the minimal arm64 kernel (build-kernel.sh --arch arm64) with
#      the test initramfs (build-initramfs.sh arm64), a virtio disk,
#      virtio-rng, virtio-net on a tap of the emulated host and a virtio
#      console, to its userspace checks (tests/linux/init.sh): 2 CPUs,
#      the disk, the rng, a ping of the tap's end, a line on hvc0, a
#      vsock connection each way with the emulated host (vsock-echo's
#      host modes on the hybrid vsock's unix sockets), then PSCI
#      power-off (status 0), recording the
#      run too; the host then reads sector 8 of the disk image, where
#      /init wrote the nonce.
# A second emulated host has a GICv2 (gic-version=2), whose KVM has no
# vGICv3: vmm falls back to a vGICv2, and the test guest and the kernel
# pass there too (without recordings); the test guest also resets through
# PSCI SYSTEM_RESET there (tg.reset=1: vmm's status 3).
# Then, on this (x86) machine, both recordings replay with X86_VMM
# --accel replay: status 0, the same UART output byte for byte, and for
# the kernel the disk image's hash at the end the recorded run's.
#
# Usage: nested_test.sh SOURCE_DIR AARCH64_BUILD_DIR [X86_VMM]
#   AARCH64_BUILD_DIR is configured with ci/aarch64.cmake and built
#   (vmm, the test guest) if need be. Without X86_VMM the replay is
#   skipped (said so). Exit 0 pass, 1 fail, 77 skipped (no
#   qemu-system-aarch64, no cross compiler, no arm64 packages).
set -u
src=$(cd "$1" && pwd)
abuild=$2
x86vmm=${3:-}
here=$src/tests/arm64
. "$src/tests/linux/lib.sh"

for tool in qemu-system-aarch64 aarch64-linux-gnu-gcc; do
	command -v "$tool" >/dev/null || lx_skip "$tool is missing (ci/deps)"
done
cmake -S "$src" -B "$abuild" -DCMAKE_TOOLCHAIN_FILE="$src/ci/aarch64.cmake" \
	>/dev/null || { echo "FAIL: configuring $abuild"; exit 1; }
make -s -C "$abuild" -j"$(nproc)" vmm testguest-arm64 >/dev/null ||
	{ echo "FAIL: building vmm and the test guest for aarch64"; exit 1; }
tg=$abuild/tests/guest/arm64/testguest-arm64.Image
# The hybrid vsock's host end for the emulated host, which has no Python.
aarch64-linux-gnu-gcc -static -Os -s -std=c11 -D_GNU_SOURCE -Wall -Wextra \
	-Werror -o "$abuild/vsock-echo" "$src/tests/linux/vsock_echo.c" ||
	{ echo "FAIL: building vsock-echo for aarch64"; exit 1; }
kdir=$(lx_image build-kernel.sh --arch arm64) || exit $?
initrd=$(lx_image build-initramfs.sh arm64) || exit $?

work=$(mktemp -d "${TMPDIR:-/tmp}/vmmarm64.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
nonce=$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
cat >"$work/job.sh" <<JOB
cd /tmp
timeout 600 vmm --accel kvm --seccomp enforce --log info \\
	--kernel /guest/testguest-arm64.Image --mem 128 --cpus 2 \\
	--cmdline "tg.mem=128 tg.cpus=2" --serial file:/tmp/tg.out \\
	--record /tmp/tg.trace
echo "NESTED testguest status \$?"
sed 's/^/NESTED tg-out /' /tmp/tg.out
echo "NESTED trace begin"
base64 /tmp/tg.trace
echo "NESTED trace end"
truncate -s 64M /tmp/disk.img
# virtio-net's host end: tap0 = 192.0.2.1/24, which /init pings.
insmod /lib/modules/tun.ko && tunctl -t tap0 >/dev/null &&
	ip addr add 192.0.2.1/24 dev tap0 && ip link set tap0 up &&
	echo "NESTED tap0 up"
# virtio-vsock's host end (the hybrid vsock on /tmp/v.sock): an echo
# service on port 5001 for the guest's call, and a call to the guest's
# port 5000 once it listens (vsock-echo's host modes).
/guest/vsock-echo uds-serve /tmp/v.sock_5001 >/tmp/vs-serve.out &
timeout 1200 vmm --accel kvm --seccomp enforce \\
	--kernel /guest/Image --initrd /guest/arm64.cpio \\
	--disk /tmp/disk.img --rng --net tap=tap0 --console \\
	--vsock cid=3,uds=/tmp/v.sock \\
	--mem 256 --cpus 2 --serial file:/tmp/lx.out --record /tmp/lx.trace \\
	--cmdline "console=ttyS0 vmmtest=run vmmtest.cpus=2 vmmtest.nonce=$nonce vmmtest.checks=cpus,disk,rng,net,console,vsock" </dev/null >/tmp/hvc0.out &
vmm_pid=\$!
i=0 # a hang guard of 600 s
while ! grep -q 'VMMTEST vsock listening 5000' /tmp/lx.out 2>/dev/null &&
	[ \$i -lt 6000 ]; do usleep 100000; i=\$((i + 1)); done
/guest/vsock-echo uds-call /tmp/v.sock 5000 "host $nonce" >/tmp/vs-call.out
wait \$vmm_pid
echo "NESTED linux status \$?"
sed 's/^/NESTED hvc0-out /' /tmp/hvc0.out
sed 's/^/NESTED vsock-serve /' /tmp/vs-serve.out
sed 's/^/NESTED vsock-call /' /tmp/vs-call.out
sed 's/^/NESTED lx-out /' /tmp/lx.out
echo "NESTED trace begin"
gzip -c /tmp/lx.trace | base64
echo "NESTED trace end"
echo "NESTED sector8 \$(dd if=/tmp/disk.img bs=512 skip=8 count=1 2>/dev/null | head -c 40)"
JOB

# The same two guests on the GICv2 host, without recordings.
cat >"$work/job2.sh" <<JOB
cd /tmp
timeout 600 vmm --accel kvm --log info --kernel /guest/testguest-arm64.Image \\
	--mem 128 --cpus 2 --cmdline "tg.mem=128 tg.cpus=2" \\
	--serial file:/tmp/tg.out
echo "NESTED testguest status \$?"
sed 's/^/NESTED tg-out /' /tmp/tg.out
timeout 600 vmm --accel kvm --kernel /guest/testguest-arm64.Image \\
	--cmdline "tg.reset=1" --serial file:/tmp/tg-reset.out
echo "NESTED reset status \$?"
sed 's/^/NESTED reset-out /' /tmp/tg-reset.out
truncate -s 64M /tmp/disk.img
timeout 1200 vmm --accel kvm --kernel /guest/Image --initrd /guest/arm64.cpio \\
	--disk /tmp/disk.img --rng --mem 256 --cpus 2 --serial file:/tmp/lx.out \\
	--cmdline "console=ttyS0 vmmtest=run vmmtest.cpus=2 vmmtest.nonce=$nonce vmmtest.net=0 vmmtest.checks=cpus,disk,rng"
echo "NESTED linux status \$?"
sed 's/^/NESTED lx-out /' /tmp/lx.out
JOB

start=$(date +%s)
"$here/nested.sh" "$abuild" "$work/job.sh" "$tg" "$kdir/Image" "$initrd" \
	"$abuild/vsock-echo" |
	tr -d '\r' >"$work/console.log"
VMM_NESTED_GIC=2 "$here/nested.sh" "$abuild" "$work/job2.sh" "$tg" \
	"$kdir/Image" "$initrd" | tr -d '\r' >"$work/console2.log"
took=$(($(date +%s) - start))
echo "nested run: ${took} s (console log below on failure)"

fail=0
log=console.log
need() { # need PATTERN WHAT: a line of $log matching PATTERN (grep -E)
	if grep -qE "$1" "$work/$log"; then
		echo "ok   $2"
	else
		echo "FAIL $2 (no line matching '$1')"
		fail=1
	fi
}
need '^nested: .*kvm \[1\]: (VHE|nVHE|Hyp)' "the emulated host initialised KVM"
need '^vmm: kvm: the in-kernel vGICv3' "vmm made a vGICv3"
need '^vmm: sandbox: seccomp enforce, capabilities left: none' \
	"the sandbox is on: filters enforced, no capabilities"
need '^NESTED tg-out testguest: PASS' "the test guest passed"
need '^NESTED testguest status 0$' "vmm exited 0 after the test guest"
need '^NESTED lx-out VMMTEST start ' "the arm64 kernel reached its userspace (/init)"
need '^NESTED lx-out VMMTEST cpus ok 2' "2 CPUs online in the guest"
need '^NESTED lx-out VMMTEST disk ok /dev/vda' "virtio-blk write and read-back in the guest"
need '^NESTED lx-out VMMTEST rng ok' "virtio-rng in the guest"
need '^NESTED tap0 up$' "the emulated host made tap0 (192.0.2.1)"
need '^NESTED lx-out VMMTEST net ok' "virtio-net in the guest: a ping of the host's tap"
need "^NESTED lx-out VMMTEST console ok" "virtio-console in the guest"
need "^NESTED hvc0-out VMMTEST hvc0 $nonce" "the guest's hvc0 line on vmm's stdout"
need '^NESTED lx-out VMMTEST vsock host-to-guest ok' "virtio-vsock: the guest echoed the host's connection"
need '^NESTED vsock-call VMMTEST vsock host-to-guest-call ok' "... and the host got its bytes back"
need '^NESTED lx-out VMMTEST vsock guest-to-host ok' "virtio-vsock: the guest's connection to the host echoed"
need '^NESTED vsock-serve VMMTEST vsock guest-to-host-echo ok' "... by the host's echo service"
need '^NESTED lx-out VMMTEST end poweroff' "/init powered off (PSCI)"
need '^NESTED linux status 0$' "vmm exited 0 after the kernel"
need "^NESTED sector8 VMMTEST disk $nonce" \
	"sector 8 of the disk image holds the guest's write (read by the host)"

# replay NAME PREFIX [ARGS...]: the Nth trace block of the console (N 1:
# the test guest's, raw; 2: the kernel's, gzipped) replayed with X86_VMM;
# its UART output must be the lines the host printed with PREFIX.
replay() {
	local n=$1 name=$2 prefix=$3
	shift 3
	awk -v n="$n" '/^NESTED trace begin$/ {k++; on = (k == n); next}
		/^NESTED trace end$/ {on = 0} on' "$work/console.log" |
		base64 -d >"$work/$name.trace.raw" 2>/dev/null
	if [ "$n" = 2 ]; then
		gzip -dc "$work/$name.trace.raw" >"$work/$name.trace" 2>/dev/null
	else
		mv "$work/$name.trace.raw" "$work/$name.trace"
	fi
	sed -n "s/^NESTED $prefix //p" "$work/console.log" >"$work/$name.want"
	"$x86vmm" --accel replay --trace "$work/$name.trace" "$@" \
		--serial "file:$work/$name.replay" 2>"$work/$name.err"
	local rc=$?
	if [ "$rc" = 0 ] && [ -s "$work/$name.want" ] &&
		tr -d '\r' <"$work/$name.replay" | cmp -s - "$work/$name.want"; then
		echo "ok   the aarch64 recording of the $name replays on $(uname -m) (status 0, the same UART output)"
	else
		echo "FAIL the aarch64 recording of the $name does not replay here (status $rc):"
		sed 's/^/  /' "$work/$name.err"
		fail=1
	fi
}
log=console2.log
echo "-- the GICv2 host"
need '^vmm: kvm: the in-kernel vGICv2' "vmm fell back to a vGICv2"
need '^NESTED tg-out testguest: PASS' "the test guest passed"
need '^NESTED testguest status 0$' "vmm exited 0 after the test guest"
need '^NESTED reset-out testguest: PASS' "the test guest passed again (tg.reset=1)"
need '^NESTED reset status 3$' "its PSCI SYSTEM_RESET ended vmm with the reset status, 3"
need '^NESTED lx-out VMMTEST disk ok /dev/vda' "the kernel's virtio-blk check"
need '^NESTED lx-out VMMTEST rng ok' "the kernel's virtio-rng check"
need '^NESTED lx-out VMMTEST end poweroff' "/init powered off (PSCI)"
need '^NESTED linux status 0$' "vmm exited 0 after the kernel"
log=console.log

if [ -n "$x86vmm" ]; then
	replay 1 "test guest" tg-out
	truncate -s 64M "$work/disk.base" # the disk as the recording began
	replay 2 kernel lx-out --disk "$work/disk.base"
else
	echo "NOT RUN: the replays on x86 (no X86_VMM given)"
fi
if [ "$fail" != 0 ]; then
	for f in console console2; do
		echo "---- $f ----"
		grep -v '^[A-Za-z0-9+/=]\{60,\}$' "$work/$f.log" | tail -60
	done
	exit 1
fi
echo "PASS: arm64 nested proof (${took} s in the emulated host)"
