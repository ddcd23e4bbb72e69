/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debug-exit port. See debug_exit.h for the contract. The struct is
 * immutable once registered, so there is no lock.
 */
#include "devices/debug_exit.h"

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
