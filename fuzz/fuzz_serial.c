/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the 16550A UART register model (devices/serial.c). Any access
 * sequence of any size, host input, resets, and a host that pushes more
 * input from its rx_space callback.
 *
 * Input: u8 flags (1: rx_space pushes one byte back at once), then ops
 * until the end, one byte each (% 5) with operands:
 *   0 u8 off, u8 size, u8 val   write val at off % 8 (size 1 << (size & 3),
 *                               1 where it would run past the range)
 *   1 u8 off, u8 size           read
 *   2 u8 len, len bytes         serial_rx_push
 *   3                           the reset op
 *   4                           serial_rx_free
 *
 * Checks: set_irq only on changes and in step with irq_level; the FIFO
 * count within 16; rx_push takes no more than the free space; every byte
 * written while not in loopback reaches host->tx.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/serial.h"
#include "fuzz/fuzz.h"

#define SER_MAX_OPS 4096

struct ser_fx {
	struct serial s;
	int level; /* last set_irq, -1 before the first */
	uint64_t tx;
	bool push_on_space;
};

static void tx(void *opaque, uint8_t byte)
{
	(void)byte;
	((struct ser_fx *)opaque)->tx++;
}

static void set_irq(void *opaque, int level)
{
	struct ser_fx *f = opaque;

	FUZZ_CHECK(level == 0 || level == 1);
	FUZZ_CHECK(level != f->level);
	f->level = level;
}

static void rx_space(void *opaque)
{
	struct ser_fx *f = opaque;

	if (f->push_on_space)
		(void)serial_rx_push(&f->s, (const uint8_t *)"x", 1);
}

static void check(const struct ser_fx *f)
{
	FUZZ_CHECK(f->s.rx_count <= SERIAL_FIFO_SIZE);
	FUZZ_CHECK(f->s.rx_head < SERIAL_FIFO_SIZE);
	FUZZ_CHECK(f->s.irq_level == (f->level < 0 ? 0 : f->level));
	FUZZ_CHECK(f->s.tx_bytes == f->tx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	struct ser_fx *f = calloc(1, sizeof(*f));
	struct serial_host h = {
	    .tx = tx, .set_irq = set_irq, .rx_space = rx_space};

	if (!f)
		abort();
	f->level = -1;
	f->push_on_space = fz_u8(&in) & 1;
	h.opaque = f;
	FUZZ_CHECK(serial_init(&f->s, &h) == 0);
	for (unsigned ops = 0; ops < SER_MAX_OPS && !fz_empty(&in); ops++) {
		uint8_t op = fz_u8(&in) % 5;

		if (op <= 1) {
			unsigned off = fz_u8(&in) % SERIAL_NREGS;
			unsigned sz = fz_size(fz_u8(&in));

			if (off + sz > SERIAL_NREGS)
				sz = 1;
			if (op == 0)
				serial_ops.write(&f->s, off, sz, fz_u8(&in));
			else
				FUZZ_CHECK(serial_ops.read(&f->s, off, sz) <=
					   0xff);
		} else if (op == 2) {
			const uint8_t *b;
			unsigned len = (unsigned)fz_bytes(&in, fz_u8(&in), &b);
			unsigned room = serial_rx_free(&f->s);

			FUZZ_CHECK(serial_rx_push(&f->s, b, len) <=
				   (len < room ? len : room));
		} else if (op == 3) {
			serial_ops.reset(&f->s);
			/* Empty, but for the byte rx_space pushed back. */
			FUZZ_CHECK(f->s.rx_count <= (f->push_on_space ? 1 : 0));
		} else {
			FUZZ_CHECK(serial_rx_free(&f->s) <= SERIAL_FIFO_SIZE);
		}
		check(f);
	}
	serial_destroy(&f->s);
	free(f);
	return 0;
}
