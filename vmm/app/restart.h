/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --on-reset restart without a restart loop: a guest that resets within
 * CONFIG_RESTART_QUICK_MS of booting (a triple-faulting kernel, a broken
 * image) is restarted with a growing delay and given up on after
 * --restart-max such resets in a row. A reset after a longer run is an
 * ordinary reboot: restarted at once, and the count starts again.
 */
#ifndef VMM_RESTART_H
#define VMM_RESTART_H

#include <stdint.h>

#include "vmm/base/compiler.h"

struct restart_policy {
	unsigned max;	/* rapid resets in a row that may be restarted */
	unsigned rapid; /* rapid resets in a row so far */
};

/* No resets yet; at most `max` rapid ones in a row are restarted. */
void restart_init(struct restart_policy *p, unsigned max);

/* The guest reset after running ran_ms. Returns the milliseconds to wait
 * before restarting it (0 for the first rapid reset in a row, then
 * CONFIG_RESTART_DELAY_MS doubling up to CONFIG_RESTART_MAX_DELAY_MS), or
 * -1: give up (more than max rapid resets in a row). */
long restart_next(struct restart_policy *p, uint64_t ran_ms) VMM_WUR;

#endif
