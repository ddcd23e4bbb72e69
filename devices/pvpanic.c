/* SPDX-License-Identifier: Apache-2.0 */
/* pvpanic. See pvpanic.h for the contract. */
#include "devices/pvpanic.h"

#include <errno.h>

void pvpanic_init(struct pvpanic *p, const struct pvpanic_host *host)
{
	p->host = *host;
	atomic_init(&p->crash_loaded_seen, false);
}

static uint64_t pvpanic_read(void *dev, uint64_t off, unsigned size)
{
	(void)dev;
	(void)off;
	(void)size;
	return PVPANIC_EVENTS;
}

static void pvpanic_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct pvpanic *p = dev;
	uint8_t ev = (uint8_t)val;

	(void)off;
	(void)size;
	if (ev & PVPANIC_PANICKED) {
		if (p->host.panicked)
			p->host.panicked(p->host.opaque);
	} else if (ev & PVPANIC_CRASH_LOADED) {
		if (!atomic_exchange(&p->crash_loaded_seen, true) &&
		    p->host.crash_loaded)
			p->host.crash_loaded(p->host.opaque);
	}
}

const struct bus_dev_ops pvpanic_ops = {
    .read = pvpanic_read,
    .write = pvpanic_write,
    .reset = NULL,
};

void pvpanic_save(const struct pvpanic *d, struct st_writer *w)
{
	(void)d;
	st_section_end(
	    w, st_section_begin(w, PVPANIC_STATE_TAG, PVPANIC_STATE_VERSION));
}

int pvpanic_restore(struct pvpanic *d, struct st_reader *r)
{
	struct st_reader b;
	uint16_t version;

	(void)d;
	st_section_open(r, PVPANIC_STATE_TAG, PVPANIC_STATE_VERSION, &version,
			&b);
	st_section_close(r, &b);
	return st_ok(r) ? 0 : -EINVAL;
}
