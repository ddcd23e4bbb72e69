/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Completing the instructions a host's emulator cannot execute (nested
 * KVM of the PVM kind reports them as emulation failures with their
 * bytes), exactly as the CPU would, so the guest goes on:
 *
 *   fwait/wait   #NM when CR0.TS and CR0.MP; #MF when the x87 status
 *                word has an unmasked exception pending and CR0.NE; else
 *                nothing
 *   clac, stac   RFLAGS.AC; #UD at CPL > 0 or without SMAP in CPUID
 *   popcnt       register and memory forms, 16/32/64-bit; ZF = (src == 0),
 *                CF OF SF AF PF cleared; #UD without POPCNT in CPUID
 *   int3, int n  the IDT gate checked as the CPU checks it (limit,
 *                present, type, DPL against CPL: #GP or #NP with the
 *                vector's error code), then delivered as an interrupt
 *                with the return address after the instruction
 *   cmpxchg8b/16b  atomically on guest RAM, the operand translated
 *                through the guest's page tables (walk.h: #PF with its
 *                error code and CR2); cmpxchg16b needs CX16 and a 16-byte
 *                aligned operand (#GP(0)); a non-canonical address is
 *                #GP(0) (#SS(0) through SS)
 *
 * Everything else, and every case it cannot decide exactly (32-bit or
 * 16-bit code touching memory, an operand split across pages for
 * cmpxchg8b, page tables outside RAM, VEX prefixes), is -ENOTSUP with a
 * reason: the caller stops the VM with its diagnostic. It never guesses
 * and never skips an instruction. Instruction bytes past those given are
 * fetched through the guest's page tables; guest memory is only reached
 * through walk_mem, which bounds every access.
 */
#ifndef VMM_BACKENDS_X86_COMPLETE_H
#define VMM_BACKENDS_X86_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/accel.h"
#include "backends/x86/walk.h"
#include "vmm/base/compiler.h"

enum complete_kind {
	COMPLETE_FWAIT,
	COMPLETE_CLAC,
	COMPLETE_STAC,
	COMPLETE_POPCNT,
	COMPLETE_INT3,
	COMPLETE_INTN,
	COMPLETE_CMPXCHG8B,
	COMPLETE_CMPXCHG16B,
	COMPLETE_NKINDS
};

/* The vCPU state completion reads and changes. */
struct complete_cpu {
	struct accel_regs regs;
	struct accel_sregs sregs;
	uint16_t fsw; /* x87 status word, for fwait */
	bool has_smap, has_popcnt, has_cx16; /* the guest's CPUID */
};

/* What to deliver to the guest after a completion. */
struct complete_event {
	enum { COMPLETE_EV_NONE, COMPLETE_EV_EXCEPTION,
	       COMPLETE_EV_INTERRUPT } type;
	uint8_t vector;
	bool has_error;
	uint32_t error;
	bool set_cr2; /* #PF: CR2 = cr2 */
	uint64_t cr2;
};

struct complete_result {
	enum complete_kind kind;
	uint8_t len; /* the instruction's length */
	struct complete_event ev;
	char why[128]; /* -ENOTSUP: what stopped it */
};

/* Complete the instruction at cpu->regs.rip, of which bytes[0..n) are
 * known (n may be 0). 0: cpu->regs are the state after it (RIP past it,
 * or unchanged when it faults) and res->ev is what to inject; -ENOTSUP:
 * not completed, nothing changed in cpu or guest memory, res->why set. */
int complete_insn(struct complete_cpu *cpu, const uint8_t *bytes, size_t n,
		  const struct walk_mem *mem,
		  struct complete_result *res) VMM_WUR;

/* "fwait", "popcnt", ... for the counters. */
const char *complete_kind_name(enum complete_kind k);

#endif
