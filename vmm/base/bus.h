/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An address space (MMIO or port I/O) of non-overlapping device ranges.
 *
 * Devices register once, before any vCPU runs; afterwards the bus is
 * read-only and lookups take no lock. Device ops are called with the
 * offset into the device's range; a device serialises its own state.
 *
 * An access that hits no device, is not 1, 2, 4 or 8 bytes, or runs past
 * the end of its device's range, reads as all-ones and ignores writes; it
 * is counted, and logged once per address (up to a bounded number of
 * addresses).
 */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

#define BUS_MAX_DEVICES	 64
#define BUS_MISS_LOG_MAX 64

/* What a device implements. `size` is 1, 2, 4 or 8 and off + size is
 * within the registered range. Values are little-endian, zero-extended. */
struct bus_dev_ops {
	uint64_t (*read)(void *dev, uint64_t off, unsigned size);
	void (*write)(void *dev, uint64_t off, unsigned size, uint64_t val);
	/* Return to power-on state. May be NULL. */
	void (*reset)(void *dev);
};

struct bus_range {
	uint64_t base, len;
	const struct bus_dev_ops *ops;
	void *dev;
	const char *name;
};

struct bus {
	const char *name; /* "mmio" or "pio", for messages */
	struct bus_range ranges[BUS_MAX_DEVICES]; /* sorted by base */
	unsigned n;
	/* Miss accounting, shared between vCPU threads. */
	pthread_mutex_t miss_lock;
	uint64_t misses;
	uint64_t miss_logged[BUS_MISS_LOG_MAX];
	unsigned nmiss_logged;
	bool miss_log_full;
};

/* Empty bus called `name`. 0 or -errno. */
int bus_init(struct bus *bus, const char *name) VMM_WUR;
void bus_destroy(struct bus *bus);

/* Register [base, base+len). 0, -EINVAL (len 0,
 * ops NULL, or the range would extend past 2^64), -EEXIST (overlaps a
 * registered range) or -ENOSPC. A range may end exactly at 2^64 - 1. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len,
		 const struct bus_dev_ops *ops, void *dev,
		 const char *name) VMM_WUR;

/* The range containing addr, or NULL. */
const struct bus_range *bus_find(const struct bus *bus, uint64_t addr);

/* Dispatch an access. A miss reads as all-ones of `size` bytes. */
uint64_t bus_read(struct bus *bus, uint64_t addr, unsigned size);
void bus_write(struct bus *bus, uint64_t addr, unsigned size, uint64_t val);

/* Byte-buffer forms used by the run loop: data holds `size` bytes. */
void bus_read_bytes(struct bus *bus, uint64_t addr, uint8_t *data,
		    unsigned size);
void bus_write_bytes(struct bus *bus, uint64_t addr, const uint8_t *data,
		     unsigned size);

/* Call every device's reset op. */
void bus_reset_all(struct bus *bus);

/* Accesses that hit no device so far. */
uint64_t bus_misses(struct bus *bus);

#endif
