/* SPDX-License-Identifier: Apache-2.0 */
/* Seeds of the aarch64 harnesses: device tree configs (fuzz_arm64_fdt.c)
 * and Image headers (fuzz_arm64_image.c), in the formats they read. */
#include <string.h>

#include "fuzz/seedgen.h"
#include "vmm/platform/arm64/image.h"

/* A config: RAM at 1 GiB, devices one stride apart from SPI 16. */
static void fdt_seed(const char *name, uint8_t ncpus, uint8_t gic,
		     uint32_t ram_mib, uint8_t ndev, uint32_t initrd_size,
		     const char *cmdline)
{
	struct sb s = {0};
	sb_u8(&s, ncpus);
	sb_u8(&s, gic);
	sb_u16(&s, 0); /* the whole buffer */
	sb_u32(&s, 1024);
	sb_u32(&s, ram_mib);
	sb_u64(&s, (1ull << 30) + (64ull << 20));
	sb_u32(&s, initrd_size);
	sb_u8(&s, ndev);
	for (uint8_t i = 0; i < ndev; i++) {
		sb_u32(&s, i * 0x200u);
		sb_u16(&s, 0x200);
		sb_u16(&s, (uint16_t)(16 + i));
	}
	sb_str(&s, cmdline);
	seed("arm64_fdt", name, &s);
}

/* An Image: u8 RAM, u8 initrd pages, a header like Linux's, then code. */
static void image_seed(const char *name, uint8_t ram, uint8_t pages,
		       uint64_t text_offset, uint64_t image_size,
		       uint64_t flags, size_t len)
{
	uint8_t img[4096] = {0};
	if (len > sizeof(img))
		len = sizeof(img);
	memcpy(img, "\x4d\x5a\x00\x91", 4); /* add x13, x18, #0x16 ("MZ") */
	for (int i = 0; i < 8; i++) {
		img[8 + i] = (uint8_t)(text_offset >> (8 * i));
		img[16 + i] = (uint8_t)(image_size >> (8 * i));
		img[24 + i] = (uint8_t)(flags >> (8 * i));
	}
	memcpy(img + 56, "ARM\x64", 4);
	for (size_t i = ARM64_IMAGE_HDR_LEN; i < len; i++)
		img[i] = (uint8_t)i;
	struct sb s = {0};
	sb_u8(&s, ram);
	sb_u8(&s, pages);
	sb_put(&s, img, len);
	seed("arm64_image", name, &s);
}

void seeds_arm64(void)
{
	fdt_seed("v3-2cpu-2dev", 2, 3, 256, 2, 4096, "console=ttyS0");
	fdt_seed("v2-8cpu", 8, 2, 128, 0, 0, "");
	fdt_seed("v3-64cpu-8dev", 64, 3, 1024, 8, 0,
		 "console=ttyS0 earlycon=uart,mmio,0x9000000 panic=-1");
	image_seed("linux61", 0, 2, 0, 0x200000, 0xa, 4096);
	image_seed("text-offset", 2, 0, 0x80000, 0x300000, 0x2, 1024);
	image_seed("64k-pages", 1, 8, 0, 0x100000, 0x6 | 0x8, 512);
	image_seed("initrd-too-big", 0, 63, 0, 0x180000, 0x2, 256);
	image_seed("header-only", 3, 0, 0, 64, 0, 64);
}
