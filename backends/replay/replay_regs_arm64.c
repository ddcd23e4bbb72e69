/* SPDX-License-Identifier: Apache-2.0 */
/* The replay backend's aarch64 registers in its state (replay_regs.h):
 * x0-x30, SP_EL0, PC, PSTATE, then SP_EL1, ELR_EL1 and the five SPSRs. */
#if defined(__aarch64__)
#include "backends/replay/replay_regs.h"

void rp_regs_put(struct st_writer *w, const struct accel_regs *r,
		 const struct accel_sregs *s)
{
	for (unsigned i = 0; i < 31; i++)
		st_put_u64(w, r->x[i]);
	st_put_u64(w, r->sp);
	st_put_u64(w, r->pc);
	st_put_u64(w, r->pstate);
	st_put_u64(w, s->sp_el1);
	st_put_u64(w, s->elr_el1);
	for (unsigned i = 0; i < 5; i++)
		st_put_u64(w, s->spsr[i]);
}

void rp_regs_get(struct st_reader *rd, struct accel_regs *r,
		 struct accel_sregs *s)
{
	for (unsigned i = 0; i < 31; i++)
		r->x[i] = st_get_u64(rd);
	r->sp = st_get_u64(rd);
	r->pc = st_get_u64(rd);
	r->pstate = st_get_u64(rd);
	s->sp_el1 = st_get_u64(rd);
	s->elr_el1 = st_get_u64(rd);
	for (unsigned i = 0; i < 5; i++)
		s->spsr[i] = st_get_u64(rd);
}
#endif
