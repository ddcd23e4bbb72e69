#!/usr/bin/env bash
# vmm's ACPI tables through iasl and acpiexec (Debian's acpica-tools):
#
#   acpi_iasl_test.sh ACPI_DUMP WORKDIR
#
# For several platforms (vCPUs x virtio-mmio devices), ACPI_DUMP
# (tests/unit/acpi_dump.c) writes each table to a file. Then, per table:
#  - `iasl -d` disassembles it with exit status 0 and prints no error or
#    warning;
#  - the disassembly compiles back (iasl; the DSDT with -oa, which keeps
#    the name prefixes we write) with 0 errors and 0 warnings;
#  - the result has the same length and bytes, apart from the checksum
#    (offset 9) and the compiler id and revision (28-35), which iasl sets.
# XSDT, FACP, APIC and DSDT. iasl 20200925 cannot read a lone RSDP from a
# file ("not a valid ACPI table"): test_acpi_tables.c checks the RSDP.
# Then acpiexec (ACPICA's interpreter, the code Linux runs) loads the DSDT,
# FACP and APIC, evaluates \_S5, COM1's, pvpanic's and the devices' _CRS,
# the power button's and pvpanic's _HID, and enters S5, which on a
# hardware-reduced FADT goes through the sleep control register
# (AE_NOT_EXIST without one); no error, warning or AE_ status may appear.
set -u
dump=$1 work=$2
for tool in iasl acpiexec; do
  if ! command -v $tool >/dev/null; then
    echo "SKIPPED: $tool is missing (Debian package acpica-tools; ci/deps installs it)"
    exit 77
  fi
done
echo "iasl: $(iasl -v 2>/dev/null | grep -m1 -o 'version [0-9]*')"
mkdir -p "$work" || exit 1
dir=$(mktemp -d "$work/iasl.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
fail=0

# same_bytes A B: equal apart from the checksum and the compiler fields.
same_bytes() {
  [ "$(stat -c %s "$1")" = "$(stat -c %s "$2")" ] &&
    cmp -s -n 9 "$1" "$2" &&
    cmp -s -i 10 -n 18 "$1" "$2" &&
    cmp -s -i 36 "$1" "$2"
}

for cfg in "1 0" "2 3" "64 17" "254 64"; do
  read -r cpus devs <<<"$cfg"
  set -- "$cpus" "$devs"
  d=$dir/cpus$1-devs$2
  mkdir -p "$d"
  if ! "$dump" "$d" "$1" "$2"; then
    echo "FAIL: acpi_dump $cfg"; fail=1; continue
  fi
  for t in xsdt facp apic dsdt; do
    what="$t ($1 vCPUs, $2 devices)"
    if ! (cd "$d" && iasl -d "$t.dat") >"$d/$t.dis.log" 2>&1; then
      echo "FAIL: iasl -d $what:"; cat "$d/$t.dis.log"; fail=1; continue
    fi
    if grep -Eiq 'error|warning' "$d/$t.dis.log"; then
      echo "FAIL: iasl -d $what reported:"; cat "$d/$t.dis.log"; fail=1
    fi
    opt=()
    [ "$t" = dsdt ] && opt=(-oa)
    if ! (cd "$d" && iasl ${opt[@]+"${opt[@]}"} -p "re_$t" "$t.dsl") \
         >"$d/$t.asl.log" 2>&1 ||
       ! grep -q '0 Errors, 0 Warnings' "$d/$t.asl.log"; then
      echo "FAIL: recompiling $what:"; cat "$d/$t.asl.log"; fail=1; continue
    fi
    if ! same_bytes "$d/$t.dat" "$d/re_$t.aml"; then
      echo "FAIL: $what: iasl's recompiled table differs from vmm's"
      cmp -l "$d/$t.dat" "$d/re_$t.aml" | head -20; fail=1
      continue
    fi
    echo "ok: $what"
  done
  # Every device's _CRS, or (acpiexec takes at most 1023 bytes of
  # commands) the first two, a middle one and the last.
  devs=$(seq 0 $(($2 - 1)))
  [ "$2" -gt 16 ] && devs="0 1 $(($2 / 2)) $(($2 - 1))"
  cmds="evaluate \\_S5; evaluate \\_SB.COM1._CRS; evaluate \\_SB.PWRB._HID"
  cmds+="; evaluate \\_SB.PEVT._HID; evaluate \\_SB.PEVT._CRS"
  want=5
  for i in $devs; do
    cmds+="; evaluate \\_SB.V$(printf %03d "$i")._CRS"
    want=$((want + 1))
  done
  cmds+="; sleep 5"
  what="acpiexec ($1 vCPUs, $2 devices)"
  (cd "$d" && acpiexec -b "$cmds" dsdt.dat facp.dat apic.dat) \
    >"$d/acpiexec.log" 2>&1
  evals=$(grep -c 'returned object' "$d/acpiexec.log")
  if ! grep -q '1 ACPI AML tables successfully acquired and loaded' "$d/acpiexec.log" ||
     ! grep -qF 'Entering sleep state [S5]' "$d/acpiexec.log" ||
     [ "$evals" != "$want" ] ||
     grep -Eq 'Error|Warning|AE_' "$d/acpiexec.log"; then
    echo "FAIL: $what ($evals of $want evaluations returned):"
    cat "$d/acpiexec.log"; fail=1
  else
    echo "ok: $what"
  fi
done
[ "$fail" = 0 ] && echo "PASS: every table disassembles and recompiles to the same bytes, and ACPICA loads and runs the DSDT"
exit $fail
