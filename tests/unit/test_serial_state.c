/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the 8250 UART's saved state (devices/serial_state.c):
 * a UART driven into a non-trivial state (divisor, loopback with a full,
 * wrapped FIFO and an overrun, pending interrupts, modem deltas) is saved
 * and restored into a fresh one; both then answer the same accesses alike
 * (every register read, the line level, TX and rx_space). Bad blobs of
 * every field class are refused with -EINVAL and change nothing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/serial_fixture.h"
#include "vmm/base/state.h"

#define BLOB_MAX 64
#define P(off)	 (ST_HDR_LEN + (off)) /* payload offsets */

/* A second UART, as the fixture makes the first. */
static struct ctx *fresh(void)
{
	void *p = NULL;

	assert_int_equal(setup(&p), 0);
	return p;
}

static void drop(struct ctx *c)
{
	void *p = c;

	(void)teardown(&p);
}

static size_t save(struct ctx *c, uint8_t *buf)
{
	struct st_writer w;
	long n;

	st_writer_init(&w, buf, BLOB_MAX);
	serial_save(&c->s, &w);
	n = st_writer_end(&w);
	assert_true(n > 0);
	return (size_t)n;
}

static int restore(struct ctx *c, const uint8_t *buf, size_t len)
{
	struct st_reader r;
	int e;

	st_reader_init(&r, buf, len);
	e = serial_restore(&c->s, &r);
	return e ? e : st_reader_end(&r);
}

/* Divisor 0x0301, 8N1, all interrupts on, FIFO on, loopback with the
 * FIFO full from slot 5 on, an overrun, MSR deltas pending. */
static void drive(struct ctx *c)
{
	wr(c, LCR, 0x80);
	wr(c, DLL, 0x01);
	wr(c, DLM, 0x03);
	wr(c, LCR, 0x03);
	wr(c, FCR, 0xc7);
	wr(c, SCR, 0x5a);
	wr(c, MCR, 0x1b); /* loopback, DTR, RTS, OUT2 */
	for (unsigned i = 0; i < 5; i++)
		wr(c, THR, (uint8_t)(0x30 + i));
	for (unsigned i = 0; i < 5; i++)
		(void)rd(c, RBR);
	for (unsigned i = 0; i < SERIAL_FIFO_SIZE + 1; i++)
		wr(c, THR, (uint8_t)(0x40 + i)); /* the last one overruns */
	wr(c, IER, 0x0f);
}

static void same_reads(struct ctx *a, struct ctx *b)
{
	static const unsigned order[] = {IIR, LSR, IIR, MSR, IIR,
					 LCR, MCR, SCR, IER};

	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		assert_int_equal(rd(a, order[i]), rd(b, order[i]));
		assert_int_equal(a->level, b->level);
	}
}

static void test_round_trip(void **state)
{
	struct ctx *a = *state, *b;
	uint8_t blob[BLOB_MAX];
	size_t n;

	b = fresh();
	drive(a);
	assert_int_equal(a->level, 1);
	n = save(a, blob);
	assert_int_equal(n, ST_HDR_LEN + 11 + SERIAL_FIFO_SIZE);
	assert_int_equal(restore(b, blob, n), 0);
	/* The line follows the restored registers. */
	assert_int_equal(b->level, 1);
	assert_int_equal(b->irq_calls, 1);
	assert_false(b->irq_repeat);
	a->rx_space_calls = 0;
	same_reads(a, b);
	/* Drain the FIFO: the first read of a full FIFO asks for more. */
	for (unsigned i = 0; i < SERIAL_FIFO_SIZE + 1; i++) {
		assert_int_equal(rd(a, LSR), rd(b, LSR));
		assert_int_equal(rd(a, RBR), rd(b, RBR));
		assert_int_equal(a->level, b->level);
	}
	assert_int_equal(a->rx_space_calls, 1);
	assert_int_equal(b->rx_space_calls, 1);
	/* The divisor, then out of loopback: TX goes to the host. */
	wr(a, LCR, 0x83);
	wr(b, LCR, 0x83);
	assert_int_equal(rd(a, DLL), rd(b, DLL));
	assert_int_equal(rd(a, DLM), 0x03);
	assert_int_equal(rd(b, DLM), 0x03);
	wr(a, LCR, 0x03);
	wr(b, LCR, 0x03);
	wr(a, MCR, 0x0b);
	wr(b, MCR, 0x0b);
	same_reads(a, b);
	a->ntx = b->ntx = 0;
	for (unsigned i = 0; i < 4; i++) {
		wr(a, THR, (uint8_t)('w' + i));
		wr(b, THR, (uint8_t)('w' + i));
		same_reads(a, b);
	}
	assert_int_equal(b->ntx, 4);
	assert_memory_equal(a->tx, b->tx, 4);
	push(a, "xy", 2);
	push(b, "xy", 2);
	same_reads(a, b);
	assert_int_equal(rd(a, RBR), rd(b, RBR));
	drop(b);
}

/* A power-on UART restores to a power-on UART, with no line change. */
static void test_power_on(void **state)
{
	struct ctx *a = *state, *b;
	uint8_t blob[BLOB_MAX];
	size_t n;

	b = fresh();
	n = save(a, blob);
	assert_int_equal(n, ST_HDR_LEN + 11);
	assert_int_equal(restore(b, blob, n), 0);
	assert_int_equal(b->irq_calls, 0);
	same_reads(a, b);
	drop(b);
}

static void expect_refused(struct ctx *c, const uint8_t *blob, size_t len)
{
	uint8_t before[BLOB_MAX], after[BLOB_MAX];
	size_t n0 = save(c, before);
	unsigned calls = c->irq_calls;

	assert_int_equal(restore(c, blob, len), -EINVAL);
	assert_int_equal(save(c, after), n0);
	assert_memory_equal(before, after, n0);
	assert_int_equal(c->irq_calls, calls);
}

static void test_bad_blobs(void **state)
{
	struct ctx *a = *state, *b;
	static const struct {
		size_t at;
		uint8_t val;
	} pokes[] = {
	    {0, 'u'},	   /* tag */
	    {4, 0},	   /* version 0 */
	    {4, 2},	   /* version 2 */
	    {6, 0},	   /* section length */
	    {P(0), 0x10},  /* IER: a bit that does not exist */
	    {P(1), 2},	   /* THR-empty latch */
	    {P(3), 0x20},  /* MCR */
	    {P(5), 0x01},  /* LSR: DR is computed, not stored */
	    {P(5), 0x20},  /* LSR: THRE likewise */
	    {P(6), 0x10},  /* MSR: status bits are computed */
	    {P(7), 0x02},  /* FCR without enable */
	    {P(7), 0x07},  /* FCR: the clear bits are not kept */
	    {P(10), 17},   /* FIFO count above its size */
	    {P(10), 15},   /* fewer bytes than are there */
	    {P(10), 0xff}, /* count far past the section */
	};
	uint8_t blob[BLOB_MAX], bad[BLOB_MAX];
	size_t n;

	b = fresh();
	drive(a);
	n = save(a, blob);
	wr(b, SCR, 7); /* something to keep */
	for (size_t len = 0; len < n; len++)
		expect_refused(b, blob, len);
	for (unsigned i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		memcpy(bad, blob, n);
		bad[pokes[i].at] = pokes[i].val;
		expect_refused(b, bad, n);
	}
	/* A byte past the FIFO inside the section. */
	memcpy(bad, blob, n);
	bad[n] = 0;
	bad[6]++;
	expect_refused(b, bad, n + 1);
	drop(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_power_on, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_blobs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
