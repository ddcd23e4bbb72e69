/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Format detection, and the two pieces both loaders share: the command
 * line at LAYOUT_CMDLINE and the initrd at the top of low RAM.
 */
#include "vmm/base/errmsg.h"
#include "vmm/platform/loader/loader.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <elf.h>

#include "vmm/base/layout.h"

#define LOADER_PAGE 4096ULL

int loader_load(const struct guest_mem *gm, const struct loader_input *in,
		struct boot_plan *out, char *err, size_t errlen)
{
	static const uint8_t hdrs[4] = {'H', 'd', 'r', 'S'};
	const size_t hdrs_off = 0x202;

	if (err && errlen)
		err[0] = '\0';
	out->fault = LOADER_FAULT_KERNEL;
	if (!in->kernel)
		return errmsg(err, errlen, -EINVAL, "no kernel image");
	if (in->kernel_len >= SELFMAG &&
	    memcmp(in->kernel, ELFMAG, SELFMAG) == 0)
		return elf_load(gm, in, out, err, errlen);
	if (in->kernel_len >= hdrs_off + sizeof(hdrs) &&
	    memcmp(in->kernel + hdrs_off, hdrs, sizeof(hdrs)) == 0)
		return bzimage_load(gm, in, out, err, errlen);
	return errmsg(err, errlen, -EINVAL,
		      "not an ELF vmlinux or a bzImage (no ELF magic, no "
		      "HdrS header)");
}

int loader_put_cmdline(const struct guest_mem *gm, const char *cmdline,
		       uint64_t max, char *err, size_t errlen)
{
	const char *s = cmdline ? cmdline : "";
	size_t len = strlen(s);
	uint64_t limit = max < LAYOUT_CMDLINE_MAX ? max : LAYOUT_CMDLINE_MAX;

	/* len + 1 cannot overflow: s is a NUL-terminated host string. */
	if ((uint64_t)len + 1 > limit)
		return errmsg(err, errlen, -E2BIG,
			      "command line is %zu bytes, the limit is "
			      "%llu including the NUL",
			      len, (unsigned long long)limit);
	if (gm_write(gm, LAYOUT_CMDLINE, s, (uint64_t)len + 1))
		return errmsg(err, errlen, -EFAULT,
			      "command line: no guest RAM at 0x%llx",
			      (unsigned long long)LAYOUT_CMDLINE);
	return 0;
}

int loader_put_initrd(const struct guest_mem *gm, const uint8_t *initrd,
		      size_t len, uint64_t kernel_end, uint64_t addr_max,
		      uint64_t *gpa, char *err, size_t errlen)
{
	const struct gm_region *r = NULL;
	uint64_t top, floor, at;

	for (unsigned i = 0; i < gm->nregions && i < GM_MAX_REGIONS; i++) {
		const struct gm_region *c = &gm->regions[i];
		if (c->gpa <= LAYOUT_HIMEM && LAYOUT_HIMEM - c->gpa < c->size)
			r = c;
	}
	if (!r)
		return errmsg(err, errlen, -EFAULT,
			      "initrd: no guest RAM at 1 MiB");

	/* Highest usable byte + 1: the region end (gm_add_ram refused an
	 * overflowing one), or addr_max + 1 computed without overflow. */
	top = r->gpa + r->size;
	if (addr_max < top - 1)
		top = addr_max + 1;
	/* Never below the kernel, and never into the boot structures under
	 * 1 MiB whatever kernel_end says. */
	floor = kernel_end > LAYOUT_HIMEM ? kernel_end : LAYOUT_HIMEM;
	if (__builtin_add_overflow(floor, LOADER_PAGE - 1, &floor))
		return errmsg(err, errlen, -ENOSPC,
			      "initrd: kernel end 0x%llx leaves no room",
			      (unsigned long long)kernel_end);
	floor &= ~(LOADER_PAGE - 1);

	if (top < floor || (uint64_t)len > top - floor)
		goto nospace;
	/* top - len >= floor, and floor is page aligned: so is at. */
	at = (top - (uint64_t)len) & ~(LOADER_PAGE - 1);
	if (gm_write(gm, at, initrd, (uint64_t)len))
		return errmsg(err, errlen, -EFAULT,
			      "initrd: cannot write %zu bytes at 0x%llx", len,
			      (unsigned long long)at);
	*gpa = at;
	return 0;

nospace:
	return errmsg(err, errlen, -ENOSPC,
		      "initrd of %zu bytes does not fit in RAM between "
		      "0x%llx and 0x%llx",
		      len, (unsigned long long)floor,
		      (unsigned long long)(top > floor ? top : floor));
}
