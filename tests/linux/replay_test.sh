#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Record one boot of the minimal Linux kernel under vmm --accel kvm and
# replay it with --accel replay: the replay must match the trace (status
# 0) and give byte-identical COM1 and virtio-console output, twice.
#
#   replay_test.sh VMM [TRACE_OUT]
#
# The boot: vmlinux (PVH), ACPI, 2 vCPUs, a 64 MiB disk (tests/linux/
# lib.sh lx_make_disk), virtio-rng, virtio-console and a vsock whose host
# side is tests/linux/vsock_peer.py (a connection each way); /init runs
# its checks and powers off (status 0), on an emulated KVM host too (with
# the parameters of lx_emulated_params).
# With TRACE_OUT, the trace is also copied there.
# Exit: 0 pass, 1 fail, 77 skipped (no /dev/kvm, no --record in vmm).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
vmm=${1:?usage: replay_test.sh VMM [TRACE_OUT]}
keep=${2:-}

kind=$("$here/../kvm/hostkind.sh")
[ "$kind" = none ] && lx_skip "/dev/kvm is missing or not accessible to $(id -un)"
help=$("$vmm" --help 2>&1)
grep -q -- --record <<<"$help" || lx_skip "vmm has no --record (the replay backend)"

kdir=$(lx_image build-kernel.sh) || exit $?
initrd=$(lx_image build-initramfs.sh minimal) || exit $?

work=$(mktemp -d "${TMPDIR:-/tmp}/vmmrr.XXXXXX") || exit 1
pid=""
# shellcheck disable=SC2317
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0

lx_make_disk "$work/disk.img" 64
cp "$work/disk.img" "$work/disk.base"   # the replay starts from this
cmdline="console=hvc0 console=ttyS0 $(lx_fast_params)"
cmdline+=" vmmtest=run vmmtest.cpus=2 vmmtest.nonce=replay vmmtest.net=0"
cmdline+=" vmmtest.checks=cpus,disk,rng,console,vsock"
[ "$kind" = emulated ] && cmdline+=" $(lx_emulated_params)"
acpi=()
grep -q -- --acpi <<<"$help" && acpi=(--acpi on)

# Record, with the same limit as the boot tests.
limit=${VMMTEST_TIMEOUT:-1500}
[ "$kind" = emulated ] || limit=${VMMTEST_TIMEOUT:-600}
echo "host kind: $kind; recording the minimal kernel's boot"
# The vsock's host side, ready (its echo service bound) before the boot.
: >"$work/rec.com1"
python3 "$here/vsock_peer.py" "$work/v.sock" "$work/rec.com1" replay \
  >"$work/peer" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$work/v.sock_5001" ] && break; sleep 0.1; done
t0=$EPOCHREALTIME
timeout -k 5 "$limit" "$vmm" --accel kvm ${acpi[@]+"${acpi[@]}"} \
  --kernel "$kdir/vmlinux" --initrd "$initrd" --cpus 2 --mem 256 \
  --disk "$work/disk.img" --rng --console --serial "file:$work/rec.com1" \
  --vsock "cid=3,uds=$work/v.sock" \
  --cmdline "$cmdline" --record "$work/trace.bin" \
  </dev/null >"$work/rec.hvc" 2>"$work/rec.err"
rc=$?
secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
size=$(stat -c %s "$work/trace.bin" 2>/dev/null || echo 0)
# With vmm gone the peer ends at once (or, still waiting for the guest's
# "listening" line, is stopped after 30 s and fails).
for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill "$pid" 2>/dev/null
wait "$pid"
peer_rc=$?
pid=""
sed 's/^/vsock peer: /' "$work/peer"
[ "$peer_rc" = 0 ] || { echo "FAIL: vsock_peer.py status $peer_rc"; fail=1; }
grep -q "^VMMTEST vsock host-to-guest ok" "$work/rec.com1" ||
  { echo "FAIL: no vsock connection host to guest"; fail=1; }
grep -q "^VMMTEST vsock guest-to-host ok" "$work/rec.com1" ||
  { echo "FAIL: no vsock connection guest to host"; fail=1; }
echo "recorded: status $rc after $secs s; trace $size bytes"
case "$rc" in
  124|137) echo "FAIL: the recorded boot did not end within $limit s"; fail=1 ;;
esac
grep -q "Run /init as init process" "$work/rec.com1" ||
  { echo "FAIL: the recorded boot did not reach Run /init"; fail=1; }
grep -q "VMMTEST done" "$work/rec.com1" || { echo "FAIL: /init did not finish"; fail=1; }
[ "$rc" = 0 ] || { echo "FAIL: the recorded boot ended with status $rc, not 0 (poweroff)"; fail=1; }
if grep -E '^VMMTEST [a-z]+ fail' "$work/rec.com1" | sed 's/^/FAIL: guest said: /' | grep .; then
  fail=1
fi

# Replay twice: status 0, and the same output as the recording.
if [ "$size" -gt 0 ]; then
  for run in 1 2; do
    t0=$EPOCHREALTIME
    timeout -k 5 "$limit" "$vmm" --accel replay --trace "$work/trace.bin" \
      --disk "$work/disk.base" --serial "file:$work/rep$run.com1" \
      </dev/null >"$work/rep$run.hvc" 2>"$work/rep$run.err"
    r=$?
    secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    echo "replay $run: status $r after $secs s"
    [ "$r" = 0 ] || { echo "FAIL: replay $run: status $r"; cat "$work/rep$run.err"; fail=1; }
    cmp -s "$work/rec.com1" "$work/rep$run.com1" ||
      { echo "FAIL: replay $run: COM1 output differs"; fail=1; }
    cmp -s "$work/rec.hvc" "$work/rep$run.hvc" ||
      { echo "FAIL: replay $run: virtio-console output differs"; fail=1; }
  done
  if [ -n "$keep" ]; then cp "$work/trace.bin" "$keep" && echo "trace kept: $keep"; fi
else
  echo "FAIL: no trace"; fail=1
fi

echo "--- recorded COM1 (tail) ---"; tail -n 25 "$work/rec.com1"
echo "--- record stderr ---"; cat "$work/rec.err"
[ "$fail" = 0 ] && echo "PASS: recorded and replayed identically" || echo "FAIL"
exit $fail
