/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The arm64 Linux `Image` (Documentation/arch/arm64/booting.rst): its
 * 64-byte header read and checked, the image, the initrd and the DTB's
 * place laid out in guest RAM per the arm64 boot protocol.
 *
 * The image is untrusted input: the header's offsets and sizes are checked
 * with overflow-safe arithmetic against the file and RAM. What vmm cannot
 * boot (no "ARM\x64" magic, a big-endian kernel, a pre-3.17 header with no
 * image size) is refused with -EINVAL and a one-line reason; an image or
 * initrd that does not fit gets -ENOSPC.
 */
#ifndef VMM_PLATFORM_ARM64_IMAGE_H
#define VMM_PLATFORM_ARM64_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"

#define ARM64_IMAGE_HDR_LEN 64u
#define ARM64_IMAGE_MAGIC   0x644d5241u /* "ARM\x64", little-endian */

/* The header's flags. */
#define ARM64_IMAGE_FLAG_BE	    0x1u /* kernel is big-endian */
#define ARM64_IMAGE_FLAG_PAGE_SHIFT 1	 /* bits 1-2: page size */
#define ARM64_IMAGE_FLAG_ANYWHERE   0x8u /* base need not be near RAM's start */

struct arm64_image_hdr {
	uint64_t text_offset; /* from a 2 MiB aligned base */
	uint64_t image_size;  /* bytes the kernel uses, .bss included */
	uint64_t flags;
	unsigned page_kib; /* 4, 16 or 64; 0 when the header does not say */
};

/* Where things went: the kernel's entry (its first byte), its extent, the
 * initrd (0, 0: none) and where the DTB must be written (at most
 * ARM64_FDT_MAX bytes). */
struct arm64_boot_plan {
	uint64_t entry, kernel_end;
	uint64_t initrd_gpa, initrd_size;
	uint64_t fdt_gpa;
};

/* Read and check img's header: 0, or -EINVAL with the reason in err
 * (always NUL-terminated when errlen > 0). */
int arm64_image_parse(const uint8_t *img, size_t len,
		      struct arm64_image_hdr *out, char *err,
		      size_t errlen) VMM_WUR;

/* Parse img, then copy it and the initrd (NULL/0: none) into RAM
 * [ram_base, ram_base + ram_size), which must be 2 MiB aligned and all in
 * gm: the kernel at ram_base + text_offset, the DTB's place in the top
 * 2 MiB below 512 GiB, the initrd under it. Fills *out. 0, -EINVAL,
 * -ENOSPC or -EFAULT, with the reason in err. */
int arm64_image_load(const struct guest_mem *gm, uint64_t ram_base,
		     uint64_t ram_size, const uint8_t *img, size_t len,
		     const uint8_t *initrd, size_t initrd_len,
		     struct arm64_boot_plan *out, char *err,
		     size_t errlen) VMM_WUR;

#endif
