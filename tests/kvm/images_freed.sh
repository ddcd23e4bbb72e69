#!/usr/bin/env bash
# vmm must not keep its copies of the kernel and initrd once they are in
# guest RAM (without --on-reset restart, nothing will load them again).
#   images_freed.sh VMM KERNEL
# Boots the test guest with a 48 MiB initrd and tg.spin, then reads vmm's
# resident set: guest RAM holds the initrd (48 MiB) and vmm itself needs a
# few MiB; a kept copy would add another 48. Fails at 72 MiB or more.
set -u
here=$(cd "$(dirname "$0")" && pwd)
vmm=$1 kernel=$2
[ "$("$here/hostkind.sh")" = none ] && { echo "SKIPPED: /dev/kvm is missing or not accessible"; exit 77; }
# AddressSanitizer keeps freed blocks in quarantine, resident: the check
# needs a build without it (ci/test's first step runs one).
if grep -q __asan_init "$vmm"; then
  echo "SKIPPED: an ASan build keeps freed memory resident (quarantine); run with a plain build"
  exit 77
fi
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$work"' EXIT
mib=48 limit=72
head -c $((mib << 20)) /dev/zero | tr '\0' 'Z' >"$work/initrd"
"$vmm" --accel kvm --kernel "$kernel" --initrd "$work/initrd" --mem 256 \
  --cmdline tg.spin </dev/null >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 300); do
  grep -qF "testguest: spinning" "$work/out" && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
if ! grep -qF "testguest: spinning" "$work/out"; then
  echo "FAIL: the guest did not start spinning"; cat "$work/out"; exit 1
fi
rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' /proc/$pid/status)
kill -TERM $pid; wait $pid; rc=$?; pid=""
echo "vmm resident: $rss MiB with a $mib MiB initrd in guest RAM (limit $limit MiB); exit $rc"
[ "$rc" = 143 ] || { echo "FAIL: exit status $rc, expected 143"; cat "$work/out"; exit 1; }
[ "$rss" -lt "$limit" ] || { echo "FAIL: vmm keeps about $((rss - mib)) MiB besides guest RAM: the image copies?"; exit 1; }
echo PASS
