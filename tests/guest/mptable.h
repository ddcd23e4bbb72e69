/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel MultiProcessor Specification 1.4 table reader.
 *
 * The floating pointer ("_MP_", 16-byte aligned, 16 bytes, byte sum 0) is
 * searched in the first KiB of the EBDA (segment in the BDA word at
 * 0x40e), in [0x9fc00, 0xa0000) and in [0xf0000, 0x100000). The
 * configuration table ("PCMP") it points to must lie below 4 GiB, be at
 * least its header long and have a byte sum of 0 over its base length;
 * its entries must be of known types (0..4) and exactly fill that length,
 * and the header's entry count must match them (0 is tolerated: QEMU
 * microvm's qboot firmware leaves it 0, and Linux ignores it).
 */
#ifndef TG_MPTABLE_H
#define TG_MPTABLE_H

#include <stdbool.h>
#include <stdint.h>

struct mp_info {
	bool found;
	uint32_t fp_paddr;    /* the floating pointer */
	uint32_t table_paddr; /* the "PCMP" configuration table */
	uint32_t lapic_paddr; /* local APIC address from the table header */
	unsigned cpus;        /* processor entries with the enabled flag */
	/* Why the table was rejected (found == false), or NULL if there was
	 * no floating pointer at all. */
	const char *error;
};

/* Find and validate the MP table. Reads memory only. */
void mp_scan(struct mp_info *out);

#endif
