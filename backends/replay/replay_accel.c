/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The replay accelerator (replay.h): a machine without a CPU. It keeps the
 * registers it is given and answers nothing else: interrupt lines go
 * nowhere (the replay engine sees them through the tracer), there are no
 * eventfds (so virtio work is synchronous, on the exit path), and a vCPU
 * cannot run.
 */
#include "backends/replay/replay_accel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/log.h"

struct accel_vm {
	unsigned ncpus;
};

struct accel_vcpu {
	unsigned index;
	struct accel_regs regs;
	struct accel_sregs sregs;
};

static int replay_accel_vm_create(const struct accel_vm_config *cfg,
				  struct accel_vm **out)
{
	struct accel_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->ncpus = cfg->ncpus;
	*out = vm;
	return 0;
}

static void replay_accel_vm_destroy(struct accel_vm *vm)
{
	free(vm);
}

static int replay_accel_map_memory(struct accel_vm *vm, uint32_t slot,
				   uint64_t gpa, uint64_t size, void *hva)
{
	(void)vm, (void)slot, (void)gpa, (void)size, (void)hva;
	return 0;
}

static int replay_accel_set_irq_line(struct accel_vm *vm, uint32_t gsi,
				     int level)
{
	(void)vm, (void)gsi, (void)level;
	return 0;
}

static int replay_accel_vcpu_create(struct accel_vm *vm, unsigned index,
				    struct accel_vcpu **out)
{
	(void)vm;
	struct accel_vcpu *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->index = index;
	*out = c;
	return 0;
}

static void replay_accel_vcpu_destroy(struct accel_vcpu *c)
{
	free(c);
}

static int replay_accel_vcpu_thread_init(struct accel_vcpu *c)
{
	(void)c;
	return 0;
}

static int replay_accel_vcpu_run(struct accel_vcpu *c, struct accel_exit *e)
{
	(void)e;
	log_error("vCPU %u: the replay backend has no CPU; it replays a trace "
		  "(vmm --accel replay --trace FILE)",
		  c->index);
	return -EOPNOTSUPP;
}

static void replay_accel_vcpu_kick(struct accel_vcpu *c)
{
	(void)c;
}

static int replay_accel_get_regs(struct accel_vcpu *c, struct accel_regs *r)
{
	*r = c->regs;
	return 0;
}

static int replay_accel_set_regs(struct accel_vcpu *c,
				 const struct accel_regs *r)
{
	c->regs = *r;
	return 0;
}

static int replay_accel_get_sregs(struct accel_vcpu *c, struct accel_sregs *s)
{
	*s = c->sregs;
	return 0;
}

static int replay_accel_set_sregs(struct accel_vcpu *c,
				  const struct accel_sregs *s)
{
	c->sregs = *s;
	return 0;
}

/* State (accel.h): the registers it was given, field by field, in
 * section "RPCP"; the VM has none of its own ("RPVM", empty). */
#define RP_STATE_VERSION 1

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

static int replay_accel_vcpu_save(struct accel_vcpu *c, struct st_writer *w)
{
	size_t mark = st_section_begin(w, "RPCP", RP_STATE_VERSION);
	struct accel_regs regs = c->regs;
	uint64_t *g[RP_NREGS];
	rp_regs(&regs, g);
	for (size_t i = 0; i < RP_NREGS; i++)
		st_put_u64(w, *g[i]);
	const struct accel_sregs *s = &c->sregs;
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
	st_section_end(w, mark);
	long n = st_writer_end(w);
	return n < 0 ? (int)n : 0;
}

static int replay_accel_vcpu_restore(struct accel_vcpu *c, struct st_reader *r)
{
	struct accel_regs regs;
	struct accel_sregs s;
	uint16_t ver;
	struct st_reader sub;
	st_section_open(r, "RPCP", RP_STATE_VERSION, &ver, &sub);
	uint64_t *g[RP_NREGS];
	rp_regs(&regs, g);
	for (size_t i = 0; i < RP_NREGS; i++)
		*g[i] = st_get_u64(&sub);
	struct accel_segment *segs[] = {&s.cs, &s.ds, &s.es, &s.fs,
					&s.gs, &s.ss, &s.tr, &s.ldt};
	for (size_t i = 0; i < 8; i++)
		rp_get_seg(&sub, segs[i]);
	s.gdt.base = st_get_u64(&sub);
	s.gdt.limit = st_get_u16(&sub);
	s.idt.base = st_get_u64(&sub);
	s.idt.limit = st_get_u16(&sub);
	uint64_t *cr[] = {&s.cr0, &s.cr2,  &s.cr3,	&s.cr4,
			  &s.cr8, &s.efer, &s.apic_base};
	for (size_t i = 0; i < 7; i++)
		*cr[i] = st_get_u64(&sub);
	st_section_close(r, &sub);
	if (!st_ok(r))
		return -EINVAL;
	c->regs = regs;
	c->sregs = s;
	return 0;
}

static int replay_accel_vm_save(struct accel_vm *vm, struct st_writer *w)
{
	(void)vm;
	st_section_end(w, st_section_begin(w, "RPVM", RP_STATE_VERSION));
	long n = st_writer_end(w);
	return n < 0 ? (int)n : 0;
}

static int replay_accel_vm_restore(struct accel_vm *vm, struct st_reader *r)
{
	(void)vm;
	uint16_t ver;
	struct st_reader sub;
	st_section_open(r, "RPVM", RP_STATE_VERSION, &ver, &sub);
	st_section_close(r, &sub);
	return st_ok(r) ? 0 : -EINVAL;
}

const struct accel_ops replay_accel_ops = {
    .name = "replay",
    .vm_create = replay_accel_vm_create,
    .vm_destroy = replay_accel_vm_destroy,
    .map_memory = replay_accel_map_memory,
    .set_irq_line = replay_accel_set_irq_line,
    .vcpu_create = replay_accel_vcpu_create,
    .vcpu_destroy = replay_accel_vcpu_destroy,
    .vcpu_thread_init = replay_accel_vcpu_thread_init,
    .vcpu_run = replay_accel_vcpu_run,
    .vcpu_kick = replay_accel_vcpu_kick,
    .get_regs = replay_accel_get_regs,
    .set_regs = replay_accel_set_regs,
    .get_sregs = replay_accel_get_sregs,
    .set_sregs = replay_accel_set_sregs,
    .vcpu_save = replay_accel_vcpu_save,
    .vcpu_restore = replay_accel_vcpu_restore,
    .vm_save = replay_accel_vm_save,
    .vm_restore = replay_accel_vm_restore,
};
