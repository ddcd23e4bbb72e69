/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console escape, as in QEMU: on a terminal, Ctrl-A x quits and
 * Ctrl-A Ctrl-A sends one Ctrl-A to the guest. Ctrl-A followed by any
 * other byte sends both bytes.
 */
#ifndef VMM_ESCAPE_H
#define VMM_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ESCAPE_CHAR 0x01 /* Ctrl-A */

struct escape {
	bool armed; /* the previous byte was an unconsumed Ctrl-A */
};

/* Filter n input bytes into out (room for 2 * n bytes). Returns the bytes
 * for the guest; sets *quit (and stops) on Ctrl-A x. */
size_t escape_filter(struct escape *e, const uint8_t *in, size_t n,
		     uint8_t *out, bool *quit);

#endif
