/* SPDX-License-Identifier: Apache-2.0 */
/* loader.c: format detection, command line and initrd placement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/images.h"
#include "tests/support/test_util.h"
#include "vmm/base/layout.h"
#include "vmm/platform/loader/loader.h"
#include "vmm/platform/x86/e820.h"

#define MIB  (1ULL << 20)
#define PAGE 4096ULL

static void test_detect(void **state)
{
	struct guest_mem gm;
	struct e820_map map;
	struct boot_plan plan;
	struct loader_input in = {.cmdline = "", .e820 = &map};
	char err[160];
	uint8_t junk[4096];
	struct img_bz_opts bo;
	struct img_elf_opts eo;
	size_t len;

	(void)state;
	tu_mem_init(&gm, 32);
	assert_int_equal(e820_build(&gm, &map), 0);

	memset(junk, 0x90, sizeof(junk));
	in.kernel = junk;
	in.kernel_len = sizeof(junk);
	assert_int_equal(loader_load(&gm, &in, &plan, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "not an ELF vmlinux or a bzImage (no ELF "
				 "magic, no HdrS header)");
	in.kernel_len = 0;
	assert_int_equal(loader_load(&gm, &in, &plan, err, sizeof(err)),
			 -EINVAL);
	in.kernel = NULL;
	assert_int_equal(loader_load(&gm, &in, &plan, err, sizeof(err)),
			 -EINVAL);

	/* Each format goes to its own loader, which sets the mode. */
	img_elf_defaults(&eo);
	in.kernel = img_elf(&eo, &len, NULL);
	assert_non_null(in.kernel);
	in.kernel_len = len;
	plan.mode = 0;
	assert_int_equal(loader_load(&gm, &in, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.mode, BOOT_MODE_LINUX64);
	assert_int_equal(plan.entry, eo.entry);
	free((void *)in.kernel);

	img_bz_defaults(&bo);
	in.kernel = img_bzimage(&bo, &len);
	assert_non_null(in.kernel);
	in.kernel_len = len;
	assert_int_equal(loader_load(&gm, &in, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.entry, LAYOUT_HIMEM + 0x200);
	in.e820 = NULL; /* a caller bug, still an error and not a crash */
	assert_int_equal(loader_load(&gm, &in, &plan, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "zero page: no e820 map");
	free((void *)in.kernel);

	eo.pvh = true;
	eo.pvh_entry = LAYOUT_HIMEM;
	in.kernel = img_elf(&eo, &len, NULL);
	assert_non_null(in.kernel);
	in.kernel_len = len;
	assert_int_equal(loader_load(&gm, &in, &plan, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "PVH: no e820 map");
	free((void *)in.kernel);
	gm_destroy(&gm);
}

static void test_put_cmdline(void **state)
{
	struct guest_mem gm;
	char err[160];
	char buf[64];

	(void)state;
	tu_mem_init(&gm, 8);
	assert_int_equal(
	    loader_put_cmdline(&gm, "root=/dev/vda", 14, err, sizeof(err)), 0);
	assert_int_equal(gm_read(&gm, LAYOUT_CMDLINE, buf, 14), 0);
	assert_string_equal(buf, "root=/dev/vda");
	assert_int_equal(
	    loader_put_cmdline(&gm, "root=/dev/vda", 13, err, sizeof(err)),
	    -E2BIG);
	assert_string_equal(err, "command line is 13 bytes, the limit is 13 "
				 "including the NUL");
	assert_int_equal(loader_put_cmdline(&gm, "", 0, err, sizeof(err)),
			 -E2BIG);
	assert_int_equal(loader_put_cmdline(&gm, NULL, 1, err, sizeof(err)), 0);
	assert_int_equal(gm_read(&gm, LAYOUT_CMDLINE, buf, 1), 0);
	assert_int_equal(buf[0], 0);
	gm_destroy(&gm);

	/* No RAM at the command line address. */
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, LAYOUT_HIMEM, MIB, 0), 0);
	assert_int_equal(loader_put_cmdline(&gm, "x", 2, err, sizeof(err)),
			 -EFAULT);
	gm_destroy(&gm);
}

static void test_put_initrd(void **state)
{
	struct guest_mem gm;
	char err[160];
	uint8_t rd[3 * 4096 + 1];
	uint64_t gpa = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(i ^ 0x5a);
	tu_mem_init(&gm, 64);

	/* Highest page-aligned fit below the end of RAM. */
	assert_int_equal(loader_put_initrd(&gm, rd, sizeof(rd), 2 * MIB,
					   UINT64_MAX, &gpa, err, sizeof(err)),
			 0);
	assert_int_equal(gpa, 64 * MIB - 4 * PAGE);
	assert_int_equal(memcmp(gm_ptr(&gm, gpa, sizeof(rd)), rd, sizeof(rd)),
			 0);

	/* addr_max is the last usable byte, inclusive. */
	assert_int_equal(loader_put_initrd(&gm, rd, sizeof(rd), 2 * MIB,
					   32 * MIB + 4 * PAGE - 1, &gpa, err,
					   sizeof(err)),
			 0);
	assert_int_equal(gpa, 32 * MIB);

	/* kernel_end rounds up to a page; exactly enough room fits. */
	assert_int_equal(
	    loader_put_initrd(&gm, rd, sizeof(rd), 32 * MIB - PAGE + 1,
			      32 * MIB + 4 * PAGE - 1, &gpa, err, sizeof(err)),
	    0);
	assert_int_equal(gpa, 32 * MIB);
	gpa = 7;
	assert_int_equal(loader_put_initrd(&gm, rd, sizeof(rd), 32 * MIB + 1,
					   32 * MIB + 4 * PAGE - 1, &gpa, err,
					   sizeof(err)),
			 -ENOSPC);
	assert_int_equal(gpa, 7);

	/* Never below 1 MiB, whatever kernel_end says. */
	assert_int_equal(loader_put_initrd(&gm, rd, sizeof(rd), 0,
					   LAYOUT_HIMEM + 4 * PAGE - 1, &gpa,
					   err, sizeof(err)),
			 0);
	assert_int_equal(gpa, LAYOUT_HIMEM);
	assert_int_equal(loader_put_initrd(&gm, rd, sizeof(rd), 0,
					   LAYOUT_HIMEM + sizeof(rd) - 2, &gpa,
					   err, sizeof(err)),
			 -ENOSPC);

	/* Overflowing kernel_end and sizes are refused, not wrapped. */
	assert_int_equal(loader_put_initrd(&gm, rd, sizeof(rd), UINT64_MAX,
					   UINT64_MAX, &gpa, err, sizeof(err)),
			 -ENOSPC);
	assert_int_equal(loader_put_initrd(&gm, rd, SIZE_MAX, LAYOUT_HIMEM,
					   UINT64_MAX, &gpa, err, sizeof(err)),
			 -ENOSPC);
	gm_destroy(&gm);

	/* Above 3 GiB the initrd still goes in the region holding 1 MiB. */
	tu_mem_init(&gm, 4608);
	assert_int_equal(loader_put_initrd(&gm, rd, sizeof(rd), 2 * MIB,
					   UINT64_MAX, &gpa, err, sizeof(err)),
			 0);
	assert_int_equal(gpa, LAYOUT_MMIO_HOLE - 4 * PAGE);
	gm_destroy(&gm);

	/* No RAM at 1 MiB at all. */
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 0x80000, 0), 0);
	assert_int_equal(loader_put_initrd(&gm, rd, sizeof(rd), 0, UINT64_MAX,
					   &gpa, err, sizeof(err)),
			 -EFAULT);
	gm_destroy(&gm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_put_cmdline),
	    cmocka_unit_test(test_put_initrd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
