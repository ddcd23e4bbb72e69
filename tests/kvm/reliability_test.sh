#!/usr/bin/env bash
# Host conditions and guest loops that must not corrupt anything, hang vmm
# or kill it (docs/security.md, "Reliability").
#
#   reliability_test.sh MODE VMM KERNEL WORKDIR
#   MODE restart      --on-reset restart under the seccomp filters with
#                     each disk, net, rng and console option: every
#                     restart builds the VM again (exit 159 if a filter
#                     forbids a call); the limit ends it with status 3
#   MODE restart_limit  a triple-faulting guest with --restart-max 3: 4
#                     boots, then status 3 and "giving up"
#   MODE closed_fds   stdout or stderr closed (>&-, 2>&-) with a writable
#                     disk: the disk is unchanged, the run succeeds
#   MODE outputs      --serial file: and --record never overwrite an
#                     input, another VM's locked file, or (when a later
#                     check fails) anything at all
#   MODE fifo         a FIFO without a reader as --serial file:, --record
#                     or --trace: one line and status 1, no hang
#   MODE stall        COM1 into a pipe nobody reads: SIGTERM still ends
#                     vmm at once (143)
#   MODE flood        a guest that breaks a device on every boot, with
#                     restarts: the messages are rate-limited and the
#                     suppressed ones counted
#   MODE messages     CLI and loader errors name the option at fault
#                     (given twice, empty disk, initrd too large), --log
#                     none is silent for every error, --mem above the
#                     host's RAM warns
# The timeouts are hang guards only: each is many times the time needed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 vmm=$2 kernel=$3 workdir=$4
[ "$("$here/hostkind.sh")" = none ] && { echo "SKIPPED: /dev/kvm is missing or not accessible"; exit 77; }
mkdir -p "$workdir" || exit 1
dir=$(mktemp -d "$workdir/rel_$mode.XXXXXX") || exit 1
ns=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
  jobs -p | xargs -r kill 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
. "$here/netns.sh"
out=$dir/out
fail=0
guard=60

bad() { echo "FAIL: $*"; fail=1; }
# expect FILE TEXT: FILE contains TEXT (a fixed string).
expect() { grep -qF -- "$2" "$1" || bad "$(basename "$1") lacks: $2"; }
reject() { ! grep -qF -- "$2" "$1" || bad "$(basename "$1") has: $2"; }
count() { grep -cF -- "$2" "$1"; }
sum() { sha256sum "$1" | cut -d' ' -f1; }

# vmm ARGS... with a hang guard; output in $out, status in $rc.
run() {
  timeout -k 5 "$guard" "$vmm" "$@" </dev/null >"$out" 2>&1
  rc=$?
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && bad "vmm did not finish within ${guard}s: $*"
}
status() { [ "$rc" = "$1" ] || bad "exit status $rc, expected $1 ($2)"; }
show() { echo "--- vmm output ($1) ---"; head -40 "$out"; }

mkimg() { head -c 1048576 /dev/urandom >"$1"; }

case "$mode" in
restart)
  # Each boot drives every device (the guest finds them with --acpi off),
  # then resets through the i8042.
  mkimg "$dir/d.img"
  configs=("--disk $dir/d.img" "--disk $dir/d.img,ro" "--disk $dir/d.img,direct"
           "--rng" "--console" "--eventfd off --disk $dir/d.img --rng")
  if make_netns; then configs+=("--net tap=tap0")
  else echo "note: no net configuration ($why)"; fi
  for c in "${configs[@]}"; do
    pre=()
    [[ $c == *tap=* ]] && pre=(ip netns exec "$ns")
    # shellcheck disable=SC2086  # $c is a list of options
    timeout -k 5 "$guard" ${pre[@]+"${pre[@]}"} "$vmm" --accel kvm --acpi off \
      --seccomp enforce --kernel "$kernel" --cmdline tg.reset \
      --on-reset restart --restart-max 2 --serial "file:$dir/com1" $c \
      </dev/null >"$out" 2>&1
    rc=$?
    status 3 "$c"
    expect "$out" "giving up (--restart-max 2)"
    reject "$out" "seccomp"
    n=$(count "$dir/com1" "vmm-testguest: hello")
    [ "$n" = 3 ] || bad "$c: $n boots, expected 3"
    [ "$fail" = 0 ] || { show "$c"; break; }
    echo "ok: restart with $c: 3 boots, status 3"
  done ;;
restart_limit)
  run --accel kvm --kernel "$kernel" --cmdline tg.crash=triple \
    --on-reset restart --restart-max 3 --log info
  status 3 "triple faults"
  expect "$out" "the guest reset 4 times in a row"
  expect "$out" "giving up (--restart-max 3)"
  expect "$out" "restarting in 0 ms"
  expect "$out" "restarting in 100 ms"
  expect "$out" "restarting in 200 ms"
  n=$(count "$out" "testguest: crashing (triple)")
  [ "$n" = 4 ] || bad "$n boots, expected 4"
  show restart_limit ;;
closed_fds)
  # --acpi on: the guest does not find the disk, so nothing may change it.
  mkimg "$dir/d.img"
  want=$(sum "$dir/d.img")
  timeout -k 5 "$guard" "$vmm" --accel kvm --kernel "$kernel" \
    --disk "$dir/d.img" </dev/null >&- 2>"$out"
  rc=$?
  status 0 "stdout closed"
  [ "$(sum "$dir/d.img")" = "$want" ] || bad "stdout closed: the disk changed"
  timeout -k 5 "$guard" "$vmm" --accel kvm --kernel "$kernel" --log info \
    --disk "$dir/d.img" </dev/null >"$out" 2>&-
  rc=$?
  status 0 "stderr closed"
  expect "$out" "testguest: PASS"
  [ "$(sum "$dir/d.img")" = "$want" ] || bad "stderr closed: the disk changed"
  timeout -k 5 "$guard" "$vmm" --accel kvm --kernel "$kernel" \
    --disk "$dir/d.img" <&- >"$out" 2>&1
  rc=$?
  status 0 "stdin closed"
  [ "$(sum "$dir/d.img")" = "$want" ] || bad "stdin closed: the disk changed"
  echo "ok: closed standard fds leave the disk alone" ;;
outputs)
  mkimg "$dir/d.img"
  cp "$kernel" "$dir/k"
  d=$(sum "$dir/d.img") k=$(sum "$dir/k")
  run --accel kvm --kernel "$dir/k" --disk "$dir/d.img" --serial "file:$dir/d.img"
  status 1 "serial on the disk"
  expect "$out" "--serial file:$dir/d.img: is the same file as --disk $dir/d.img"
  ln -s "$dir/k" "$dir/k.lnk"
  run --accel kvm --kernel "$dir/k" --record "$dir/k.lnk"
  status 1 "record on the kernel"
  expect "$out" "--record $dir/k.lnk: is the same file as --kernel"
  # Another VM's disk, locked as vmm locks disks (flock).
  mkimg "$dir/other.img"
  o=$(sum "$dir/other.img")
  flock -x "$dir/other.img" sleep 30 &
  sleep 0.5
  run --accel kvm --kernel "$dir/k" --serial "file:$dir/other.img"
  status 1 "serial on a locked file"
  expect "$out" "another VM is using the file"
  kill %1 2>/dev/null
  # A later check fails (not a kernel): the outputs stay as they were.
  echo "old serial log" >"$dir/serial.log"
  echo "old trace" >"$dir/trace"
  s=$(sum "$dir/serial.log") t=$(sum "$dir/trace")
  run --accel kvm --kernel "$here/run_vmm.sh" --serial "file:$dir/serial.log"
  status 1 "bad kernel, serial file"
  expect "$out" "not an ELF vmlinux or a bzImage"
  run --accel kvm --kernel "$here/run_vmm.sh" --record "$dir/trace"
  status 1 "bad kernel, record file"
  [ "$(sum "$dir/d.img")" = "$d" ] || bad "the disk changed"
  [ "$(sum "$dir/k")" = "$k" ] || bad "the kernel changed"
  [ "$(sum "$dir/other.img")" = "$o" ] || bad "the other VM's disk changed"
  [ "$(sum "$dir/serial.log")" = "$s" ] || bad "the serial log was emptied by a failed run"
  [ "$(sum "$dir/trace")" = "$t" ] || bad "the trace was emptied by a failed run"
  # And a good run does replace the old log.
  run --accel kvm --kernel "$dir/k" --serial "file:$dir/serial.log"
  status 0 "good run"
  expect "$dir/serial.log" "testguest: PASS"
  reject "$dir/serial.log" "old serial log"
  echo "ok: outputs never overwrite inputs or locked files" ;;
fifo)
  mkfifo "$dir/f"
  guard=20
  run --accel kvm --kernel "$kernel" --serial "file:$dir/f"
  status 1 "serial FIFO"
  expect "$out" "--serial file:$dir/f: a FIFO with no reader"
  run --accel kvm --kernel "$kernel" --record "$dir/f"
  status 1 "record FIFO"
  expect "$out" "--record $dir/f: a FIFO with no reader"
  run --accel replay --trace "$dir/f"
  status 1 "trace FIFO"
  expect "$out" "--trace $dir/f: not a regular file"
  echo "ok: FIFOs without a peer are refused at once" ;;
stall)
  # The reader holds the pipe open and never reads: the guest fills it.
  mkfifo "$dir/p"
  sleep 120 <"$dir/p" &
  "$vmm" --accel kvm --kernel "$kernel" --cmdline tg.flood \
    </dev/null >"$dir/p" 2>"$out" &
  pid=$!
  sleep 5 # a guard-free wait: the pipe (64 KiB) fills within a second
  kill -0 "$pid" 2>/dev/null || bad "vmm ended before SIGTERM"
  kill -TERM "$pid"
  rc=""
  for _ in $(seq 100); do
    if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; rc=$?; break; fi
    sleep 0.1
  done
  if [ -z "$rc" ]; then bad "vmm still running 10 s after SIGTERM"; kill -9 "$pid"
  else status 143 "SIGTERM with a stalled reader"; fi
  show stall ;;
flood)
  run --accel kvm --acpi off --rng --kernel "$kernel" \
    --cmdline "tg.hostile tg.reset" --on-reset restart --restart-max 5
  status 3 "restarts"
  n=$(count "$out" "device needs reset")
  boots=$(count "$out" "testguest: hostile: ok")
  # 6 boots x 6 broken chains = 36 messages; the bucket holds 20 and
  # refills one a second (the run takes under 5 s here).
  [ "$boots" = 6 ] || bad "$boots boots reported hostile: ok, expected 6"
  [ "$n" -le 26 ] || bad "$n 'device needs reset' lines: not rate-limited"
  expect "$out" "guest-triggered message(s) suppressed"
  echo "ok: $n of 36 device messages printed" ;;
messages)
  mkimg "$dir/d.img"
  run --accel kvm --kernel "$kernel" --disk "$dir/d.img" --disk "$dir/d.img"
  status 1 "disk twice"
  expect "$out" "--disk $dir/d.img: given twice (also --disk $dir/d.img)"
  reject "$out" "another VM"
  run --accel kvm --kernel "$kernel" --net tap=t0 --net tap=t0
  status 2 "net twice"
  expect "$out" "--net tap=t0: given twice"
  : >"$dir/empty.img"
  run --accel kvm --kernel "$kernel" --disk "$dir/empty.img"
  status 1 "empty disk"
  expect "$out" "--disk $dir/empty.img: is 0 bytes"
  head -c $((24 << 20)) /dev/zero >"$dir/big.initrd"
  run --accel kvm --kernel "$kernel" --mem 16 --initrd "$dir/big.initrd"
  status 1 "initrd over RAM"
  expect "$out" "--initrd $dir/big.initrd: initrd of"
  reject "$out" "--kernel"
  run --accel kvm --kernel "$here/run_vmm.sh" --log none
  status 1 "--log none, loader error"
  [ -s "$out" ] && bad "--log none printed a loader error: $(cat "$out")"
  run --accel kvm --kernel /nonexistent/k --log none
  status 1 "--log none, open error"
  [ -s "$out" ] && bad "--log none printed an open error: $(cat "$out")"
  host_mib=$(awk '/^MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
  run --accel kvm --kernel "$kernel" --mem $((host_mib + 1024)) --cmdline tg.exit=0
  status 0 "--mem above the host's RAM"
  expect "$out" "more than this host's"
  echo "ok: messages name the option at fault" ;;
*) echo "unknown mode $mode"; exit 2 ;;
esac
exit $fail
