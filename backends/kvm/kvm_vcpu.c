/* SPDX-License-Identifier: Apache-2.0 */
/* KVM backend, vCPU level: creation, run and exits, kicks, registers. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "backends/kvm/kvm_internal.h"
#include "vmm/base/log.h"

#define MSR_IA32_TSC 0x10
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102

#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_MODE_NMI 0x4
#define APIC_MODE_EXTINT 0x7

static int kvm_vcpu_set_cpuid(struct accel_vcpu *v)
{
	struct accel_vm *vm = v->vm;
	struct cpuid_entry t[KVM_MAX_CPUID];
	unsigned n;
	int r = cpuid_build(vm->supported, vm->nsupported, v->index,
			    vm->ncpus, t, KVM_MAX_CPUID, &n);
	if (r) {
		log_error("vCPU %u: building CPUID: %s", v->index, strerror(-r));
		return r;
	}
	struct kvm_cpuid2 *c =
	    calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
	if (!c)
		return -ENOMEM;
	c->nent = n;
	for (unsigned i = 0; i < n; i++) {
		c->entries[i] = (struct kvm_cpuid_entry2){
		    .function = t[i].function,
		    .index = t[i].index,
		    .flags = (t[i].flags & CPUID_FLAG_INDEXED)
				 ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX
				 : 0,
		    .eax = t[i].eax,
		    .ebx = t[i].ebx,
		    .ecx = t[i].ecx,
		    .edx = t[i].edx,
		};
	}
	r = ioctl(v->cpu.fd, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
	free(c);
	if (r)
		log_error("vCPU %u: KVM_SET_CPUID2: %s", v->index, strerror(-r));
	return r;
}

/* Boot MSR values, as a reset CPU or firmware would leave them. */
static int kvm_vcpu_set_msrs(struct accel_vcpu *v)
{
	static const struct {
		uint32_t index;
		uint64_t value;
	} boot_msrs[] = {
	    {MSR_IA32_SYSENTER_CS, 0},   {MSR_IA32_SYSENTER_ESP, 0},
	    {MSR_IA32_SYSENTER_EIP, 0},  {MSR_STAR, 0},
	    {MSR_CSTAR, 0},              {MSR_KERNEL_GS_BASE, 0},
	    {MSR_SYSCALL_MASK, 0},       {MSR_LSTAR, 0},
	    {MSR_IA32_TSC, 0},
	    {MSR_IA32_MISC_ENABLE, 1},   /* fast string operations */
	    {MSR_MTRR_DEF_TYPE, (1u << 11) | 6}, /* MTRRs on, write-back */
	};
	/* struct kvm_msrs ends in a flexible array: room for one entry. */
	union {
		struct kvm_msrs hdr;
		uint8_t buf[sizeof(struct kvm_msrs) +
			    sizeof(struct kvm_msr_entry)];
	} m;
	/* One at a time, so that a refused MSR can be named. A refusal is
	 * not fatal: KVM's reset value is used instead. */
	for (size_t i = 0; i < ARRAY_SIZE(boot_msrs); i++) {
		memset(&m, 0, sizeof(m));
		m.hdr.nmsrs = 1;
		m.hdr.entries[0].index = boot_msrs[i].index;
		m.hdr.entries[0].data = boot_msrs[i].value;
		int r = ioctl(v->cpu.fd, KVM_SET_MSRS, &m);
		if (r < 0)
			return -errno;
		if (r != 1)
			log_debug("vCPU %u: KVM refused MSR 0x%x; keeping its "
				  "reset value", v->index, boot_msrs[i].index);
	}
	return 0;
}

static int kvm_vcpu_set_fpu(struct accel_vcpu *v)
{
	struct kvm_fpu fpu = {.fcw = 0x37f, .mxcsr = 0x1f80};
	return ioctl(v->cpu.fd, KVM_SET_FPU, &fpu) < 0 ? -errno : 0;
}

/* LINT0 as ExtINT and LINT1 as NMI, as a BIOS sets the local APIC up for
 * virtual-wire mode. */
static int kvm_vcpu_set_lint(struct accel_vcpu *v)
{
	struct kvm_lapic_state la;
	if (ioctl(v->cpu.fd, KVM_GET_LAPIC, &la) < 0)
		return -errno;
	uint32_t lvt;
	memcpy(&lvt, &la.regs[APIC_LVT_LINT0], 4);
	lvt = (lvt & ~0x700u) | (APIC_MODE_EXTINT << 8);
	memcpy(&la.regs[APIC_LVT_LINT0], &lvt, 4);
	memcpy(&lvt, &la.regs[APIC_LVT_LINT1], 4);
	lvt = (lvt & ~0x700u) | (APIC_MODE_NMI << 8);
	memcpy(&la.regs[APIC_LVT_LINT1], &lvt, 4);
	return ioctl(v->cpu.fd, KVM_SET_LAPIC, &la) < 0 ? -errno : 0;
}

int kvm_vcpu_create(struct accel_vm *vm, unsigned index,
		    struct accel_vcpu **out)
{
	struct accel_vcpu *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->index = index;
	kvm_complete_init(v);
	v->cpu.run = MAP_FAILED;
	v->cpu.fd = -1;
	int r = kvm_vm_platform(vm);
	if (!r)
		r = kvm_cpu_open(&v->cpu, vm->vm_fd, index, vm->run_size);
	if (r)
		goto fail;
	r = kvm_vcpu_set_cpuid(v);
	if (r)
		goto fail;
	const char *step = "KVM_SET_MSRS";
	r = kvm_vcpu_set_msrs(v);
	if (!r) {
		step = "KVM_SET_FPU";
		r = kvm_vcpu_set_fpu(v);
	}
	if (!r) {
		step = "KVM_SET_LAPIC";
		r = kvm_vcpu_set_lint(v);
	}
	if (r) {
		log_error("vCPU %u: %s: %s", index, step, strerror(-r));
		goto fail;
	}
	*out = v;
	return 0;
fail:
	kvm_vcpu_destroy(v);
	return r;
}

void kvm_vcpu_destroy(struct accel_vcpu *v)
{
	if (!v)
		return;
	kvm_cpu_close(&v->cpu);
	free(v);
}

int kvm_vcpu_thread_init(struct accel_vcpu *v)
{
	return kvm_cpu_thread_init(&v->cpu);
}

void kvm_vcpu_kick(struct accel_vcpu *v)
{
	kvm_cpu_kick(&v->cpu);
}

static void kvm_vcpu_io_exit(struct accel_vcpu *v, struct accel_exit *exit)
{
	struct kvm_run *run = v->cpu.run;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;
	uint64_t end;

	if (run->io.count == 0 ||
	    (run->io.size != 1 && run->io.size != 2 && run->io.size != 4) ||
	    __builtin_add_overflow(run->io.data_offset, bytes, &end) ||
	    end > (uint64_t)v->vm->run_size) {
		kvm_diag_describe(v, "malformed KVM_EXIT_IO", exit);
		exit->reason = ACCEL_EXIT_INTERNAL_ERROR;
		return;
	}
	exit->reason = ACCEL_EXIT_PIO;
	exit->io.addr = run->io.port;
	exit->io.size = run->io.size;
	exit->io.count = run->io.count;
	exit->io.write = run->io.direction == KVM_EXIT_IO_OUT;
	exit->io.data = (uint8_t *)run + run->io.data_offset;
}

int kvm_vcpu_run(struct accel_vcpu *v, struct accel_exit *exit)
{
	struct kvm_run *run = v->cpu.run;
	char what[96];

	int ran = kvm_cpu_run(&v->cpu, v->index, exit);
	if (ran <= 0)
		return ran;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		kvm_vcpu_io_exit(v, exit);
		return 0;
	case KVM_EXIT_MMIO:
		if (!kvm_mmio_exit(run, exit)) {
			kvm_diag_describe(v, "malformed KVM_EXIT_MMIO", exit);
			exit->reason = ACCEL_EXIT_INTERNAL_ERROR;
		}
		return 0;
	case KVM_EXIT_HLT:
		exit->reason = ACCEL_EXIT_HLT;
		return 0;
	case KVM_EXIT_SHUTDOWN:
		exit->reason = ACCEL_EXIT_SHUTDOWN;
		return 0;
	case KVM_EXIT_INTR:
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		exit->reason = ACCEL_EXIT_INTR;
		return 0;
	case KVM_EXIT_SYSTEM_EVENT:
		if (kvm_system_event_exit(run, exit))
			return 0;
		snprintf(what, sizeof(what), "KVM system event %u",
			 run->system_event.type);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
			char why[160];
			if (kvm_complete(v, why, sizeof(why))) {
				exit->reason = ACCEL_EXIT_INTR;
				return 0;
			}
			log_info("vCPU %u: %s", v->index, why);
		}
		snprintf(what, sizeof(what), "KVM internal error, suberror %u%s",
			 run->internal.suberror,
			 run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
			     ? " (instruction emulation failed)"
			 : run->internal.suberror ==
				 KVM_INTERNAL_ERROR_SIMUL_EX
			     ? " (exception while delivering an exception)"
			 : run->internal.suberror ==
				 KVM_INTERNAL_ERROR_DELIVERY_EV
			     ? " (event delivery failed)"
			     : "");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what),
			 "VM entry failed, hardware reason 0x%llx",
			 (unsigned long long)run->fail_entry
			     .hardware_entry_failure_reason);
		break;
	case KVM_EXIT_UNKNOWN:
		snprintf(what, sizeof(what),
			 "unknown exit, hardware reason 0x%llx",
			 (unsigned long long)run->hw.hardware_exit_reason);
		break;
	default:
		snprintf(what, sizeof(what), "unhandled KVM exit reason %u",
			 run->exit_reason);
		break;
	}
	kvm_diag_describe(v, what, exit);
	exit->reason = ACCEL_EXIT_INTERNAL_ERROR;
	return 0;
}

/* ---- registers: our structs <-> KVM's ---- */

int kvm_vcpu_get_regs(struct accel_vcpu *v, struct accel_regs *r)
{
	struct kvm_regs k;
	if (ioctl(v->cpu.fd, KVM_GET_REGS, &k) < 0)
		return -errno;
	*r = (struct accel_regs){
	    .rax = k.rax, .rbx = k.rbx, .rcx = k.rcx, .rdx = k.rdx,
	    .rsi = k.rsi, .rdi = k.rdi, .rsp = k.rsp, .rbp = k.rbp,
	    .r8 = k.r8,   .r9 = k.r9,   .r10 = k.r10, .r11 = k.r11,
	    .r12 = k.r12, .r13 = k.r13, .r14 = k.r14, .r15 = k.r15,
	    .rip = k.rip, .rflags = k.rflags,
	};
	return 0;
}

int kvm_vcpu_set_regs(struct accel_vcpu *v, const struct accel_regs *r)
{
	struct kvm_regs k = {
	    .rax = r->rax, .rbx = r->rbx, .rcx = r->rcx, .rdx = r->rdx,
	    .rsi = r->rsi, .rdi = r->rdi, .rsp = r->rsp, .rbp = r->rbp,
	    .r8 = r->r8,   .r9 = r->r9,   .r10 = r->r10, .r11 = r->r11,
	    .r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
	    .rip = r->rip, .rflags = r->rflags,
	};
	return ioctl(v->cpu.fd, KVM_SET_REGS, &k) < 0 ? -errno : 0;
}

static void seg_from_kvm(struct accel_segment *a, const struct kvm_segment *k)
{
	*a = (struct accel_segment){
	    .base = k->base, .limit = k->limit, .selector = k->selector,
	    .type = k->type, .present = k->present, .dpl = k->dpl,
	    .db = k->db,     .s = k->s,         .l = k->l,
	    .g = k->g,       .avl = k->avl,     .unusable = k->unusable,
	};
}

static void seg_to_kvm(struct kvm_segment *k, const struct accel_segment *a)
{
	*k = (struct kvm_segment){
	    .base = a->base, .limit = a->limit, .selector = a->selector,
	    .type = a->type, .present = a->present, .dpl = a->dpl,
	    .db = a->db,     .s = a->s,         .l = a->l,
	    .g = a->g,       .avl = a->avl,     .unusable = a->unusable,
	};
}

int kvm_vcpu_get_sregs(struct accel_vcpu *v, struct accel_sregs *s)
{
	struct kvm_sregs k;
	if (ioctl(v->cpu.fd, KVM_GET_SREGS, &k) < 0)
		return -errno;
	seg_from_kvm(&s->cs, &k.cs);
	seg_from_kvm(&s->ds, &k.ds);
	seg_from_kvm(&s->es, &k.es);
	seg_from_kvm(&s->fs, &k.fs);
	seg_from_kvm(&s->gs, &k.gs);
	seg_from_kvm(&s->ss, &k.ss);
	seg_from_kvm(&s->tr, &k.tr);
	seg_from_kvm(&s->ldt, &k.ldt);
	s->gdt = (struct accel_dtable){.base = k.gdt.base, .limit = k.gdt.limit};
	s->idt = (struct accel_dtable){.base = k.idt.base, .limit = k.idt.limit};
	s->cr0 = k.cr0;
	s->cr2 = k.cr2;
	s->cr3 = k.cr3;
	s->cr4 = k.cr4;
	s->cr8 = k.cr8;
	s->efer = k.efer;
	s->apic_base = k.apic_base;
	return 0;
}

int kvm_vcpu_set_sregs(struct accel_vcpu *v, const struct accel_sregs *s)
{
	/* Start from KVM's state so fields we do not model (the pending
	 * interrupt bitmap) keep their values. */
	struct kvm_sregs k;
	if (ioctl(v->cpu.fd, KVM_GET_SREGS, &k) < 0)
		return -errno;
	seg_to_kvm(&k.cs, &s->cs);
	seg_to_kvm(&k.ds, &s->ds);
	seg_to_kvm(&k.es, &s->es);
	seg_to_kvm(&k.fs, &s->fs);
	seg_to_kvm(&k.gs, &s->gs);
	seg_to_kvm(&k.ss, &s->ss);
	seg_to_kvm(&k.tr, &s->tr);
	seg_to_kvm(&k.ldt, &s->ldt);
	k.gdt.base = s->gdt.base;
	k.gdt.limit = s->gdt.limit;
	k.idt.base = s->idt.base;
	k.idt.limit = s->idt.limit;
	k.cr0 = s->cr0;
	k.cr2 = s->cr2;
	k.cr3 = s->cr3;
	k.cr4 = s->cr4;
	k.cr8 = s->cr8;
	k.efer = s->efer;
	/* The APIC base is the in-kernel LAPIC's business: keep KVM's. */
	return ioctl(v->cpu.fd, KVM_SET_SREGS, &k) < 0 ? -errno : 0;
}
