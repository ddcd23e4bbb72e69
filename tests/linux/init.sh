#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# /init of the test initramfs (tests/linux/build-initramfs.sh), run by
# busybox sh as PID 1.
#
# With `vmmtest=run` on the kernel command line it checks the virtio
# devices and prints one line per check on the console:
#   VMMTEST <check> ok|fail [detail]
# then `VMMTEST done`, `VMMTEST end poweroff|reboot`, and ends. Without it, it starts a shell on the
# console and powers off when the shell exits.
#
# Command line parameters (all optional):
#   vmmtest=run          run the checks instead of a shell
#   vmmtest.checks=LIST  only these checks, comma-separated, of
#                        cpus,disk,rng,net,console,vsock (default: all
#                        but vsock)
#   vmmtest.cpus=N       the number of CPUs that must be online
#   vmmtest.nonce=WORD   written to the disk and the virtio console, so the
#                        host can find it there
#   vmmtest.net=0        skip the network check (no tap)
#   vmmtest.vsock=P1,P2  the vsock check's ports: it listens on P1 for the
#                        host's connection (and prints
#                        `VMMTEST vsock listening P1`), connects to the
#                        host's P2 with "guest NONCE", and checks both
#                        echoes (default 5000,5001; /bin/vsock-echo)
#   vmmtest.wait=cad     after the checks, print
#                        `VMMTEST waiting for ctrl-alt-del` and wait for it
#                        (the kernel then reboots: init leaves C_A_D on);
#                        after 600 s without it, end as usual
#   vmmtest.wait=input   after the checks, print
#                        `VMMTEST waiting for a line on the console`, read
#                        one line from the console, write
#                        "VMMTEST after LINE NONCE" to sector 10 of
#                        /dev/vda, print `VMMTEST resumed LINE sector 10
#                        written`, and end as usual (a snapshot is taken
#                        while it waits: tests/linux/snapshot_test.py)
#   vmmtest.reboot=once  after the checks, leave a mark in sector 9 of
#                        /dev/vda and reboot; the next boot (vmm --on-reset
#                        restart) finds the mark, prints `VMMTEST rebooted
#                        NONCE` instead of checking again, and ends as usual
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp

param() { # param NAME DEFAULT: value of NAME= on the kernel command line
  v=$2
  for w in $(cat /proc/cmdline); do
    case "$w" in "$1="*) v=${w#*=} ;; esac
  done
  echo "$v"
}
result() { echo "VMMTEST $*"; }

# The stock kernel's virtio drivers are modules: the initramfs lists them
# in load order (dependencies first).
if [ -f /etc/modules.list ]; then
  while read -r m; do
    insmod "/lib/modules/$m" 2>/tmp/insmod.err ||
      echo "init: insmod $m: $(cat /tmp/insmod.err)"
  done </etc/modules.list
fi

# A pause, since devices probe asynchronously after insmod.
wait_for() { # wait_for PATH SECONDS
  i=0
  while [ ! -e "$1" ] && [ "$i" -lt "$(($2 * 10))" ]; do usleep 100000; i=$((i + 1)); done
  [ -e "$1" ]
}

end() { # end [reboot]
  sync
  # With ACPI, poweroff ends vmm (status 0) through the sleep register;
  # on arm64 through PSCI's SYSTEM_OFF, which the device tree offers.
  # Without either the kernel would halt forever: reboot instead (the
  # i8042, or a triple fault; vmm status 3, QEMU -no-reboot exits).
  if [ "${1:-}" != reboot ] && { [ -d /sys/firmware/acpi/tables ] ||
    [ -d /sys/firmware/devicetree/base/psci ]; }; then
    result "end poweroff"; poweroff -f
  else
    result "end reboot"; reboot -f
  fi
  sleep 10
}

if [ "$(param vmmtest none)" != run ]; then
  echo "vmm test guest: $(uname -sr), $(grep -c ^processor /proc/cpuinfo) CPUs."
  echo "A shell on the console; exit to power off."
  setsid cttyhack sh -l
  end
fi

nonce=$(param vmmtest.nonce none)
result "start $(uname -r) nonce $nonce"
checks=",$(param vmmtest.checks cpus,disk,rng,net,console),"
check() { case "$checks" in *",$1,"*) return 0 ;; esac; return 1; }

# vmmtest.reboot=once: is this the boot after the reboot?
reboot=$(param vmmtest.reboot none)
mark="VMMTEST reboot $nonce"
if [ "$reboot" = once ] && wait_for /dev/vda 5 &&
   [ "$(dd if=/dev/vda bs=512 skip=9 count=1 2>/dev/null | head -c ${#mark})" = "$mark" ]; then
  result "rebooted $nonce (sector 9 holds the mark of the boot before)"
  end
fi

# CPUs
if check cpus; then
  want=$(param vmmtest.cpus 1)
  have=$(grep -c ^processor /proc/cpuinfo)
  if [ "$have" = "$want" ]; then result "cpus ok $have"; else result "cpus fail $have online, want $want"; fi
fi

# virtio-blk: write sector 8 (past any partition table), drop the page
# cache, read it back. The host checks the image afterwards.
if ! check disk; then :
elif wait_for /dev/vda 5; then
  pat="VMMTEST disk $nonce"
  printf '%-512s' "$pat" >/tmp/sector
  if dd if=/tmp/sector of=/dev/vda bs=512 seek=8 count=1 conv=fsync 2>/tmp/dd.err &&
     blockdev --flushbufs /dev/vda &&
     dd if=/dev/vda of=/tmp/back bs=512 skip=8 count=1 2>>/tmp/dd.err &&
     cmp -s /tmp/sector /tmp/back; then
    result "disk ok /dev/vda $(blockdev --getsz /dev/vda) sectors"
  else
    result "disk fail $(tr '\n' ' ' </tmp/dd.err)"
  fi
else
  result "disk fail no /dev/vda"
fi

# virtio-rng
if ! check rng; then :
elif wait_for /dev/hwrng 5 &&
   n=$(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | wc -c) && [ "$n" = 32 ]; then
  result "rng ok $(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"
else
  result "rng fail"
fi

# virtio-net: eth0 up as 192.0.2.2, ping the host end of the tap
# (192.0.2.1, in the test's network namespace).
if ! check net; then :
elif [ "$(param vmmtest.net 1)" = 0 ]; then
  result "net skipped (vmmtest.net=0)"
elif wait_for /sys/class/net/eth0 5 &&
     ip link set lo up && ip link set eth0 up &&
     ip addr add 192.0.2.2/24 dev eth0; then
  ok=0
  for _ in 1 2 3 4 5; do
    if ping -c 1 -W 2 192.0.2.1 >/tmp/ping.out 2>&1; then ok=1; break; fi
  done
  if [ "$ok" = 1 ]; then result "net ok $(grep -o 'time=.*' /tmp/ping.out)"
  else result "net fail $(tr '\n' ' ' </tmp/ping.out)"; fi
else
  result "net fail no eth0"
fi

# virtio-console: the host finds this line on the console's output.
if ! check console; then :
elif wait_for /dev/hvc0 5 && echo "VMMTEST hvc0 $nonce" >/dev/hvc0; then
  result "console ok /dev/hvc0 written"
else
  result "console fail no /dev/hvc0"
fi

# virtio-vsock, both ways (the host's echo service and connection:
# tests/linux/vsock_peer.py). vsock-echo prints its own VMMTEST lines.
if check vsock; then
  ports=$(param vmmtest.vsock 5000,5001)
  if wait_for /dev/vsock 5; then
    vsock-echo serve "${ports%,*}" &
    server=$!
    vsock-echo call "${ports#*,}" "guest $nonce"
    wait "$server" || result "vsock host-to-guest fail status $?"
  else
    result "vsock fail no /dev/vsock"
  fi
fi

result "done"
if [ "$(param vmmtest.wait none)" = cad ]; then
  result "waiting for ctrl-alt-del"
  sleep 600
fi
if [ "$(param vmmtest.wait none)" = input ]; then
  # A snapshot is taken while it waits; the restored VM gets the line.
  result "waiting for a line on the console"
  read -r line
  printf '%-512s' "VMMTEST after $line $nonce" >/tmp/after
  if dd if=/tmp/after of=/dev/vda bs=512 seek=10 count=1 conv=fsync 2>/dev/null; then
    result "resumed $line sector 10 written"
  else
    result "resumed fail cannot write sector 10"
  fi
fi
if [ "$reboot" = once ]; then
  printf '%-512s' "$mark" >/tmp/mark
  if dd if=/tmp/mark of=/dev/vda bs=512 seek=9 count=1 conv=fsync 2>/dev/null; then
    end reboot
  fi
  result "reboot fail cannot write the mark to /dev/vda"
fi
end
