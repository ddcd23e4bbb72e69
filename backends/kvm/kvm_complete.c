/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The KVM backend's slow path for emulation failures: where the host's
 * emulator cannot run an instruction (nested KVM of the PVM kind) and
 * KVM_CAP_EXIT_ON_EMULATION_FAILURE gave vmm its bytes, complete it with
 * backends/x86/complete.h and let the vCPU go on. What cannot be
 * completed goes to the diagnostic, as before.
 */
#include <cpuid.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm/kvm_internal.h"
#include "backends/x86/complete.h"
#include "vmm/base/log.h"

static uint8_t *kvm_complete_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
	const struct accel_vm *vm = opaque;
	for (unsigned i = 0; i < vm->nslots; i++) {
		const struct kvm_slot *s = &vm->slots[i];
		if (gpa >= s->gpa && gpa - s->gpa <= s->size &&
		    len <= s->size - (gpa - s->gpa))
			return s->hva + (gpa - s->gpa);
	}
	return NULL;
}

/* The vCPU state completion needs. 0 or -errno. */
static int kvm_complete_state(struct accel_vcpu *v, struct complete_cpu *c,
			      struct kvm_vcpu_events *ev)
{
	struct kvm_fpu fpu;
	int r = kvm_vcpu_get_regs(v, &c->regs);
	if (!r)
		r = kvm_vcpu_get_sregs(v, &c->sregs);
	if (!r && ioctl(v->cpu.fd, KVM_GET_FPU, &fpu) < 0)
		r = -errno;
	if (!r && ioctl(v->cpu.fd, KVM_GET_VCPU_EVENTS, ev) < 0)
		r = -errno;
	c->fsw = r ? 0 : fpu.fsw;
	c->has_smap = v->cpu_smap;
	c->has_popcnt = v->cpu_popcnt;
	c->has_cx16 = v->cpu_cx16;
	return r;
}

/* Write back the registers and deliver the event. 0 or -errno. */
static int kvm_complete_commit(struct accel_vcpu *v, struct complete_cpu *c,
			       const struct complete_event *e,
			       struct kvm_vcpu_events *ev)
{
	int r = kvm_vcpu_set_regs(v, &c->regs);
	if (r || e->type == COMPLETE_EV_NONE)
		return r;
	if (e->set_cr2) {
		c->sregs.cr2 = e->cr2;
		if ((r = kvm_vcpu_set_sregs(v, &c->sregs)))
			return r;
	}
	if (e->type == COMPLETE_EV_EXCEPTION) {
		ev->exception.injected = 1;
		ev->exception.nr = e->vector;
		ev->exception.has_error_code = e->has_error;
		ev->exception.error_code = e->error;
	} else {
		/* A software interrupt whose gate checks passed, delivered
		 * with the return address already past the instruction. */
		ev->interrupt.injected = 1;
		ev->interrupt.nr = e->vector;
		ev->interrupt.soft = 0;
	}
	return ioctl(v->cpu.fd, KVM_SET_VCPU_EVENTS, ev) < 0 ? -errno : 0;
}

void kvm_complete_init(struct accel_vcpu *v)
{
	unsigned a, b, c, d;
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		v->cpu_popcnt = c & (1u << 23);
		v->cpu_cx16 = c & (1u << 13);
	}
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		v->cpu_smap = b & (1u << 20);
}

bool kvm_complete(struct accel_vcpu *v, char *why, size_t whylen)
{
	struct kvm_run *run = v->cpu.run;
	const uint8_t *bytes = NULL;
	size_t n = 0;
	if (v->vm->emul_insn_bytes && run->emulation_failure.ndata >= 3 &&
	    (run->emulation_failure.flags &
	     KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		bytes = run->emulation_failure.insn_bytes;
		n = run->emulation_failure.insn_size;
		if (n > sizeof(run->emulation_failure.insn_bytes))
			n = sizeof(run->emulation_failure.insn_bytes);
	}
	struct complete_cpu c;
	struct kvm_vcpu_events ev;
	memset(&ev, 0, sizeof(ev));
	int r = kvm_complete_state(v, &c, &ev);
	if (r) {
		snprintf(why, whylen, "completion: reading the vCPU: %s",
			 strerror(-r));
		return false;
	}
	if (ev.exception.injected || ev.exception.pending ||
	    ev.interrupt.injected || ev.nmi.injected) {
		snprintf(why, whylen, "completion: an event is being "
				      "delivered");
		return false;
	}
	struct walk_mem mem = {.ptr = kvm_complete_ptr, .opaque = v->vm};
	struct complete_result res;
	if (complete_insn(&c, bytes, n, &mem, &res)) {
		snprintf(why, whylen, "completion: %s", res.why);
		return false;
	}
	if ((r = kvm_complete_commit(v, &c, &res.ev, &ev))) {
		snprintf(why, whylen, "completion of %s: writing the vCPU: %s",
			 complete_kind_name(res.kind), strerror(-r));
		return false;
	}
	atomic_fetch_add(&v->vm->completed[res.kind], 1);
	return true;
}

void kvm_complete_report(const struct accel_vm *vm)
{
	char line[256];
	size_t off = 0;
	for (unsigned k = 0; k < COMPLETE_NKINDS; k++) {
		uint64_t n = atomic_load(&vm->completed[k]);
		if (n && off < sizeof(line))
			off += (size_t)snprintf(line + off, sizeof(line) - off,
						"%s%s %" PRIu64, off ? ", " : "",
						complete_kind_name(k), n);
	}
	if (off)
		log_info("instructions the host could not run, completed by "
			 "vmm: %s",
			 line);
}
