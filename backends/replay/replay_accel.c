/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The replay accelerator (replay.h): a machine without a CPU. It keeps the
 * registers it is given and answers nothing else: interrupt lines go
 * nowhere (the replay engine sees them through the tracer), there are no
 * eventfds (so virtio work is synchronous, on the exit path), and a vCPU
 * cannot run.
 */
#include "backends/replay/replay_accel.h"
#include "backends/replay/replay_regs.h"

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

/* State (accel.h): the registers it was given, field by field, in the
 * architecture's section (replay_regs.h); the VM has none of its own
 * ("RPVM", empty). */
#define RP_STATE_VERSION 1

static int replay_accel_vcpu_save(struct accel_vcpu *c, struct st_writer *w)
{
	size_t mark = st_section_begin(w, RP_REGS_SECTION, RP_STATE_VERSION);
	rp_regs_put(w, &c->regs, &c->sregs);
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
	st_section_open(r, RP_REGS_SECTION, RP_STATE_VERSION, &ver, &sub);
	rp_regs_get(&sub, &regs, &s);
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
