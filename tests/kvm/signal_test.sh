#!/usr/bin/env bash
# Stop a running vmm from outside and check how it ends.
#   signal_test.sh MODE VMM KERNEL
#   MODE sigterm  guest spins; SIGTERM must end vmm with 143 within 10 s
#   MODE sigint   the same with SIGINT and 130
#   MODE restart  guest resets itself at every boot with --on-reset
#                 restart: it must boot at least 3 times, then SIGTERM -> 143
#   MODE acpi_restart  the same, resetting through the ACPI reset register
#                 (tg.acpi=reset): every fresh VM has its tables again
set -u
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 vmm=$2 kernel=$3
[ "$("$here/hostkind.sh")" = none ] && { echo "SKIPPED: /dev/kvm is missing or not accessible"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

case "$mode" in
  sigterm|sigint)
    "$vmm" --accel kvm --kernel "$kernel" --cmdline tg.spin </dev/null >"$out" 2>&1 &
    ready="testguest: spinning" need=1 ;;
  restart)
    "$vmm" --accel kvm --kernel "$kernel" --cmdline tg.reset --on-reset restart \
      </dev/null >"$out" 2>&1 &
    ready="vmm-testguest: hello" need=3 ;;
  acpi_restart)
    "$vmm" --accel kvm --kernel "$kernel" --cmdline tg.acpi=reset \
      --on-reset restart </dev/null >"$out" 2>&1 &
    ready="writing 0x42 to RESET_REG (port 0x602)" need=3 ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
pid=$!
for _ in $(seq 600); do
  [ "$(grep -cF "$ready" "$out")" -ge "$need" ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
seen=$(grep -cF "$ready" "$out")
sig=TERM want=143
[ "$mode" = sigint ] && { sig=INT; want=130; }
kill -$sig $pid 2>/dev/null
rc=""
for _ in $(seq 100); do
  if ! kill -0 $pid 2>/dev/null; then wait $pid; rc=$?; break; fi
  sleep 0.1
done
fail=0
if [ -z "$rc" ]; then
  echo "FAIL: vmm still running 10 s after SIG$sig"; kill -9 $pid; fail=1
elif [ "$rc" != "$want" ]; then
  echo "FAIL: exit status $rc, expected $want"; fail=1
fi
[ "$seen" -ge "$need" ] || { echo "FAIL: saw '$ready' $seen times, wanted $need"; fail=1; }
echo "--- vmm output ---"; cat "$out"
exit $fail
