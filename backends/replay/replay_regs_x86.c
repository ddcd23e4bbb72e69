/* SPDX-License-Identifier: Apache-2.0 */
/* The replay backend's x86-64 registers in its state (replay_regs.h). */
#if defined(__x86_64__)
#include "backends/replay/replay_regs.h"

#include <string.h>

#define RP_NREGS 18

/* The general registers of r, in saved order. */
static void rp_regs(struct accel_regs *r, uint64_t *g[RP_NREGS])
{
	uint64_t *all[RP_NREGS] = {
	    &r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi,
	    &r->rsp, &r->rbp, &r->r8,  &r->r9,	&r->r10, &r->r11,
	    &r->r12, &r->r13, &r->r14, &r->r15, &r->rip, &r->rflags};
	memcpy(g, all, sizeof(all));
}

static void rp_put_seg(struct st_writer *w, const struct accel_segment *g)
{
	st_put_u64(w, g->base);
	st_put_u32(w, g->limit);
	st_put_u16(w, g->selector);
	const uint8_t b[] = {g->type, g->present, g->dpl, g->db,      g->s,
			     g->l,    g->g,	  g->avl, g->unusable};
	st_put_bytes(w, b, sizeof(b));
}

static void rp_get_seg(struct st_reader *r, struct accel_segment *g)
{
	g->base = st_get_u64(r);
	g->limit = st_get_u32(r);
	g->selector = st_get_u16(r);
	uint8_t *f[] = {&g->type, &g->present, &g->dpl, &g->db,	     &g->s,
			&g->l,	  &g->g,       &g->avl, &g->unusable};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		*f[i] = st_get_u8(r);
}

void rp_regs_put(struct st_writer *w, const struct accel_regs *r,
		 const struct accel_sregs *s)
{
	struct accel_regs regs = *r;
	uint64_t *g[RP_NREGS];
	rp_regs(&regs, g);
	for (size_t i = 0; i < RP_NREGS; i++)
		st_put_u64(w, *g[i]);
	const struct accel_segment *segs[] = {&s->cs, &s->ds, &s->es, &s->fs,
					      &s->gs, &s->ss, &s->tr, &s->ldt};
	for (size_t i = 0; i < 8; i++)
		rp_put_seg(w, segs[i]);
	st_put_u64(w, s->gdt.base);
	st_put_u16(w, s->gdt.limit);
	st_put_u64(w, s->idt.base);
	st_put_u16(w, s->idt.limit);
	const uint64_t cr[] = {s->cr0, s->cr2,	s->cr3,	     s->cr4,
			       s->cr8, s->efer, s->apic_base};
	for (size_t i = 0; i < 7; i++)
		st_put_u64(w, cr[i]);
}

void rp_regs_get(struct st_reader *rd, struct accel_regs *r,
		 struct accel_sregs *s)
{
	uint64_t *g[RP_NREGS];
	rp_regs(r, g);
	for (size_t i = 0; i < RP_NREGS; i++)
		*g[i] = st_get_u64(rd);
	struct accel_segment *segs[] = {&s->cs, &s->ds, &s->es, &s->fs,
					&s->gs, &s->ss, &s->tr, &s->ldt};
	for (size_t i = 0; i < 8; i++)
		rp_get_seg(rd, segs[i]);
	s->gdt.base = st_get_u64(rd);
	s->gdt.limit = st_get_u16(rd);
	s->idt.base = st_get_u64(rd);
	s->idt.limit = st_get_u16(rd);
	uint64_t *cr[] = {&s->cr0, &s->cr2,  &s->cr3,	   &s->cr4,
			  &s->cr8, &s->efer, &s->apic_base};
	for (size_t i = 0; i < 7; i++)
		*cr[i] = st_get_u64(rd);
}
#endif
