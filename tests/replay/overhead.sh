#!/usr/bin/env bash
# Recording overhead: the same test guest runs with and without --record,
# N port writes (tg.pio) and N MMIO writes (tg.mmio), each the median of
# RUNS runs. Prints exits per second and the slowdown. Labelled `slow`:
# run it by hand (ctest -L slow) and put the numbers in
# docs/trace-format.md.
#
#   overhead.sh VMM KERNEL WORKDIR [N [RUNS]]
set -u
vmm=$1 kernel=$2 workdir=$3 n=${4:-20000} runs=${5:-5}
here=$(cd "$(dirname "$0")" && pwd)
[ "$("$here/../kvm/hostkind.sh")" = none ] && { echo "SKIPPED: no /dev/kvm"; exit 77; }
mkdir -p "$workdir" || exit 1
dir=$(mktemp -d "$workdir/overhead.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

# Median wall time of one configuration, in seconds.
measure() {
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$vmm" --accel kvm --acpi off --kernel "$kernel" --serial none \
      --cmdline "$1" "${@:2}" </dev/null >/dev/null 2>&1 || return 1
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

echo "host: $("$here/../kvm/hostkind.sh"), $n exits per run, median of $runs"
for what in pio mmio; do
  base=$(measure "tg.$what=0") || { echo "FAIL: vmm"; exit 1; }
  plain=$(measure "tg.$what=$n") || { echo "FAIL: vmm"; exit 1; }
  rec=$(measure "tg.$what=$n" --record "$dir/t.bin") || { echo "FAIL: vmm --record"; exit 1; }
  size=$(stat -c %s "$dir/t.bin")
  echo "$what: boot alone $base s; $n exits: plain $plain s, recording $rec s" \
    "($(echo "$n / ($plain - $base)" | bc) vs $(echo "$n / ($rec - $base)" | bc) exits/s," \
    "trace $size bytes)"
done
