/* SPDX-License-Identifier: Apache-2.0 */
#include "insns.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "tgexit.h"

/* Handlers for vectors 3 and 0x80: count, then return. */
volatile uint32_t insns_hits[2];
void insns_stub3(void);
void insns_stub80(void);
__asm__(".text\n"
	".globl insns_stub3\n"
	"insns_stub3:\n"
	"  lock incl insns_hits(%rip)\n"
	"  iretq\n"
	".globl insns_stub80\n"
	"insns_stub80:\n"
	"  lock incl insns_hits+4(%rip)\n"
	"  iretq\n");

struct __attribute__((packed)) idtr {
	uint16_t limit;
	uint64_t base;
};

void *memset(void *dst, int c, size_t n);

/* Not cleared at boot: insns_soft_int clears it (every other vector not
 * present). */
static uint64_t insns_idt[256 * 2] TG_NOCLEAR __attribute__((aligned(16)));

static void insns_fail(const char *what, uint64_t got, uint64_t want)
{
	ser_printf("testguest: FAIL insns: %s: got 0x%lx, expected 0x%lx\n",
		   what, got, want);
	tg_exit(TG_EXIT_INSNS);
}

static void insns_check(const char *what, uint64_t got, uint64_t want)
{
	if (got != want)
		insns_fail(what, got, want);
}

static void insns_cpuid(uint32_t leaf, uint32_t *b, uint32_t *c)
{
	uint32_t a = leaf, d, sub = 0;
	__asm__ __volatile__("cpuid"
			     : "+a"(a), "=b"(*b), "=c"(*c), "=d"(d)
			     : "2"(sub));
}

static uint64_t insns_flags(void)
{
	uint64_t f;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(f));
	return f;
}

static void insns_gate(unsigned v, void (*fn)(void), uint16_t cs)
{
	uint64_t a = (uint64_t)(uintptr_t)fn;
	insns_idt[v * 2] = (a & 0xffff) | (uint64_t)cs << 16 |
			   (uint64_t)0x8e << 40 | ((a >> 16) & 0xffff) << 48;
	insns_idt[v * 2 + 1] = a >> 32;
}

static void insns_soft_int(void)
{
	struct idtr old, idt = {sizeof(insns_idt) - 1,
				(uint64_t)(uintptr_t)insns_idt};
	uint16_t cs;
	__asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
	memset(insns_idt, 0, sizeof(insns_idt));
	insns_gate(3, insns_stub3, cs);
	insns_gate(0x80, insns_stub80, cs);
	__asm__ __volatile__("sidt %0" : "=m"(old));
	__asm__ __volatile__("lidt %0" : : "m"(idt));
	__asm__ __volatile__("int3" ::: "memory");
	__asm__ __volatile__("int $0x80" ::: "memory");
	__asm__ __volatile__("lidt %0" : : "m"(old));
	insns_check("int3 handler runs", insns_hits[0], 1);
	insns_check("int $0x80 handler runs", insns_hits[1], 1);
	ser_printf("testguest: insns: int3, int $0x80 ok\n");
}

static void insns_popcnt(void)
{
	static volatile uint64_t m = 0xf0f0f0f0f0f0f0f0ull;
	uint64_t r, f, src = 0x8000000000000001ull;
	__asm__ __volatile__("popcnt %2, %0; pushfq; popq %1"
			     : "=r"(r), "=r"(f)
			     : "r"(src)
			     : "cc");
	insns_check("popcnt reg", r, 2);
	insns_check("popcnt reg flags", f & 0x8d5, 0);
	__asm__ __volatile__("popcntq %2, %0; pushfq; popq %1"
			     : "=r"(r), "=r"(f)
			     : "m"(m)
			     : "cc");
	insns_check("popcnt mem", r, 32);
	uint64_t zero = 0;
	__asm__ __volatile__("popcnt %2, %0; pushfq; popq %1"
			     : "=r"(r), "=r"(f)
			     : "r"(zero)
			     : "cc");
	insns_check("popcnt zero", r, 0);
	insns_check("popcnt zero flags", f & 0x8d5, 0x40);
	ser_printf("testguest: insns: popcnt ok\n");
}

static void insns_cmpxchg(bool cx16)
{
	static volatile uint64_t m8 = 0x1122334455667788ull;
	static volatile uint64_t m16[2] __attribute__((aligned(16))) = {1, 2};
	uint32_t a = 0x55667788, d = 0x11223344;
	bool eq;
	__asm__ __volatile__("lock cmpxchg8b %1"
			     : "=@ccz"(eq), "+m"(m8), "+a"(a), "+d"(d)
			     : "b"(0xaaaaaaaa), "c"(0xbbbbbbbb)
			     : "memory");
	insns_check("cmpxchg8b equal", eq, 1);
	insns_check("cmpxchg8b stored", m8, 0xbbbbbbbbaaaaaaaaull);
	a = 0, d = 0;
	__asm__ __volatile__("lock cmpxchg8b %1"
			     : "=@ccz"(eq), "+m"(m8), "+a"(a), "+d"(d)
			     : "b"(1), "c"(2)
			     : "memory");
	insns_check("cmpxchg8b unequal", eq, 0);
	insns_check("cmpxchg8b loaded", (uint64_t)d << 32 | a,
		    0xbbbbbbbbaaaaaaaaull);
	if (cx16) {
		uint64_t lo = 1, hi = 2;
		__asm__ __volatile__("lock cmpxchg16b %1"
				     : "=@ccz"(eq), "+m"(*(volatile uint64_t(*)[2])m16),
				       "+a"(lo), "+d"(hi)
				     : "b"(7), "c"(8)
				     : "memory");
		insns_check("cmpxchg16b equal", eq, 1);
		insns_check("cmpxchg16b stored", m16[0] << 8 | m16[1], 0x708);
		lo = hi = 0;
		__asm__ __volatile__("lock cmpxchg16b %1"
				     : "=@ccz"(eq), "+m"(*(volatile uint64_t(*)[2])m16),
				       "+a"(lo), "+d"(hi)
				     : "b"(9), "c"(9)
				     : "memory");
		insns_check("cmpxchg16b unequal", eq, 0);
		insns_check("cmpxchg16b loaded", lo << 8 | hi, 0x708);
	}
	ser_printf("testguest: insns: cmpxchg8b%s ok\n",
		   cx16 ? ", cmpxchg16b" : "");
}

void insns_run(void)
{
	uint32_t b1, c1, b7, c7;
	insns_cpuid(1, &b1, &c1);
	insns_cpuid(7, &b7, &c7);
	__asm__ __volatile__("fwait");
	ser_printf("testguest: insns: fwait ok\n");
	if (b7 & (1u << 20)) {
		__asm__ __volatile__("stac" ::: "cc");
		insns_check("stac sets AC", insns_flags() >> 18 & 1, 1);
		__asm__ __volatile__("clac" ::: "cc");
		insns_check("clac clears AC", insns_flags() >> 18 & 1, 0);
		ser_printf("testguest: insns: stac, clac ok\n");
	} else {
		ser_printf("testguest: insns: no SMAP in CPUID, stac/clac "
			   "skipped\n");
	}
	if (c1 & (1u << 23))
		insns_popcnt();
	else
		ser_printf("testguest: insns: no POPCNT in CPUID, skipped\n");
	insns_soft_int();
	insns_cmpxchg(c1 & (1u << 13));
	ser_printf("testguest: insns: ok\n");
}
