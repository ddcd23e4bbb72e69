/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The replay backend's vCPU registers in its saved state, field by field,
 * for the host's architecture (replay_regs_x86.c, replay_regs_arm64.c).
 * Each architecture has its own section name, so that one's state is
 * refused by the other's restore.
 */
#ifndef VMM_BACKENDS_REPLAY_REGS_H
#define VMM_BACKENDS_REPLAY_REGS_H

#include "vmm/base/accel_types.h"
#include "vmm/base/state.h"

#if defined(__x86_64__)
#define RP_REGS_SECTION "RPCP"
#else
#define RP_REGS_SECTION "RPCA"
#endif

/* Append every field of r and s to w. */
void rp_regs_put(struct st_writer *w, const struct accel_regs *r,
		 const struct accel_sregs *s);

/* Read them back in the same order (st_get_* semantics: a short section
 * leaves the reader failed, which the caller checks). */
void rp_regs_get(struct st_reader *rd, struct accel_regs *r,
		 struct accel_sregs *s);

#endif
