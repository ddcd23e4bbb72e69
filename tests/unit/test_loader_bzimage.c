/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/bootparam.h>

#include "tests/support/images.h"
#include "tests/support/test_util.h"
#include "vmm/base/layout.h"
#include "vmm/platform/loader/loader.h"
#include "vmm/platform/x86/e820.h"

#define MIB  (1ULL << 20)
#define PAGE 4096ULL

struct env {
	struct guest_mem gm;
	struct e820_map map;
	struct loader_input in;
	struct boot_plan plan;
	char err[256];
};

static struct env *env_new(uint64_t mib)
{
	struct env *v = calloc(1, sizeof(*v));
	assert_non_null(v);
	tu_mem_init(&v->gm, mib);
	assert_int_equal(e820_build(&v->gm, &v->map), 0);
	v->in.e820 = &v->map;
	v->in.cmdline = "console=ttyS0 panic=-1";
	return v;
}

static void env_free(struct env *v)
{
	gm_destroy(&v->gm);
	free((void *)v->in.kernel);
	free(v);
}

/* Point the input at a new image built from o (the env owns it). */
static uint8_t *env_image(struct env *v, const struct img_bz_opts *o)
{
	size_t len;
	uint8_t *img = img_bzimage(o, &len);
	assert_non_null(img);
	free((void *)v->in.kernel);
	v->in.kernel = img;
	v->in.kernel_len = len;
	return img;
}

static int env_load(struct env *v)
{
	memset(v->err, 'x', sizeof(v->err));
	int rc = loader_load(&v->gm, &v->in, &v->plan, v->err, sizeof(v->err));
	/* The message is always terminated; empty exactly on success. */
	assert_non_null(memchr(v->err, '\0', sizeof(v->err)));
	if (rc == 0)
		assert_string_equal(v->err, "");
	else
		assert_true(strlen(v->err) > 0);
	return rc;
}

static void expect_fail(struct env *v, int rc, const char *needle)
{
	assert_int_equal(env_load(v), rc);
	if (!strstr(v->err, needle))
		fail_msg("error \"%s\" lacks \"%s\"", v->err, needle);
}

/* The protected-mode part is at 1 MiB, byte for byte. */
static void expect_kernel(struct env *v, size_t payload_len)
{
	const uint8_t *k = gm_ptr(&v->gm, LAYOUT_HIMEM, payload_len);
	assert_non_null(k);
	for (size_t i = 0; i < payload_len; i++)
		if (k[i] != img_pattern(i))
			fail_msg("kernel byte %zu differs", i);
}

static void test_valid_default(void **state)
{
	struct env *v = env_new(128);
	struct img_bz_opts o;

	(void)state;
	img_bz_defaults(&o);
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.mode, BOOT_MODE_LINUX64);
	assert_int_equal(v->plan.entry, LAYOUT_HIMEM + 0x200);
	assert_int_equal(v->plan.boot_info, LAYOUT_ZERO_PAGE);
	assert_int_equal(v->plan.kernel_start, LAYOUT_HIMEM);
	assert_int_equal(v->plan.kernel_end, LAYOUT_HIMEM + o.payload_len);
	assert_int_equal(v->plan.initrd_gpa, 0);
	assert_int_equal(v->plan.initrd_size, 0);
	assert_int_equal(v->plan.cmdline_gpa, LAYOUT_CMDLINE);
	expect_kernel(v, o.payload_len);
	const char *cl =
	    gm_ptr(&v->gm, LAYOUT_CMDLINE, strlen(v->in.cmdline) + 1);
	assert_non_null(cl);
	assert_string_equal(cl, v->in.cmdline);
	env_free(v);
}

/* The 64-bit entry is offset 0x200 of the loaded protected-mode part. */
static void test_entry_64(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;
	uint8_t *img;
	uint8_t b;

	(void)state;
	img_bz_defaults(&o);
	img = env_image(v, &o);
	img[img_bz_setup_len(o.setup_sects) + 0x200] = 0xe9;
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.entry, 0x100200);
	assert_int_equal(gm_read(&v->gm, v->plan.entry, &b, 1), 0);
	assert_int_equal(b, 0xe9);
	env_free(v);
}

static void test_versions(void **state)
{
	static const uint16_t ok[] = {0x0206, 0x0209, 0x020a, 0x020b,
				      0x020c, 0x020f, 0x02ff};
	static const uint16_t old[] = {0x0000, 0x0200, 0x0204, 0x0205};
	struct env *v = env_new(32);
	struct img_bz_opts o;
	char want[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		img_bz_defaults(&o);
		o.version = ok[i];
		env_image(v, &o);
		assert_int_equal(env_load(v), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(old); i++) {
		img_bz_defaults(&o);
		o.version = old[i];
		env_image(v, &o);
		snprintf(want, sizeof(want), "boot protocol %u.%02u",
			 old[i] >> 8, old[i] & 0xff);
		expect_fail(v, -EINVAL, want);
	}
	env_free(v);
}

static void test_setup_sects(void **state)
{
	static const uint8_t sects[] = {0, 1, 4, 30, 64};
	struct env *v = env_new(32);
	struct img_bz_opts o;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sects); i++) {
		img_bz_defaults(&o);
		o.setup_sects = sects[i];
		env_image(v, &o);
		assert_int_equal(gm_zero(&v->gm, LAYOUT_HIMEM, MIB), 0);
		assert_int_equal(env_load(v), 0);
		/* 0 means 4: the payload must still be found at 5 * 512. */
		expect_kernel(v, o.payload_len);
		assert_int_equal(v->plan.kernel_end,
				 LAYOUT_HIMEM + o.payload_len);
	}
	env_free(v);
}

static void test_setup_sects_past_end(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;
	uint8_t *img;
	char want[128];

	(void)state;
	img_bz_defaults(&o);
	o.payload_len = 4096 - img_bz_setup_len(4);
	img = env_image(v, &o);
	img[IMG_BZ_HDR] = 200;
	snprintf(want, sizeof(want),
		 "bzImage: setup_sects 200 points past the end of the "
		 "4096-byte image");
	assert_int_equal(env_load(v), -EINVAL);
	assert_string_equal(v->err, want);

	/* Setup exactly filling the image leaves no protected-mode part. */
	img[IMG_BZ_HDR] = 4096 / 512 - 1;
	expect_fail(v, -EINVAL, "setup_sects 7 points past the end");
	img[IMG_BZ_HDR] = 255;
	expect_fail(v, -EINVAL, "setup_sects 255");
	env_free(v);
}

static void test_bad_boot_flag(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;
	uint8_t *img;

	(void)state;
	img_bz_defaults(&o);
	img = env_image(v, &o);
	img[0x1fe] = 0x55;
	img[0x1ff] = 0x55;
	expect_fail(v, -EINVAL, "boot_flag is 0x5555");
	env_free(v);
}

static void test_bad_magic(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;
	uint8_t *img;

	(void)state;
	img_bz_defaults(&o);
	img = env_image(v, &o);
	img[0x205] = 'T';
	expect_fail(v, -EINVAL, "not an ELF vmlinux or a bzImage");
	/* Called directly, the bzImage loader names the field. */
	assert_int_equal(
	    bzimage_load(&v->gm, &v->in, &v->plan, v->err, sizeof(v->err)),
	    -EINVAL);
	assert_non_null(strstr(v->err, "header magic"));
	env_free(v);
}

static void test_flags(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;

	(void)state;
	img_bz_defaults(&o);
	o.loadflags = CAN_USE_HEAP;
	env_image(v, &o);
	expect_fail(v, -EINVAL, "LOADED_HIGH");

	/* From 2.12 the kernel must say it has a 64-bit entry... */
	img_bz_defaults(&o);
	o.version = 0x020c;
	o.xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G;
	env_image(v, &o);
	expect_fail(v, -EINVAL, "XLF_KERNEL_64");
	/* ...before 2.12 there is no such flag to check. */
	o.version = 0x020b;
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	env_free(v);
}

/* The byte at 0x201 must put the header end past the fields we read. */
static void test_header_end(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;

	(void)state;
	img_bz_defaults(&o);
	o.hdr_len = 0x30; /* ends at 0x232: no cmdline_size */
	env_image(v, &o);
	expect_fail(v, -EINVAL, "setup header ends at 0x232");

	o.hdr_len = 0x3a; /* ends at 0x23c: enough for 2.06... */
	o.version = 0x0206;
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	o.version = 0x020a; /* ...not for init_size in 2.10 */
	env_image(v, &o);
	expect_fail(v, -EINVAL, "setup header ends at 0x23c");
	o.hdr_len = 0x62; /* ends at 0x264 */
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	env_free(v);
}

static void test_syssize(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;

	(void)state;
	img_bz_defaults(&o);
	o.payload_len = 8192;
	o.syssize = 8192 / 16 + 1;
	env_image(v, &o);
	expect_fail(v, -EINVAL, "syssize 0x201");
	o.syssize = 0xffffffff; /* * 16 must not wrap */
	env_image(v, &o);
	expect_fail(v, -EINVAL, "truncated");
	o.syssize = 8192 / 16;
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	env_free(v);
}

static void test_no_entry(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;

	(void)state;
	img_bz_defaults(&o);
	o.payload_len = 0x200;
	env_image(v, &o);
	expect_fail(v, -EINVAL, "no 64-bit entry");
	o.payload_len = 0x201;
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	env_free(v);
}

static void test_cmdline_limits(void **state)
{
	struct env *v = env_new(32);
	struct img_bz_opts o;
	char *cl = malloc(LAYOUT_CMDLINE_MAX + 2);

	(void)state;
	assert_non_null(cl);
	img_bz_defaults(&o);
	o.cmdline_size = 100; /* characters, the NUL not counted */
	env_image(v, &o);
	memset(cl, 'a', 100);
	cl[100] = '\0';
	v->in.cmdline = cl;
	assert_int_equal(env_load(v), 0);
	assert_int_equal(memcmp(gm_ptr(&v->gm, LAYOUT_CMDLINE, 101), cl, 101),
			 0);
	cl[100] = 'b';
	cl[101] = '\0';
	expect_fail(v, -E2BIG, "command line is 101 bytes");

	/* A huge cmdline_size is capped by the 64 KiB cmdline area. */
	o.cmdline_size = 0xffffffff;
	env_image(v, &o);
	memset(cl, 'c', LAYOUT_CMDLINE_MAX);
	cl[LAYOUT_CMDLINE_MAX - 1] = '\0';
	assert_int_equal(env_load(v), 0);
	cl[LAYOUT_CMDLINE_MAX - 1] = 'c';
	cl[LAYOUT_CMDLINE_MAX] = '\0';
	expect_fail(v, -E2BIG, "limit is 65536");

	/* No command line is an empty one. */
	v->in.cmdline = NULL;
	assert_int_equal(env_load(v), 0);
	assert_int_equal(*(const char *)gm_ptr(&v->gm, LAYOUT_CMDLINE, 1), 0);
	free(cl);
	env_free(v);
}

/* Check the placement rules of an initrd of `len` bytes and its bytes. */
static void expect_initrd(struct env *v, const uint8_t *rd, size_t len,
			  uint64_t floor, uint64_t addr_max, uint64_t want)
{
	uint64_t gpa = v->plan.initrd_gpa;

	assert_int_equal(v->plan.initrd_size, len);
	assert_int_equal(gpa % PAGE, 0);
	assert_true(gpa >= floor);
	assert_true(gpa + len - 1 <= addr_max);
	assert_true(gm_range_ok(&v->gm, gpa, len));
	assert_true(gpa + len <= LAYOUT_MMIO_HOLE);
	assert_int_equal(gpa, want);
	assert_int_equal(memcmp(gm_ptr(&v->gm, gpa, len), rd, len), 0);
}

static uint8_t *make_initrd(size_t len)
{
	uint8_t *rd = malloc(len);
	assert_non_null(rd);
	for (size_t i = 0; i < len; i++)
		rd[i] = (uint8_t)(i * 7 + 1);
	return rd;
}

static void check_initrd_layout(uint64_t mib)
{
	struct env *v = env_new(mib);
	struct img_bz_opts o;
	size_t len = MIB + 123;
	uint8_t *rd = make_initrd(len);
	uint64_t low =
	    mib * MIB < LAYOUT_MMIO_HOLE ? mib * MIB : LAYOUT_MMIO_HOLE;
	uint64_t top;

	img_bz_defaults(&o);
	env_image(v, &o);
	v->in.initrd = rd;
	v->in.initrd_len = len;
	assert_int_equal(env_load(v), 0);
	top = low < (uint64_t)o.initrd_addr_max + 1 ? low
						    : o.initrd_addr_max + 1ULL;
	/* Above the decompressor's buffer: 2 MiB aligned + init_size. */
	expect_initrd(v, rd, len, 2 * MIB + o.init_size, o.initrd_addr_max,
		      (top - len) & ~(PAGE - 1));
	free(rd);
	env_free(v);
}

static void test_initrd_8m(void **state)
{
	(void)state;
	check_initrd_layout(8);
}

static void test_initrd_128m(void **state)
{
	(void)state;
	check_initrd_layout(128);
}

static void test_initrd_4608m(void **state)
{
	(void)state;
	check_initrd_layout(4608);
}

static void test_initrd_addr_max(void **state)
{
	struct env *v = env_new(128);
	struct img_bz_opts o;
	size_t len = 3 * PAGE + 5;
	uint8_t *rd = make_initrd(len);

	(void)state;
	img_bz_defaults(&o);
	o.initrd_addr_max = 16 * MIB - 1;
	env_image(v, &o);
	v->in.initrd = rd;
	v->in.initrd_len = len;
	assert_int_equal(env_load(v), 0);
	expect_initrd(v, rd, len, LAYOUT_HIMEM, o.initrd_addr_max,
		      (16 * MIB - len) & ~(PAGE - 1));

	/* A limit under the kernel leaves no room. */
	o.initrd_addr_max = 2 * MIB;
	env_image(v, &o);
	expect_fail(v, -ENOSPC, "initrd of 12293 bytes does not fit");
	free(rd);
	env_free(v);
}

static void test_initrd_too_big(void **state)
{
	struct env *v = env_new(8);
	struct img_bz_opts o;
	/* Free: from 2 MiB + 64 KiB (decompressor) to 8 MiB. */
	size_t room = 8 * MIB - (2 * MIB + 64 * 1024);
	uint8_t *rd = make_initrd(room + 1);

	(void)state;
	img_bz_defaults(&o);
	env_image(v, &o);
	v->in.initrd = rd;
	v->in.initrd_len = room + 1;
	expect_fail(v, -ENOSPC, "does not fit");
	v->in.initrd_len = room;
	assert_int_equal(env_load(v), 0);
	expect_initrd(v, rd, room, 2 * MIB + 64 * 1024, o.initrd_addr_max,
		      2 * MIB + 64 * 1024);
	free(rd);
	env_free(v);
}

/* The kernel decompresses at pref_address (relocatable: at least at the
 * aligned load address); the initrd must stay out of that buffer. */
static void test_initrd_avoids_decompressor(void **state)
{
	struct env *v = env_new(128);
	struct img_bz_opts o;
	uint8_t *rd = make_initrd(6 * MIB);

	(void)state;
	for (int reloc = 0; reloc < 2; reloc++) {
		img_bz_defaults(&o);
		o.relocatable = (uint8_t)reloc;
		o.pref_address = 16 * MIB;
		o.init_size = 4 * MIB;
		o.initrd_addr_max = 24 * MIB - 1;
		env_image(v, &o);
		v->in.initrd = rd;
		v->in.initrd_len = 6 * MIB; /* 20..24 MiB has only 4 */
		expect_fail(v, -ENOSPC, "does not fit");
		v->in.initrd_len = 4 * MIB;
		assert_int_equal(env_load(v), 0);
		expect_initrd(v, rd, 4 * MIB, 20 * MIB, o.initrd_addr_max,
			      20 * MIB);
	}
	env_free(v);
	free(rd);
}

static void test_kernel_too_big(void **state)
{
	struct env *v = env_new(8);
	struct img_bz_opts o;

	(void)state;
	/* 7 MiB from 1 MiB ends exactly at the end of RAM. */
	img_bz_defaults(&o);
	o.payload_len = 7 * MIB;
	o.init_size = 0;
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.kernel_end, 8 * MIB);
	o.payload_len = 7 * MIB + 1;
	env_image(v, &o);
	expect_fail(v, -ENOSPC, "does not fit in guest RAM");

	/* init_size counts even when the file is small. */
	img_bz_defaults(&o);
	o.init_size = 6 * MIB + 1; /* from 2 MiB (aligned) */
	env_image(v, &o);
	expect_fail(v, -ENOSPC, "init_size 0x600001");
	o.relocatable = 0;
	o.init_size = 7 * MIB; /* from pref_address 1 MiB */
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	o.pref_address = UINT64_MAX - 10; /* + init_size overflows */
	env_image(v, &o);
	expect_fail(v, -ENOSPC, "does not fit");
	o.relocatable = 1;
	o.pref_address = LAYOUT_HIMEM;
	o.kernel_alignment = 0x80000000; /* aligned load at 2 GiB */
	env_image(v, &o);
	expect_fail(v, -ENOSPC, "does not fit");
	env_free(v);
}

static void test_layouts(void **state)
{
	static const uint64_t mibs[] = {8, 128, 4608};
	struct img_bz_opts o;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mibs); i++) {
		struct env *v = env_new(mibs[i]);
		img_bz_defaults(&o);
		env_image(v, &o);
		assert_int_equal(env_load(v), 0);
		expect_kernel(v, o.payload_len);
		env_free(v);
	}
}

/* Every proper prefix of a valid image is rejected, cleanly. */
static void test_truncation_loop(void **state)
{
	struct env *v = env_new(16);
	struct img_bz_opts o;
	size_t full;

	(void)state;
	img_bz_defaults(&o);
	env_image(v, &o);
	full = v->in.kernel_len;
	for (size_t len = 0; len < full; len++) {
		/* A tight heap copy, so ASan sees any read past the end. */
		uint8_t *cut = malloc(len ? len : 1);
		assert_non_null(cut);
		memcpy(cut, v->in.kernel, len);
		struct loader_input in = v->in;
		in.kernel = cut;
		in.kernel_len = len;
		char err[160] = "";
		int rc = loader_load(&v->gm, &in, &v->plan, err, sizeof(err));
		if (rc >= 0 || err[0] == '\0')
			fail_msg("length %zu of %zu: rc %d \"%s\"", len, full,
				 rc, err);
		free(cut);
	}
	assert_int_equal(env_load(v), 0);
	env_free(v);
}

/* err may be NULL or tiny; messages are truncated, never overrun. */
static void test_err_buffers(void **state)
{
	struct env *v = env_new(16);
	struct img_bz_opts o;
	uint8_t *img;
	char small[8];

	(void)state;
	img_bz_defaults(&o);
	img = env_image(v, &o);
	img[IMG_BZ_HDR] = 200;
	assert_int_equal(loader_load(&v->gm, &v->in, &v->plan, NULL, 0),
			 -EINVAL);
	memset(small, 'x', sizeof(small));
	assert_int_equal(
	    loader_load(&v->gm, &v->in, &v->plan, small, sizeof(small)),
	    -EINVAL);
	assert_string_equal(small, "bzImage");
	env_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_default),
	    cmocka_unit_test(test_entry_64),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_setup_sects),
	    cmocka_unit_test(test_setup_sects_past_end),
	    cmocka_unit_test(test_bad_boot_flag),
	    cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_header_end),
	    cmocka_unit_test(test_syssize),
	    cmocka_unit_test(test_no_entry),
	    cmocka_unit_test(test_cmdline_limits),
	    cmocka_unit_test(test_initrd_8m),
	    cmocka_unit_test(test_initrd_128m),
	    cmocka_unit_test(test_initrd_4608m),
	    cmocka_unit_test(test_initrd_addr_max),
	    cmocka_unit_test(test_initrd_too_big),
	    cmocka_unit_test(test_initrd_avoids_decompressor),
	    cmocka_unit_test(test_kernel_too_big),
	    cmocka_unit_test(test_layouts),
	    cmocka_unit_test(test_truncation_loop),
	    cmocka_unit_test(test_err_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
