/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debug-exit port. See debug_exit.h for the contract. The struct is
 * immutable once registered, so there is no lock.
 */
#include "devices/debug_exit.h"

#include <errno.h>

static uint64_t debug_exit_read(void *dev, uint64_t off, unsigned size)
{
	(void)dev;
	(void)off;
	(void)size;
	return 0;
}

static void debug_exit_write(void *dev, uint64_t off, unsigned size,
			     uint64_t val)
{
	const struct debug_exit *d = dev;

	(void)off;
	(void)size;
	if (d->exit)
		d->exit(d->opaque, (uint8_t)val);
}

const struct bus_dev_ops debug_exit_ops = {
	.read = debug_exit_read,
	.write = debug_exit_write,
	.reset = NULL,
};

void debug_exit_save(const struct debug_exit *d, struct st_writer *w)
{
	(void)d;
	st_section_end(w, st_section_begin(w, DEBUG_EXIT_STATE_TAG,
					   DEBUG_EXIT_STATE_VERSION));
}

int debug_exit_restore(struct debug_exit *d, struct st_reader *r)
{
	struct st_reader b;
	uint16_t version;

	(void)d;
	st_section_open(r, DEBUG_EXIT_STATE_TAG, DEBUG_EXIT_STATE_VERSION,
			&version, &b);
	st_section_close(r, &b);
	return st_ok(r) ? 0 : -EINVAL;
}
