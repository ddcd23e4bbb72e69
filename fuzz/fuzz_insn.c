/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: instruction decoding and completion (backends/x86/insn.h,
 * walk.h, complete.h), on a CPU state and 64 KiB of guest RAM (page
 * tables included) taken from the input.
 *
 * Input: u8 n (instruction bytes given, % 16) and those n bytes; u32 mode
 * bits (paging, long mode with CS.L, CS.D, CPL 0 or 3, CR0.TS/MP/NE,
 * CR4.SMAP/SMEP, EFER.NXE, RFLAGS.AC, CPUID SMAP/POPCNT/CX16); u16 fsw;
 * u16 CR3 and RIP (offsets into RAM); u64 RAX..R15, FS and GS bases, IDT
 * base and u16 limit; then guest RAM.
 *
 * Checks: completion never touches memory outside RAM (the bounds of
 * the ptr callback, and ASan); on success the instruction is 1..15 bytes
 * and RIP moved by its length (or stayed, with an exception to deliver);
 * on -ENOTSUP the CPU state is exactly as before.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/x86/complete.h"
#include "fuzz/fuzz.h"

#define FZ_RAM (64u << 10)

static uint8_t fz_ram[FZ_RAM];

static uint8_t *fz_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque;
	return gpa <= FZ_RAM && len <= FZ_RAM - gpa ? fz_ram + gpa : NULL;
}

static void fz_cpu(struct fz *f, struct complete_cpu *c)
{
	uint32_t m = fz_u32(f);
	memset(c, 0, sizeof(*c));
	struct accel_sregs *s = &c->sregs;
	s->cr0 = 1 | ((m & 1) ? 1ull << 31 : 0) | ((m & 0x10) ? 8 : 0) |
		 ((m & 0x20) ? 2 : 0) | ((m & 0x40) ? 0x20 : 0) | (1u << 16);
	s->cr4 = 0x20 | ((m & 0x80) ? 1u << 21 : 0) | ((m & 0x100) ? 1u << 20 : 0);
	s->efer = (m & 2) ? 0x500 : 0;
	s->efer |= (m & 0x200) ? 0x800 : 0;
	s->cs.l = !!(m & 2);
	s->cs.db = !!(m & 4);
	s->ss.dpl = s->cs.dpl = (m & 8) ? 3 : 0;
	c->regs.rflags = 2 | ((m & 0x400) ? 1u << 18 : 0);
	c->has_smap = m & 0x800;
	c->has_popcnt = m & 0x1000;
	c->has_cx16 = m & 0x2000;
	c->fsw = fz_u16(f);
	s->cr3 = fz_u16(f) & ~0xfffu;
	c->regs.rip = fz_u16(f);
	uint64_t *regs[] = {&c->regs.rax, &c->regs.rbx, &c->regs.rcx,
			    &c->regs.rdx, &c->regs.rsi, &c->regs.rdi,
			    &c->regs.rsp, &c->regs.rbp, &c->regs.r8,
			    &c->regs.r9,  &c->regs.r10, &c->regs.r11,
			    &c->regs.r12, &c->regs.r13, &c->regs.r14,
			    &c->regs.r15, &s->fs.base,  &s->gs.base,
			    &s->idt.base};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		*regs[i] = fz_u64(f);
	s->idt.limit = fz_u16(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_make(data, size);
	uint8_t bytes[16];
	size_t n = fz_u8(&f) % 16;
	for (size_t i = 0; i < n; i++)
		bytes[i] = fz_u8(&f);
	struct complete_cpu c, before;
	fz_cpu(&f, &c);
	memset(fz_ram, 0, sizeof(fz_ram));
	memcpy(fz_ram, f.p, f.n < FZ_RAM ? f.n : FZ_RAM);
	before = c;
	struct walk_mem mem = {.ptr = fz_ptr};
	struct complete_result res;
	int r = complete_insn(&c, bytes, n, &mem, &res);
	if (r == 0) {
		FUZZ_CHECK(res.len >= 1 && res.len <= 15);
		FUZZ_CHECK(res.kind < COMPLETE_NKINDS);
		uint64_t moved = c.regs.rip - before.regs.rip;
		if (res.ev.type == COMPLETE_EV_EXCEPTION)
			FUZZ_CHECK(moved == 0);
		else
			FUZZ_CHECK(moved == res.len ||
				   (uint32_t)moved == res.len);
	} else {
		FUZZ_CHECK(r == -ENOTSUP);
		FUZZ_CHECK(memcmp(&c, &before, sizeof(c)) == 0);
		FUZZ_CHECK(memchr(res.why, '\0', sizeof(res.why)) != NULL);
	}
	return 0;
}
