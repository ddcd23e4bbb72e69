#!/usr/bin/env bash
# vmm's aarch64 device trees through dtc (Debian's device-tree-compiler):
#
#   fdt_dtc_test.sh FDT_DUMP EXPECTED_DIR WORKDIR
#
# (with VMM_EMULATOR set, FDT_DUMP runs under it: a cross build's)
# FDT_DUMP (tests/unit/fdt_dump.c) writes each fixed machine's blob. Per
# machine:
#  - `dtc -I dtb -O dts` decompiles it with status 0 and no warning (dtc
#    runs its checks on the tree: unit addresses against reg, phandles,
#    interrupt and clock references, #address-cells and #size-cells);
#  - the tree equals EXPECTED_DIR/<name>.dts node by node: the expected
#    source is compiled (dtc -O dtb), both blobs are decompiled sorted
#    (dtc -I dtb -O dts -s, so that both read alike), and each node's
#    properties are compared; a change prints each node that differs.
set -u
dump=$1 expected=$2 work=$3
if ! command -v dtc >/dev/null; then
  echo "SKIPPED: dtc is missing (Debian package device-tree-compiler; ci/deps installs it)"
  exit 77
fi
echo "dtc: $(dtc --version | head -1)"
mkdir -p "$work" || exit 1
dir=$(mktemp -d "$work/dtc.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
fail=0

# nodes FILE.dts: one line per node, "path: its properties", sorted.
nodes() {
  python3 - "$1" <<'PY'
import sys
path, out = [], {}
for line in open(sys.argv[1]):
    t = line.strip()
    if not t or t.startswith('/dts-v1/'):
        continue
    if t.endswith('{'):
        name = t[:-1].strip()
        path.append('' if name == '/' else name)
        out.setdefault('/'.join(path) or '/', [])
    elif t == '};':
        path.pop()
    else:
        out['/'.join(path) or '/'].append(t)
for k in sorted(out):
    print(k + ': ' + ' '.join(out[k]))
PY
}

names=$(${VMM_EMULATOR:-} "$dump" "$dir") || { echo "FAIL: $dump"; exit 1; }
for m in $names; do
  if ! dtc -I dtb -O dts -o "$dir/$m.dts" "$dir/$m.dtb" 2>"$dir/$m.err" ||
     [ -s "$dir/$m.err" ]; then
    echo "FAIL: $m: dtc -I dtb:"; cat "$dir/$m.err"; fail=1; continue
  fi
  if ! dtc -I dts -O dtb -o "$dir/$m.want.dtb" "$expected/$m.dts" \
       2>"$dir/$m.err" || [ -s "$dir/$m.err" ]; then
    echo "FAIL: $m: dtc cannot compile $expected/$m.dts:"; cat "$dir/$m.err"
    fail=1; continue
  fi
  for side in got want; do
    blob="$dir/$m.dtb"; [ $side = want ] && blob="$dir/$m.want.dtb"
    dtc -q -I dtb -O dts -s -o "$dir/$m.$side.dts" "$blob" &&
      nodes "$dir/$m.$side.dts" >"$dir/$m.$side.nodes" ||
      { echo "FAIL: $m: dtc cannot read $blob"; fail=1; continue 2; }
  done
  if ! diff -U0 "$dir/$m.want.nodes" "$dir/$m.got.nodes" >"$dir/$m.diff"; then
    echo "FAIL: $m: the tree differs from $expected/$m.dts, node by node:"
    grep '^[-+][^-+]' "$dir/$m.diff"; fail=1; continue
  fi
  echo "ok: $m ($(stat -c %s "$dir/$m.dtb") bytes, $(wc -l <"$dir/$m.got.nodes") nodes)"
done
exit $fail
