/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The accelerator interface's plain types (backends/accel.h has the ops):
 * an exit record, a vCPU's registers and system state, of the host's
 * architecture (an accelerator runs guests of its own). In the base layer
 * so that the x86 platform (CPU setup) and the devices' callers can fill
 * and read them without depending on a backend.
 */
#ifndef VMM_BASE_ACCEL_TYPES_H
#define VMM_BASE_ACCEL_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* Why accel_ops.vcpu_run returned. */
enum accel_exit_reason {
	ACCEL_EXIT_PIO = 1,  /* port I/O: see accel_exit.io */
	ACCEL_EXIT_MMIO,     /* MMIO: see accel_exit.io (count is 1) */
	ACCEL_EXIT_HLT,	     /* vCPU halted with no in-kernel irqchip */
	ACCEL_EXIT_SHUTDOWN, /* triple fault or equivalent: a reset */
	ACCEL_EXIT_RESET,    /* explicit reset request from the platform */
	ACCEL_EXIT_POWEROFF, /* explicit power-off request from the platform */
	ACCEL_EXIT_INTR,     /* interrupted by vcpu_kick or a signal */
	ACCEL_EXIT_INTERNAL_ERROR, /* the vCPU cannot continue: see detail */
};

#define ACCEL_EXIT_DETAIL_MAX 1024

/*
 * One exit. For PIO/MMIO, `data` points at `size * count` bytes owned by
 * the backend, valid until the next vcpu_run on that vCPU. For a write it
 * holds what the guest wrote; for a read the caller stores the result
 * there and the backend hands it to the guest on the next vcpu_run.
 * `count` > 1 only for string PIO (rep ins/outs): element i is at
 * data + i * size.
 */
struct accel_exit {
	enum accel_exit_reason reason;
	struct {
		uint64_t addr;
		uint32_t size;	/* 1, 2, 4 or 8 */
		uint32_t count; /* >= 1 */
		bool write;
		uint8_t *data;
	} io;
	/* ACCEL_EXIT_INTERNAL_ERROR: a multi-line human diagnostic with the
	 * error kind, RIP, instruction bytes and registers. */
	char detail[ACCEL_EXIT_DETAIL_MAX];
};

#if defined(__x86_64__)

/* General purpose registers (x86-64). */
struct accel_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

/* One segment register, unpacked. */
struct accel_segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g, avl, unusable;
};

struct accel_dtable {
	uint64_t base;
	uint16_t limit;
};

/* System registers (x86-64). */
struct accel_sregs {
	struct accel_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct accel_dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer, apic_base;
};

#elif defined(__aarch64__)

/* General purpose registers (aarch64): x0-x30, SP_EL0, PC and PSTATE, as
 * KVM's user_pt_regs. */
struct accel_regs {
	uint64_t x[31];
	uint64_t sp, pc, pstate;
};

/* The EL1 registers KVM's kvm_regs has besides them: SP_EL1, ELR_EL1 and
 * the five SPSRs. */
struct accel_sregs {
	uint64_t sp_el1, elr_el1;
	uint64_t spsr[5];
};

#else
#error "vmm runs on x86-64 and aarch64 hosts only"
#endif

#endif
