/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the MMIO/PIO address space (vmm/base/bus.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/base/bus.h"
#include "vmm/base/log.h"

/* A device that records what it was asked. */
struct fake {
	unsigned reads, writes, resets;
	uint64_t off;
	unsigned size;
	uint64_t val;      /* last written value */
	uint64_t read_val; /* what reads return (before the bus masks it) */
};

static uint64_t fake_read(void *dev, uint64_t off, unsigned size)
{
	struct fake *f = dev;
	f->reads++;
	f->off = off;
	f->size = size;
	return f->read_val;
}

static void fake_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct fake *f = dev;
	f->writes++;
	f->off = off;
	f->size = size;
	f->val = val;
}

static void fake_reset(void *dev)
{
	struct fake *f = dev;
	f->resets++;
}

static const struct bus_dev_ops fake_ops = {
    .read = fake_read, .write = fake_write, .reset = fake_reset};
static const struct bus_dev_ops fake_ops_noreset = {.read = fake_read,
						    .write = fake_write};

static int setup_bus(void **state)
{
	struct bus *bus = calloc(1, sizeof(*bus));
	if (!bus || bus_init(bus, "test") != 0)
		return -1;
	*state = bus;
	return 0;
}

static int teardown_bus(void **state)
{
	bus_destroy(*state);
	free(*state);
	return 0;
}

static int reg(struct bus *bus, uint64_t base, uint64_t len, struct fake *f)
{
	return bus_register(bus, base, len, &fake_ops, f, "fake");
}

/* ---- registration ----------------------------------------------------- */

static void test_register_basic(void **state)
{
	struct bus *bus = *state;
	struct fake f = {0};

	assert_int_equal(bus->n, 0);
	assert_null(bus_find(bus, 0));
	assert_int_equal(reg(bus, 0x1000, 0x100, &f), 0);
	assert_int_equal(bus->n, 1);
	const struct bus_range *r = bus_find(bus, 0x1000);
	assert_non_null(r);
	assert_int_equal(r->base, 0x1000);
	assert_int_equal(r->len, 0x100);
	assert_ptr_equal(r->ops, &fake_ops);
	assert_ptr_equal(r->dev, &f);
	assert_string_equal(r->name, "fake");
}

static void test_register_invalid(void **state)
{
	struct bus *bus = *state;
	struct fake f = {0};

	assert_int_equal(reg(bus, 0x1000, 0, &f), -EINVAL);
	assert_int_equal(bus_register(bus, 0x1000, 4, NULL, &f, "x"),
			 -EINVAL);
	/* base + len goes past 2^64 (ending exactly at 2^64 is fine, see
	 * test_register_top_of_space). */
	assert_int_equal(reg(bus, UINT64_MAX, 2, &f), -EINVAL);
	assert_int_equal(reg(bus, 2, UINT64_MAX, &f), -EINVAL);
	assert_int_equal(reg(bus, UINT64_MAX, UINT64_MAX, &f), -EINVAL);
	assert_int_equal(reg(bus, UINT64_MAX - 15, 17, &f), -EINVAL);
	assert_int_equal(reg(bus, 0x8000000000000000ULL,
			     0x8000000000000001ULL, &f),
			 -EINVAL);
	assert_int_equal(bus->n, 0);
	assert_null(bus_find(bus, 0x1000));
	assert_null(bus_find(bus, UINT64_MAX));
}

static void test_register_overlap(void **state)
{
	struct bus *bus = *state;
	struct fake a = {0}, x = {0};

	/* [0x1000, 0x1100) */
	assert_int_equal(reg(bus, 0x1000, 0x100, &a), 0);

	assert_int_equal(reg(bus, 0x1000, 0x100, &x), -EEXIST); /* same */
	assert_int_equal(reg(bus, 0x1000, 1, &x), -EEXIST);  /* same base */
	assert_int_equal(reg(bus, 0x1000, 0x1000, &x), -EEXIST);
	assert_int_equal(reg(bus, 0x0ff0, 0x11, &x), -EEXIST); /* left */
	assert_int_equal(reg(bus, 0x0fff, 2, &x), -EEXIST);
	assert_int_equal(reg(bus, 0x10ff, 0x10, &x), -EEXIST); /* right */
	assert_int_equal(reg(bus, 0x10f0, 0x100, &x), -EEXIST);
	assert_int_equal(reg(bus, 0x1010, 0x10, &x), -EEXIST); /* inside */
	assert_int_equal(reg(bus, 0x10ff, 1, &x), -EEXIST);    /* last byte */
	assert_int_equal(reg(bus, 0x0800, 0x1000, &x), -EEXIST); /* around */
	assert_int_equal(reg(bus, 0, UINT64_MAX, &x), -EEXIST);
	assert_int_equal(bus->n, 1);

	/* Adjacent on both sides is allowed. */
	assert_int_equal(reg(bus, 0x0f00, 0x100, &x), 0);
	assert_int_equal(reg(bus, 0x1100, 0x100, &x), 0);
	assert_int_equal(bus->n, 3);
	assert_ptr_equal(bus_find(bus, 0x0fff)->dev, &x);
	assert_ptr_equal(bus_find(bus, 0x1000)->dev, &a);
	assert_ptr_equal(bus_find(bus, 0x10ff)->dev, &a);
	assert_ptr_equal(bus_find(bus, 0x1100)->dev, &x);

	/* With several ranges: overlap with a range that is not the
	 * immediate neighbour of the insertion point's base. */
	assert_int_equal(reg(bus, 0x5000, 0x100, &x), 0);
	assert_int_equal(reg(bus, 0x4000, 0x1001, &x), -EEXIST);
	assert_int_equal(reg(bus, 0x1200, 0x3e01, &x), -EEXIST);
	assert_int_equal(reg(bus, 0x50ff, 1, &x), -EEXIST);
	assert_int_equal(reg(bus, 0x1200, 0x3e00, &x), 0); /* fills the gap */
	assert_int_equal(bus->n, 5);

	/* Sorted by base. */
	for (unsigned i = 1; i < bus->n; i++)
		assert_true(bus->ranges[i - 1].base + bus->ranges[i - 1].len <=
			    bus->ranges[i].base);
}

static void test_register_top_of_space(void **state)
{
	struct bus *bus = *state;
	struct fake top = {0}, low = {0}, x = {0};

	/* [2^64 - 16, 2^64): ends at 2^64 - 1. */
	assert_int_equal(reg(bus, UINT64_MAX - 15, 16, &top), 0);
	assert_ptr_equal(bus_find(bus, UINT64_MAX)->dev, &top);
	assert_ptr_equal(bus_find(bus, UINT64_MAX - 15)->dev, &top);
	assert_null(bus_find(bus, UINT64_MAX - 16));
	assert_int_equal(reg(bus, UINT64_MAX, 1, &x), -EEXIST);
	assert_int_equal(reg(bus, UINT64_MAX - 16, 2, &x), -EEXIST);
	assert_int_equal(reg(bus, UINT64_MAX - 16, 1, &x), 0);

	/* Everything below it, too: [0, 2^64 - 17). */
	assert_int_equal(reg(bus, 0, UINT64_MAX - 16, &low), 0);
	assert_ptr_equal(bus_find(bus, 0)->dev, &low);
	assert_ptr_equal(bus_find(bus, UINT64_MAX - 17)->dev, &low);
	assert_ptr_equal(bus_find(bus, UINT64_MAX - 16)->dev, &x);
	assert_int_equal(bus->n, 3);
}

static void test_register_whole_space_but_one(void **state)
{
	struct bus *bus = *state;
	struct fake a = {0}, b = {0};

	/* [1, 2^64): len 2^64 - 1, last byte 2^64 - 1. */
	assert_int_equal(reg(bus, 1, UINT64_MAX, &a), 0);
	assert_ptr_equal(bus_find(bus, 1)->dev, &a);
	assert_ptr_equal(bus_find(bus, UINT64_MAX)->dev, &a);
	assert_null(bus_find(bus, 0));
	assert_int_equal(reg(bus, 0, 2, &b), -EEXIST);
	assert_int_equal(reg(bus, UINT64_MAX, 1, &b), -EEXIST);
	assert_int_equal(reg(bus, 0, 1, &b), 0);
	assert_ptr_equal(bus_find(bus, 0)->dev, &b);
	a.read_val = UINT64_MAX;
	assert_int_equal(bus_read(bus, UINT64_MAX - 7, 8), UINT64_MAX);
	assert_int_equal(a.off, UINT64_MAX - 8);
	assert_int_equal(bus_misses(bus), 0);
}

static void test_register_top_access(void **state)
{
	struct bus *bus = *state;
	struct fake top = {0};

	assert_int_equal(reg(bus, UINT64_MAX - 15, 16, &top), 0);

	/* Accesses at the very top. */
	top.read_val = 0x1122334455667788ULL;
	assert_int_equal(bus_read(bus, UINT64_MAX - 7, 8),
			 0x1122334455667788ULL);
	assert_int_equal(top.off, 8);
	assert_int_equal(top.size, 8);
	assert_int_equal(bus_read(bus, UINT64_MAX, 1), 0x88);
	assert_int_equal(top.off, 15);
	unsigned reads = top.reads;
	/* addr + size would wrap past 2^64: a miss. */
	assert_int_equal(bus_read(bus, UINT64_MAX, 2), 0xffff);
	assert_int_equal(bus_read(bus, UINT64_MAX - 3, 8), UINT64_MAX);
	assert_int_equal(top.reads, reads);
	assert_int_equal(bus_misses(bus), 2);
}

static void test_register_full(void **state)
{
	struct bus *bus = *state;
	struct fake f = {0};

	for (unsigned i = 0; i < BUS_MAX_DEVICES; i++)
		assert_int_equal(reg(bus, 0x10000 + i * 0x10, 0x10, &f), 0);
	assert_int_equal(bus->n, BUS_MAX_DEVICES);
	assert_int_equal(reg(bus, 0x20000, 0x10, &f), -ENOSPC);
	assert_int_equal(reg(bus, 0, 0x10, &f), -ENOSPC);
	assert_int_equal(bus->n, BUS_MAX_DEVICES);
	assert_null(bus_find(bus, 0x20000));
	assert_non_null(bus_find(bus, 0x10000 + (BUS_MAX_DEVICES - 1) * 0x10));
}

/* ---- dispatch --------------------------------------------------------- */

static void test_dispatch_offsets(void **state)
{
	struct bus *bus = *state;
	struct fake a = {0}, b = {0};

	assert_int_equal(reg(bus, 0x3f8, 8, &a), 0);
	assert_int_equal(reg(bus, 0x1000, 0x100, &b), 0);

	a.read_val = 0x5a;
	assert_int_equal(bus_read(bus, 0x3fd, 1), 0x5a);
	assert_int_equal(a.reads, 1);
	assert_int_equal(a.off, 5);
	assert_int_equal(a.size, 1);
	assert_int_equal(b.reads, 0);

	bus_write(bus, 0x3f8, 1, 0x41);
	assert_int_equal(a.writes, 1);
	assert_int_equal(a.off, 0);
	assert_int_equal(a.size, 1);
	assert_int_equal(a.val, 0x41);

	b.read_val = 0xdeadbeef;
	assert_int_equal(bus_read(bus, 0x1010, 4), 0xdeadbeef);
	assert_int_equal(b.off, 0x10);
	assert_int_equal(b.size, 4);

	bus_write(bus, 0x10f8, 8, 0x0102030405060708ULL);
	assert_int_equal(b.writes, 1);
	assert_int_equal(b.off, 0xf8);
	assert_int_equal(b.size, 8);
	assert_int_equal(b.val, 0x0102030405060708ULL);

	bus_write(bus, 0x10fe, 2, 0xbeef);
	assert_int_equal(b.off, 0xfe);
	assert_int_equal(b.size, 2);
	assert_int_equal(b.val, 0xbeef);

	/* Write values reach the device zero-extended to the access size. */
	bus_write(bus, 0x1000, 1, 0xffffffffffff1234ULL);
	assert_int_equal(b.val, 0x34);
	bus_write(bus, 0x1000, 2, 0xffffffffffff1234ULL);
	assert_int_equal(b.val, 0x1234);
	bus_write(bus, 0x1000, 4, 0xffffffff89abcdefULL);
	assert_int_equal(b.val, 0x89abcdef);

	assert_int_equal(a.writes, 1);
	assert_int_equal(bus_misses(bus), 0);
}

static void test_read_masked(void **state)
{
	struct bus *bus = *state;
	struct fake f = {0};

	assert_int_equal(reg(bus, 0x2000, 0x10, &f), 0);
	/* The device returns junk above the access size. */
	f.read_val = 0xf1f2f3f4f5f6f7f8ULL;
	assert_int_equal(bus_read(bus, 0x2000, 1), 0xf8);
	assert_int_equal(f.size, 1);
	assert_int_equal(bus_read(bus, 0x2000, 2), 0xf7f8);
	assert_int_equal(f.size, 2);
	assert_int_equal(bus_read(bus, 0x2000, 4), 0xf5f6f7f8);
	assert_int_equal(f.size, 4);
	assert_int_equal(bus_read(bus, 0x2000, 8), 0xf1f2f3f4f5f6f7f8ULL);
	assert_int_equal(f.size, 8);
	assert_int_equal(f.reads, 4);
}

static void test_miss_reads_ones(void **state)
{
	struct bus *bus = *state;
	struct fake f = {0};

	assert_int_equal(reg(bus, 0x2000, 0x10, &f), 0);
	f.read_val = 0;
	assert_int_equal(bus_read(bus, 0x3000, 1), 0xff);
	assert_int_equal(bus_read(bus, 0x3000, 2), 0xffff);
	assert_int_equal(bus_read(bus, 0x3000, 4), 0xffffffffULL);
	assert_int_equal(bus_read(bus, 0x3000, 8), UINT64_MAX);
	assert_int_equal(bus_read(bus, 0x1fff, 1), 0xff); /* just below */
	assert_int_equal(bus_read(bus, 0x2010, 1), 0xff); /* just above */
	assert_int_equal(bus_misses(bus), 6);
	bus_write(bus, 0x3000, 4, 1);
	bus_write(bus, 0x2010, 1, 1);
	assert_int_equal(bus_misses(bus), 8);
	assert_int_equal(f.reads, 0);
	assert_int_equal(f.writes, 0);

	/* A hit is not a miss. */
	assert_int_equal(bus_read(bus, 0x200f, 1), 0);
	assert_int_equal(bus_misses(bus), 8);
}

static void test_access_past_end(void **state)
{
	struct bus *bus = *state;
	struct fake f = {0}, g = {0}, small = {0};

	/* f: [0x2000, 0x2010), g right after it, small: 2 bytes. */
	assert_int_equal(reg(bus, 0x2000, 0x10, &f), 0);
	assert_int_equal(reg(bus, 0x2010, 0x10, &g), 0);
	assert_int_equal(reg(bus, 0x3000, 2, &small), 0);
	f.read_val = g.read_val = small.read_val = 0;

	/* Fits exactly at the end: hits. */
	assert_int_equal(bus_read(bus, 0x200f, 1), 0);
	assert_int_equal(bus_read(bus, 0x200e, 2), 0);
	assert_int_equal(bus_read(bus, 0x200c, 4), 0);
	assert_int_equal(bus_read(bus, 0x2008, 8), 0);
	assert_int_equal(f.reads, 4);
	assert_int_equal(bus_misses(bus), 0);

	/* Runs past the end (even into an adjacent device): misses, and
	 * neither device is called. */
	assert_int_equal(bus_read(bus, 0x200f, 4), 0xffffffffULL);
	assert_int_equal(bus_read(bus, 0x200f, 2), 0xffff);
	assert_int_equal(bus_read(bus, 0x2009, 8), UINT64_MAX);
	assert_int_equal(bus_read(bus, 0x200d, 4), 0xffffffffULL);
	bus_write(bus, 0x200f, 4, 0);
	bus_write(bus, 0x2009, 8, 0);
	assert_int_equal(bus_misses(bus), 6);
	assert_int_equal(f.reads, 4);
	assert_int_equal(f.writes, 0);
	assert_int_equal(g.reads, 0);
	assert_int_equal(g.writes, 0);

	/* An access bigger than the whole device. */
	assert_int_equal(bus_read(bus, 0x3000, 4), 0xffffffffULL);
	assert_int_equal(bus_read(bus, 0x3000, 8), UINT64_MAX);
	assert_int_equal(bus_read(bus, 0x3001, 2), 0xffff);
	bus_write(bus, 0x3000, 4, 0);
	assert_int_equal(small.reads, 0);
	assert_int_equal(small.writes, 0);
	assert_int_equal(bus_misses(bus), 10);
	assert_int_equal(bus_read(bus, 0x3000, 2), 0);
	assert_int_equal(small.reads, 1);
}

static void test_invalid_sizes(void **state)
{
	struct bus *bus = *state;
	struct fake f = {0};

	assert_int_equal(reg(bus, 0x2000, 0x100, &f), 0);
	f.read_val = 0;
	static const unsigned bad[] = {0, 3, 5, 6, 7, 9, 16, 32};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = bus_read(bus, 0x2000, bad[i]);
		bus_write(bus, 0x2000, bad[i], 0);
		if (bad[i] == 3)
			assert_int_equal(v, 0xffffff);
		if (bad[i] >= 8)
			assert_int_equal(v, UINT64_MAX);
	}
	assert_int_equal(f.reads, 0);
	assert_int_equal(f.writes, 0);
	assert_int_equal(bus_misses(bus), 2 * 8);
}

static void test_bytes_little_endian(void **state)
{
	struct bus *bus = *state;
	struct fake f = {0};
	uint8_t buf[16];

	assert_int_equal(reg(bus, 0x2000, 0x100, &f), 0);
	f.read_val = 0x0807060504030201ULL;

	static const unsigned sizes[] = {1, 2, 4, 8};
	for (unsigned s = 0; s < 4; s++) {
		unsigned size = sizes[s];
		memset(buf, 0xcc, sizeof(buf));
		bus_read_bytes(bus, 0x2010, buf, size);
		assert_int_equal(f.off, 0x10);
		assert_int_equal(f.size, size);
		for (unsigned i = 0; i < size; i++)
			assert_int_equal(buf[i], i + 1);
		for (unsigned i = size; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xcc);
	}

	static const uint8_t in[8] = {0x11, 0x22, 0x33, 0x44,
				      0x55, 0x66, 0x77, 0x88};
	bus_write_bytes(bus, 0x2020, in, 1);
	assert_int_equal(f.val, 0x11);
	assert_int_equal(f.size, 1);
	bus_write_bytes(bus, 0x2020, in, 2);
	assert_int_equal(f.val, 0x2211);
	bus_write_bytes(bus, 0x2020, in, 4);
	assert_int_equal(f.val, 0x44332211);
	bus_write_bytes(bus, 0x2028, in, 8);
	assert_int_equal(f.val, 0x8877665544332211ULL);
	assert_int_equal(f.off, 0x28);
	assert_int_equal(f.size, 8);
	assert_int_equal(f.writes, 4);
	assert_int_equal(bus_misses(bus), 0);

	/* Misses: all-ones bytes, nothing past `size` touched. */
	memset(buf, 0xcc, sizeof(buf));
	bus_read_bytes(bus, 0x9000, buf, 4);
	assert_true(buf[0] == 0xff && buf[1] == 0xff && buf[2] == 0xff &&
		    buf[3] == 0xff && buf[4] == 0xcc);
	memset(buf, 0xcc, sizeof(buf));
	bus_read_bytes(bus, 0x20ff, buf, 2); /* runs past the end */
	assert_true(buf[0] == 0xff && buf[1] == 0xff && buf[2] == 0xcc);
	memset(buf, 0xcc, sizeof(buf));
	bus_read_bytes(bus, 0x2000, buf, 3); /* invalid size */
	assert_true(buf[0] == 0xff && buf[1] == 0xff && buf[2] == 0xff &&
		    buf[3] == 0xcc);
	bus_write_bytes(bus, 0x2000, in, 3);
	bus_write_bytes(bus, 0x9000, in, 4);
	assert_int_equal(f.writes, 4);
	assert_int_equal(bus_misses(bus), 5);
	assert_int_equal(f.reads, 4);
}

/* ---- miss logging ----------------------------------------------------- */

/* stderr redirected to a temporary file, to count log lines. */
struct capture {
	int saved;
	FILE *f;
};

static void capture_begin(struct capture *c)
{
	fflush(stderr);
	c->f = tmpfile();
	assert_non_null(c->f);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->f), STDERR_FILENO) >= 0);
}

/* Restore stderr; return the number of captured lines containing `what`. */
static unsigned capture_end(struct capture *c, const char *what)
{
	fflush(stderr);
	assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
	close(c->saved);
	rewind(c->f);
	char line[1024];
	unsigned n = 0;
	while (fgets(line, sizeof(line), c->f))
		if (strstr(line, what))
			n++;
	fclose(c->f);
	return n;
}

static void test_miss_log_once_per_address(void **state)
{
	struct bus *bus = *state;
	struct capture c;
	enum log_level old = log_get_level();

	log_set_level(LOG_INFO);
	capture_begin(&c);
	(void)bus_read(bus, 0x1234, 4);
	(void)bus_read(bus, 0x1234, 4);
	bus_write(bus, 0x1234, 1, 0);
	(void)bus_read(bus, 0x5678, 1);
	unsigned lines = capture_end(&c, "unhandled");
	log_set_level(old);

	assert_int_equal(bus_misses(bus), 4);
	assert_int_equal(bus->nmiss_logged, 2);
	assert_int_equal(lines, 2);
}

static void test_miss_log_saturates(void **state)
{
	struct bus *bus = *state;
	struct capture c;
	enum log_level old = log_get_level();

	log_set_level(LOG_INFO);
	capture_begin(&c);
	for (uint64_t a = 0; a < BUS_MISS_LOG_MAX; a++)
		(void)bus_read(bus, 0x10000 + a, 1);
	unsigned first = capture_end(&c, "unhandled");
	assert_int_equal(first, BUS_MISS_LOG_MAX);
	assert_int_equal(bus->nmiss_logged, BUS_MISS_LOG_MAX);
	assert_false(bus->miss_log_full);

	/* Repeats of logged addresses: counted, not logged. */
	capture_begin(&c);
	for (uint64_t a = 0; a < BUS_MISS_LOG_MAX; a++)
		bus_write(bus, 0x10000 + a, 1, 0);
	assert_int_equal(capture_end(&c, "vmm:"), 0);

	/* New addresses beyond the limit: one "no longer logging" line,
	 * then silence; the set does not grow; every miss is counted. */
	capture_begin(&c);
	for (uint64_t a = 0; a < 1000; a++)
		(void)bus_read(bus, 0x90000 + a, 2);
	unsigned all = capture_end(&c, "vmm:");
	capture_begin(&c);
	(void)bus_read(bus, 0xa0000, 2);
	unsigned after = capture_end(&c, "vmm:");
	log_set_level(old);

	assert_int_equal(all, 1);
	assert_int_equal(after, 0);
	assert_int_equal(bus->nmiss_logged, BUS_MISS_LOG_MAX);
	assert_true(bus->miss_log_full);
	for (unsigned i = 0; i < BUS_MISS_LOG_MAX; i++)
		assert_int_equal(bus->miss_logged[i], 0x10000 + i);
	assert_int_equal(bus_misses(bus), 2 * BUS_MISS_LOG_MAX + 1000 + 1);
}

/* ---- reset and lookup ------------------------------------------------- */

static void test_reset_all(void **state)
{
	struct bus *bus = *state;
	struct fake a = {0}, b = {0}, c = {0};

	bus_reset_all(bus); /* empty bus */
	assert_int_equal(reg(bus, 0x3000, 0x10, &a), 0);
	assert_int_equal(
	    bus_register(bus, 0x2000, 0x10, &fake_ops_noreset, &b, "b"), 0);
	assert_int_equal(reg(bus, 0x1000, 0x10, &c), 0);

	bus_reset_all(bus);
	assert_int_equal(a.resets, 1);
	assert_int_equal(b.resets, 0);
	assert_int_equal(c.resets, 1);
	bus_reset_all(bus);
	assert_int_equal(a.resets, 2);
	assert_int_equal(c.resets, 2);
	assert_int_equal(a.reads + a.writes + c.reads + c.writes, 0);
}

static void test_find_many(void **state)
{
	struct bus *bus = *state;
	struct fake devs[BUS_MAX_DEVICES];

	/* For every bus size from 1 to 64, ranges of different lengths with
	 * gaps between them, registered in a scrambled order. */
	for (unsigned n = 1; n <= BUS_MAX_DEVICES; n++) {
		bus_destroy(bus);
		assert_int_equal(bus_init(bus, "test"), 0);
		memset(devs, 0, sizeof(devs));
		/* Registration order alternates between the two ends: 0,
		 * n-1, 1, n-2, ... so inserts go to both ends and middle. */
		for (unsigned k = 0; k < n; k++) {
			unsigned i = (k & 1) ? n - 1 - k / 2 : k / 2;
			uint64_t base = 0x100000 + (uint64_t)i * 0x1000;
			assert_int_equal(reg(bus, base, 1 + i * 13, &devs[i]),
					 0);
		}
		assert_int_equal(bus->n, n);
		for (unsigned i = 0; i < n; i++) {
			uint64_t base = 0x100000 + (uint64_t)i * 0x1000;
			uint64_t len = 1 + i * 13;
			const struct bus_range *r;

			assert_int_equal(bus->ranges[i].base, base);
			r = bus_find(bus, base);
			assert_non_null(r);
			assert_ptr_equal(r->dev, &devs[i]);
			r = bus_find(bus, base + len - 1);
			assert_non_null(r);
			assert_ptr_equal(r->dev, &devs[i]);
			r = bus_find(bus, base + len / 2);
			assert_non_null(r);
			assert_ptr_equal(r->dev, &devs[i]);
			assert_null(bus_find(bus, base + len));
			assert_null(bus_find(bus, base - 1));
			assert_null(bus_find(bus, base + 0xfff));
		}
		assert_null(bus_find(bus, 0));
		assert_null(bus_find(bus, 0xfffff));
		assert_null(bus_find(bus, UINT64_MAX));
	}
}

static void test_find_contiguous(void **state)
{
	struct bus *bus = *state;
	struct fake devs[BUS_MAX_DEVICES];

	/* 64 back-to-back ranges of 16 bytes, registered highest first. */
	for (int i = BUS_MAX_DEVICES - 1; i >= 0; i--)
		assert_int_equal(reg(bus, 0x4000 + (uint64_t)i * 16, 16,
				     &devs[i]),
				 0);
	for (unsigned i = 0; i < BUS_MAX_DEVICES; i++) {
		uint64_t base = 0x4000 + (uint64_t)i * 16;
		assert_ptr_equal(bus_find(bus, base)->dev, &devs[i]);
		assert_ptr_equal(bus_find(bus, base + 15)->dev, &devs[i]);
		if (i > 0)
			assert_ptr_equal(bus_find(bus, base - 1)->dev,
					 &devs[i - 1]);
	}
	assert_null(bus_find(bus, 0x3fff));
	assert_null(bus_find(bus, 0x4000 + BUS_MAX_DEVICES * 16));

	/* Dispatch goes to the right one with the right offset. */
	memset(devs, 0, sizeof(devs));
	bus_write(bus, 0x4000 + 37 * 16 + 6, 2, 0xabcd);
	for (unsigned i = 0; i < BUS_MAX_DEVICES; i++)
		assert_int_equal(devs[i].writes, i == 37);
	assert_int_equal(devs[37].off, 6);
	assert_int_equal(devs[37].val, 0xabcd);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_bus, teardown_bus)
	const struct CMUnitTest tests[] = {
	    T(test_register_basic),
	    T(test_register_invalid),
	    T(test_register_overlap),
	    T(test_register_top_of_space),
	    T(test_register_whole_space_but_one),
	    T(test_register_top_access),
	    T(test_register_full),
	    T(test_dispatch_offsets),
	    T(test_read_masked),
	    T(test_miss_reads_ones),
	    T(test_access_past_end),
	    T(test_invalid_sizes),
	    T(test_bytes_little_endian),
	    T(test_miss_log_once_per_address),
	    T(test_miss_log_saturates),
	    T(test_reset_all),
	    T(test_find_many),
	    T(test_find_contiguous),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
