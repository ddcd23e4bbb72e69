/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the arm64 Image loader (vmm/platform/arm64/image.c): the
 * header's checks and the placement of the kernel, the initrd and the
 * DTB in RAM.
 *
 * Input: u8 RAM (size % 4: 4, 8, 16 or 6 MiB at 0), u8 initrd (pages %
 * 64, 0: none), then the Image.
 *
 * Checks: a refusal is -EINVAL or -ENOSPC with a one-line reason; on
 * success the entry is RAM's base plus a 4 KiB aligned text_offset below
 * 2 MiB, the kernel's bytes are in RAM, the kernel, initrd and DTB's
 * 2 MiB lie in RAM in that order without overlap, the DTB 8-byte aligned,
 * and the initrd holds what was given.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/platform/arm64/image.h"
#include "vmm/platform/arm64/memmap.h"

#define MIB  (1ull << 20)
#define PAGE 4096u

static const uint64_t ram_sizes[4] = {4 * MIB, 8 * MIB, 16 * MIB, 6 * MIB};

static void check_plan(const struct guest_mem *gm, uint64_t ram_size,
		       const uint8_t *img, size_t len, const uint8_t *initrd,
		       size_t initrd_len, const struct arm64_boot_plan *p)
{
	FUZZ_CHECK(p->entry % PAGE == 0 && p->entry < 2 * MIB);
	FUZZ_CHECK(p->kernel_end > p->entry && p->kernel_end - p->entry >= len);
	const void *k = gm_ptr(gm, p->entry, len);
	FUZZ_CHECK(k && memcmp(k, img, len) == 0);
	FUZZ_CHECK(p->fdt_gpa % 8 == 0 && p->fdt_gpa >= p->kernel_end);
	FUZZ_CHECK(p->fdt_gpa + ARM64_FDT_MAX <= ram_size);
	if (!initrd_len) {
		FUZZ_CHECK(p->initrd_gpa == 0 && p->initrd_size == 0);
		return;
	}
	FUZZ_CHECK(p->initrd_size == initrd_len);
	FUZZ_CHECK(p->initrd_gpa >= p->kernel_end);
	FUZZ_CHECK(p->initrd_gpa + initrd_len <= p->fdt_gpa);
	const void *i = gm_ptr(gm, p->initrd_gpa, initrd_len);
	FUZZ_CHECK(i && memcmp(i, initrd, initrd_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	uint64_t ram_size = ram_sizes[fz_u8(&in) % 4];
	size_t initrd_len = (size_t)(fz_u8(&in) % 64) * PAGE;
	const uint8_t *img;
	size_t len = fz_rest(&in, &img);
	const struct guest_mem *gm = fuzz_mem(ram_size, 0);
	uint8_t *initrd = initrd_len ? malloc(initrd_len) : NULL;
	if (initrd_len && !initrd)
		abort();
	for (size_t i = 0; i < initrd_len; i++)
		initrd[i] = (uint8_t)(i * 7 + 1);

	struct arm64_boot_plan p;
	char err[256] = "";
	int r = arm64_image_load(gm, 0, ram_size, img, len, initrd, initrd_len,
				 &p, err, sizeof(err));
	if (r) {
		FUZZ_CHECK(r == -EINVAL || r == -ENOSPC);
		FUZZ_CHECK(err[0] && !strchr(err, '\n'));
	} else {
		check_plan(gm, ram_size, img, len, initrd, initrd_len, &p);
	}
	free(initrd);
	return 0;
}
