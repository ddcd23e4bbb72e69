/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The snapshot's state file (docs/snapshot.md is the reference; this
 * header and it must agree). All integers little-endian.
 *
 *   header, 32 bytes:
 *     0  magic "VMMSNAPS"          16  u64 payload length
 *     8  u32 format version (1)    24  u32 CRC-32 (zlib's) of the payload
 *    12  u32 arch (1: x86-64)      28  u32 0
 *   payload, in the state codec (vmm/base/state.h):
 *     section MCFG v1, the machine:
 *       u64 guest RAM MiB, u32 vCPUs, bool ACPI, 12 bytes the host CPU's
 *       vendor (CPUID leaf 0), u64 the memory file's size;
 *       u32 n, n flag device type names (str);
 *       u32 n, n disks: str path, str id, bool read-only, bool O_DIRECT;
 *       u32 n, n nets: str tap, 6 bytes MAC, bool MAC given;
 *       bool vsock, u32 CID, str unix socket path;
 *       where str is u16 length then the bytes (no NUL);
 *     section VMST (vmm/vm/vm_state.h): the vCPUs, the VM, the devices.
 * The memory file is guest RAM, its regions in address order, nothing
 * else.
 *
 * The decoder trusts nothing: sizes, counts, string lengths, every value
 * against the limits the command line has, the CRC before anything is
 * decoded.
 */
#ifndef VMM_VM_SNAP_FILE_H
#define VMM_VM_SNAP_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/base/state.h"
#include "vmm/vm/config.h"

#define SNAP_MAGIC	  "VMMSNAPS" /* 8 bytes, no NUL */
#define SNAP_VERSION	  1
#define SNAP_ARCH_X86_64  1
#define SNAP_HDR_LEN	  32
#define SNAP_MAX_BYTES	  (64u << 20) /* a state file at most */
#define SNAP_VENDOR_LEN	  12
#define SNAP_MCFG_TAG	  "MCFG"
#define SNAP_MCFG_VERSION 1

/* What a state file says besides the VM's state. */
struct snap_machine {
	/* The machine: mem_mib, cpus, acpi, the flag devices (devs), the
	 * disks, nets and vsock with the host paths they had. Nothing else
	 * of it is set. */
	struct vm_config cfg;
	char vendor[SNAP_VENDOR_LEN + 1];
	uint64_t mem_bytes;
};

/* Start a state file in w: the header's room. */
void snap_file_begin(struct st_writer *w);

/* Append the MCFG section for cfg's machine, taken on a host whose CPU
 * vendor is `vendor` (12 bytes), with mem_bytes of RAM. */
void snap_file_put_machine(struct st_writer *w, const struct vm_config *cfg,
			   const char *vendor, uint64_t mem_bytes);

/* After the VMST section: fill the header of buf[0, len) (len is what
 * st_writer_end gave). */
void snap_file_finish(uint8_t *buf, size_t len);

/* Check a state file's header and CRC, decode its MCFG into *m and point
 * *vmst at its VMST section (inside buf). 0, or -EINVAL /
 * -EPROTONOSUPPORT with one line in err saying what is wrong. */
int snap_file_parse(const uint8_t *buf, size_t len, struct snap_machine *m,
		    struct st_reader *vmst, char *err, size_t errlen) VMM_WUR;

#endif
