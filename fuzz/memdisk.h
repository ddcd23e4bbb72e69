/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-memory disk backend (devices/disk.h) for harnesses and their seed
 * generator: MEMDISK_SECTORS sectors of RAM, every op bounds-checked with
 * FUZZ_CHECK (the device must never ask outside its capacity).
 */
#ifndef VMM_FUZZ_MEMDISK_H
#define VMM_FUZZ_MEMDISK_H

#include <stdint.h>

#include "devices/disk.h"

#define MEMDISK_SECTORS 64

struct memdisk {
	struct disk disk;
	uint8_t bytes[MEMDISK_SECTORS * 512];
};

/* A zeroed, writable disk of MEMDISK_SECTORS sectors in *m. */
void memdisk_init(struct memdisk *m);

#endif
