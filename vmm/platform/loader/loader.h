/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel loaders: put a kernel image, initrd and command line into guest
 * memory and describe how to enter it.
 *
 * Images are untrusted user input: every length, offset and address read
 * from them is checked, with overflow-safe arithmetic, against the image
 * size and guest RAM. A bad image gets -EINVAL (or -E2BIG/-ENOSPC for one
 * that does not fit) and a one-line reason in `err`; never a crash.
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/platform/x86/e820.h"

enum boot_mode {
	BOOT_MODE_LINUX64 = 1, /* 64-bit Linux boot protocol: rsi = zero page */
	BOOT_MODE_PVH, /* Xen PVH: 32-bit, paging off, ebx = start_info */
};

struct loader_input {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd; /* NULL when there is none */
	size_t initrd_len;
	const char *cmdline; /* final command line, NUL-terminated */
	const struct e820_map *e820;
	uint64_t rsdp_gpa; /* ACPI RSDP for the boot information, 0: none */
};

/* What a loader did, and how the vCPU must enter the kernel. */
struct boot_plan {
	enum boot_mode mode;
	uint64_t entry;	    /* guest-physical entry point */
	uint64_t boot_info; /* zero page (LINUX64) or hvm_start_info (PVH) */
	uint64_t kernel_start, kernel_end; /* loaded image [start, end) */
	uint64_t initrd_gpa, initrd_size;  /* 0, 0 when there is none */
	uint64_t cmdline_gpa;
	/* On failure: the input the error is about, so the caller names the
	 * right option (--kernel, --initrd or --cmdline). */
	enum loader_fault {
		LOADER_FAULT_KERNEL = 0,
		LOADER_FAULT_INITRD,
		LOADER_FAULT_CMDLINE
	} fault;
};

/* Detect the format (ELF64 or bzImage) and load it. 0 or -errno with a
 * message in err (always NUL-terminated when errlen > 0) and out->fault
 * naming the input at fault. */
int loader_load(const struct guest_mem *gm, const struct loader_input *in,
		struct boot_plan *out, char *err, size_t errlen) VMM_WUR;

/* Write the command line at LAYOUT_CMDLINE. `max` is the kernel's limit in
 * bytes including the NUL. 0, -E2BIG (too long) or -EFAULT. */
int loader_put_cmdline(const struct guest_mem *gm, const char *cmdline,
		       uint64_t max, char *err, size_t errlen) VMM_WUR;

/* Place the initrd as high as possible in the RAM region that holds 1 MiB,
 * below `addr_max` (inclusive last byte), page aligned and above
 * `kernel_end`. Sets *gpa. 0, -ENOSPC (does not fit) or -EFAULT. */
int loader_put_initrd(const struct guest_mem *gm, const uint8_t *initrd,
		      size_t len, uint64_t kernel_end, uint64_t addr_max,
		      uint64_t *gpa, char *err, size_t errlen) VMM_WUR;

/* Format-specific entry points, called by loader_load. */
int bzimage_load(const struct guest_mem *gm, const struct loader_input *in,
		 struct boot_plan *out, char *err, size_t errlen) VMM_WUR;
int elf_load(const struct guest_mem *gm, const struct loader_input *in,
	     struct boot_plan *out, char *err, size_t errlen) VMM_WUR;

#endif
