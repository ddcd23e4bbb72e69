/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the 16550A model (devices/serial.c): registers, FIFOs,
 * loopback and access sizes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/serial_fixture.h"

static void test_init_rejects_missing_callbacks(void **state)
{
	struct serial s;
	struct serial_host h = { .tx = host_tx, .set_irq = NULL };

	(void)state;
	assert_int_equal(serial_init(&s, &h), -EINVAL);
	h.set_irq = host_set_irq;
	h.tx = NULL;
	assert_int_equal(serial_init(&s, &h), -EINVAL);
	assert_int_equal(serial_init(&s, NULL), -EINVAL);
}

static void check_power_on(struct ctx *c)
{
	assert_int_equal(rd(c, RBR), 0);
	assert_int_equal(rd(c, IER), 0);
	assert_int_equal(rd(c, IIR), 0x01);
	assert_int_equal(rd(c, LCR), 0);
	assert_int_equal(rd(c, MCR), 0);
	assert_int_equal(rd(c, LSR), 0x60);
	assert_int_equal(rd(c, MSR), 0xb0);
	assert_int_equal(rd(c, SCR), 0);
	wr(c, LCR, 0x80);
	assert_int_equal(rd(c, DLL), 12);
	assert_int_equal(rd(c, DLM), 0);
	wr(c, LCR, 0);
	assert_int_equal(c->level, 0);
}

static void test_reset_values(void **state)
{
	struct ctx *c = *state;

	check_power_on(c);
	/* Dirty every register, raise the line, then reset. */
	wr(c, LCR, 0x80);
	wr(c, DLL, 0x34);
	wr(c, DLM, 0x12);
	wr(c, LCR, 0x1b);
	wr(c, IER, 0x0f);
	wr(c, FCR, 0xc1);
	wr(c, MCR, 0x1f);
	wr(c, SCR, 0x77);
	push(c, "xyz", 3);
	assert_int_equal(c->level, 1);
	serial_ops.reset(&c->s);
	assert_int_equal(c->level, 0);
	assert_int_equal(serial_rx_free(&c->s), SERIAL_FIFO_SIZE);
	check_power_on(c);
	assert_false(c->irq_repeat);
}

static void test_dlab_divisor(void **state)
{
	struct ctx *c = *state;

	wr(c, LCR, 0x83);
	wr(c, DLL, 0x01);
	wr(c, DLM, 0x02);
	assert_int_equal(rd(c, DLL), 0x01);
	assert_int_equal(rd(c, DLM), 0x02);
	assert_int_equal(rd(c, LCR), 0x83);
	assert_int_equal(c->s.divisor, 0x0201);
	/* The latch is not THR/IER. */
	assert_int_equal(c->ntx, 0);
	wr(c, LCR, 0x03);
	assert_int_equal(rd(c, IER), 0);
	assert_int_equal(rd(c, LCR), 0x03);
	/* And DLAB hides RBR: data stays queued. */
	push(c, "q", 1);
	wr(c, LCR, 0x83);
	assert_int_equal(rd(c, RBR), 0x01);
	wr(c, LCR, 0x03);
	assert_int_equal(rd(c, RBR), 'q');
}

static void test_tx_in_order(void **state)
{
	struct ctx *c = *state;
	const char *msg = "hello, world\n";

	for (const char *p = msg; *p; p++)
		wr(c, THR, (uint8_t)*p);
	assert_int_equal(c->ntx, strlen(msg));
	assert_memory_equal(c->tx, msg, strlen(msg));
	assert_int_equal(c->s.tx_bytes, strlen(msg));
	assert_int_equal(rd(c, LSR) & 0x60, 0x60);
}

static void test_loopback(void **state)
{
	struct ctx *c = *state;

	wr(c, MCR, 0x10);
	wr(c, THR, 'a');
	wr(c, THR, 'b');
	assert_int_equal(c->ntx, 0);
	assert_int_equal(c->s.tx_bytes, 0);
	assert_int_equal(rd(c, LSR), 0x61);
	assert_int_equal(rd(c, RBR), 'a');
	assert_int_equal(rd(c, RBR), 'b');
	assert_int_equal(rd(c, LSR), 0x60);
	/* Out of loopback the bytes go to the host again. */
	wr(c, MCR, 0x00);
	wr(c, THR, 'c');
	assert_int_equal(c->ntx, 1);
	assert_int_equal(c->tx[0], 'c');
	assert_int_equal(rd(c, LSR), 0x60);
}

static void test_loopback_overrun(void **state)
{
	struct ctx *c = *state;

	wr(c, MCR, 0x10);
	for (int i = 0; i < SERIAL_FIFO_SIZE; i++)
		wr(c, THR, (uint8_t)i);
	assert_int_equal(rd(c, LSR), 0x61);
	wr(c, THR, 0xee); /* lost */
	wr(c, IER, 0x04);
	assert_int_equal(rd(c, IIR), 0x06);
	assert_int_equal(rd(c, LSR), 0x63);
	/* Reading LSR cleared OE and the line status interrupt. */
	assert_int_equal(rd(c, LSR), 0x61);
	assert_int_equal(rd(c, IIR), 0x01);
	for (int i = 0; i < SERIAL_FIFO_SIZE; i++)
		assert_int_equal(rd(c, RBR), i);
	assert_int_equal(rd(c, LSR), 0x60);
}

static void test_rx_fifo_fill(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[20];

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0x30 + i);
	assert_int_equal(rd(c, LSR) & 0x01, 0);
	assert_int_equal(serial_rx_push(&c->s, buf, sizeof(buf)),
			 SERIAL_FIFO_SIZE);
	assert_int_equal(serial_rx_push(&c->s, buf + 16, 1), 0);
	assert_int_equal(c->s.rx_bytes, SERIAL_FIFO_SIZE);
	for (unsigned i = 0; i < SERIAL_FIFO_SIZE; i++) {
		assert_int_equal(rd(c, LSR) & 0x01, 0x01);
		assert_int_equal(rd(c, RBR), buf[i]);
	}
	assert_int_equal(rd(c, LSR) & 0x01, 0);
	/* Empty RBR reads 0 and does not underflow. */
	assert_int_equal(rd(c, RBR), 0);
	assert_int_equal(serial_rx_free(&c->s), SERIAL_FIFO_SIZE);
	assert_int_equal(serial_rx_push(&c->s, NULL, 4), 0);
}

static void test_rx_free(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(serial_rx_free(&c->s), 16);
	push(c, "abcde", 5);
	assert_int_equal(serial_rx_free(&c->s), 11);
	rd(c, RBR);
	assert_int_equal(serial_rx_free(&c->s), 12);
	push(c, "0123456789abcdef", 12);
	assert_int_equal(serial_rx_free(&c->s), 0);
}

static void test_fcr(void **state)
{
	struct ctx *c = *state;

	wr(c, FCR, 0x01);
	assert_int_equal(rd(c, IIR), 0xc1);
	assert_int_equal(c->s.fcr & 0x01, 0x01);
	push(c, "abc", 3);
	wr(c, FCR, 0x05); /* clear TX only: RX kept */
	assert_int_equal(serial_rx_free(&c->s), 13);
	wr(c, FCR, 0xc3); /* clear RX */
	assert_int_equal(serial_rx_free(&c->s), 16);
	assert_int_equal(rd(c, LSR), 0x60);
	assert_int_equal(rd(c, IIR), 0xc1);
	/* Bit 5 (64-byte FIFO on a 16750) never shows in IIR. */
	wr(c, FCR, 0x21);
	assert_int_equal(rd(c, IIR) & 0x20, 0);
	/* Toggling the enable bit clears the FIFO too. */
	push(c, "abc", 3);
	wr(c, FCR, 0x00);
	assert_int_equal(serial_rx_free(&c->s), 16);
	assert_int_equal(rd(c, IIR), 0x01);
}

static void test_lsr(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(rd(c, LSR), 0x60);
	push(c, "a", 1);
	assert_int_equal(rd(c, LSR), 0x61);
	wr(c, THR, 'z');
	assert_int_equal(rd(c, LSR), 0x61);
	rd(c, RBR);
	assert_int_equal(rd(c, LSR), 0x60);
	wr(c, LSR, 0xff); /* read-only */
	assert_int_equal(rd(c, LSR), 0x60);
}

static void test_msr(void **state)
{
	struct ctx *c = *state;
	static const uint8_t map[4] = { 0x20, 0x10, 0x40, 0x80 };

	assert_int_equal(rd(c, MSR), 0xb0);
	wr(c, MCR, 0x0f); /* no loopback: MCR does not reach MSR */
	assert_int_equal(rd(c, MSR), 0xb0);
	wr(c, MCR, 0x1f);
	assert_int_equal(rd(c, MSR) & 0xf0, 0xf0);
	assert_int_equal(rd(c, MSR), 0xf0); /* deltas were cleared */
	for (int b = 0; b < 4; b++) {
		wr(c, MCR, (uint8_t)(0x10 | 1 << b));
		rd(c, MSR);
		assert_int_equal(rd(c, MSR), map[b]);
	}
	/* Each dropped line shows its delta (RI: trailing edge only). */
	wr(c, MCR, 0x1f);
	rd(c, MSR);
	wr(c, MCR, 0x10);
	assert_int_equal(rd(c, MSR), 0x0f);
	wr(c, MCR, 0x14);
	assert_int_equal(rd(c, MSR), 0x40); /* RI rising: no TERI */
	/* Linux's loopback probe: MCR = LOOP|RTS|OUT2 gives DCD|CTS. */
	wr(c, MCR, 0x1a);
	assert_int_equal(rd(c, MSR) & 0xf0, 0x90);
	wr(c, MCR, 0x00);
	assert_int_equal(rd(c, MSR) & 0xf0, 0xb0);
	wr(c, MSR, 0x00); /* read-only */
	assert_int_equal(rd(c, MSR), 0xb0);
	assert_int_equal(rd(c, MCR), 0x00);
	wr(c, MCR, 0xff);
	assert_int_equal(rd(c, MCR), 0x1f);
}

static void test_scratch(void **state)
{
	struct ctx *c = *state;

	wr(c, SCR, 0x5a);
	assert_int_equal(rd(c, SCR), 0x5a);
	wr(c, SCR, 0xa5);
	assert_int_equal(rd(c, SCR), 0xa5);
	assert_int_equal(c->ntx, 0);
}

static void test_access_sizes(void **state)
{
	struct ctx *c = *state;

	serial_ops.write(&c->s, THR, 2, 0x4142);
	assert_int_equal(c->ntx, 1);
	assert_int_equal(c->tx[0], 0x42);
	serial_ops.write(&c->s, SCR, 1, 0x1ff);
	assert_int_equal(serial_ops.read(&c->s, SCR, 1), 0xff);
	serial_ops.write(&c->s, 4, 4, 0xdeadbe00);
	assert_int_equal(serial_ops.read(&c->s, MCR, 1), 0x00);
	assert_int_equal(serial_ops.read(&c->s, SCR, 1), 0xff);
	serial_ops.write(&c->s, IER, 8, 0xffffffffffffff02ULL);
	assert_int_equal(serial_ops.read(&c->s, IER, 1), 0x02);
	assert_int_equal(serial_ops.read(&c->s, IIR, 2), 0x02);
	assert_int_equal(serial_ops.read(&c->s, 0, 8), 0x00);
	assert_int_equal(serial_ops.read(&c->s, 4, 4), 0x00);
	assert_int_equal(serial_ops.read(&c->s, LSR, 2), 0x60);
	assert_int_equal(serial_ops.read(&c->s, MSR, 2), 0xb0);
	/* Out-of-range offsets (the bus never sends them) are harmless. */
	serial_ops.write(&c->s, 8, 1, 0x55);
	assert_int_equal(serial_ops.read(&c->s, 100, 1), 0);
	assert_int_equal(c->ntx, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_missing_callbacks),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_reset_values),
		T(test_dlab_divisor),
		T(test_tx_in_order),
		T(test_loopback),
		T(test_loopback_overrun),
		T(test_rx_fifo_fill),
		T(test_rx_free),
		T(test_fcr),
		T(test_lsr),
		T(test_msr),
		T(test_scratch),
		T(test_access_sizes),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
