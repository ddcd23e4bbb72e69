#!/usr/bin/env bash
# Record the test guest on KVM, replay the trace with --accel replay, and
# require the same result: byte-identical COM1 and console output, the
# disk image ending with the recorded hash, the same interrupt sequence,
# and two replays alike.
#
#   roundtrip.sh MODE VMM VMM_TRACE KERNEL WORKDIR
#   MODE all   every device (tests/kvm/virtio_test.sh "all"): two disks,
#              one read-only; virtio-net on a tap in a network namespace
#              when one can be made (root, /dev/net/tun, ip); rng;
#              console; tg.hostile; 2 vCPUs
#   MODE echo  COM1 input from stdin (tg.echo): serial-rx records
# Exits 77 (SKIPPED) without a usable /dev/kvm.
set -u
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 vmm=$2 tool=$3 kernel=$4 workdir=$5
[ "$("$here/../kvm/hostkind.sh")" = none ] && { echo "SKIPPED: /dev/kvm is missing or not accessible"; exit 77; }
mkdir -p "$workdir" || exit 1
dir=$(mktemp -d "$workdir/roundtrip_$mode.XXXXXX") || exit 1
ns=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail=0
check() { "$@" || { echo "FAIL: $*"; fail=1; }; }

make_netns() {
  [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null || return 1
  ns=vmmrr$$
  ip netns add "$ns" 2>/dev/null || { ns=""; return 1; }
  ip netns exec "$ns" ip tuntap add dev tap0 mode tap &&
    ip -n "$ns" addr add 192.0.2.1/24 dev tap0 &&
    ip -n "$ns" link set tap0 up && ip -n "$ns" link set lo up
}

args=(--acpi off --kernel "$kernel")
serial=(--serial "file:$dir/rec.com1")
com1=$dir/rec.com1
replay_args=()
input=/dev/null
pre=()
case "$mode" in
  all)
    truncate -s 1M "$dir/disk.img"
    head -c 1048576 /dev/urandom >"$dir/ro.img"
    # The replay needs the images as they were when recording began.
    cp "$dir/disk.img" "$dir/disk.base"
    args+=(--cpus 2 --mem 128 --disk "$dir/disk.img,id=disk0"
           --disk "$dir/ro.img,ro,id=disk1" --rng --console
           --cmdline "tg.mem=128 tg.cpus=2 tg.hostile")
    replay_args+=(--disk "$dir/disk.base" --disk "$dir/ro.img")
    if make_netns; then
      args+=(--net tap=tap0); pre=(ip netns exec "$ns")
    else
      echo "note: no virtio-net in this run (cannot make a network namespace)"
    fi ;;
  echo)
    printf 'hello vmm\nsecond line\nquit\n' >"$dir/input"
    input=$dir/input
    # stdin feeds COM1 in stdio mode: stdout is COM1's output.
    serial=(--serial stdio)
    com1=$dir/rec.out
    args+=(--cmdline tg.echo) ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac

timeout -k 5 60 ${pre[@]+"${pre[@]}"} "$vmm" --accel kvm "${args[@]}" \
  "${serial[@]}" --record "$dir/trace.bin" \
  <"$input" >"$dir/rec.out" 2>"$dir/rec.err"
rc=$?
echo "recorded: status $rc, $(stat -c %s "$dir/trace.bin") bytes"
check [ "$rc" = 0 ]
check grep -qF "testguest: PASS" "$com1"

for run in 1 2; do
  timeout -k 5 60 "$vmm" --accel replay --trace "$dir/trace.bin" \
    ${replay_args[@]+"${replay_args[@]}"} --serial "file:$dir/rep$run.com1" \
    --log info </dev/null >"$dir/rep$run.out" 2>"$dir/rep$run.err"
  rc=$?
  echo "replay $run: status $rc"
  check [ "$rc" = 0 ]
done
check cmp "$com1" "$dir/rep1.com1"
[ "$mode" = all ] && check cmp "$dir/rec.out" "$dir/rep1.out"
check cmp "$dir/rep1.com1" "$dir/rep2.com1"
check cmp "$dir/rep1.err" "$dir/rep2.err"
check grep -qF "matches:" "$dir/rep1.err"

"$tool" to-text "$dir/trace.bin" "$dir/trace.txt" || fail=1
irqs=$(grep -c '^irq ' "$dir/trace.txt")
echo "trace: $(grep -c . "$dir/trace.txt") records, $irqs interrupt changes"
if [ "$mode" = all ]; then
  # The recorded image's hash is the one in the end record, which the
  # replay's own image matched (status 0 above).
  want=$(sed -n 's/^end .* \(0x[0-9a-f]*\) 0x[0-9a-f]*$/\1/p' "$dir/trace.txt")
  got=$("$tool" hash "$dir/disk.img")
  echo "disk hash: recorded run $got, end record $want"
  check [ -n "$want" ]
  check [ "$got" = "$want" ]
  check [ "$irqs" -gt 0 ]
  [ -n "$ns" ] && check grep -q '^tap-rx ' "$dir/trace.txt"
else
  check grep -q '^serial-rx ' "$dir/trace.txt"
fi

echo "--- replay stderr ---"; cat "$dir/rep1.err"
echo "--- COM1 (last lines) ---"; tail -4 "$dir/rep1.com1"
exit $fail
