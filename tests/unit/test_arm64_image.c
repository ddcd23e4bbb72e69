/* SPDX-License-Identifier: Apache-2.0 */
/* arm64_image_parse and arm64_image_load: header checks, placement of the
 * kernel, initrd and DTB, and every refusal. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/base/gmem.h"
#include "vmm/platform/arm64/image.h"
#include "vmm/platform/arm64/memmap.h"

#define MIB	 (1ull << 20)
#define RAM_SIZE (64 * MIB)

static uint8_t img[8192];
static uint8_t initrd[3000];
static char err[256];

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A header like Linux 6.1's: text_offset 0, flags LE | 4K | anywhere. */
static void make(uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	memset(img, 0x5a, sizeof(img));
	memset(img, 0, ARM64_IMAGE_HDR_LEN);
	put64(img + 8, text_offset);
	put64(img + 16, image_size);
	put64(img + 24, flags);
	img[56] = 'A', img[57] = 'R', img[58] = 'M', img[59] = 0x64;
}

static void parse_refused(size_t len, const char *word)
{
	struct arm64_image_hdr h;
	err[0] = '\0';
	assert_int_equal(arm64_image_parse(img, len, &h, err, sizeof(err)),
			 -EINVAL);
	if (!strstr(err, word))
		fail_msg("reason \"%s\" does not say \"%s\"", err, word);
}

static void test_parse(void **state)
{
	(void)state;
	struct arm64_image_hdr h;
	make(0, 3 * MIB, 0xa);
	assert_int_equal(
	    arm64_image_parse(img, sizeof(img), &h, err, sizeof(err)), 0);
	assert_int_equal(h.text_offset, 0);
	assert_int_equal(h.image_size, 3 * MIB);
	assert_int_equal(h.page_kib, 4);
	assert_int_equal(h.flags & ARM64_IMAGE_FLAG_ANYWHERE,
			 ARM64_IMAGE_FLAG_ANYWHERE);
	make(0x80000, 3 * MIB, 3 << 1);
	assert_int_equal(
	    arm64_image_parse(img, sizeof(img), &h, err, sizeof(err)), 0);
	assert_int_equal(h.text_offset, 0x80000);
	assert_int_equal(h.page_kib, 64);

	parse_refused(ARM64_IMAGE_HDR_LEN - 1, "shorter");
	make(0, 3 * MIB, 0);
	img[59] = 0x65;
	parse_refused(sizeof(img), "magic");
	make(0, 0, 0);
	parse_refused(sizeof(img), "3.17");
	make(0, 3 * MIB, ARM64_IMAGE_FLAG_BE);
	parse_refused(sizeof(img), "big-endian");
	make(0x100, 3 * MIB, 0);
	parse_refused(sizeof(img), "text_offset");
	make(2 * MIB, 3 * MIB, 0);
	parse_refused(sizeof(img), "text_offset");
	make(0, sizeof(img) - 1, 0);
	parse_refused(sizeof(img), "smaller than the file");
}

static int setup(void **state)
{
	struct guest_mem *gm = test_malloc(sizeof(*gm));
	gm_init(gm);
	assert_int_equal(gm_add_ram(gm, ARM64_RAM_BASE, RAM_SIZE, 0), 0);
	*state = gm;
	return 0;
}

static int teardown(void **state)
{
	gm_destroy(*state);
	test_free(*state);
	return 0;
}

static void test_load(void **state)
{
	const struct guest_mem *gm = *state;
	struct arm64_boot_plan p;
	memset(initrd, 0x77, sizeof(initrd));
	make(0x80000, 2 * MIB, 0);
	/* something of an earlier boot where the kernel's .bss goes */
	memset(gm_ptr(gm, ARM64_RAM_BASE + 0x80000 + sizeof(img), 64), 0xee,
	       64);
	assert_int_equal(arm64_image_load(gm, ARM64_RAM_BASE, RAM_SIZE, img,
					  sizeof(img), initrd, sizeof(initrd),
					  &p, err, sizeof(err)),
			 0);
	assert_int_equal(p.entry, ARM64_RAM_BASE + 0x80000);
	assert_int_equal(p.kernel_end, p.entry + 2 * MIB);
	assert_memory_equal(gm_ptr(gm, p.entry, sizeof(img)), img, sizeof(img));
	static const uint8_t zero[64];
	assert_memory_equal(gm_ptr(gm, p.entry + sizeof(img), 64), zero, 64);
	/* the DTB in the top 2 MiB, the initrd 64 KiB aligned under it */
	assert_int_equal(p.fdt_gpa, ARM64_RAM_BASE + RAM_SIZE - ARM64_FDT_MAX);
	assert_int_equal(p.fdt_gpa % 8, 0);
	assert_int_equal(p.initrd_size, sizeof(initrd));
	assert_int_equal(p.initrd_gpa % 0x10000, 0);
	assert_true(p.initrd_gpa >= p.kernel_end);
	assert_true(p.initrd_gpa + sizeof(initrd) <= p.fdt_gpa);
	assert_memory_equal(gm_ptr(gm, p.initrd_gpa, sizeof(initrd)), initrd,
			    sizeof(initrd));
	/* no initrd */
	assert_int_equal(arm64_image_load(gm, ARM64_RAM_BASE, RAM_SIZE, img,
					  sizeof(img), NULL, 0, &p, err,
					  sizeof(err)),
			 0);
	assert_int_equal(p.initrd_gpa, 0);
	assert_int_equal(p.initrd_size, 0);
}

static void load_refused(const struct guest_mem *gm, uint64_t base,
			 uint64_t size, size_t initrd_len, int rc,
			 const char *word)
{
	struct arm64_boot_plan p;
	err[0] = '\0';
	assert_int_equal(arm64_image_load(gm, base, size, img, sizeof(img),
					  initrd, initrd_len, &p, err,
					  sizeof(err)),
			 rc);
	if (!strstr(err, word))
		fail_msg("reason \"%s\" does not say \"%s\"", err, word);
}

static void test_load_refusals(void **state)
{
	const struct guest_mem *gm = *state;
	make(0, 2 * MIB, 0);
	load_refused(gm, ARM64_RAM_BASE + 0x1000, 2 * MIB, 0, -EINVAL,
		     "2 MiB aligned");
	load_refused(gm, ARM64_RAM_BASE, RAM_SIZE + 2 * MIB, 0, -EINVAL,
		     "2 MiB aligned");
	load_refused(gm, ARM64_RAM_BASE, 0, 0, -EINVAL, "2 MiB aligned");
	/* the kernel fills RAM: no room for the DTB */
	make(0, RAM_SIZE, 0);
	load_refused(gm, ARM64_RAM_BASE, RAM_SIZE, 0, -ENOSPC, "device tree");
	make(0, RAM_SIZE + 1, 0);
	load_refused(gm, ARM64_RAM_BASE, RAM_SIZE, 0, -ENOSPC,
		     "the kernel needs");
	make(0x1000, UINT64_MAX, 0);
	load_refused(gm, ARM64_RAM_BASE, RAM_SIZE, 0, -ENOSPC,
		     "the kernel needs");
	/* the initrd does not fit between the kernel and the DTB */
	make(0, RAM_SIZE - ARM64_FDT_MAX - 1000, 0);
	load_refused(gm, ARM64_RAM_BASE, RAM_SIZE, sizeof(initrd), -ENOSPC,
		     "initrd");
	/* just fits: unaligned, right under the DTB */
	make(0, RAM_SIZE - ARM64_FDT_MAX - sizeof(initrd), 0);
	struct arm64_boot_plan p;
	assert_int_equal(arm64_image_load(gm, ARM64_RAM_BASE, RAM_SIZE, img,
					  sizeof(img), initrd, sizeof(initrd),
					  &p, err, sizeof(err)),
			 0);
	assert_int_equal(p.initrd_gpa, p.kernel_end);
	assert_int_equal(p.initrd_gpa + sizeof(initrd), p.fdt_gpa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test_setup_teardown(test_load, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_refusals, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
