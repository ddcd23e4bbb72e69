/* SPDX-License-Identifier: Apache-2.0 */
/* The aarch64 vCPU's core registers through KVM_{GET,SET}_ONE_REG
 * (KVM_REG_ARM_CORE: struct kvm_regs, by offset), and the diagnostic for
 * an exit the vCPU cannot continue from. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "backends/kvm/arm64/kvm_arm64.h"

#define CORE_ID(field)                                                         \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |                 \
	 (offsetof(struct kvm_regs, field) / sizeof(uint32_t)))

static int one_get(struct accel_vcpu *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = {.id = id, .addr = (uint64_t)(uintptr_t)val};
	return ioctl(v->cpu.fd, KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

static int one_set(struct accel_vcpu *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = {.id = id, .addr = (uint64_t)(uintptr_t)&val};
	return ioctl(v->cpu.fd, KVM_SET_ONE_REG, &r) < 0 ? -errno : 0;
}

int kvm_arm64_get_regs(struct accel_vcpu *v, struct accel_regs *r)
{
	int e = 0;
	for (unsigned i = 0; i < 31 && !e; i++)
		e = one_get(v, CORE_ID(regs.regs[i]), &r->x[i]);
	if (!e)
		e = one_get(v, CORE_ID(regs.sp), &r->sp);
	if (!e)
		e = one_get(v, CORE_ID(regs.pc), &r->pc);
	if (!e)
		e = one_get(v, CORE_ID(regs.pstate), &r->pstate);
	return e;
}

int kvm_arm64_set_regs(struct accel_vcpu *v, const struct accel_regs *r)
{
	int e = 0;
	for (unsigned i = 0; i < 31 && !e; i++)
		e = one_set(v, CORE_ID(regs.regs[i]), r->x[i]);
	if (!e)
		e = one_set(v, CORE_ID(regs.sp), r->sp);
	if (!e)
		e = one_set(v, CORE_ID(regs.pc), r->pc);
	if (!e)
		e = one_set(v, CORE_ID(regs.pstate), r->pstate);
	return e;
}

int kvm_arm64_get_sregs(struct accel_vcpu *v, struct accel_sregs *s)
{
	int e = one_get(v, CORE_ID(sp_el1), &s->sp_el1);
	if (!e)
		e = one_get(v, CORE_ID(elr_el1), &s->elr_el1);
	for (unsigned i = 0; i < KVM_NR_SPSR && !e; i++)
		e = one_get(v, CORE_ID(spsr[i]), &s->spsr[i]);
	return e;
}

int kvm_arm64_set_sregs(struct accel_vcpu *v, const struct accel_sregs *s)
{
	int e = one_set(v, CORE_ID(sp_el1), s->sp_el1);
	if (!e)
		e = one_set(v, CORE_ID(elr_el1), s->elr_el1);
	for (unsigned i = 0; i < KVM_NR_SPSR && !e; i++)
		e = one_set(v, CORE_ID(spsr[i]), s->spsr[i]);
	return e;
}

_Static_assert(KVM_NR_SPSR == 5, "accel_sregs holds five SPSRs");

void kvm_arm64_diag(struct accel_vcpu *v, const char *what,
		    struct accel_exit *exit)
{
	char *d = exit->detail;
	size_t cap = sizeof(exit->detail), n = 0;
	struct accel_regs r;
	struct accel_sregs s;
	n += (size_t)snprintf(d, cap, "vCPU %u: %s\n", v->index, what);
	if (kvm_arm64_get_regs(v, &r) || kvm_arm64_get_sregs(v, &s)) {
		if (n < cap)
			snprintf(d + n, cap - n, "  (registers unreadable)");
		return;
	}
	if (n < cap)
		n += (size_t)snprintf(
		    d + n, cap - n,
		    "  pc %016llx pstate %08llx sp %016llx "
		    "sp_el1 %016llx elr_el1 %016llx\n",
		    (unsigned long long)r.pc, (unsigned long long)r.pstate,
		    (unsigned long long)r.sp, (unsigned long long)s.sp_el1,
		    (unsigned long long)s.elr_el1);
	for (unsigned i = 0; i < 31 && n < cap; i++)
		n += (size_t)snprintf(d + n, cap - n, "  x%-2u %016llx%s", i,
				      (unsigned long long)r.x[i],
				      i % 4 == 3 || i == 30 ? "\n" : "");
}
