/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the recorder's guest-memory shadow
 * (vmm/trace/record_mem.c): only the bytes devices read, only when they
 * changed since the trace last said, and whole pages after a device wrote
 * through a pointer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/trace/record_int.h"
#include "vmm/trace/trace_dec.h"

struct fx {
	struct guest_mem gm;
	struct recorder *rec;
	size_t seen; /* bytes of rec->out already checked */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	gm_init(&f->gm);
	assert_int_equal(gm_add_ram(&f->gm, 0, 64 << 10, 0), 0);
	assert_int_equal(gm_add_ram(&f->gm, 1 << 20, 64 << 10, 0), 0);
	f->rec = calloc(1, sizeof(*f->rec));
	tenc_init(&f->rec->out);
	atomic_init(&f->rec->in_event, true);
	assert_int_equal(rmem_init(&f->rec->mem, f->rec, &f->gm), 0);
	f->gm.hooks = &f->rec->mem.hooks;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rmem_destroy(&f->rec->mem);
	tenc_free(&f->rec->out);
	free(f->rec);
	gm_destroy(&f->gm);
	free(f);
	return 0;
}

/* The MEM records appended since the last call: their count, and the
 * first ones' address and length. */
static unsigned new_mems(struct fx *f, uint64_t *gpa, uint32_t *len,
			 unsigned max)
{
	struct tdec d;
	struct trace_rec r;
	unsigned n = 0;
	tdec_init(&d, f->rec->out.p, f->rec->out.len, f->seen, false);
	while (tdec_next(&d, &r, NULL, 0) == 1) {
		assert_int_equal(r.type, TRACE_MEM);
		const uint8_t *data;
		if (n < max)
			tdec_mem(&r, &gpa[n], &data, &len[n]);
		n++;
	}
	f->seen = f->rec->out.len;
	return n;
}

/* The guest writes memory behind the devices' back. */
static void guest_write(struct fx *f, uint64_t gpa, const void *p, size_t n)
{
	struct guest_mem plain = f->gm;
	plain.hooks = NULL;
	assert_int_equal(gm_write(&plain, gpa, p, n), 0);
}

static void test_changed_bytes_only(void **state)
{
	struct fx *f = *state;
	uint8_t buf[64];
	uint64_t gpa[4];
	uint32_t len[4];
	/* Zeroed RAM matches the zeroed shadow (and the replay's RAM). */
	assert_int_equal(gm_read(&f->gm, 0x1000, buf, 64), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 0);
	guest_write(f, 0x1002, "hello", 5);
	assert_int_equal(gm_read(&f->gm, 0x1000, buf, 64), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 1);
	assert_int_equal(gpa[0], 0x1002);
	assert_int_equal(len[0], 5);
	assert_int_equal(gm_read(&f->gm, 0x1000, buf, 64), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 0);
	/* Two changes far apart: two records; close together: one. */
	guest_write(f, 0x1000, "A", 1);
	guest_write(f, 0x1030, "B", 1);
	guest_write(f, 0x1034, "C", 1);
	assert_int_equal(gm_read(&f->gm, 0x1000, buf, 64), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 2);
	assert_int_equal(gpa[0], 0x1000);
	assert_int_equal(len[0], 1);
	assert_int_equal(gpa[1], 0x1030);
	assert_int_equal(len[1], 5);
	/* Only the bytes read: a change outside the read is not recorded. */
	guest_write(f, 0x1100, "Z", 1);
	assert_int_equal(gm_read(&f->gm, 0x1000, buf, 64), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 0);
	/* The second region works the same. */
	guest_write(f, (1 << 20) + 8, "x", 1);
	assert_int_equal(gm_read(&f->gm, 1 << 20, buf, 16), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 1);
	assert_int_equal(gpa[0], (1 << 20) + 8);
}

static void test_device_writes(void **state)
{
	struct fx *f = *state;
	uint8_t buf[16];
	uint64_t gpa[4];
	uint32_t len[4];
	/* Known bytes written by a device happen in the replay too. */
	assert_int_equal(gm_write(&f->gm, 0x2000, "abc", 3), 0);
	assert_int_equal(gm_read(&f->gm, 0x2000, buf, 3), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 0);
	assert_int_equal(gm_store16(&f->gm, 0x2010, 0x1234), 0);
	uint16_t v;
	assert_int_equal(gm_load16(&f->gm, 0x2010, &v), 0);
	assert_int_equal(v, 0x1234);
	assert_int_equal(new_mems(f, gpa, len, 4), 0);
	guest_write(f, 0x2010, "\x01\x02", 2);
	assert_int_equal(gm_load16(&f->gm, 0x2010, &v), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 1);
	assert_int_equal(len[0], 2);
	assert_int_equal(gm_load16(&f->gm, 0x2011, &v), -EFAULT);
	/* Through a pointer: the page is unknown, then read whole. */
	uint8_t *p = gm_ptr_write(&f->gm, 0x3008, 8);
	assert_non_null(p);
	memcpy(p, "pointer!", 8);
	assert_int_equal(new_mems(f, gpa, len, 4), 0);
	assert_int_equal(gm_read(&f->gm, 0x3ff0, buf, 16), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 1);
	assert_int_equal(gpa[0], 0x3000);
	assert_int_equal(len[0], 4096);
	assert_int_equal(f->rec->mem.pages, 1);
	assert_int_equal(gm_read(&f->gm, 0x3008, buf, 8), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 0);
	/* gm_ptr_read reads now; gm_ptr reads and makes the range unknown. */
	guest_write(f, 0x4000, "r", 1);
	assert_non_null(gm_ptr_read(&f->gm, 0x4000, 4));
	assert_int_equal(new_mems(f, gpa, len, 4), 1);
	assert_non_null(gm_ptr(&f->gm, 0x4000, 4));
	assert_int_equal(new_mems(f, gpa, len, 4), 0);
	assert_int_equal(gm_read(&f->gm, 0x4000, buf, 4), 0);
	assert_int_equal(new_mems(f, gpa, len, 4), 1);
	assert_int_equal(len[0], 4096);
}

static void test_outside_event(void **state)
{
	struct fx *f = *state;
	uint8_t buf[8];
	uint64_t gpa[1];
	uint32_t len[1];
	guest_write(f, 0x5000, "q", 1);
	atomic_store(&f->rec->in_event, false);
	assert_int_equal(gm_read(&f->gm, 0x5000, buf, 8), 0);
	assert_int_equal(new_mems(f, gpa, len, 1), 0);
	atomic_store(&f->rec->in_event, true);
	assert_int_equal(gm_read(&f->gm, 0x5000, buf, 8), 0);
	assert_int_equal(new_mems(f, gpa, len, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_changed_bytes_only, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_device_writes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_outside_event, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
