/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the i8042 controller model (devices/i8042.c): any access
 * sequence of any size at its 5-byte range, and resets.
 *
 * Input: ops until the end, one byte each (% 3) with operands:
 *   0 u8 off, u8 size, u8 val   write val at off % 5 (size 1 << (size & 3),
 *                               1 where it would run past the range)
 *   1 u8 off, u8 size           read
 *   2                           the reset op
 *
 * Checks: reads give one byte; every reset request the device counts
 * reached host->reset, and the reset op keeps that count.
 */
#include <stdlib.h>

#include "devices/i8042.h"
#include "fuzz/fuzz.h"

#define KBD_MAX_OPS 4096

struct kbd_fx {
	struct i8042 k;
	uint64_t resets;
};

static void reset(void *opaque)
{
	((struct kbd_fx *)opaque)->resets++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	struct kbd_fx *f = calloc(1, sizeof(*f));
	struct i8042_host h = {.reset = reset};

	if (!f)
		abort();
	h.opaque = f;
	FUZZ_CHECK(i8042_init(&f->k, &h) == 0);
	for (unsigned ops = 0; ops < KBD_MAX_OPS && !fz_empty(&in); ops++) {
		uint8_t op = fz_u8(&in) % 3;

		if (op <= 1) {
			unsigned off = fz_u8(&in) % I8042_RANGE_LEN;
			unsigned sz = fz_size(fz_u8(&in));

			if (off + sz > I8042_RANGE_LEN)
				sz = 1;
			if (op == 0)
				i8042_ops.write(&f->k, off, sz, fz_u8(&in));
			else
				FUZZ_CHECK(i8042_ops.read(&f->k, off, sz) <=
					   0xff);
		} else {
			uint64_t before = f->k.resets;

			i8042_ops.reset(&f->k);
			FUZZ_CHECK(f->k.resets == before);
		}
		FUZZ_CHECK(f->k.resets == f->resets);
	}
	i8042_destroy(&f->k);
	free(f);
	return 0;
}
