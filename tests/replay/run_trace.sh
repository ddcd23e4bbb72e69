#!/usr/bin/env bash
# Replay one text trace of tests/replay/traces/ with `vmm --accel replay`
# and check the outcome its comment directives ask for. Every trace is
# replayed twice and both runs must give the same status, stderr and COM1
# output (no clock, no threads, no randomness).
#
#   run_trace.sh VMM VMM_TRACE TRACE.txt WORKDIR
#
# With VMM_EMULATOR set, VMM and VMM_TRACE run under it (an aarch64
# build's, under qemu-aarch64: the replay is the same on every host).
#
# Directives, one per comment line (`# name args`):
#   base FILE           the trace is FILE (same directory) with the edits
#                       below; the records of this file are ignored
#   edit N SED          apply the sed expression SED to record N of the base
#   zero-disk BYTES     give a --disk: a zeroed image of BYTES bytes
#   truncate N          cut N bytes off the end of the binary trace
#   poke OFFSET HEX     set the byte at OFFSET of the binary trace
#   expect-status N     vmm's exit status (default 0)
#   expect-stderr TEXT  stderr contains TEXT (fixed string)
#   expect-serial TEXT  COM1 output contains TEXT (fixed string)
set -u
vmm=$1 tool=$2 trace=$3 workdir=$4
name=$(basename "$trace" .txt)
dir=$(cd "$(dirname "$trace")" && pwd)
mkdir -p "$workdir" || exit 1
work=$(mktemp -d "$workdir/$name.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fail=0

directives() { sed -n "s/^# $1 //p" "$trace"; }

# The text to convert: the trace itself, or its base with edits.
base=$(directives base)
if [ -n "$base" ]; then
  cp "$dir/$base" "$work/trace.txt"
  # The line of record 0: the first that is not a comment, blank or part
  # of the header (the base must have one record per line from there).
  first=$(grep -n -v -E '^(vmm-trace|machine|dev) |^#|^[[:space:]]*$' \
    "$work/trace.txt" | head -1 | cut -d: -f1)
  while read -r n expr; do
    [ -z "$n" ] && continue
    sed -i "$((first + n))${expr}" "$work/trace.txt"
  done < <(directives edit)
else
  cp "$trace" "$work/trace.txt"
fi
if ! ${VMM_EMULATOR:-} "$tool" to-bin "$work/trace.txt" "$work/trace.bin"; then
  echo "FAIL: vmm-trace to-bin refused $trace"; exit 1
fi
while read -r n; do
  [ -z "$n" ] && continue
  size=$(stat -c %s "$work/trace.bin")
  truncate -s $((size - n)) "$work/trace.bin"
done < <(directives truncate)
while read -r off byte; do
  [ -z "$off" ] && continue
  printf "\\x$byte" | dd of="$work/trace.bin" bs=1 seek="$off" conv=notrunc status=none
done < <(directives poke)

args=()
i=0
while read -r bytes; do
  [ -z "$bytes" ] && continue
  truncate -s "$bytes" "$work/disk$i.img"
  args+=(--disk "$work/disk$i.img")
  i=$((i + 1))
done < <(directives zero-disk)

want=$(directives expect-status | tail -1)
want=${want:-0}
for run in 1 2; do
  timeout -k 5 60 ${VMM_EMULATOR:-} "$vmm" --accel replay --trace "$work/trace.bin" \
    ${args[@]+"${args[@]}"} --serial "file:$work/com1.$run" \
    >"$work/out.$run" 2>"$work/err.$run" </dev/null
  echo $? >"$work/status.$run"
done
rc=$(cat "$work/status.1")
[ "$rc" = "$want" ] || { echo "FAIL: exit status $rc, expected $want"; fail=1; }
for f in status out err com1; do
  cmp -s "$work/$f.1" "$work/$f.2" ||
    { echo "FAIL: the two replays differ ($f)"; fail=1; }
done
while IFS= read -r text; do
  [ -z "$text" ] && continue
  grep -qF -- "$text" "$work/err.1" || { echo "FAIL: stderr lacks: $text"; fail=1; }
done < <(directives expect-stderr)
while IFS= read -r text; do
  [ -z "$text" ] && continue
  grep -qF -- "$text" "$work/com1.1" || { echo "FAIL: COM1 lacks: $text"; fail=1; }
done < <(directives expect-serial)

echo "--- status $rc; stderr ---"; cat "$work/err.1"
echo "--- COM1 (last lines) ---"; tail -5 "$work/com1.1"; echo
exit $fail
