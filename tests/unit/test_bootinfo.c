/* SPDX-License-Identifier: Apache-2.0 */
/* What the loaders leave for the kernel: the zero page and hvm_start_info. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <asm/bootparam.h>

#include "tests/support/images.h"
#include "tests/support/test_util.h"
#include "vmm/base/layout.h"
#include "vmm/platform/loader/loader.h"
#include "vmm/platform/loader/pvh.h"
#include "vmm/platform/x86/e820.h"

#define MIB (1ULL << 20)

static const char cmdline[] = "console=ttyS0 root=/dev/vda rw";

struct env {
	struct guest_mem gm;
	struct e820_map map;
	struct loader_input in;
	struct boot_plan plan;
	uint8_t initrd[10000];
	char err[256];
};

static struct env *env_new(uint64_t mib, bool initrd)
{
	struct env *v = calloc(1, sizeof(*v));
	assert_non_null(v);
	tu_mem_init(&v->gm, mib);
	assert_int_equal(e820_build(&v->gm, &v->map), 0);
	for (size_t i = 0; i < sizeof(v->initrd); i++)
		v->initrd[i] = (uint8_t)(i * 31 + 3);
	v->in.e820 = &v->map;
	v->in.cmdline = cmdline;
	if (initrd) {
		v->in.initrd = v->initrd;
		v->in.initrd_len = sizeof(v->initrd);
	}
	/* Stale bytes everywhere the loaders write boot structures. */
	memset(gm_ptr(&v->gm, LAYOUT_PVH_INFO, 0x2000), 0xa5, 0x2000);
	return v;
}

static void env_free(struct env *v)
{
	gm_destroy(&v->gm);
	free((void *)v->in.kernel);
	free(v);
}

/* Load img (built by the caller, which sets len first). */
static void env_load(struct env *v, uint8_t *img, size_t len)
{
	assert_non_null(img);
	free((void *)v->in.kernel);
	v->in.kernel = img;
	v->in.kernel_len = len;
	if (loader_load(&v->gm, &v->in, &v->plan, v->err, sizeof(v->err)))
		fail_msg("load failed: %s", v->err);
}

static void read_zero_page(struct env *v, struct boot_params *bp)
{
	assert_int_equal(v->plan.boot_info, LAYOUT_ZERO_PAGE);
	assert_int_equal(gm_read(&v->gm, LAYOUT_ZERO_PAGE, bp, sizeof(*bp)), 0);
}

/* The zero page's e820 table is the map, entry for entry. */
static void expect_zp_e820(const struct env *v, const struct boot_params *bp)
{
	assert_int_equal(bp->e820_entries, v->map.n);
	for (unsigned i = 0; i < v->map.n; i++) {
		struct boot_e820_entry e = bp->e820_table[i];
		assert_int_equal(e.addr, v->map.e[i].addr);
		assert_int_equal(e.size, v->map.e[i].size);
		assert_int_equal(e.type, v->map.e[i].type);
	}
}

/* Loader-owned fields shared by every LINUX64 boot. */
static void expect_zp_common(const struct env *v, const struct boot_params *bp)
{
	assert_int_equal(bp->hdr.type_of_loader, 0xff);
	assert_int_equal(bp->hdr.loadflags, LOADED_HIGH);
	assert_int_equal(bp->hdr.heap_end_ptr, 0);
	assert_int_equal(bp->hdr.setup_data, 0);
	assert_int_equal(bp->hdr.hardware_subarch, X86_SUBARCH_PC);
	assert_int_equal(bp->hdr.cmd_line_ptr, LAYOUT_CMDLINE);
	assert_int_equal(bp->ext_cmd_line_ptr, 0);
	assert_int_equal(bp->hdr.ramdisk_image | (uint64_t)bp->ext_ramdisk_image
						     << 32,
			 v->plan.initrd_gpa);
	assert_int_equal(bp->hdr.ramdisk_size | (uint64_t)bp->ext_ramdisk_size
						    << 32,
			 v->plan.initrd_size);
	assert_string_equal(
	    gm_ptr(&v->gm, bp->hdr.cmd_line_ptr, sizeof(cmdline)), cmdline);
	if (v->plan.initrd_size)
		assert_int_equal(memcmp(gm_ptr(&v->gm, v->plan.initrd_gpa,
					       v->plan.initrd_size),
					v->initrd, sizeof(v->initrd)),
				 0);
	expect_zp_e820(v, bp);
}

/* Zero every byte a loader may set; the rest of the page must be 0. */
static void expect_rest_zero(struct boot_params bp, size_t hdr_len)
{
	const uint8_t *p = (const uint8_t *)&bp;

	memset((uint8_t *)&bp.hdr, 0, hdr_len);
	memset(bp.e820_table, 0, sizeof(bp.e820_table));
	bp.e820_entries = 0;
	bp.ext_ramdisk_image = bp.ext_ramdisk_size = bp.ext_cmd_line_ptr = 0;
	for (size_t i = 0; i < sizeof(bp); i++)
		if (p[i])
			fail_msg("zero page byte 0x%zx is 0x%02x", i, p[i]);
}

static void test_bzimage_zero_page(void **state)
{
	struct env *v = env_new(128, true);
	struct img_bz_opts o;
	struct setup_header img_hdr;
	struct boot_params bp;
	size_t len;
	uint8_t *img;

	(void)state;
	img_bz_defaults(&o);
	/* Flags the 64-bit entry has no use for must not survive. */
	o.loadflags = LOADED_HIGH | CAN_USE_HEAP | QUIET_FLAG | KEEP_SEGMENTS;
	img = img_bzimage(&o, &len);
	assert_non_null(img);
	memcpy(&img_hdr, img + IMG_BZ_HDR, sizeof(img_hdr));
	img_hdr.heap_end_ptr = 0x9e00;
	img_hdr.setup_data = 0x12345678; /* a hostile pointer */
	img_hdr.hardware_subarch = 2;
	memcpy(img + IMG_BZ_HDR, &img_hdr, sizeof(img_hdr));
	env_load(v, img, len);
	read_zero_page(v, &bp);

	/* The kernel's own header fields are there unchanged. */
	assert_int_equal(bp.hdr.setup_sects, img_hdr.setup_sects);
	assert_int_equal(bp.hdr.syssize, img_hdr.syssize);
	assert_int_equal(bp.hdr.boot_flag, 0xaa55);
	assert_int_equal(bp.hdr.header, img_hdr.header);
	assert_int_equal(bp.hdr.version, o.version);
	assert_int_equal(bp.hdr.kernel_alignment, o.kernel_alignment);
	assert_int_equal(bp.hdr.relocatable_kernel, 1);
	assert_int_equal(bp.hdr.xloadflags, o.xloadflags);
	assert_int_equal(bp.hdr.cmdline_size, o.cmdline_size);
	assert_int_equal(bp.hdr.initrd_addr_max, o.initrd_addr_max);
	assert_int_equal(bp.hdr.pref_address, o.pref_address);
	assert_int_equal(bp.hdr.init_size, o.init_size);
	assert_int_equal(bp.hdr.kernel_info_offset, 0x1234);
	expect_zp_common(v, &bp);
	assert_true(v->plan.initrd_size > 0);
	expect_rest_zero(bp, sizeof(bp.hdr));
	env_free(v);
}

/* Only the header up to 0x202 + byte[0x201] is the kernel's to give. */
static void test_bzimage_header_length(void **state)
{
	struct env *v = env_new(32, false);
	struct img_bz_opts o;
	struct boot_params bp;
	size_t len;
	uint8_t *img;

	(void)state;
	img_bz_defaults(&o);
	o.hdr_len = 0x62; /* ends at 0x264: up to init_size */
	img = img_bzimage(&o, &len);
	env_load(v, img, len);
	read_zero_page(v, &bp);
	assert_int_equal(bp.hdr.init_size, o.init_size);
	assert_int_equal(bp.hdr.handover_offset, 0);
	assert_int_equal(bp.hdr.kernel_info_offset, 0);
	expect_zp_common(v, &bp);
	expect_rest_zero(bp, 0x264 - IMG_BZ_HDR);
	env_free(v);
}

static void test_bzimage_e820_above_4g(void **state)
{
	struct env *v = env_new(4608, true);
	struct img_bz_opts o;
	struct boot_params bp;
	size_t len;
	uint8_t *img;

	(void)state;
	img_bz_defaults(&o);
	img = img_bzimage(&o, &len);
	env_load(v, img, len);
	read_zero_page(v, &bp);
	assert_int_equal(bp.e820_entries, 4);
	assert_int_equal(bp.e820_table[3].addr, LAYOUT_4G);
	assert_int_equal(bp.e820_table[3].size, 4608 * MIB - LAYOUT_MMIO_HOLE);
	assert_int_equal(bp.e820_table[3].type, E820_TYPE_RAM);
	expect_zp_common(v, &bp);
	env_free(v);
}

static void test_elf_zero_page(void **state)
{
	struct env *v = env_new(128, true);
	struct img_elf_opts o;
	struct boot_params bp;
	size_t len;
	uint8_t *img;

	(void)state;
	img_elf_defaults(&o);
	img = img_elf(&o, &len, NULL);
	env_load(v, img, len);
	assert_int_equal(v->plan.mode, BOOT_MODE_LINUX64);
	read_zero_page(v, &bp);
	/* A synthesized header a kernel accepts as a 64-bit bzImage's. */
	assert_int_equal(bp.hdr.boot_flag, 0xaa55);
	assert_int_equal(bp.hdr.header, 0x53726448);
	assert_true(bp.hdr.version >= 0x020c);
	assert_true(bp.hdr.xloadflags & XLF_KERNEL_64);
	assert_int_equal(bp.hdr.cmdline_size, 2047);
	assert_true(bp.hdr.kernel_alignment != 0);
	assert_int_equal(
	    bp.hdr.kernel_alignment & (bp.hdr.kernel_alignment - 1), 0);
	expect_zp_common(v, &bp);
	expect_rest_zero(bp, sizeof(bp.hdr));
	env_free(v);
}

/* Read hvm_start_info and check it and everything it points at. */
static void expect_start_info(struct env *v, struct hvm_start_info *si)
{
	const uint64_t lo = LAYOUT_PVH_INFO, hi = LAYOUT_PVH_INFO_END;
	struct hvm_memmap_table_entry me;
	uint64_t mm_end;

	assert_int_equal(v->plan.mode, BOOT_MODE_PVH);
	assert_int_equal(v->plan.boot_info, LAYOUT_PVH_INFO);
	assert_int_equal(gm_read(&v->gm, LAYOUT_PVH_INFO, si, sizeof(*si)), 0);
	assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->flags, 0);
	assert_int_equal(si->rsdp_paddr, 0);
	assert_int_equal(si->reserved, 0);
	assert_string_equal(gm_ptr(&v->gm, si->cmdline_paddr, sizeof(cmdline)),
			    cmdline);

	if (v->plan.initrd_size) {
		struct hvm_modlist_entry mod;
		assert_int_equal(si->nr_modules, 1);
		assert_true(si->modlist_paddr >= lo + sizeof(*si));
		assert_true(si->modlist_paddr + sizeof(mod) <= hi);
		assert_int_equal(si->modlist_paddr % 8, 0);
		assert_int_equal(
		    gm_read(&v->gm, si->modlist_paddr, &mod, sizeof(mod)), 0);
		assert_int_equal(mod.paddr, v->plan.initrd_gpa);
		assert_int_equal(mod.size, sizeof(v->initrd));
		assert_int_equal(mod.cmdline_paddr, 0);
		assert_int_equal(mod.reserved, 0);
		assert_int_equal(memcmp(gm_ptr(&v->gm, mod.paddr, mod.size),
					v->initrd, sizeof(v->initrd)),
				 0);
	} else {
		assert_int_equal(si->nr_modules, 0);
		assert_int_equal(si->modlist_paddr, 0);
	}

	assert_int_equal(si->memmap_entries, v->map.n);
	mm_end = si->memmap_paddr + si->memmap_entries * sizeof(me);
	assert_true(si->memmap_paddr >= lo + sizeof(*si));
	assert_true(mm_end <= hi);
	assert_int_equal(si->memmap_paddr % 8, 0);
	for (unsigned i = 0; i < v->map.n; i++) {
		assert_int_equal(gm_read(&v->gm,
					 si->memmap_paddr + i * sizeof(me), &me,
					 sizeof(me)),
				 0);
		assert_int_equal(me.addr, v->map.e[i].addr);
		assert_int_equal(me.size, v->map.e[i].size);
		assert_int_equal(me.type, v->map.e[i].type);
		assert_int_equal(me.reserved, 0);
	}
	/* The stale bytes after the last structure are gone. */
	for (uint64_t a = mm_end; a < hi; a++)
		assert_int_equal(*(uint8_t *)gm_ptr(&v->gm, a, 1), 0);
}

static uint8_t *pvh_image(size_t *len)
{
	struct img_elf_opts o;
	img_elf_defaults(&o);
	o.pvh = true;
	o.pvh_entry = LAYOUT_HIMEM + 0x10;
	return img_elf(&o, len, NULL);
}

static void test_pvh_start_info(void **state)
{
	struct env *v = env_new(128, true);
	struct hvm_start_info si;
	size_t len;
	uint8_t *img;

	(void)state;
	img = pvh_image(&len);
	env_load(v, img, len);
	expect_start_info(v, &si);
	/* The module does not overlap the start_info and memmap. */
	assert_true(si.modlist_paddr + sizeof(struct hvm_modlist_entry) <=
			si.memmap_paddr ||
		    si.memmap_paddr + v->map.n * 24 <= si.modlist_paddr);
	env_free(v);
}

static void test_pvh_no_initrd(void **state)
{
	struct env *v = env_new(8, false);
	struct hvm_start_info si;
	size_t len;
	uint8_t *img;

	(void)state;
	img = pvh_image(&len);
	env_load(v, img, len);
	expect_start_info(v, &si);
	env_free(v);
}

static void test_pvh_above_4g(void **state)
{
	struct env *v = env_new(4608, true);
	struct hvm_start_info si;
	struct hvm_memmap_table_entry me;
	size_t len;
	uint8_t *img;

	(void)state;
	img = pvh_image(&len);
	env_load(v, img, len);
	expect_start_info(v, &si);
	assert_int_equal(si.memmap_entries, 4);
	assert_int_equal(
	    gm_read(&v->gm, si.memmap_paddr + 3 * sizeof(me), &me, sizeof(me)),
	    0);
	assert_int_equal(me.addr, LAYOUT_4G);
	assert_int_equal(me.type, XEN_HVM_MEMMAP_TYPE_RAM);
	env_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bzimage_zero_page),
	    cmocka_unit_test(test_bzimage_header_length),
	    cmocka_unit_test(test_bzimage_e820_above_4g),
	    cmocka_unit_test(test_elf_zero_page),
	    cmocka_unit_test(test_pvh_start_info),
	    cmocka_unit_test(test_pvh_no_initrd),
	    cmocka_unit_test(test_pvh_above_4g),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
