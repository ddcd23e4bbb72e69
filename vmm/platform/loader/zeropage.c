/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The zero page for the 64-bit boot protocol (Documentation/arch/x86/
 * boot.rst, "64-bit Boot Protocol"): a zeroed struct boot_params holding
 * the kernel's own setup header, with the loader-owned fields filled in.
 * Built in a host buffer and copied into guest memory in one gm_write.
 */
#include "vmm/base/errmsg.h"
#include "vmm/platform/loader/zeropage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/layout.h"

_Static_assert(sizeof(struct boot_params) == 4096, "zero-page.rst");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1f1, "boot.rst");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0,
	       "zero-page.rst");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "zero-page.rst");

#define ZEROPAGE_HDRS		  0x53726448u /* "HdrS" */
#define ZEROPAGE_BOOT_FLAG	  0xaa55u
#define ZEROPAGE_LOADER_UNDEFINED 0xff	  /* type_of_loader: not registered */
#define ZEROPAGE_NORMAL_VGA	  0xffffu /* vid_mode: "normal" */

/*
 * An ELF vmlinux is entered straight at startup_64, past the bzImage's
 * real-mode setup code and decompressor, which are what read most of the
 * setup header. The kernel proper still reads a few fields (type_of_loader:
 * early_reserve_initrd ignores the ramdisk when it is 0; version gates
 * setup_data and the ext_ fields), and /sys/kernel/boot_params exposes the
 * rest, so the header says what a protocol 2.15 bzImage of an x86-64 kernel
 * would: the boot magic, a 64-bit kernel, loaded high at its link address
 * (not relocatable), the x86 COMMAND_LINE_SIZE limit and 16 MiB alignment
 * (CONFIG_PHYSICAL_ALIGN's default, also Firecracker's choice).
 */
void zeropage_synth_header(struct setup_header *hdr, uint32_t cmdline_size)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->boot_flag = ZEROPAGE_BOOT_FLAG;
	hdr->header = ZEROPAGE_HDRS;
	hdr->version = 0x020f;
	hdr->vid_mode = ZEROPAGE_NORMAL_VGA;
	hdr->type_of_loader = ZEROPAGE_LOADER_UNDEFINED;
	hdr->loadflags = LOADED_HIGH;
	hdr->code32_start = LAYOUT_HIMEM;
	hdr->initrd_addr_max = 0x7fffffff;
	hdr->kernel_alignment = 0x1000000;
	hdr->relocatable_kernel = 0;
	hdr->xloadflags = XLF_KERNEL_64;
	hdr->cmdline_size = cmdline_size;
}

int zeropage_write(const struct guest_mem *gm, const void *hdr, size_t hdr_len,
		   const struct zeropage_info *info, char *err, size_t errlen)
{
	struct boot_params bp;
	const struct e820_map *m = info->e820;

	if (!m)
		return errmsg(err, errlen, -EINVAL, "zero page: no e820 map");
	if (m->n > E820_MAX || m->n > E820_MAX_ENTRIES_ZEROPAGE)
		return errmsg(err, errlen, -EINVAL,
			      "zero page: e820 map has %u entries, at "
			      "most %d fit",
			      m->n, E820_MAX);

	memset(&bp, 0, sizeof(bp));
	if (hdr_len > sizeof(bp.hdr))
		hdr_len = sizeof(bp.hdr);
	memcpy(&bp.hdr, hdr, hdr_len);

	bp.hdr.type_of_loader = ZEROPAGE_LOADER_UNDEFINED;
	/*
	 * loadflags: keep LOADED_HIGH (the kernel is at 1 MiB or higher) and
	 * clear everything else. CAN_USE_HEAP and heap_end_ptr describe the
	 * heap of the 16-bit setup code, which the 64-bit entry skips, so
	 * there is no heap to offer. KEEP_SEGMENTS is for the 32-bit entry
	 * only, QUIET_FLAG would silence early messages, and KASLR_FLAG is
	 * set by the decompressor for the kernel proper, never by a loader.
	 */
	bp.hdr.loadflags = LOADED_HIGH;
	bp.hdr.heap_end_ptr = 0;
	/* Loader-owned "write" fields an image could preset: we pass no
	 * setup_data list and the guest is a plain PC. */
	bp.hdr.setup_data = 0;
	bp.hdr.hardware_subarch = X86_SUBARCH_PC;
	bp.hdr.hardware_subarch_data = 0;

	bp.hdr.cmd_line_ptr = (uint32_t)info->cmdline_gpa;
	bp.ext_cmd_line_ptr = (uint32_t)(info->cmdline_gpa >> 32);
	bp.hdr.ramdisk_image = (uint32_t)info->initrd_gpa;
	bp.ext_ramdisk_image = (uint32_t)(info->initrd_gpa >> 32);
	bp.hdr.ramdisk_size = (uint32_t)info->initrd_size;
	bp.ext_ramdisk_size = (uint32_t)(info->initrd_size >> 32);
	/* zero-page.rst: 0x070 acpi_rsdp_addr. (boot.rst: protocol 2.14's
	 * setup-header field for it is burnt; kernels read this one.) */
	bp.acpi_rsdp_addr = info->rsdp_gpa;

	for (unsigned i = 0; i < m->n; i++) {
		bp.e820_table[i] = (struct boot_e820_entry){
		    .addr = m->e[i].addr,
		    .size = m->e[i].size,
		    .type = m->e[i].type,
		};
	}
	bp.e820_entries = (uint8_t)m->n;

	if (gm_write(gm, LAYOUT_ZERO_PAGE, &bp, sizeof(bp)))
		return errmsg(err, errlen, -EFAULT,
			      "zero page: no guest RAM at 0x%llx",
			      (unsigned long long)LAYOUT_ZERO_PAGE);
	return 0;
}
