# SPDX-License-Identifier: Apache-2.0
# Shared by the tests/linux/ scripts (sourced, not run).
#
# Everything they build or download lives in the cache, outside the source
# tree: ${VMM_CACHE:-$HOME/.cache/vmm}/linux/. Each output directory has a
# `stamp` holding the hash of its inputs, so a re-run with the same inputs
# does nothing.

LX_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LX_CACHE=${VMM_CACHE:-${HOME:-/tmp}/.cache/vmm}/linux
# Exit status that CTest reports as SKIPPED.
LX_SKIP=77

lx_log() { echo "$(basename "$0"): $*" >&2; }
lx_die() { lx_log "error: $*"; exit 1; }
lx_skip() { echo "SKIPPED: $*"; exit $LX_SKIP; }

# lx_need_pkgs PKG...: install, with apt-get, the Debian packages that are
# missing (as ci/deps does). Without root or password-less sudo, exits 77
# (SKIPPED) naming them.
lx_need_pkgs() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null ||
      missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"
    else lx_skip "packages missing and cannot install them (not root): ${missing[*]}"
    fi
  fi
  lx_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Waits up to 10 minutes for the dpkg lock (ci/deps or another test).
  local apt=($sudo apt-get -o DPkg::Lock::Timeout=600)
  if ! "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    "${apt[@]}" update -qq &&
      "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      lx_die "apt-get install ${missing[*]} failed"
  fi
}

# lx_lock NAME: hold an exclusive lock on the cache entry NAME until the
# script exits (tests that need the same image may start together).
lx_lock() {
  mkdir -p "$LX_CACHE" || lx_die "cannot create $LX_CACHE"
  exec 9>"$LX_CACHE/.$1.lock"
  if ! flock -n 9; then
    lx_log "waiting for another build of $1"
    flock 9
  fi
}

# lx_hash FILE|STRING...: one sha256 over the contents of the files and
# the literal strings given.
lx_hash() {
  local a
  for a in "$@"; do
    if [ -f "$a" ]; then echo "file $(basename "$a")"; cat "$a"
    else echo "str $a"; fi
  done | sha256sum | cut -c1-16
}

# lx_fresh DIR HASH: true when DIR/stamp says DIR was built from HASH.
lx_fresh() { [ -f "$1/stamp" ] && [ "$(cat "$1/stamp")" = "$2" ]; }

# lx_pkg_version PKG: the installed version of a Debian package.
lx_pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

# lx_netns_up: a network namespace holding tap0 = 192.0.2.1/24 (RFC 5737
# TEST-NET-1; nothing is routed out of the namespace). Sets $LX_NS; on
# failure returns 1 with the reason in $LX_WHY. lx_netns_down deletes it
# (the tap goes with it).
LX_NS=""
lx_netns_up() {
  LX_WHY=""
  if [ "$(id -u)" != 0 ]; then LX_WHY="not root"
  elif [ ! -c /dev/net/tun ]; then LX_WHY="no /dev/net/tun"
  elif ! command -v ip >/dev/null; then LX_WHY="ip(8) is missing"
  fi
  [ -n "$LX_WHY" ] && return 1
  local name=vmmlx$$ err
  if ! err=$(ip netns add "$name" 2>&1); then
    LX_WHY="ip netns add failed: $err"; return 1
  fi
  LX_NS=$name
  if ! err=$( { ip -n "$LX_NS" tuntap add dev tap0 mode tap &&
               ip -n "$LX_NS" addr add 192.0.2.1/24 dev tap0 &&
               ip -n "$LX_NS" link set tap0 up &&
               ip -n "$LX_NS" link set lo up; } 2>&1); then
    LX_WHY="tap0 setup failed: $err"; lx_netns_down; return 1
  fi
}
lx_netns_down() {
  [ -n "$LX_NS" ] && ip netns del "$LX_NS" 2>/dev/null
  LX_NS=""
}

# lx_make_disk PATH MiB: a sparse raw image with an MBR holding one Linux
# partition from sector 2048, so that the kernel's partition scan (a read
# through virtio-blk) prints " vda: vda1".
lx_make_disk() {
  rm -f "$1"
  truncate -s "${2}M" "$1"
  python3 - "$1" "$2" <<'PY'
import struct, sys
path, mib = sys.argv[1], int(sys.argv[2])
sectors = mib * 2048
entry = struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", 0x83, b"\xfe\xff\xff",
                    2048, sectors - 2048)
with open(path, "r+b") as f:
    f.seek(0x1b8); f.write(struct.pack("<I", 0x766d6d31))   # disk id
    f.seek(0x1be); f.write(entry)
    f.seek(0x1fe); f.write(b"\x55\xaa")
PY
}

# lx_image SCRIPT ARGS...: run an image script of this directory and print
# the path it prints last. Exits 77 (SKIPPED) when the script cannot build
# the image here, 1 when it fails or prints nothing.
lx_image() {
  local p rc
  p=$("$LX_HERE/$1" "${@:2}" | tail -1); rc=${PIPESTATUS[0]}
  [ "$rc" = 77 ] && { echo "SKIPPED: $1 cannot build the image here"; exit 77; }
  [ "$rc" = 0 ] && [ -n "$p" ] || { echo "FAIL: $1 $* failed (status $rc)"; exit 1; }
  echo "$p"
}

# lx_fast_params: the fast kernel parameters of ../shared/host-notes.md
# (no console=; without `quiet`, since the tests and bench/run wait for
# KERN_INFO lines such as "Run /init as init process").
lx_fast_params() {
  echo "panic=-1 8250.nr_uarts=1 i8042.noaux i8042.nokbd i8042.nopnp tsc=reliable no_timer_check pty.legacy_count=0"
}

# lx_emulated_params: the kernel parameters for hosts where KVM runs guest
# code emulated (tests/kvm/hostkind.sh says "emulated"; see
# ../shared/host-notes.md and docs/guests.md). Hardware hosts run the
# kernel as it is. vmm completes what that emulator cannot run among
# int3, int n, popcnt, clac/stac, fwait and cmpxchg8b/16b (backends/x86,
# docs/architecture.md), and patches/0002-* finishes the system calls it
# leaves in user mode; these keep the kernel off the rest, although the
# guest sees the CPUID bits (the host's):
#   noxsave               xsave/xrstor (the FPU set-up runs them early;
#                         vmm does not complete them). The kernel reads it
#                         itself and still lists it as "unknown", harmlessly
#   nopv                  vmcall, which loops forever here: KVM's PV IPIs
#                         and sched-yield are hypercalls
# and, because nopv also drops kvmclock and the emulated PIT loop is too
# slow for the kernel to calibrate the TSC against (it then marks the TSC
# unstable and crawls on jiffies):
#   tsc_early_khz=N       the host's TSC frequency (a constant TSC: the
#                         guest's is the host's), from /proc/cpuinfo;
#                         without it the boot stalls after "Marking TSC
#                         unstable" (measured: no /init within 500 s)
lx_emulated_params() {
  local p="noxsave nopv" mhz
  if grep -qw constant_tsc /proc/cpuinfo; then
    mhz=$(awk -F': *' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
    [ -n "$mhz" ] && p+=" tsc_early_khz=$(awk -v m="$mhz" 'BEGIN { printf "%d", m * 1000 }')"
  fi
  echo "$p"
}

# lx_sector_is IMAGE N TEXT: true when sector N of the disk image IMAGE
# starts with TEXT (what /init wrote there, tests/linux/init.sh).
lx_sector_is() {
  python3 - "$1" "$2" "$3" <<'PY2'
import sys
with open(sys.argv[1], "rb") as f:
    f.seek(int(sys.argv[2]) * 512)
    sys.exit(0 if f.read(512).startswith(sys.argv[3].encode()) else 1)
PY2
}
