/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ACPI RSDP address reaches the kernel through each boot path:
 * boot_params.acpi_rsdp_addr (zero page offset 0x70) for a bzImage and a
 * non-PVH ELF, hvm_start_info.rsdp_paddr for PVH; 0 when there is none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include <asm/bootparam.h>

#include "tests/support/images.h"
#include "tests/support/test_util.h"
#include "vmm/base/layout.h"
#include "vmm/platform/loader/loader.h"
#include "vmm/platform/loader/pvh.h"
#include "vmm/platform/x86/e820.h"

_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x70,
	       "zero-page.rst");

#define RSDP 0xe0000ULL

/* Load img with rsdp and return the address the kernel would read. */
static uint64_t load_rsdp(uint8_t *img, size_t len, uint64_t rsdp,
			  enum boot_mode want)
{
	struct guest_mem gm;
	struct e820_map m;
	struct boot_plan plan;
	char err[256];
	uint64_t got;

	assert_non_null(img);
	tu_mem_init(&gm, 64);
	assert_int_equal(e820_build(&gm, &m), 0);
	struct loader_input in = {.kernel = img,
				  .kernel_len = len,
				  .cmdline = "console=ttyS0",
				  .e820 = &m,
				  .rsdp_gpa = rsdp};
	assert_int_equal(loader_load(&gm, &in, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.mode, want);
	if (want == BOOT_MODE_PVH)
		assert_int_equal(
		    gm_read(&gm,
			    LAYOUT_PVH_INFO +
				offsetof(struct hvm_start_info, rsdp_paddr),
			    &got, sizeof(got)),
		    0);
	else
		assert_int_equal(
		    gm_read(&gm,
			    LAYOUT_ZERO_PAGE +
				offsetof(struct boot_params, acpi_rsdp_addr),
			    &got, sizeof(got)),
		    0);
	gm_destroy(&gm);
	return got;
}

static void test_bzimage(void **state)
{
	struct img_bz_opts o;
	size_t len;
	(void)state;
	img_bz_defaults(&o);
	uint8_t *img = img_bzimage(&o, &len);
	assert_int_equal(load_rsdp(img, len, RSDP, BOOT_MODE_LINUX64), RSDP);
	assert_int_equal(load_rsdp(img, len, 0, BOOT_MODE_LINUX64), 0);
	free(img);
}

static void test_elf(void **state)
{
	struct img_elf_opts o;
	size_t len;
	(void)state;
	img_elf_defaults(&o);
	uint8_t *img = img_elf(&o, &len, NULL);
	assert_int_equal(load_rsdp(img, len, RSDP, BOOT_MODE_LINUX64), RSDP);
	assert_int_equal(load_rsdp(img, len, 0, BOOT_MODE_LINUX64), 0);
	free(img);
}

static void test_pvh(void **state)
{
	struct img_elf_opts o;
	size_t len;
	(void)state;
	img_elf_defaults(&o);
	o.pvh = true;
	o.pvh_entry = o.entry;
	o.pvh_desc = 4;
	uint8_t *img = img_elf(&o, &len, NULL);
	assert_int_equal(load_rsdp(img, len, RSDP, BOOT_MODE_PVH), RSDP);
	assert_int_equal(load_rsdp(img, len, 0, BOOT_MODE_PVH), 0);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bzimage),
	    cmocka_unit_test(test_elf),
	    cmocka_unit_test(test_pvh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
