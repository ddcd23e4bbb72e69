/* SPDX-License-Identifier: Apache-2.0 */
/* ARM PL031 RTC. See pl031.h for the contract. */
#include "devices/pl031.h"

#include <errno.h>
#include <string.h>

#define PL031_DR   0x000
#define PL031_MR   0x004
#define PL031_LR   0x008
#define PL031_CR   0x00c
#define PL031_IMSC 0x010
#define PL031_RIS  0x014
#define PL031_MIS  0x018
#define PL031_ICR  0x01c
#define PL031_ID   0xfe0 /* 8 ID registers, one byte each in 32 bits */

static const uint8_t pl031_id[8] = {0x31, 0x10, 0x14, 0x00,
				    0x0d, 0xf0, 0x05, 0xb1};

/* The counter the guest sees: host time plus its offset, mod 2^32. */
static uint32_t pl031_time(const struct pl031 *p)
{
	return (uint32_t)((uint64_t)p->host.now(p->host.opaque) +
			  (uint64_t)p->offset);
}

static uint64_t pl031_read(void *dev, uint64_t off, unsigned size)
{
	struct pl031 *p = dev;
	if (size != 4 || (off & 3) || off >= PL031_RANGE_LEN)
		return 0;
	if (off >= PL031_ID)
		return pl031_id[(off - PL031_ID) / 4];
	uint32_t v = 0;
	pthread_mutex_lock(&p->lock);
	switch (off) {
	case PL031_DR:
		v = pl031_time(p);
		break;
	case PL031_MR:
		v = p->mr;
		break;
	case PL031_LR:
		v = p->lr;
		break;
	case PL031_CR:
		v = 1;
		break;
	case PL031_IMSC:
		v = p->imsc;
		break;
	default: /* RIS, MIS: no alarm, never raised; ICR is write-only */
		break;
	}
	pthread_mutex_unlock(&p->lock);
	return v;
}

static void pl031_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct pl031 *p = dev;
	if (size != 4 || (off & 3))
		return;
	uint32_t v = (uint32_t)val;
	pthread_mutex_lock(&p->lock);
	switch (off) {
	case PL031_MR:
		p->mr = v;
		break;
	case PL031_LR:
		/* The counter is 32 bits: the offset is taken mod 2^32 of
		 * the host's time, so DR reads back exactly v now. */
		p->lr = v;
		p->offset =
		    (int64_t)v - (int64_t)(uint32_t)p->host.now(p->host.opaque);
		break;
	case PL031_IMSC:
		p->imsc = v & 1;
		break;
	default: /* DR, CR (always running), RIS, MIS, ICR, IDs */
		break;
	}
	pthread_mutex_unlock(&p->lock);
}

static void pl031_reset(void *dev)
{
	struct pl031 *p = dev;
	pthread_mutex_lock(&p->lock);
	p->offset = 0;
	p->mr = p->lr = p->imsc = 0;
	pthread_mutex_unlock(&p->lock);
}

const struct bus_dev_ops pl031_ops = {
    .read = pl031_read,
    .write = pl031_write,
    .reset = pl031_reset,
};

int pl031_init(struct pl031 *p, const struct pl031_host *host)
{
	if (!host || !host->now)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->host = *host;
	int r = pthread_mutex_init(&p->lock, NULL);
	return r ? -r : 0;
}

void pl031_destroy(struct pl031 *p)
{
	pthread_mutex_destroy(&p->lock);
}
