/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	struct img_elf_layout lay;
	char err[256];
};

static struct env *env_new(uint64_t mib)
{
	struct env *v = calloc(1, sizeof(*v));
	assert_non_null(v);
	tu_mem_init(&v->gm, mib);
	assert_int_equal(e820_build(&v->gm, &v->map), 0);
	v->in.e820 = &v->map;
	v->in.cmdline = "console=ttyS0";
	return v;
}

static void env_free(struct env *v)
{
	gm_destroy(&v->gm);
	free((void *)v->in.kernel);
	free(v);
}

static uint8_t *env_image(struct env *v, const struct img_elf_opts *o)
{
	size_t len;
	uint8_t *img = img_elf(o, &len, &v->lay);
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

static void get_eh(const struct env *v, Elf64_Ehdr *eh)
{
	memcpy(eh, v->in.kernel, sizeof(*eh));
}

static void put_eh(struct env *v, const Elf64_Ehdr *eh)
{
	memcpy((uint8_t *)v->in.kernel, eh, sizeof(*eh));
}

static void get_ph(const struct env *v, unsigned i, Elf64_Phdr *ph)
{
	img_elf_get_phdr(v->in.kernel, &v->lay, i, ph);
}

static void put_ph(struct env *v, unsigned i, const Elf64_Phdr *ph)
{
	img_elf_put_phdr((uint8_t *)v->in.kernel, &v->lay, i, ph);
}

/* Segment i is in guest memory: file bytes, then zeros up to memsz. */
static void expect_segment(struct env *v, const struct img_elf_opts *o,
			   unsigned i)
{
	const struct img_elf_seg *s = &o->seg[i];
	const uint8_t *p = gm_ptr(&v->gm, s->paddr, s->memsz);

	assert_non_null(p);
	for (uint64_t j = 0; j < s->filesz; j++)
		if (p[j] != img_pattern(v->lay.seg_off[i] + j))
			fail_msg("segment %u byte %llu differs", i,
				 (unsigned long long)j);
	for (uint64_t j = s->filesz; j < s->memsz; j++)
		if (p[j] != 0)
			fail_msg("segment %u bss byte %llu is not zero", i,
				 (unsigned long long)j);
}

static void two_segments(struct img_elf_opts *o)
{
	img_elf_defaults(o);
	o->seg[1] = (struct img_elf_seg){
	    .paddr = 4 * MIB, .filesz = 10000, .memsz = 20000};
	o->nseg = 2;
}

/* An empty PT_LOAD (memsz 0) loads nothing, so it is no part of the
 * kernel's range, wherever it says it is (fuzz_elf found one at the top
 * of RAM stretching kernel_end there); a file with only empty ones has
 * nothing to boot. */
static void test_empty_segment(void **state)
{
	struct env *v = env_new(128);
	struct img_elf_opts o;

	(void)state;
	two_segments(&o);
	o.seg[1] = (struct img_elf_seg){.paddr = 100 * MIB};
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.kernel_start, o.seg[0].paddr);
	assert_int_equal(v->plan.kernel_end, o.seg[0].paddr + o.seg[0].memsz);
	img_elf_defaults(&o);
	o.seg[0].filesz = o.seg[0].memsz = 0;
	env_image(v, &o);
	assert_int_equal(env_load(v), -EINVAL);
	assert_non_null(strstr(v->err, "no PT_LOAD segment"));
	env_free(v);
}

static void test_linux64(void **state)
{
	struct env *v = env_new(128);
	struct img_elf_opts o;

	(void)state;
	two_segments(&o);
	env_image(v, &o);
	/* Stale bytes where the bss goes must be cleared. */
	memset(gm_ptr(&v->gm, LAYOUT_HIMEM, 8 * MIB), 0xcc, 8 * MIB);
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.mode, BOOT_MODE_LINUX64);
	assert_int_equal(v->plan.entry, o.entry);
	assert_int_equal(v->plan.boot_info, LAYOUT_ZERO_PAGE);
	assert_int_equal(v->plan.kernel_start, LAYOUT_HIMEM);
	assert_int_equal(v->plan.kernel_end, 4 * MIB + 20000);
	assert_int_equal(v->plan.cmdline_gpa, LAYOUT_CMDLINE);
	expect_segment(v, &o, 0);
	expect_segment(v, &o, 1);
	/* Between the segments nothing was touched. */
	assert_int_equal(*(uint8_t *)gm_ptr(&v->gm, 2 * MIB, 1), 0xcc);
	env_free(v);
}

static void test_pvh(void **state)
{
	static const unsigned desc[] = {4, 8};
	struct env *v = env_new(128);
	struct img_elf_opts o;

	(void)state;
	for (int align8 = 0; align8 < 2; align8++)
		for (size_t d = 0; d < ARRAY_SIZE(desc); d++)
			for (int linux = 0; linux < 2; linux++) {
				two_segments(&o);
				o.pvh = true;
				o.pvh_entry = 4 * MIB + 0x123;
				o.pvh_desc = desc[d];
				o.linux_note = linux;
				o.note_align = align8 ? 8 : 4;
				env_image(v, &o);
				assert_int_equal(env_load(v), 0);
				assert_int_equal(v->plan.mode, BOOT_MODE_PVH);
				assert_int_equal(v->plan.entry, o.pvh_entry);
				assert_int_equal(v->plan.boot_info,
						 LAYOUT_PVH_INFO);
				expect_segment(v, &o, 0);
				expect_segment(v, &o, 1);
			}
	env_free(v);
}

/* A note segment's notes are padded to 8 only when p_align says 8. */
static void test_note_alignment_mismatch(void **state)
{
	struct env *v = env_new(32);
	struct img_elf_opts o;
	Elf64_Phdr ph;

	(void)state;
	img_elf_defaults(&o);
	o.pvh = true;
	o.pvh_entry = LAYOUT_HIMEM;
	o.linux_note = true;
	o.note_align = 8;
	env_image(v, &o);
	get_ph(v, v->lay.note_ph, &ph);
	ph.p_align = 4; /* The next note header is read from padding. */
	put_ph(v, v->lay.note_ph, &ph);
	expect_fail(v, -EINVAL, "runs past the end of PT_NOTE");
	ph.p_align = 8;
	put_ph(v, v->lay.note_ph, &ph);
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.mode, BOOT_MODE_PVH);
	env_free(v);
}

static void test_pvh_bad_notes(void **state)
{
	struct env *v = env_new(32);
	struct img_elf_opts o;
	Elf64_Nhdr nh;
	Elf64_Phdr ph;
	uint8_t *img;

	(void)state;
	img_elf_defaults(&o);
	o.pvh = true;
	o.pvh_entry = LAYOUT_HIMEM;
	o.linux_note = true;
	img = env_image(v, &o);
	memcpy(&nh, img + v->lay.xen_note, sizeof(nh));

	/* Sizes running past the segment. */
	Elf64_Nhdr bad = nh;
	bad.n_namesz = 0xffffffff;
	memcpy(img + v->lay.xen_note, &bad, sizeof(bad));
	expect_fail(v, -EINVAL, "namesz 4294967295");
	bad = nh;
	bad.n_descsz = 0xfffffffd;
	memcpy(img + v->lay.xen_note, &bad, sizeof(bad));
	expect_fail(v, -EINVAL, "runs past the end of PT_NOTE");
	bad = nh;
	bad.n_descsz = 5; /* one byte past the segment end */
	memcpy(img + v->lay.xen_note, &bad, sizeof(bad));
	expect_fail(v, -EINVAL, "descsz 5");

	/* Fits, but neither 4 nor 8 bytes. */
	bad = nh;
	bad.n_descsz = 3;
	memcpy(img + v->lay.xen_note, &bad, sizeof(bad));
	expect_fail(v, -EINVAL, "3-byte descriptor");

	/* Another owner or type is not the PVH note. */
	memcpy(img + v->lay.xen_note, &nh, sizeof(nh));
	img[v->lay.xen_note + sizeof(nh)] = 'x';
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.mode, BOOT_MODE_LINUX64);
	img[v->lay.xen_note + sizeof(nh)] = 'X';
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.mode, BOOT_MODE_PVH);

	/* PT_NOTE outside the file, or wrapping. */
	get_ph(v, v->lay.note_ph, &ph);
	Elf64_Phdr p2 = ph;
	p2.p_filesz = v->in.kernel_len;
	put_ph(v, v->lay.note_ph, &p2);
	expect_fail(v, -EINVAL, "PT_NOTE 1 file range");
	p2 = ph;
	p2.p_offset = UINT64_MAX - 4;
	put_ph(v, v->lay.note_ph, &p2);
	expect_fail(v, -EINVAL, "PT_NOTE 1 file range");
	env_free(v);
}

static void test_pvh_entry_checks(void **state)
{
	struct env *v = env_new(32);
	struct img_elf_opts o;

	(void)state;
	img_elf_defaults(&o);
	o.pvh = true;
	o.pvh_desc = 8;
	o.pvh_entry = LAYOUT_4G + LAYOUT_HIMEM;
	env_image(v, &o);
	expect_fail(v, -EINVAL, "PVH entry 0x100100000");
	o.pvh_entry = LAYOUT_HIMEM + o.seg[0].memsz; /* one past the end */
	env_image(v, &o);
	expect_fail(v, -EINVAL, "PVH entry");
	o.pvh_entry--;
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	assert_int_equal(v->plan.entry, o.pvh_entry);
	env_free(v);
}

static void test_entry_outside(void **state)
{
	struct env *v = env_new(32);
	struct img_elf_opts o;

	(void)state;
	img_elf_defaults(&o);
	o.entry = 0xffffffff81000000ULL; /* a virtual address */
	env_image(v, &o);
	expect_fail(v, -EINVAL, "e_entry 0xffffffff81000000");
	o.entry = 0x500;
	env_image(v, &o);
	expect_fail(v, -EINVAL, "e_entry 0x500");
	env_free(v);
}

/* Each corruption of the ELF header, and the message naming it. */
static void test_bad_ehdr(void **state)
{
	struct env *v = env_new(32);
	struct img_elf_opts o;
	Elf64_Ehdr eh, good;

	(void)state;
	img_elf_defaults(&o);
	env_image(v, &o);
	get_eh(v, &good);

#define CASE(field, value, rc, msg)                                            \
	do {                                                                   \
		eh = good;                                                     \
		eh.field = value;                                              \
		put_eh(v, &eh);                                                \
		expect_fail(v, rc, msg);                                       \
	} while (0)
	CASE(e_ident[EI_CLASS], ELFCLASS32, -EINVAL, "class 1");
	CASE(e_ident[EI_DATA], ELFDATA2MSB, -EINVAL, "data encoding 2");
	CASE(e_ident[EI_VERSION], 0, -EINVAL, "version 0/1");
	CASE(e_version, 2, -EINVAL, "version 1/2");
	CASE(e_type, ET_DYN, -EINVAL, "e_type 3");
	CASE(e_machine, EM_386, -EINVAL, "e_machine 3");
	CASE(e_phentsize, 32, -EINVAL, "e_phentsize 32");
	CASE(e_phnum, 0, -EINVAL, "e_phnum 0");
	CASE(e_phnum, 0xffff, -EINVAL, "e_phnum 65535");
	CASE(e_phnum, 65, -EINVAL, "e_phnum 65");
	CASE(e_phoff, v->in.kernel_len, -EINVAL, "program headers");
	CASE(e_phoff, UINT64_MAX - 8, -EINVAL, "program headers");
	CASE(e_phoff, v->in.kernel_len - sizeof(Elf64_Phdr) + 1, -EINVAL,
	     "program headers at");
#undef CASE
	put_eh(v, &good);
	assert_int_equal(env_load(v), 0);

	/* Too short for an ELF header, but with the magic. */
	v->in.kernel_len = sizeof(Elf64_Ehdr) - 1;
	expect_fail(v, -EINVAL, "63-byte image is too short");
	env_free(v);
}

static void test_bad_load(void **state)
{
	struct env *v = env_new(128);
	struct img_elf_opts o;
	Elf64_Phdr ph, good;

	(void)state;
	img_elf_defaults(&o);
	env_image(v, &o);
	get_ph(v, 0, &good);

#define CASE(field, value, rc, msg)                                            \
	do {                                                                   \
		ph = good;                                                     \
		ph.field = value;                                              \
		put_ph(v, 0, &ph);                                             \
		expect_fail(v, rc, msg);                                       \
	} while (0)
	CASE(p_offset, v->in.kernel_len, -EINVAL, "runs past the end");
	CASE(p_offset, UINT64_MAX - 16, -EINVAL, "runs past the end");
	CASE(p_filesz, good.p_filesz + 1, -EINVAL, "runs past the end");
	CASE(p_memsz, good.p_filesz - 1, -EINVAL, "exceeds memsz");
	CASE(p_paddr, 0x9f000, -EINVAL, "below 1 MiB");
	CASE(p_paddr, 0, -EINVAL, "below 1 MiB");
	CASE(p_paddr, UINT64_MAX - 100, -EINVAL, "overflows");
	CASE(p_paddr, 128 * MIB - 4096, -ENOSPC, "not inside guest RAM");
	CASE(p_paddr, 200 * MIB, -ENOSPC, "not inside guest RAM");
	CASE(p_memsz, 200 * MIB, -ENOSPC, "not inside guest RAM");
	CASE(p_type, PT_NULL, -EINVAL, "no PT_LOAD");
#undef CASE
	put_ph(v, 0, &good);
	assert_int_equal(env_load(v), 0);
	env_free(v);
}

/* Overlapping PT_LOADs are refused (one would overwrite the other);
 * adjacent ones are fine. */
static void test_overlap(void **state)
{
	struct env *v = env_new(128);
	struct img_elf_opts o;

	(void)state;
	two_segments(&o);
	uint64_t end0 = o.seg[0].paddr + o.seg[0].memsz;
	o.seg[1].paddr = end0 - 1;
	env_image(v, &o);
	expect_fail(v, -EINVAL, "PT_LOAD 1");
	expect_fail(v, -EINVAL, "overlaps PT_LOAD 0");
	assert_int_equal(v->plan.fault, LOADER_FAULT_KERNEL);
	o.seg[1].paddr = o.seg[0].paddr; /* the same start */
	env_image(v, &o);
	expect_fail(v, -EINVAL, "overlaps PT_LOAD 0");
	o.seg[1].paddr = end0; /* adjacent */
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	expect_segment(v, &o, 0);
	expect_segment(v, &o, 1);
	env_free(v);
}

static void test_layouts(void **state)
{
	struct env *v;
	struct img_elf_opts o;

	(void)state;
	/* 8 MiB: a kernel up to the very end of RAM. */
	v = env_new(8);
	img_elf_defaults(&o);
	o.seg[0].memsz = 7 * MIB;
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	expect_segment(v, &o, 0);
	o.seg[0].memsz++;
	env_image(v, &o);
	expect_fail(v, -ENOSPC, "not inside guest RAM");
	env_free(v);

	/* 4608 MiB: no segment may straddle the 3 GiB..4 GiB hole, one in
	 * RAM above 4 GiB is fine. */
	v = env_new(4608);
	two_segments(&o);
	o.seg[1].paddr = LAYOUT_MMIO_HOLE - 4096;
	env_image(v, &o);
	expect_fail(v, -ENOSPC, "PT_LOAD 1 [0xbffff000, 0xc0003e20)");
	o.seg[1].paddr = LAYOUT_4G + 16 * MIB;
	env_image(v, &o);
	assert_int_equal(env_load(v), 0);
	expect_segment(v, &o, 0);
	expect_segment(v, &o, 1);
	assert_int_equal(v->plan.kernel_end, LAYOUT_4G + 16 * MIB + 20000);
	env_free(v);
}

static void test_cmdline(void **state)
{
	struct env *v = env_new(32);
	struct img_elf_opts o;
	char cl[2049];

	(void)state;
	img_elf_defaults(&o);
	env_image(v, &o);
	memset(cl, 'k', sizeof(cl));
	cl[2047] = '\0'; /* x86 COMMAND_LINE_SIZE 2048 with the NUL */
	v->in.cmdline = cl;
	assert_int_equal(env_load(v), 0);
	assert_string_equal(gm_ptr(&v->gm, LAYOUT_CMDLINE, 2048), cl);
	cl[2047] = 'k';
	cl[2048] = '\0';
	expect_fail(v, -E2BIG, "command line is 2048 bytes");
	assert_int_equal(v->plan.fault, LOADER_FAULT_CMDLINE);
	env_free(v);
}

static void check_initrd(uint64_t mib, const struct img_elf_opts *o, size_t len,
			 int want_rc)
{
	struct env *v = env_new(mib);
	uint8_t *rd = malloc(len);
	uint64_t low =
	    mib * MIB < LAYOUT_MMIO_HOLE ? mib * MIB : LAYOUT_MMIO_HOLE;
	uint64_t kend = 0;

	assert_non_null(rd);
	for (size_t i = 0; i < len; i++)
		rd[i] = (uint8_t)(i * 13);
	for (unsigned i = 0; i < o->nseg; i++)
		if (o->seg[i].paddr < low &&
		    o->seg[i].paddr + o->seg[i].memsz > kend)
			kend = o->seg[i].paddr + o->seg[i].memsz;
	env_image(v, o);
	v->in.initrd = rd;
	v->in.initrd_len = len;
	if (want_rc) {
		expect_fail(v, want_rc, "does not fit");
		assert_int_equal(v->plan.fault, LOADER_FAULT_INITRD);
	} else {
		assert_int_equal(env_load(v), 0);
		uint64_t gpa = v->plan.initrd_gpa;
		assert_int_equal(v->plan.initrd_size, len);
		assert_int_equal(gpa % PAGE, 0);
		assert_true(gpa >= kend);
		assert_true(gpa + len <= low);
		assert_int_equal(gpa, (low - len) & ~(PAGE - 1));
		assert_int_equal(memcmp(gm_ptr(&v->gm, gpa, len), rd, len), 0);
	}
	free(rd);
	env_free(v);
}

static void test_initrd(void **state)
{
	struct img_elf_opts o;

	(void)state;
	two_segments(&o);
	check_initrd(8, &o, 3 * MIB + 1, 0);
	check_initrd(128, &o, 3 * MIB + 1, 0);
	check_initrd(4608, &o, 3 * MIB + 1, 0);
	o.pvh = true;
	o.pvh_entry = LAYOUT_HIMEM;
	check_initrd(128, &o, 5, 0);

	/* Only above the highest PT_LOAD end counts. */
	o.seg[1] = (struct img_elf_seg){
	    .paddr = 120 * MIB, .filesz = 100, .memsz = 7 * MIB};
	check_initrd(128, &o, MIB, 0);
	check_initrd(128, &o, MIB + 1, -ENOSPC);

	/* A segment in RAM above 4 GiB does not push the initrd out of the
	 * low region. */
	o.seg[1].paddr = LAYOUT_4G + 8 * MIB;
	check_initrd(4608, &o, 3 * MIB, 0);
}

/* Every proper prefix of a valid image is rejected, cleanly. */
static void test_truncation_loop(void **state)
{
	struct env *v = env_new(16);
	struct img_elf_opts o;
	size_t full;

	(void)state;
	two_segments(&o);
	o.seg[0].filesz = 300;
	o.pvh = true;
	o.pvh_entry = LAYOUT_HIMEM;
	o.linux_note = true;
	env_image(v, &o);
	full = v->in.kernel_len;
	for (size_t len = 0; len < full; len++) {
		uint8_t *cut = malloc(len ? len : 1);
		assert_non_null(cut);
		memcpy(cut, v->in.kernel, len);
		struct loader_input in = v->in;
		in.kernel = cut;
		in.kernel_len = len;
		char err[160] = "";
		int rc = elf_load(&v->gm, &in, &v->plan, err, sizeof(err));
		if (rc >= 0 || err[0] == '\0')
			fail_msg("length %zu of %zu: rc %d \"%s\"", len, full,
				 rc, err);
		free(cut);
	}
	assert_int_equal(env_load(v), 0);
	env_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linux64),
	    cmocka_unit_test(test_empty_segment),
	    cmocka_unit_test(test_pvh),
	    cmocka_unit_test(test_note_alignment_mismatch),
	    cmocka_unit_test(test_pvh_bad_notes),
	    cmocka_unit_test(test_pvh_entry_checks),
	    cmocka_unit_test(test_entry_outside),
	    cmocka_unit_test(test_bad_ehdr),
	    cmocka_unit_test(test_bad_load),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_layouts),
	    cmocka_unit_test(test_cmdline),
	    cmocka_unit_test(test_initrd),
	    cmocka_unit_test(test_truncation_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
