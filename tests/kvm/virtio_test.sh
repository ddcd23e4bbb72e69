#!/usr/bin/env bash
# virtio device tests that need more than one vmm run can check: disk
# images prepared and inspected on the host, a network namespace, a kill.
#
#   virtio_test.sh MODE VMM KERNEL WORKDIR
#   MODE blk         fresh 1 MiB image (--disk IMG,id=vmmtest): the guest
#                    passes and sectors 1..8 hold its pattern (tests/guest/
#                    vblk.h), sector 0 and sectors 9.. stay zero
#   MODE blk_ro      --disk IMG,ro on a non-zero image: "ro ok", the image
#                    is unchanged (sha256 before/after)
#   MODE net         netns + tap0 192.0.2.1/24, vmm inside with --net
#                    tap=tap0: ARP reply and ping ok. Needs root, /dev/net/tun
#                    and ip(8); exits 77 (SKIPPED) without them
#   MODE durability  the guest writes and flushes, then spins (tg.spin);
#                    once it reports "virtio-blk: ok", kill -9 vmm at once:
#                    the image must hold the pattern
#   MODE hostile     tg.hostile with a disk and --rng: status 0,
#                    "hostile: ok", and vmm's stderr logs the device errors
#                    ("device needs reset", devices/virtio/mmio.c)
#   MODE all         every device at once with --cpus 2: two disks (one
#                    read-only), net (when the netns can be made), rng,
#                    console (COM1 to a file), tg.hostile
#   MODE all_exitpath  the same with --eventfd off: notifications as MMIO
#                    exits on the vCPU threads, interrupts as line pulses
# WORKDIR holds the images (a fresh directory below it, removed at the end).
# Prints vmm's output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 vmm=$2 kernel=$3 workdir=$4
timeout_s=60
[ "$("$here/hostkind.sh")" = none ] && { echo "SKIPPED: /dev/kvm is missing or not accessible"; exit 77; }
mkdir -p "$workdir" || exit 1
dir=$(mktemp -d "$workdir/virtio_$mode.XXXXXX") || exit 1
ns=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
out=$dir/out err=$dir/err
fail=0

# Sectors 1..8 of $1 hold the guest's pattern, the rest of the image is
# zero (tests/guest/vblk.h).
check_pattern() {
  python3 - "$1" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
bad = []
for n in range(1, 9):
    text = b"VMMTEST sector %d" % n
    want = text + bytes((n * 7 + i) & 0xff for i in range(len(text), 512))
    if data[n * 512:(n + 1) * 512] != want:
        bad.append("sector %d lacks the pattern" % n)
if data[:512].strip(b"\0"):
    bad.append("sector 0 is not zero")
if data[9 * 512:].strip(b"\0"):
    bad.append("bytes after sector 8 are not zero")
for b in bad:
    print("FAIL: image %s: %s" % (sys.argv[1], b))
sys.exit(1 if bad else 0)
EOF
}

# make_netns: a namespace with tap0 (netns.sh).
. "$here/netns.sh"

# Run vmm (arguments after the binary) to completion; sets $rc. The test
# guest finds virtio devices only on its command line: --acpi off.
run() {
  local pre=()
  [ -n "$ns" ] && pre=(ip netns exec "$ns")
  timeout -k 5 "$timeout_s" ${pre[@]+"${pre[@]}"} "$vmm" --accel kvm \
    --acpi off --kernel "$kernel" "$@" </dev/null >"$out" 2>"$err"
  rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "FAIL: vmm did not finish within ${timeout_s}s"; fail=1
  fi
}

expect_status() {
  [ "$rc" = "$1" ] || { echo "FAIL: exit status $rc, expected $1"; fail=1; }
}

# expect FILE TEXT...: FILE contains every TEXT (fixed strings).
expect() {
  local f=$1; shift
  for t in "$@"; do
    grep -qF -- "$t" "$f" || { echo "FAIL: $(basename "$f") lacks: $t"; fail=1; }
  done
}

img=$dir/disk.img
case "$mode" in
  blk)
    truncate -s 1M "$img"
    run --disk "$img,id=vmmtest" --cmdline "tg.mem=128"
    expect_status 0
    expect "$out" "testguest: virtio: 0xd0000000 id 2 irq" \
      "testguest: virtio-blk: ok capacity 2048 id vmmtest" "testguest: PASS"
    check_pattern "$img" || fail=1 ;;
  blk_ro)
    head -c 1048576 /dev/urandom >"$img"
    before=$(sha256sum <"$img")
    run --disk "$img,ro"
    expect_status 0
    expect "$out" "testguest: virtio-blk: ro ok capacity 2048" "testguest: PASS"
    [ "$(sha256sum <"$img")" = "$before" ] || { echo "FAIL: the read-only image changed"; fail=1; } ;;
  net)
    make_netns || { echo "SKIPPED: $why"; exit 77; }
    run --net tap=tap0
    expect_status 0
    expect "$out" "testguest: virtio: 0xd0000000 id 1 irq" \
      "testguest: virtio-net: arp reply from" "testguest: virtio-net: ping ok" \
      "testguest: PASS" ;;
  durability)
    truncate -s 1M "$img"
    "$vmm" --accel kvm --acpi off --kernel "$kernel" --disk "$img" \
      --cmdline tg.spin </dev/null >"$out" 2>"$err" &
    pid=$!
    for _ in $(seq $((timeout_s * 50))); do
      grep -qF "testguest: virtio-blk: ok" "$out" && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.02
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    expect "$out" "testguest: virtio-blk: ok"
    check_pattern "$img" || fail=1 ;;
  hostile)
    truncate -s 1M "$img"
    run --disk "$img" --rng --cmdline tg.hostile
    expect_status 0
    for c in loop head-out-of-range buffer-outside-ram zero-length \
             write-before-read avail-idx-jump; do
      expect "$out" "testguest: hostile: $c: needs-reset, recovered"
    done
    expect "$out" "testguest: hostile: on virtio-blk" "testguest: hostile: ok" \
      "testguest: PASS"
    expect "$err" "device needs reset" ;;
  all|all_exitpath)
    path=()
    [ "$mode" = all_exitpath ] && path=(--eventfd off)
    truncate -s 1M "$img"
    head -c 1048576 /dev/urandom >"$dir/ro.img"
    before=$(sha256sum <"$dir/ro.img")
    net=()
    if make_netns; then net=(--net tap=tap0)
    else echo "note: no virtio-net in this run: $why"; fi
    run --cpus 2 --mem 128 --disk "$img,id=disk0" --disk "$dir/ro.img,ro,id=disk1" \
      ${net[@]+"${net[@]}"} ${path[@]+"${path[@]}"} --rng --console --serial "file:$dir/com1" \
      --cmdline "tg.mem=128 tg.cpus=2 tg.hostile"
    expect_status 0
    expect "$out" "testguest: virtio-console: hello"
    expect "$dir/com1" "testguest: cpus online: 2" \
      "testguest: virtio-blk: ok capacity 2048 id disk0" \
      "testguest: virtio-blk: ro ok capacity 2048 id disk1" \
      "testguest: virtio-rng: ok" "testguest: virtio-console: sent" \
      "testguest: hostile: ok" "testguest: PASS"
    [ -n "$ns" ] && expect "$dir/com1" "testguest: virtio-net: ping ok"
    check_pattern "$img" || fail=1
    [ "$(sha256sum <"$dir/ro.img")" = "$before" ] || { echo "FAIL: the read-only image changed"; fail=1; } ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac

echo "--- vmm stdout (status ${rc:-killed}) ---"; cat "$out"
echo "--- vmm stderr ---"; cat "$err"
if [ -f "$dir/com1" ]; then echo "--- COM1 ---"; cat "$dir/com1"; fi
exit $fail
