/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared fixture for the serial unit tests (test_serial*.c): a host that
 * records TX bytes and IRQ level changes, and whose rx_space callback
 * pushes a backlog back into the device. Include after cmocka.h.
 */
#ifndef VMM_TESTS_SERIAL_FIXTURE_H
#define VMM_TESTS_SERIAL_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "devices/serial.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2,
       LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define TX_MAX 4096

struct ctx {
	struct serial s;
	uint8_t tx[TX_MAX];
	unsigned ntx;
	uint64_t ntx_total;
	int level;
	unsigned irq_calls;
	bool irq_repeat; /* set_irq called with an unchanged level */
	unsigned rx_space_calls;
	/* Bytes the rx_space callback pushes (re-entering the device). */
	const uint8_t *backlog;
	unsigned backlog_len;
};

static inline void host_tx(void *opaque, uint8_t byte)
{
	struct ctx *c = opaque;

	if (c->ntx < TX_MAX)
		c->tx[c->ntx++] = byte;
	c->ntx_total++;
}

static inline void host_set_irq(void *opaque, int level)
{
	struct ctx *c = opaque;

	if (level == c->level)
		c->irq_repeat = true;
	c->level = level;
	c->irq_calls++;
}

static inline void host_rx_space(void *opaque)
{
	struct ctx *c = opaque;
	unsigned n;

	c->rx_space_calls++;
	if (!c->backlog_len)
		return;
	n = serial_rx_push(&c->s, c->backlog, c->backlog_len);
	c->backlog += n;
	c->backlog_len -= n;
}

static inline int setup(void **state)
{
	struct ctx *c = test_calloc(1, sizeof(*c));
	struct serial_host h = {
		.tx = host_tx,
		.set_irq = host_set_irq,
		.rx_space = host_rx_space,
		.opaque = c,
	};

	if (!c)
		return -1;
	if (serial_init(&c->s, &h)) {
		test_free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static inline int teardown(void **state)
{
	struct ctx *c = *state;

	serial_destroy(&c->s);
	test_free(c);
	return 0;
}

static inline uint8_t rd(struct ctx *c, unsigned off)
{
	uint64_t v = serial_ops.read(&c->s, off, 1);

	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static inline void wr(struct ctx *c, unsigned off, uint8_t v)
{
	serial_ops.write(&c->s, off, 1, v);
}

static inline void push(struct ctx *c, const char *str, unsigned expect)
{
	unsigned len = (unsigned)strlen(str);

	assert_int_equal(serial_rx_push(&c->s, (const uint8_t *)str, len),
			 expect);
}

#endif
