/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/platform/arm64/image.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "vmm/base/errmsg.h"
#include "vmm/platform/arm64/memmap.h"

#define SZ_2M  0x200000ull
#define SZ_64K 0x10000ull
/* The boot protocol's bound for the DTB: inside the first 512 GiB. */
#define FDT_LIMIT (512ull << 30)

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int arm64_image_parse(const uint8_t *img, size_t len,
		      struct arm64_image_hdr *out, char *err, size_t errlen)
{
	if (len < ARM64_IMAGE_HDR_LEN)
		return errmsg(err, errlen, -EINVAL,
			      "%zu bytes: shorter than an arm64 Image header",
			      len);
	if (le32_at(img + 56) != ARM64_IMAGE_MAGIC)
		return errmsg(err, errlen, -EINVAL,
			      "not an arm64 Image (no \"ARM\\x64\" magic at "
			      "byte 56)");
	*out = (struct arm64_image_hdr){.text_offset = le64_at(img + 8),
					.image_size = le64_at(img + 16),
					.flags = le64_at(img + 24)};
	if (out->image_size == 0)
		return errmsg(err, errlen, -EINVAL,
			      "image_size is 0: a header older than Linux "
			      "3.17, which vmm does not boot");
	if (out->flags & ARM64_IMAGE_FLAG_BE)
		return errmsg(err, errlen, -EINVAL,
			      "a big-endian kernel; vmm boots little-endian "
			      "guests only");
	if (out->text_offset % 4096 || out->text_offset >= SZ_2M)
		return errmsg(err, errlen, -EINVAL,
			      "text_offset 0x%" PRIx64
			      " is not a 4 KiB multiple below 2 MiB",
			      out->text_offset);
	if (out->image_size < len)
		return errmsg(err, errlen, -EINVAL,
			      "image_size 0x%" PRIx64
			      " is smaller than the file (%zu bytes)",
			      out->image_size, len);
	static const unsigned page_kib[] = {0, 4, 16, 64};
	out->page_kib =
	    page_kib[(out->flags >> ARM64_IMAGE_FLAG_PAGE_SHIFT) & 3];
	return 0;
}

/* The DTB's and the initrd's places, top-down from the end of RAM (or
 * 512 GiB), above the kernel. */
static int image_place_top(uint64_t ram_end, size_t initrd_len,
			   struct arm64_boot_plan *p, char *err, size_t errlen)
{
	uint64_t top = ram_end < FDT_LIMIT ? ram_end : FDT_LIMIT;
	if (top < p->kernel_end || top - p->kernel_end < ARM64_FDT_MAX)
		return errmsg(err, errlen, -ENOSPC,
			      "no room for the device tree above the kernel "
			      "(it ends at 0x%" PRIx64 ")",
			      p->kernel_end);
	/* RAM's end and 512 GiB are 2 MiB aligned: so is the DTB. */
	p->fdt_gpa = top - ARM64_FDT_MAX;
	if (!initrd_len)
		return 0;
	uint64_t room = p->fdt_gpa - p->kernel_end;
	if (initrd_len > room)
		return errmsg(err, errlen, -ENOSPC,
			      "the initrd (%zu bytes) does not fit between "
			      "the kernel and the device tree (%" PRIu64
			      " bytes)",
			      initrd_len, room);
	/* 64 KiB aligned where that leaves room, for any page size. */
	p->initrd_gpa = (p->fdt_gpa - initrd_len) & ~(SZ_64K - 1);
	if (p->initrd_gpa < p->kernel_end)
		p->initrd_gpa = p->fdt_gpa - initrd_len;
	p->initrd_size = initrd_len;
	return 0;
}

int arm64_image_load(const struct guest_mem *gm, uint64_t ram_base,
		     uint64_t ram_size, const uint8_t *img, size_t len,
		     const uint8_t *initrd, size_t initrd_len,
		     struct arm64_boot_plan *out, char *err, size_t errlen)
{
	struct arm64_image_hdr h;
	int r = arm64_image_parse(img, len, &h, err, errlen);
	if (r)
		return r;
	if (ram_base % SZ_2M || ram_size % SZ_2M || !ram_size ||
	    ram_base + ram_size < ram_base ||
	    !gm_range_ok(gm, ram_base, ram_size))
		return errmsg(err, errlen, -EINVAL,
			      "RAM 0x%" PRIx64 "+0x%" PRIx64
			      " is not 2 MiB aligned guest memory",
			      ram_base, ram_size);
	uint64_t ram_end = ram_base + ram_size;
	*out = (struct arm64_boot_plan){.entry = ram_base + h.text_offset};
	if (h.image_size > ram_end - out->entry)
		return errmsg(err, errlen, -ENOSPC,
			      "the kernel needs 0x%" PRIx64
			      " bytes; RAM has 0x%" PRIx64 " after 0x%" PRIx64,
			      h.image_size, ram_end - out->entry, out->entry);
	out->kernel_end = out->entry + h.image_size;
	r = image_place_top(ram_end, initrd_len, out, err, errlen);
	if (r)
		return r;
	/* What the kernel uses past the file (image_size) is cleared, so that
	 * nothing of an earlier boot stays there. */
	r = gm_write(gm, out->entry, img, len);
	if (!r)
		r = gm_zero(gm, out->entry + len, h.image_size - len);
	if (!r && initrd_len)
		r = gm_write(gm, out->initrd_gpa, initrd, initrd_len);
	if (r)
		return errmsg(err, errlen, r, "copying into guest RAM: %s",
			      strerror(-r));
	return 0;
}
