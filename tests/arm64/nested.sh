#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The nested arm64 proof (docs/arm64.md, "The nested proof"): QEMU's
# aarch64 system emulator with the virtualization extensions
# (-M virt,virtualization=on,gic-version=3 -cpu max) boots Debian's own
# arm64 kernel package as the host, which has KVM built in; its
# initramfs holds the aarch64 vmm of BUILD_DIR (ci/cross-aarch64), the
# libraries it links, busybox, the guests, and SCRIPT, which /init runs
# as the host's only job before powering off. What SCRIPT prints comes
# out on this script's stdout (the host's console); /init ends with
# "nested: status N", SCRIPT's exit status.
#
# Usage: tests/arm64/nested.sh BUILD_DIR SCRIPT [FILE...]
#   FILE...: more files for the host, copied to /guest/ by basename.
# Environment: VMM_NESTED_CACHE (default ~/.cache/vmm/arm64-host):
# Debian's kernel and busybox packages, fetched once with apt-get
# download; VMM_NESTED_TIMEOUT (seconds, default 1800): a hang guard.
set -euo pipefail

build=$(cd "$1" && pwd)
script=$2
shift 2
cache=${VMM_NESTED_CACHE:-$HOME/.cache/vmm/arm64-host}
timeout_s=${VMM_NESTED_TIMEOUT:-1800}

for tool in qemu-system-aarch64 cpio aarch64-linux-gnu-readelf; do
	if ! command -v "$tool" >/dev/null; then
		echo "nested: $tool is missing (ci/deps installs it)" >&2
		exit 77
	fi
done

# Debian's arm64 kernel and a static busybox, unpacked once.
mkdir -p "$cache"
fetch() { # package -> unpacked into $cache/$1
	local pkg=$1
	[ -d "$cache/$pkg" ] && return 0
	local tmp
	tmp=$(mktemp -d "$cache/dl.XXXXXX")
	(cd "$tmp" && apt-get download "$pkg:arm64" >/dev/null 2>&1) || {
		echo "nested: apt-get download $pkg:arm64 failed" >&2
		rm -rf "$tmp"
		exit 1
	}
	dpkg-deb -x "$tmp"/*.deb "$tmp/x"
	mv "$tmp/x" "$cache/$pkg"
	rm -rf "$tmp"
}
kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	awk '/Depends: linux-image-/ {sub(":arm64", "", $2); print $2; exit}')
if [ -z "$kpkg" ]; then
	echo "nested: cannot resolve linux-image-arm64:arm64 (is the arm64" \
		"architecture added? ci/deps adds it)" >&2
	exit 1
fi
fetch "$kpkg"
fetch busybox-static
kernel=$(ls "$cache/$kpkg"/boot/vmlinuz-*)

# The host's initramfs.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,guest,lib/aarch64-linux-gnu}
cp "$cache/busybox-static/bin/busybox" "$root/bin/"
cp "$build/vmm" "$root/bin/vmm"
# vmm's libraries, and theirs, from Debian's arm64 multiarch packages.
libdirs=(/lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu)
need=("$root/bin/vmm")
while [ "${#need[@]}" -gt 0 ]; do
	f=${need[0]}
	need=("${need[@]:1}")
	for so in $(aarch64-linux-gnu-readelf -d "$f" |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "$root/lib/aarch64-linux-gnu/$so" ] && continue
		src=""
		for d in "${libdirs[@]}"; do
			[ -e "$d/$so" ] && src="$d/$so" && break
		done
		if [ -z "$src" ]; then
			echo "nested: $so (for $(basename "$f")) not found" >&2
			exit 1
		fi
		cp -L "$src" "$root/lib/aarch64-linux-gnu/$so"
		need+=("$root/lib/aarch64-linux-gnu/$so")
	done
done
ln -s aarch64-linux-gnu/ld-linux-aarch64.so.1 "$root/lib/ld-linux-aarch64.so.1"
for f in "$@"; do cp "$f" "$root/guest/"; done
# The tap driver, for virtio-net's host end (the package builds it as a
# module, uncompressed: busybox's insmod loads it).
mkdir -p "$root/lib/modules"
find "$cache/$kpkg/lib/modules" -name tun.ko -exec cp {} "$root/lib/modules/" \;
cp "$script" "$root/job.sh"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
echo "nested: host $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
dmesg | grep -E 'kvm \[1\]: (VHE|Hyp|nVHE)' | sed 's/^/nested: /'
sh /job.sh
echo "nested: status $?"
poweroff -f
INIT
chmod +x "$root/init" "$root/job.sh"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null) | gzip -1 >"$root.cpio.gz"
trap 'rm -rf "$root" "$root.cpio.gz"' EXIT

timeout --foreground -k 10 "$timeout_s" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version="${VMM_NESTED_GIC:-3}" -cpu max \
	-smp 2 -m 2048 \
	-nographic -no-reboot -kernel "$kernel" -initrd "$root.cpio.gz" \
	-append "console=ttyAMA0 panic=-1 quiet" </dev/null
