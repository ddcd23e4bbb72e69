/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/base/bus.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "vmm/base/log.h"

int bus_init(struct bus *bus, const char *name)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
	int r = pthread_mutex_init(&bus->miss_lock, NULL);
	return r ? -r : 0;
}

void bus_destroy(struct bus *bus)
{
	pthread_mutex_destroy(&bus->miss_lock);
	bus->n = 0;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len,
		 const struct bus_dev_ops *ops, void *dev, const char *name)
{
	uint64_t end;

	if (len == 0 || !ops || !ops->read || !ops->write ||
	    __builtin_add_overflow(base, len - 1, &end))
		return -EINVAL;
	if (bus->n == BUS_MAX_DEVICES)
		return -ENOSPC;
	unsigned at = 0;
	while (at < bus->n && bus->ranges[at].base < base)
		at++;
	/* Ranges are sorted and disjoint: only the neighbours can overlap.
	 * Compare last bytes so a range ending at 2^64-1 works. */
	if (at > 0) {
		const struct bus_range *p = &bus->ranges[at - 1];
		if (p->base + (p->len - 1) >= base)
			return -EEXIST;
	}
	if (at < bus->n && bus->ranges[at].base <= end)
		return -EEXIST;
	memmove(&bus->ranges[at + 1], &bus->ranges[at],
		(bus->n - at) * sizeof(bus->ranges[0]));
	bus->ranges[at] = (struct bus_range){
	    .base = base, .len = len, .ops = ops, .dev = dev, .name = name};
	bus->n++;
	return 0;
}

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr)
{
	unsigned lo = 0, hi = bus->n;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct bus_range *r = &bus->ranges[mid];
		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static bool bus_size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Count a bad access; log it the first time its address is seen. */
static void bus_miss(struct bus *bus, uint64_t addr, unsigned size, bool write)
{
	bool log_it = false, log_full = false;

	pthread_mutex_lock(&bus->miss_lock);
	bus->misses++;
	unsigned i;
	for (i = 0; i < bus->nmiss_logged; i++)
		if (bus->miss_logged[i] == addr)
			break;
	if (i == bus->nmiss_logged) {
		if (i < BUS_MISS_LOG_MAX) {
			bus->miss_logged[bus->nmiss_logged++] = addr;
			log_it = true;
		} else if (!bus->miss_log_full) {
			bus->miss_log_full = true;
			log_full = true;
		}
	}
	pthread_mutex_unlock(&bus->miss_lock);

	if (log_it)
		log_info("%s: unhandled %u-byte %s at 0x%" PRIx64
			 " (logged once per address)",
			 bus->name, size, write ? "write" : "read", addr);
	if (log_full)
		log_info("%s: more than %d unhandled addresses; no longer "
			 "logging new ones",
			 bus->name, BUS_MISS_LOG_MAX);
}

/* The device range that fully contains the access, or NULL. */
static const struct bus_range *bus_route(struct bus *bus, uint64_t addr,
					 unsigned size)
{
	if (!bus_size_ok(size))
		return NULL;
	const struct bus_range *r = bus_find(bus, addr);
	if (!r || addr - r->base > r->len - size || size > r->len)
		return NULL;
	return r;
}

static uint64_t bus_ones(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

uint64_t bus_read(struct bus *bus, uint64_t addr, unsigned size)
{
	const struct bus_range *r = bus_route(bus, addr, size);
	if (!r) {
		bus_miss(bus, addr, size, false);
		return bus_ones(size > 8 ? 8 : size);
	}
	return r->ops->read(r->dev, addr - r->base, size) & bus_ones(size);
}

void bus_write(struct bus *bus, uint64_t addr, unsigned size, uint64_t val)
{
	const struct bus_range *r = bus_route(bus, addr, size);
	if (!r) {
		bus_miss(bus, addr, size, true);
		return;
	}
	r->ops->write(r->dev, addr - r->base, size, val & bus_ones(size));
}

void bus_read_bytes(struct bus *bus, uint64_t addr, uint8_t *data,
		    unsigned size)
{
	if (!bus_size_ok(size)) {
		bus_miss(bus, addr, size, false);
		memset(data, 0xff, size > 8 ? 8 : size);
		return;
	}
	uint64_t v = bus_read(bus, addr, size);
	for (unsigned i = 0; i < size; i++)
		data[i] = (uint8_t)(v >> (8 * i));
}

void bus_write_bytes(struct bus *bus, uint64_t addr, const uint8_t *data,
		     unsigned size)
{
	if (!bus_size_ok(size)) {
		bus_miss(bus, addr, size, true);
		return;
	}
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)data[i] << (8 * i);
	bus_write(bus, addr, size, v);
}

void bus_reset_all(struct bus *bus)
{
	for (unsigned i = 0; i < bus->n; i++)
		if (bus->ranges[i].ops->reset)
			bus->ranges[i].ops->reset(bus->ranges[i].dev);
}

uint64_t bus_misses(struct bus *bus)
{
	pthread_mutex_lock(&bus->miss_lock);
	uint64_t m = bus->misses;
	pthread_mutex_unlock(&bus->miss_lock);
	return m;
}
