/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bzImage loader: the Linux/x86 boot protocol (Documentation/arch/x86/
 * boot.rst), 64-bit entry. The image is a real-mode setup part of
 * (setup_sects + 1) * 512 bytes whose setup header starts at 0x1f1,
 * followed by the protected-mode part, which loads at 1 MiB and is
 * entered at its offset 0x200 in long mode with %rsi = zero page.
 */
#include "vmm/base/errmsg.h"
#include "vmm/platform/loader/loader.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <asm/bootparam.h>

#include "vmm/base/layout.h"
#include "vmm/platform/loader/zeropage.h"

#define BZ_HDR_OFF	       0x1f1u /* setup header, in image and zero page */
#define BZ_JUMP_LEN_OFF	       0x201  /* header ends at 0x202 + this byte */
#define BZ_SECTOR	       512u
#define BZ_DEFAULT_SETUP_SECTS 4u	   /* setup_sects 0 means 4 */
#define BZ_HDRS		       0x53726448u /* "HdrS" */
#define BZ_BOOT_FLAG	       0xaa55u
#define BZ_ENTRY64	       0x200u /* 64-bit entry, from the pm part start */

/* Image offset just past a setup_header field. */
#define BZ_FIELD_END(f)                                                        \
	(BZ_HDR_OFF + offsetof(struct setup_header, f) +                       \
	 sizeof(((struct setup_header *)0)->f))

/* End of the RAM region holding 1 MiB, or 0 (for messages only). */
static uint64_t bzimage_low_end(const struct guest_mem *gm)
{
	for (unsigned i = 0; i < gm->nregions && i < GM_MAX_REGIONS; i++) {
		const struct gm_region *r = &gm->regions[i];
		if (r->gpa <= LAYOUT_HIMEM && LAYOUT_HIMEM - r->gpa < r->size)
			return r->gpa + r->size;
	}
	return 0;
}

/*
 * End of the memory the kernel uses from 1 MiB while it boots: the loaded
 * protected-mode part, and (protocol 2.10+) the init_size bytes the
 * decompressor works in. arch/x86/boot/compressed/head_64.S puts that
 * buffer at LOAD_PHYSICAL_ADDR (pref_address) for a fixed kernel, and at
 * max(load address aligned up to kernel_alignment, pref_address) for a
 * relocatable one. False if the sum overflows.
 */
static bool bzimage_footprint(const struct setup_header *h, uint64_t pm_len,
			      uint64_t *end)
{
	uint64_t base = LAYOUT_HIMEM, need, aligned;

	if (__builtin_add_overflow(LAYOUT_HIMEM, pm_len, end))
		return false;
	if (h->version < 0x020a || h->init_size == 0)
		return true;
	if (h->pref_address > base)
		base = h->pref_address;
	if (h->relocatable_kernel && h->kernel_alignment &&
	    !(h->kernel_alignment & (h->kernel_alignment - 1))) {
		aligned = (LAYOUT_HIMEM + h->kernel_alignment - 1) &
			  ~((uint64_t)h->kernel_alignment - 1);
		if (aligned > base)
			base = aligned;
	}
	if (__builtin_add_overflow(base, (uint64_t)h->init_size, &need))
		return false;
	if (need > *end)
		*end = need;
	return true;
}

int bzimage_load(const struct guest_mem *gm, const struct loader_input *in,
		 struct boot_plan *out, char *err, size_t errlen)
{
	const uint8_t *img = in->kernel;
	size_t len = in->kernel_len;
	struct setup_header h;
	size_t hdr_end, need, setup_len, pm_len;
	unsigned sects;
	uint64_t kend, initrd_gpa = 0, initrd_size = 0;
	int rc;

	if (!img || len < BZ_HDR_OFF + sizeof(h))
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: %zu-byte image is too short for "
			      "the setup header (needs %zu bytes)",
			      img ? len : 0, BZ_HDR_OFF + sizeof(h));
	memcpy(&h, img + BZ_HDR_OFF, sizeof(h));

	if (h.boot_flag != BZ_BOOT_FLAG)
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: boot_flag is 0x%04x, not 0xaa55",
			      h.boot_flag);
	if (h.header != BZ_HDRS)
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: header magic is 0x%08x, not "
			      "\"HdrS\"",
			      h.header);
	if (h.version < 0x0206)
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: boot protocol %u.%02u is older "
			      "than the 2.06 vmm needs",
			      h.version >> 8, h.version & 0xff);

	/* The header's own idea of its end must cover every field the
	 * version promises and we read (cmdline_size in 2.06, init_size and
	 * pref_address in 2.10). */
	hdr_end = 0x202u + img[BZ_JUMP_LEN_OFF];
	need = h.version >= 0x020a ? BZ_FIELD_END(init_size)
				   : BZ_FIELD_END(cmdline_size);
	if (hdr_end < need)
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: setup header ends at 0x%zx, "
			      "before the end (0x%zx) of the protocol "
			      "%u.%02u fields",
			      hdr_end, need, h.version >> 8, h.version & 0xff);

	sects = h.setup_sects ? h.setup_sects : BZ_DEFAULT_SETUP_SECTS;
	setup_len = ((size_t)sects + 1) * BZ_SECTOR; /* <= 256 * 512 */
	if (setup_len >= len)
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: setup_sects %u points past the "
			      "end of the %zu-byte image",
			      h.setup_sects, len);
	pm_len = len - setup_len;
	/* syssize counts 16-byte paragraphs, the last one possibly partial
	 * (arch/x86/boot/tools/build.c rounds up): a shorter protected-mode
	 * part is a truncated file. */
	if ((uint64_t)h.syssize * 16 > (uint64_t)pm_len + 15)
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: syssize 0x%x says the "
			      "protected-mode part is %llu bytes, the "
			      "image has %zu (truncated?)",
			      h.syssize, (unsigned long long)h.syssize * 16,
			      pm_len);
	if (pm_len <= BZ_ENTRY64)
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: %zu-byte protected-mode part has "
			      "no 64-bit entry at offset 0x%x",
			      pm_len, BZ_ENTRY64);
	if (!(h.loadflags & LOADED_HIGH))
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: loadflags 0x%02x lack LOADED_HIGH "
			      "(a zImage, not a bzImage)",
			      h.loadflags);
	if (h.version >= 0x020c && !(h.xloadflags & XLF_KERNEL_64))
		return errmsg(err, errlen, -EINVAL,
			      "bzImage: xloadflags 0x%04x lack "
			      "XLF_KERNEL_64 (no 64-bit entry point)",
			      h.xloadflags);

	if (!bzimage_footprint(&h, pm_len, &kend) ||
	    !gm_range_ok(gm, LAYOUT_HIMEM, kend - LAYOUT_HIMEM))
		return errmsg(err, errlen, -ENOSPC,
			      "bzImage: kernel (%zu bytes, init_size "
			      "0x%x) does not fit in guest RAM from 1 MiB "
			      "to 0x%llx",
			      pm_len, h.version >= 0x020a ? h.init_size : 0,
			      (unsigned long long)bzimage_low_end(gm));

	/* cmdline_size is the limit without the terminating NUL. */
	rc = loader_put_cmdline(gm, in->cmdline, (uint64_t)h.cmdline_size + 1,
				err, errlen);
	if (rc) {
		out->fault = LOADER_FAULT_CMDLINE;
		return rc;
	}
	if (gm_write(gm, LAYOUT_HIMEM, img + setup_len, pm_len))
		return errmsg(err, errlen, -EFAULT,
			      "bzImage: cannot write the kernel at 1 MiB");
	if (in->initrd && in->initrd_len) {
		rc = loader_put_initrd(gm, in->initrd, in->initrd_len, kend,
				       h.initrd_addr_max, &initrd_gpa, err,
				       errlen);
		if (rc) {
			out->fault = LOADER_FAULT_INITRD;
			return rc;
		}
		initrd_size = in->initrd_len;
	}

	const struct zeropage_info zi = {
	    .cmdline_gpa = LAYOUT_CMDLINE,
	    .initrd_gpa = initrd_gpa,
	    .initrd_size = initrd_size,
	    .e820 = in->e820,
	    .rsdp_gpa = in->rsdp_gpa,
	};
	rc = zeropage_write(gm, img + BZ_HDR_OFF, hdr_end - BZ_HDR_OFF, &zi,
			    err, errlen);
	if (rc)
		return rc;

	*out = (struct boot_plan){
	    .mode = BOOT_MODE_LINUX64,
	    .entry = LAYOUT_HIMEM + BZ_ENTRY64,
	    .boot_info = LAYOUT_ZERO_PAGE,
	    .kernel_start = LAYOUT_HIMEM,
	    .kernel_end = LAYOUT_HIMEM + pm_len,
	    .initrd_gpa = initrd_gpa,
	    .initrd_size = initrd_size,
	    .cmdline_gpa = LAYOUT_CMDLINE,
	};
	return 0;
}
