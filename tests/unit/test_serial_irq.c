/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the 16550A model (devices/serial.c): interrupts, RX flow
 * control, hostile and concurrent access. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/serial_fixture.h"

static void test_rx_space_callback(void **state)
{
	struct ctx *c = *state;
	static const uint8_t more[] = "XYZ";

	push(c, "0123456789abcde", 15);
	rd(c, RBR);
	assert_int_equal(c->rx_space_calls, 0); /* was never full */
	push(c, "fg", 2);
	assert_int_equal(serial_rx_free(&c->s), 0);
	/* The callback re-enters the device to push the host's backlog. */
	c->backlog = more;
	c->backlog_len = 3;
	assert_int_equal(rd(c, RBR), '1');
	assert_int_equal(c->rx_space_calls, 1);
	assert_int_equal(c->backlog_len, 2); /* one byte fitted */
	assert_int_equal(rd(c, RBR), '2');
	assert_int_equal(c->rx_space_calls, 2);
	assert_int_equal(c->backlog_len, 1);
	/* With no backlog the FIFO stays non-full after this read, so the
	 * next read does not call again. */
	c->backlog_len = 0;
	assert_int_equal(rd(c, RBR), '3');
	assert_int_equal(c->rx_space_calls, 3);
	assert_int_equal(rd(c, RBR), '4');
	assert_int_equal(c->rx_space_calls, 3);
	/* Clearing a full FIFO through FCR also makes room. */
	push(c, "zzz", 2);
	assert_int_equal(serial_rx_free(&c->s), 0);
	wr(c, FCR, 0x03);
	assert_int_equal(c->rx_space_calls, 4);
	assert_int_equal(serial_rx_free(&c->s), 16);
	/* So does a reset. */
	push(c, "0123456789abcdef", 16);
	serial_ops.reset(&c->s);
	assert_int_equal(c->rx_space_calls, 5);
}

static void test_iir_priorities(void **state)
{
	struct ctx *c = *state;

	wr(c, IER, 0x0f);
	assert_int_equal(rd(c, IIR), 0x02); /* ETBEI enabled, THR empty */
	/* Loopback: modem deltas (0xb0 -> 0x00), then overrun + data. */
	wr(c, MCR, 0x10);
	for (int i = 0; i <= SERIAL_FIFO_SIZE; i++)
		wr(c, THR, 'x');
	assert_int_equal(c->level, 1);
	assert_int_equal(rd(c, IIR), 0x06);
	assert_int_equal(rd(c, IIR), 0x06); /* not cleared by IIR */
	assert_int_equal(rd(c, LSR), 0x63);
	assert_int_equal(rd(c, IIR), 0x04);
	for (int i = 0; i < SERIAL_FIFO_SIZE; i++)
		assert_int_equal(rd(c, IIR), 0x04);
	for (int i = 0; i < SERIAL_FIFO_SIZE; i++)
		assert_int_equal(rd(c, RBR), 'x');
	assert_int_equal(rd(c, IIR), 0x02); /* clears THRI */
	assert_int_equal(c->level, 1);
	assert_int_equal(rd(c, IIR), 0x00); /* modem status */
	assert_int_equal(rd(c, MSR), 0x0b); /* DCTS|DDSR|DDCD, no status */
	assert_int_equal(rd(c, IIR), 0x01);
	assert_int_equal(c->level, 0);
	assert_false(c->irq_repeat);
	/* Masked sources do not show. */
	wr(c, IER, 0x00);
	push(c, "a", 1);
	assert_int_equal(rd(c, IIR), 0x01);
	wr(c, IER, 0x01);
	assert_int_equal(rd(c, IIR), 0x04);
}

static void test_thre_interrupt(void **state)
{
	struct ctx *c = *state;
	uint8_t iir1, iir2;

	assert_int_equal(rd(c, IIR), 0x01);
	wr(c, IER, 0x02);
	assert_int_equal(c->level, 1);
	assert_int_equal(rd(c, IIR), 0x02);
	assert_int_equal(c->level, 0);
	assert_int_equal(rd(c, IIR), 0x01);
	/* Re-raised by each THR write (the byte leaves at once). */
	wr(c, THR, 'A');
	assert_int_equal(c->level, 1);
	wr(c, THR, 'B');
	assert_int_equal(c->level, 1);
	assert_int_equal(rd(c, IIR), 0x02);
	assert_int_equal(c->level, 0);
	/* Clearing ETBEI drops a pending THRE interrupt. */
	wr(c, THR, 'C');
	assert_int_equal(c->level, 1);
	wr(c, IER, 0x00);
	assert_int_equal(c->level, 0);
	assert_int_equal(rd(c, IIR), 0x01);
	/* Linux 8250 UART_BUG_THRE probe: both reads must see THRI. */
	wr(c, IER, 0x02);
	iir1 = rd(c, IIR);
	wr(c, IER, 0x00);
	wr(c, IER, 0x02);
	iir2 = rd(c, IIR);
	wr(c, IER, 0x00);
	assert_int_equal(iir1 & 0x01, 0);
	assert_int_equal(iir2 & 0x01, 0);
	assert_int_equal(c->level, 0);
	assert_false(c->irq_repeat);
	assert_int_equal(c->ntx, 3);
}

static void test_irq_only_on_change(void **state)
{
	struct ctx *c = *state;

	wr(c, IER, 0x01);
	wr(c, SCR, 1);
	rd(c, LSR);
	assert_int_equal(c->irq_calls, 0);
	push(c, "a", 1);
	assert_int_equal(c->irq_calls, 1);
	assert_int_equal(c->level, 1);
	push(c, "bcd", 3);
	rd(c, RBR);
	rd(c, IIR);
	rd(c, LSR);
	assert_int_equal(c->irq_calls, 1);
	rd(c, RBR);
	rd(c, RBR);
	assert_int_equal(c->irq_calls, 1);
	rd(c, RBR);
	assert_int_equal(c->irq_calls, 2);
	assert_int_equal(c->level, 0);
	rd(c, RBR);
	rd(c, IIR);
	assert_int_equal(c->irq_calls, 2);
	assert_false(c->irq_repeat);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void test_hostile_sequence(void **state)
{
	struct ctx *c = *state;
	static const unsigned sizes[4] = { 1, 2, 4, 8 };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint8_t buf[24];

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	for (int op = 0; op < 100000; op++) {
		uint64_t r = xorshift(&x);
		unsigned size = sizes[r & 3];
		unsigned off = (unsigned)((r >> 2) % (SERIAL_NREGS - size + 1));
		unsigned kind = (unsigned)((r >> 8) % 100);
		uint64_t val = xorshift(&x);
		int before;
		uint8_t iir, lsr;

		if (kind < 45) {
			assert_true(serial_ops.read(&c->s, off, size) <= 0xff);
		} else if (kind < 90) {
			serial_ops.write(&c->s, off, size, val);
		} else if (kind < 99) {
			unsigned len = (unsigned)(val % (sizeof(buf) + 1));
			unsigned room = serial_rx_free(&c->s);
			unsigned n = serial_rx_push(&c->s, buf, len);

			assert_int_equal(n, len < room ? len : room);
		} else {
			serial_ops.reset(&c->s);
		}
		assert_true(c->s.rx_count <= SERIAL_FIFO_SIZE);
		assert_int_equal(serial_rx_free(&c->s) + c->s.rx_count,
				 SERIAL_FIFO_SIZE);
		assert_int_equal(c->level, c->s.irq_level);
		assert_int_equal(c->ntx_total, c->s.tx_bytes);
		lsr = rd(c, LSR);
		assert_int_equal(lsr & 0x60, 0x60);
		assert_int_equal(lsr & 0x01, c->s.rx_count ? 1 : 0);
		/* The level seen by the host matches IIR before the read. */
		before = c->level;
		iir = rd(c, IIR);
		assert_int_equal(before, (iir & 0x01) == 0);
		assert_int_equal(iir & 0x30, 0);
		assert_true((iir & 0x0f) == 0x00 || (iir & 0x0f) == 0x01 ||
			    (iir & 0x0f) == 0x02 || (iir & 0x0f) == 0x04 ||
			    (iir & 0x0f) == 0x06);
		assert_int_equal(c->level, c->s.irq_level);
		assert_false(c->irq_repeat);
	}
	/* The sequence did exercise the device. */
	assert_true(c->s.tx_bytes > 0);
	assert_true(c->s.rx_bytes > 0);
	assert_true(c->irq_calls > 0);
}

#define THREAD_BYTES 20000

static void *tx_thread(void *arg)
{
	struct ctx *c = arg;

	for (int i = 0; i < THREAD_BYTES; i++) {
		serial_ops.write(&c->s, THR, 1, (uint8_t)i);
		serial_ops.read(&c->s, IIR, 1);
	}
	return NULL;
}

/* Concurrent TX, RX and IIR traffic: counts add up and set_irq still only
 * ever sees level changes (it is called under the device lock). */
static void test_threads(void **state)
{
	struct ctx *c = *state;
	pthread_t t;
	uint8_t b = 'r';
	unsigned pushed = 0, popped = 0;

	wr(c, IER, 0x03);
	assert_int_equal(pthread_create(&t, NULL, tx_thread, c), 0);
	for (int i = 0; i < THREAD_BYTES; i++) {
		pushed += serial_rx_push(&c->s, &b, 1);
		if (rd(c, LSR) & 0x01) {
			assert_int_equal(rd(c, RBR), 'r');
			popped++;
		}
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(c->s.tx_bytes, THREAD_BYTES);
	assert_int_equal(c->ntx_total, THREAD_BYTES);
	assert_int_equal(c->s.rx_bytes, pushed);
	assert_int_equal(pushed - popped, c->s.rx_count);
	assert_false(c->irq_repeat);
	assert_int_equal(c->level, c->s.irq_level);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_rx_space_callback),
		T(test_iir_priorities),
		T(test_thre_interrupt),
		T(test_irq_only_on_change),
		T(test_hostile_sequence),
		T(test_threads),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
