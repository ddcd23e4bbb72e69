/* SPDX-License-Identifier: Apache-2.0 */
/* complete_insn: each completion against the CPU's rules, and popcnt and
 * cmpxchg8b/16b against this host's CPU executing the same instruction on
 * the same inputs (a differential oracle). Guest RAM is 4 MiB at 0 with
 * 4-level page tables built here. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/x86/complete.h"

#define RAM (4u << 20)
#define PML4 0x1000
#define PDPT 0x2000
#define PD 0x3000
#define PT 0x4000 /* 4 KiB pages for [2 MiB, 4 MiB) */
#define USER_PAGE 0x200000 /* user, writable */
#define RO_PAGE 0x201000   /* user, read-only */
#define NP_PAGE 0x202000   /* not present */
#define IDT 0x5000
#define CODE 0x100000

static uint8_t *ram;

static uint8_t *ram_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque;
	return gpa <= RAM && len <= RAM - gpa ? ram + gpa : NULL;
}

static const struct walk_mem mem = {.ptr = ram_ptr};

static void put64(uint64_t gpa, uint64_t v) { memcpy(ram + gpa, &v, 8); }

static uint64_t get64(uint64_t gpa)
{
	uint64_t v;
	memcpy(&v, ram + gpa, 8);
	return v;
}

/* An IDT gate for vector v: present, the given type and DPL. */
static void gate(unsigned v, unsigned type, unsigned dpl, bool present)
{
	uint8_t *g = ram + IDT + v * 16;
	memset(g, 0, 16);
	g[5] = (uint8_t)(type | dpl << 5 | (present ? 0x80 : 0));
}

static int setup(void **state)
{
	(void)state;
	ram = calloc(1, RAM);
	assert_non_null(ram);
	put64(PML4, PDPT | 7);
	put64(PDPT, PD | 7);
	put64(PD, 0 | 0x83);  /* [0, 2 MiB): 2 MiB page, supervisor, RW */
	put64(PD + 8, PT | 7); /* [2 MiB, 4 MiB): 4 KiB pages */
	for (unsigned i = 0; i < 512; i++)
		put64(PT + i * 8, (0x200000 + i * 4096ull) | 7);
	put64(PT + 1 * 8, RO_PAGE | 5); /* user, read-only */
	put64(PT + 2 * 8, 0);           /* not present */
	for (unsigned v = 0; v < 256; v++)
		gate(v, 0xe, 0, true);
	gate(3, 0xe, 3, true);
	gate(0x80, 0xf, 3, true);
	gate(0x81, 0xe, 3, false);
	gate(0x82, 0x5, 3, true); /* a task gate: no such thing in 64-bit */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

/* A 64-bit CPU at CPL cpl running at CODE. */
static struct complete_cpu cpu64(unsigned cpl)
{
	struct complete_cpu c;
	memset(&c, 0, sizeof(c));
	c.sregs.cr0 = 0x80010033; /* PG WP NE ET MP PE */
	c.sregs.cr3 = PML4;
	c.sregs.cr4 = 0x20 | (1u << 21); /* PAE SMAP */
	c.sregs.efer = 0xd01; /* SCE LME LMA NXE */
	c.sregs.cs.l = 1;
	c.sregs.cs.dpl = (uint8_t)cpl;
	c.sregs.ss.dpl = (uint8_t)cpl;
	c.sregs.idt.base = IDT;
	c.sregs.idt.limit = 256 * 16 - 1;
	c.regs.rip = CODE;
	c.regs.rflags = 0x2;
	c.has_smap = c.has_popcnt = c.has_cx16 = true;
	return c;
}

static int run(struct complete_cpu *c, const uint8_t *b, size_t n,
	       struct complete_result *res)
{
	return complete_insn(c, b, n, &mem, res);
}

#define RUN(c, res, ...)                                                       \
	({                                                                     \
		static const uint8_t b_[] = {__VA_ARGS__};                    \
		run(c, b_, sizeof(b_), res);                                   \
	})

static void expect_fault(const struct complete_cpu *c,
			 const struct complete_result *res, uint8_t vector)
{
	assert_int_equal(res->ev.type, COMPLETE_EV_EXCEPTION);
	assert_int_equal(res->ev.vector, vector);
	assert_int_equal(c->regs.rip, CODE); /* a fault: RIP unchanged */
}

static void test_fwait(void **state)
{
	(void)state;
	struct complete_result res;
	struct complete_cpu c = cpu64(0);
	assert_int_equal(RUN(&c, &res, 0x9b), 0);
	assert_int_equal(res.kind, COMPLETE_FWAIT);
	assert_int_equal(res.ev.type, COMPLETE_EV_NONE);
	assert_int_equal(c.regs.rip, CODE + 1);
	c = cpu64(0);
	c.sregs.cr0 |= 8; /* TS with MP: #NM */
	assert_int_equal(RUN(&c, &res, 0x9b), 0);
	expect_fault(&c, &res, 7);
	c = cpu64(0);
	c.sregs.cr0 = (c.sregs.cr0 | 8) & ~2ull; /* TS without MP: runs */
	assert_int_equal(RUN(&c, &res, 0x9b), 0);
	assert_int_equal(c.regs.rip, CODE + 1);
	c = cpu64(0);
	c.fsw = 0x80; /* an unmasked x87 exception pending: #MF */
	assert_int_equal(RUN(&c, &res, 0x9b), 0);
	expect_fault(&c, &res, 16);
	c.sregs.cr0 &= ~0x20ull; /* ... and FERR# without NE: not guessed */
	assert_int_equal(RUN(&c, &res, 0x9b), -ENOTSUP);
	assert_non_null(strstr(res.why, "FERR"));
}

static void test_clac_stac(void **state)
{
	(void)state;
	struct complete_result res;
	struct complete_cpu c = cpu64(0);
	assert_int_equal(RUN(&c, &res, 0x0f, 0x01, 0xcb), 0);
	assert_int_equal(res.kind, COMPLETE_STAC);
	assert_true(c.regs.rflags & (1u << 18));
	assert_int_equal(c.regs.rip, CODE + 3);
	assert_int_equal(RUN(&c, &res, 0x0f, 0x01, 0xca), 0);
	assert_false(c.regs.rflags & (1u << 18));
	assert_int_equal(c.regs.rip, CODE + 6);
	c = cpu64(3); /* user mode: #UD */
	assert_int_equal(RUN(&c, &res, 0x0f, 0x01, 0xca), 0);
	expect_fault(&c, &res, 6);
	c = cpu64(0);
	c.has_smap = false;
	assert_int_equal(RUN(&c, &res, 0x0f, 0x01, 0xcb), 0);
	expect_fault(&c, &res, 6);
	c = cpu64(0); /* other group 7 forms are not completed */
	assert_int_equal(RUN(&c, &res, 0x0f, 0x01, 0xc1), -ENOTSUP);
	assert_int_equal(c.regs.rip, CODE);
}

/* This host's popcnt on src with operand size sz, and the flags. */
static void host_popcnt(uint64_t src, unsigned sz, uint64_t *dst,
			uint64_t *flags)
{
	uint64_t d = *dst, f;
	if (sz == 8)
		__asm__("popcnt %2, %0; pushfq; popq %1"
			: "+r"(d), "=r"(f)
			: "r"(src)
			: "cc");
	else if (sz == 4) {
		uint32_t d32;
		__asm__("popcnt %2, %0; pushfq; popq %1"
			: "=r"(d32), "=r"(f)
			: "r"((uint32_t)src)
			: "cc");
		d = d32;
	} else {
		uint16_t d16 = (uint16_t)d;
		__asm__("popcnt %2, %0; pushfq; popq %1"
			: "+r"(d16), "=r"(f)
			: "r"((uint16_t)src)
			: "cc");
		d = (d & ~0xffffull) | d16;
	}
	*dst = d;
	*flags = f;
}

#define ARITH_FLAGS 0x8d5ull /* OF SF ZF AF PF CF */

static void test_popcnt_differential(void **state)
{
	(void)state;
	static const uint64_t srcs[] = {0, 1, 0x8000000000000000ull,
					0xffffffffffffffffull, 0x12345678,
					0xffff0000ffff0000ull, 0x10001,
					0xdeadbeefcafef00dull};
	/* popcnt rbx, rcx (64), ebx, ecx (32), bx, cx (16). */
	static const uint8_t forms[3][5] = {{0xf3, 0x48, 0x0f, 0xb8, 0xd9},
					    {0xf3, 0x0f, 0xb8, 0xd9, 0},
					    {0x66, 0xf3, 0x0f, 0xb8, 0xd9}};
	static const unsigned sizes[3] = {8, 4, 2}, lens[3] = {5, 4, 5};
	for (unsigned f = 0; f < 3; f++) {
		for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
			struct complete_cpu c = cpu64(3);
			struct complete_result res;
			c.regs.rcx = srcs[i];
			c.regs.rbx = 0xaaaaaaaaaaaaaaaaull;
			c.regs.rflags = 0x2 | ARITH_FLAGS; /* all set before */
			uint64_t want = c.regs.rbx, wflags;
			host_popcnt(srcs[i], sizes[f], &want, &wflags);
			assert_int_equal(run(&c, forms[f], lens[f], &res), 0);
			assert_int_equal(res.kind, COMPLETE_POPCNT);
			assert_int_equal(c.regs.rbx, want);
			assert_int_equal(c.regs.rflags & ARITH_FLAGS,
					 wflags & ARITH_FLAGS);
			assert_int_equal(c.regs.rip, CODE + lens[f]);
		}
	}
}

static void test_popcnt_memory(void **state)
{
	(void)state;
	struct complete_result res;
	struct complete_cpu c = cpu64(3);
	/* popcnt rax, [rsi + 8] on a user page */
	put64(USER_PAGE + 8, 0xf0f0);
	c.regs.rsi = USER_PAGE;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x48, 0x0f, 0xb8, 0x46, 0x08), 0);
	assert_int_equal(c.regs.rax, 8);
	/* An operand across two pages (user, then read-only user): fine. */
	c = cpu64(3);
	put64(USER_PAGE + 4092, 0x0101010101010101ull);
	c.regs.rsi = USER_PAGE + 4092;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x48, 0x0f, 0xb8, 0x06), 0);
	assert_int_equal(c.regs.rax, 8);
	/* Not present: #PF with the error code and CR2. */
	c = cpu64(3);
	c.regs.rsi = NP_PAGE + 16;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x48, 0x0f, 0xb8, 0x06), 0);
	expect_fault(&c, &res, 14);
	assert_true(res.ev.has_error);
	assert_int_equal(res.ev.error, 4); /* user, read, not present */
	assert_true(res.ev.set_cr2);
	assert_int_equal(res.ev.cr2, NP_PAGE + 16);
	/* A supervisor page from user mode: protection #PF. */
	c = cpu64(3);
	c.regs.rsi = 0x1000;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x48, 0x0f, 0xb8, 0x06), 0);
	expect_fault(&c, &res, 14);
	assert_int_equal(res.ev.error, 5);
	/* SMAP: the kernel reads a user page only with RFLAGS.AC. */
	c = cpu64(0);
	c.regs.rsi = USER_PAGE;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x48, 0x0f, 0xb8, 0x06), 0);
	expect_fault(&c, &res, 14);
	assert_int_equal(res.ev.error, 1);
	c = cpu64(0);
	c.regs.rsi = USER_PAGE;
	c.regs.rflags |= 1u << 18;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x48, 0x0f, 0xb8, 0x06), 0);
	assert_int_equal(c.regs.rip, CODE + 5);
	/* Non-canonical: #GP(0); through rsp/rbp: #SS(0). */
	c = cpu64(0);
	c.regs.rsi = 0x0000800000000000ull;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x48, 0x0f, 0xb8, 0x06), 0);
	expect_fault(&c, &res, 13);
	c = cpu64(0);
	c.regs.rbp = 0x0000800000000000ull;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x48, 0x0f, 0xb8, 0x45, 0x00), 0);
	expect_fault(&c, &res, 12);
	/* Outside RAM or in 32-bit code: not guessed. */
	c = cpu64(0);
	c.sregs.cr0 &= ~(1ull << 31); /* no paging: linear = physical */
	c.sregs.efer &= ~(1ull << 10);
	c.sregs.cs.l = 0;
	c.sregs.cs.db = 1;
	assert_int_equal(RUN(&c, &res, 0xf3, 0x0f, 0xb8, 0x06), -ENOTSUP);
}

static void test_soft_int(void **state)
{
	(void)state;
	struct complete_result res;
	struct complete_cpu c = cpu64(3);
	assert_int_equal(RUN(&c, &res, 0xcc), 0);
	assert_int_equal(res.kind, COMPLETE_INT3);
	assert_int_equal(res.ev.type, COMPLETE_EV_INTERRUPT);
	assert_int_equal(res.ev.vector, 3);
	assert_int_equal(c.regs.rip, CODE + 1); /* returns after it */
	c = cpu64(3);
	assert_int_equal(RUN(&c, &res, 0xcd, 0x80), 0);
	assert_int_equal(res.kind, COMPLETE_INTN);
	assert_int_equal(res.ev.vector, 0x80);
	assert_int_equal(c.regs.rip, CODE + 2);
	/* DPL 0 gate from user mode: #GP(vector * 8 + 2). */
	c = cpu64(3);
	assert_int_equal(RUN(&c, &res, 0xcd, 0x40), 0);
	expect_fault(&c, &res, 13);
	assert_int_equal(res.ev.error, 0x40 * 8 + 2);
	c = cpu64(0); /* ... which the kernel may use */
	assert_int_equal(RUN(&c, &res, 0xcd, 0x40), 0);
	assert_int_equal(res.ev.type, COMPLETE_EV_INTERRUPT);
	c = cpu64(3); /* not present: #NP */
	assert_int_equal(RUN(&c, &res, 0xcd, 0x81), 0);
	expect_fault(&c, &res, 11);
	assert_int_equal(res.ev.error, 0x81 * 8 + 2);
	c = cpu64(3); /* a bad gate type: #GP */
	assert_int_equal(RUN(&c, &res, 0xcd, 0x82), 0);
	expect_fault(&c, &res, 13);
	c = cpu64(0); /* past the IDT limit: #GP */
	c.sregs.idt.limit = 0x30 * 16 - 1;
	assert_int_equal(RUN(&c, &res, 0xcd, 0x30), 0);
	expect_fault(&c, &res, 13);
	assert_int_equal(res.ev.error, 0x30 * 8 + 2);
}

/* This host's lock cmpxchg8b/16b on buf with the given registers. */
static void host_cmpxchg(bool wide, void *buf, uint64_t *rax, uint64_t *rdx,
			 uint64_t rbx, uint64_t rcx, bool *zf)
{
	if (wide) {
		__asm__ volatile("lock cmpxchg16b %1"
				 : "=@ccz"(*zf), "+m"(*(uint64_t(*)[2])buf),
				   "+a"(*rax), "+d"(*rdx)
				 : "b"(rbx), "c"(rcx)
				 : "memory");
	} else {
		uint32_t a = (uint32_t)*rax, d = (uint32_t)*rdx;
		__asm__ volatile("lock cmpxchg8b %1"
				 : "=@ccz"(*zf), "+m"(*(uint64_t *)buf),
				   "+a"(a), "+d"(d)
				 : "b"((uint32_t)rbx), "c"((uint32_t)rcx)
				 : "memory");
		if (!*zf) { /* only a failure writes EDX:EAX (zero-extended) */
			*rax = a;
			*rdx = d;
		}
	}
}

static void test_cmpxchg_differential(void **state)
{
	(void)state;
	static const uint64_t memv[2] = {0x1111222233334444ull,
					 0x5555666677778888ull};
	for (unsigned wide = 0; wide < 2; wide++) {
		for (unsigned equal = 0; equal < 2; equal++) {
			struct complete_cpu c = cpu64(3);
			struct complete_result res;
			uint64_t at = USER_PAGE + 0x100;
			memcpy(ram + at, memv, 16);
			c.regs.rdi = at;
			c.regs.rax = equal ? memv[0] : 0xffffffff00000001ull;
			c.regs.rdx = equal ? memv[1] : 0xffffffff00000002ull;
			if (equal && !wide)
				c.regs.rdx = memv[0] >> 32,
				c.regs.rax = 0xabcd000000000000ull |
					     (uint32_t)memv[0];
			c.regs.rbx = 0x0123456789abcdefull;
			c.regs.rcx = 0xfedcba9876543210ull;
			uint8_t host[16] __attribute__((aligned(16)));
			memcpy(host, memv, 16);
			uint64_t hrax = c.regs.rax, hrdx = c.regs.rdx;
			bool zf;
			host_cmpxchg(wide, host, &hrax, &hrdx, c.regs.rbx,
				     c.regs.rcx, &zf);
			/* lock cmpxchg16b [rdi] / lock cmpxchg8b [rdi] */
			int r = wide ? RUN(&c, &res, 0xf0, 0x48, 0x0f, 0xc7, 0x0f)
				     : RUN(&c, &res, 0xf0, 0x0f, 0xc7, 0x0f);
			assert_int_equal(r, 0);
			assert_int_equal(res.kind, wide ? COMPLETE_CMPXCHG16B
							: COMPLETE_CMPXCHG8B);
			assert_memory_equal(ram + at, host, 16);
			assert_int_equal(c.regs.rax, hrax);
			assert_int_equal(c.regs.rdx, hrdx);
			assert_int_equal(!!(c.regs.rflags & 0x40), zf);
			assert_int_equal(zf, equal);
			assert_int_equal(c.regs.rip, CODE + 4 + wide);
		}
	}
}

static void test_cmpxchg_faults(void **state)
{
	(void)state;
	struct complete_result res;
	struct complete_cpu c = cpu64(3);
	c.regs.rdi = USER_PAGE + 8; /* cmpxchg16b needs 16-byte alignment */
	assert_int_equal(RUN(&c, &res, 0x48, 0x0f, 0xc7, 0x0f), 0);
	expect_fault(&c, &res, 13);
	c = cpu64(3);
	c.has_cx16 = false;
	c.regs.rdi = USER_PAGE;
	assert_int_equal(RUN(&c, &res, 0x48, 0x0f, 0xc7, 0x0f), 0);
	expect_fault(&c, &res, 6);
	/* A read-only page faults for the write, even when unequal. */
	c = cpu64(3);
	c.regs.rdi = RO_PAGE;
	uint64_t before = get64(RO_PAGE);
	assert_int_equal(RUN(&c, &res, 0x0f, 0xc7, 0x0f), 0);
	expect_fault(&c, &res, 14);
	assert_int_equal(res.ev.error, 7); /* user, write, protection */
	assert_int_equal(get64(RO_PAGE), before);
	/* The register form is #UD; other /r of group 9 are not ours. */
	c = cpu64(3);
	assert_int_equal(RUN(&c, &res, 0x0f, 0xc7, 0xc8), 0);
	expect_fault(&c, &res, 6);
	assert_int_equal(RUN(&c, &res, 0x0f, 0xc7, 0x37), -ENOTSUP);
	/* cmpxchg8b across a page boundary is not done non-atomically. */
	c = cpu64(3);
	c.regs.rdi = USER_PAGE + 4092;
	assert_int_equal(RUN(&c, &res, 0x0f, 0xc7, 0x0f), -ENOTSUP);
	assert_non_null(strstr(res.why, "crosses a page"));
	/* The walk set the accessed and dirty bits of the leaf. */
	c = cpu64(3);
	c.regs.rdi = USER_PAGE + 0x200;
	put64(PT, USER_PAGE | 7);
	assert_int_equal(RUN(&c, &res, 0x0f, 0xc7, 0x0f), 0);
	assert_int_equal(get64(PT) & 0x60, 0x60);
}

static void test_fetch_and_unknown(void **state)
{
	(void)state;
	struct complete_result res;
	/* No bytes from KVM: all fetched from guest memory at RIP. */
	struct complete_cpu c = cpu64(0);
	static const uint8_t code[] = {0xf3, 0x48, 0x0f, 0xb8, 0xc1};
	memcpy(ram + CODE, code, sizeof(code));
	c.regs.rcx = 0xff;
	assert_int_equal(run(&c, NULL, 0, &res), 0);
	assert_int_equal(c.regs.rax, 8);
	assert_int_equal(c.regs.rip, CODE + 5);
	/* Anything else is refused, leaving the CPU as it was. */
	c = cpu64(0);
	struct complete_cpu before = c;
	assert_int_equal(RUN(&c, &res, 0x0f, 0x01, 0xc1), -ENOTSUP); /* vmcall */
	assert_int_equal(RUN(&c, &res, 0x0f, 0xae, 0x27), -ENOTSUP); /* xsave */
	assert_int_equal(RUN(&c, &res, 0x90), -ENOTSUP);
	assert_memory_equal(&c, &before, sizeof(c));
	assert_string_equal(complete_kind_name(COMPLETE_CMPXCHG16B),
			    "cmpxchg16b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fwait),
	    cmocka_unit_test(test_clac_stac),
	    cmocka_unit_test(test_popcnt_differential),
	    cmocka_unit_test(test_popcnt_memory),
	    cmocka_unit_test(test_soft_int),
	    cmocka_unit_test(test_cmpxchg_differential),
	    cmocka_unit_test(test_cmpxchg_faults),
	    cmocka_unit_test(test_fetch_and_unknown),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
