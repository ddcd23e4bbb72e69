/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Linux "zero page" (struct boot_params, Documentation/arch/x86/
 * zero-page.rst) for the 64-bit boot protocol, shared by the bzImage and
 * the ELF vmlinux loaders.
 */
#ifndef VMM_LOADER_ZEROPAGE_H
#define VMM_LOADER_ZEROPAGE_H

#include <stddef.h>
#include <stdint.h>

#include <asm/bootparam.h>

#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/platform/x86/e820.h"

/* What the loader decided; written into the zero page. */
struct zeropage_info {
	uint64_t cmdline_gpa;
	uint64_t initrd_gpa, initrd_size; /* 0, 0 when there is none */
	const struct e820_map *e820;
	uint64_t rsdp_gpa; /* acpi_rsdp_addr; 0: none (the kernel scans) */
};

/* Fill *hdr with the setup header a bzImage of boot protocol 2.15 would
 * carry, for a kernel that has none (an ELF vmlinux). `cmdline_size` is
 * the longest command line the kernel takes, without the NUL. */
void zeropage_synth_header(struct setup_header *hdr, uint32_t cmdline_size);

/* Build the zero page at LAYOUT_ZERO_PAGE: all zero, then the first
 * min(hdr_len, sizeof(struct setup_header)) bytes of `hdr` (the image's
 * setup header, from offset 0x1f1) as boot_params.hdr, then the fields a
 * boot loader owns: type_of_loader, loadflags, heap_end_ptr, cmd_line_ptr,
 * ramdisk_image/size (with their ext_ high halves), setup_data,
 * hardware_subarch, acpi_rsdp_addr and the e820 table from info->e820.
 * 0, -EINVAL (e820 map too big) or -EFAULT (no RAM for the zero page),
 * with a message in err. */
int zeropage_write(const struct guest_mem *gm, const void *hdr, size_t hdr_len,
		   const struct zeropage_info *info, char *err,
		   size_t errlen) VMM_WUR;

#endif
