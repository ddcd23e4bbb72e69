/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lenient normalisation against a machine (for fuzzing): whatever a trace
 * says, the access lands on a device and the memory in RAM.
 */
#ifndef VMM_TRACE_NORM_H
#define VMM_TRACE_NORM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/bus.h"
#include "vmm/base/gmem.h"

/* An I/O address on `bus` for an access of `size` bytes. An address whose
 * access fits inside a device range is kept. Any other becomes range
 * (addr >> 32) mod n, at offset (addr mod 2^32) mod the range's length,
 * moved down so the access ends inside the range when the range is at
 * least `size` bytes long. False (nothing to access) when the bus has no
 * devices. */
bool tnorm_io_addr(const struct bus *bus, uint64_t addr, unsigned size,
		   uint64_t *out);

/* A guest-physical range in RAM: gpa modulo the RAM size, counted over
 * the regions in order (so it always lands in one), and *len cut to the
 * end of that region. False when there is no RAM. */
bool tnorm_gpa(const struct guest_mem *gm, uint64_t gpa, uint64_t *len,
	       uint64_t *out);

#endif
