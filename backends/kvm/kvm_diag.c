/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics for exits a vCPU cannot continue from: what happened, where
 * (RIP, mode), the instruction bytes and the registers, so that a user can
 * tell an emulator gap from a guest bug without a debugger.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm/kvm_internal.h"

#define DIAG_INSN_MAX 15

struct diag_buf {
	char *p;
	size_t left;
};

static void diag_put(struct diag_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void diag_put(struct diag_buf *b, const char *fmt, ...)
{
	if (b->left <= 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p, b->left, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t used = (size_t)n < b->left ? (size_t)n : b->left - 1;
	b->p += used;
	b->left -= used;
}

/* Copy up to `max` bytes at guest-linear `lin` (translated by KVM) from
 * our memory slots. Returns the count copied, stopping at a page end or
 * at unmapped memory. */
static unsigned diag_read_linear(struct accel_vcpu *v, uint64_t lin,
				 uint8_t *out, unsigned max)
{
	struct kvm_translation t = {.linear_address = lin};
	if (ioctl(v->cpu.fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
		return 0;
	unsigned in_page = (unsigned)(4096 - (lin & 4095));
	unsigned want = max < in_page ? max : in_page;
	for (unsigned i = 0; i < v->vm->nslots; i++) {
		const struct kvm_slot *s = &v->vm->slots[i];
		if (t.physical_address < s->gpa ||
		    t.physical_address - s->gpa >= s->size)
			continue;
		uint64_t avail = s->size - (t.physical_address - s->gpa);
		unsigned n = avail < want ? (unsigned)avail : want;
		memcpy(out, s->hva + (t.physical_address - s->gpa), n);
		return n;
	}
	return 0;
}

static const char *diag_mode(const struct accel_sregs *s)
{
	if (!(s->cr0 & 1))
		return "real mode";
	if (s->efer & (1u << 10)) /* LMA */
		return s->cs.l ? "64-bit mode" : "compatibility mode";
	return s->cs.db ? "32-bit protected mode" : "16-bit protected mode";
}

void kvm_diag_describe(struct accel_vcpu *v, const char *what,
		       struct accel_exit *exit)
{
	struct diag_buf b = {exit->detail, sizeof(exit->detail)};
	struct accel_regs r;
	struct accel_sregs s;
	exit->detail[0] = '\0';

	diag_put(&b, "vCPU %u: %s\n", v->index, what);
	if (kvm_vcpu_get_regs(v, &r) || kvm_vcpu_get_sregs(v, &s)) {
		diag_put(&b, "  (registers unavailable)\n");
		return;
	}
	diag_put(&b, "  RIP %016" PRIx64 "  CS %04x base %" PRIx64 "  %s\n",
		 r.rip, s.cs.selector, s.cs.base, diag_mode(&s));

	uint8_t insn[DIAG_INSN_MAX];
	unsigned n = 0;
	const char *src = "guest memory";
	struct kvm_run *run = v->cpu.run;
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
	    run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	    v->vm->emul_insn_bytes && run->emulation_failure.ndata >= 3 &&
	    (run->emulation_failure.flags &
	     KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		n = run->emulation_failure.insn_size;
		if (n > DIAG_INSN_MAX)
			n = DIAG_INSN_MAX;
		memcpy(insn, run->emulation_failure.insn_bytes, n);
		src = "KVM";
	} else {
		uint64_t lin = s.cs.base + r.rip;
		if (!(s.efer & (1u << 10)) || !s.cs.l)
			lin &= 0xffffffffu;
		n = diag_read_linear(v, lin, insn, DIAG_INSN_MAX);
	}
	diag_put(&b, "  instruction bytes at RIP (%s):", src);
	if (n == 0)
		diag_put(&b, " unavailable");
	for (unsigned i = 0; i < n; i++)
		diag_put(&b, " %02x", insn[i]);
	diag_put(&b, "\n");

	diag_put(&b,
		 "  RAX %016" PRIx64 " RBX %016" PRIx64 " RCX %016" PRIx64
		 " RDX %016" PRIx64 "\n",
		 r.rax, r.rbx, r.rcx, r.rdx);
	diag_put(&b,
		 "  RSI %016" PRIx64 " RDI %016" PRIx64 " RBP %016" PRIx64
		 " RSP %016" PRIx64 "\n",
		 r.rsi, r.rdi, r.rbp, r.rsp);
	diag_put(&b,
		 "  R8  %016" PRIx64 " R9  %016" PRIx64 " R10 %016" PRIx64
		 " R11 %016" PRIx64 "\n",
		 r.r8, r.r9, r.r10, r.r11);
	diag_put(&b,
		 "  R12 %016" PRIx64 " R13 %016" PRIx64 " R14 %016" PRIx64
		 " R15 %016" PRIx64 "\n",
		 r.r12, r.r13, r.r14, r.r15);
	diag_put(&b,
		 "  RFLAGS %08" PRIx64 " CR0 %08" PRIx64 " CR2 %016" PRIx64
		 " CR3 %016" PRIx64 " CR4 %08" PRIx64 " EFER %08" PRIx64 "\n",
		 r.rflags, s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
		unsigned nd = run->internal.ndata;
		if (nd > ARRAY_SIZE(run->internal.data))
			nd = ARRAY_SIZE(run->internal.data);
		if (nd) {
			diag_put(&b, "  KVM data:");
			for (unsigned i = 0; i < nd; i++)
				diag_put(&b, " %llx",
					 (unsigned long long)run->internal.data[i]);
			diag_put(&b, "\n");
		}
	}
}
