/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The arm64 test guest (README.md, "arm64"): checks what vmm's arm64
 * machine promises a kernel, then reports on the UART and powers off.
 *
 *   1. x0 holds a flattened device tree (magic, version 17, size);
 *   2. the tree's /memory is tg.mem MiB from 1 GiB and it has tg.cpus
 *      cpu nodes (from /chosen/bootargs; defaults 128 and 1);
 *   3. PSCI answers over hvc with version 0.2 or later, and CPU_ON
 *      brings every secondary CPU up (each checks in and turns off);
 *   4. the architected timer counts, at a frequency it reports;
 *   5. the PL031 RTC has its PrimeCell IDs, the host's time, and takes
 *      a new time.
 *
 * PASS: "testguest: PASS" on the UART, then PSCI SYSTEM_OFF (vmm exits
 * 0), or with tg.reset=1 PSCI SYSTEM_RESET (vmm exits 3, a reset). A failure:
 * "testguest: FAIL <code> ..." and the code (exitcodes.h) written to the
 * debug-exit register, which vmm exits with.
 *
 * The MMU is off, so every access is Device memory: built with
 * -mstrict-align and without FP/SIMD (CMakeLists.txt).
 */
#include <stdint.h>

#include "../exitcodes.h"

#define UART	   0x09000000ul
#define RTC	   0x09010000ul
#define DEBUG_EXIT 0x09020000ul
#define RAM_BASE   0x40000000ull
#define MAX_CPUS   8 /* tg_ap_stacks in entry.S */

#define PSCI_VERSION	  0x84000000u
#define PSCI_CPU_OFF	  0x84000002u
#define PSCI_CPU_ON	  0xc4000003u
#define PSCI_SYSTEM_OFF	  0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

uint64_t tg_psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
void tg_secondary_entry(void);

static volatile uint32_t checked_in[MAX_CPUS];

static void mmio_w8(uint64_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}
static uint8_t mmio_r8(uint64_t a)
{
	return *(volatile uint8_t *)a;
}
static void mmio_w32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}
static uint32_t mmio_r32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}

static void putc_(char c)
{
	while (!(mmio_r8(UART + 5) & 0x20)) /* LSR.THRE */
		;
	mmio_w8(UART, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s++);
	}
}

static void putu(uint64_t v)
{
	char b[21];
	int i = 20;
	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	puts_(b + i);
}

static void tg_fail(unsigned code, const char *what, uint64_t a, uint64_t b)
    __attribute__((noreturn));
static void tg_fail(unsigned code, const char *what, uint64_t a, uint64_t b)
{
	puts_("testguest: FAIL ");
	putu(code);
	puts_(" ");
	puts_(what);
	puts_(" (");
	putu(a);
	puts_(", ");
	putu(b);
	puts_(")\n");
	mmio_w8(DEBUG_EXIT, (uint8_t)code);
	for (;;)
		__asm__ volatile("wfi");
}

/* ---- the device tree, read in place (big-endian) ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int str_prefix(const char *s, const char *p)
{
	while (*p && *s == *p)
		s++, p++;
	return !*p;
}

struct dt_facts {
	uint64_t mem_base, mem_size;
	unsigned cpus;
	const char *bootargs;
	unsigned bootargs_len;
};

/* Walk the structure block: memory's reg, cpu nodes, /chosen/bootargs. */
static void dt_read(const uint8_t *dt, struct dt_facts *f)
{
	uint32_t size = be32(dt + 4), off_struct = be32(dt + 8);
	uint32_t off_strings = be32(dt + 12), size_struct = be32(dt + 36);
	if (be32(dt) != 0xd00dfeed || be32(dt + 20) != 17 || size > 0x200000 ||
	    off_struct + size_struct > size || off_strings > size)
		tg_fail(TG_EXIT_BAD_MAGIC, "device tree header", be32(dt),
			size);
	const uint8_t *p = dt + off_struct, *end = p + size_struct;
	const char *path[4] = {0};
	int depth = 0;
	while (p + 4 <= end) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == 1) { /* BEGIN_NODE */
			const char *name = (const char *)p;
			unsigned n = 0;
			while (p + n < end && p[n])
				n++;
			p += (n + 4) & ~3u;
			if (depth < 4)
				path[depth] = name;
			if (depth == 2 && str_eq(path[1], "cpus") &&
			    str_prefix(name, "cpu@"))
				f->cpus++;
			depth++;
		} else if (tok == 2) { /* END_NODE */
			depth--;
		} else if (tok == 3) { /* PROP */
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			const char *pname =
			    (const char *)dt + off_strings + nameoff;
			if (depth == 2 && str_prefix(path[1], "memory@") &&
			    str_eq(pname, "reg") && len >= 16) {
				f->mem_base =
				    (uint64_t)be32(val) << 32 | be32(val + 4);
				f->mem_size = (uint64_t)be32(val + 8) << 32 |
					      be32(val + 12);
			}
			if (depth == 2 && str_eq(path[1], "chosen") &&
			    str_eq(pname, "bootargs")) {
				f->bootargs = (const char *)val;
				f->bootargs_len = len;
			}
			p += 8 + ((len + 3) & ~3u);
		} else if (tok == 9) { /* END */
			return;
		} else if (tok != 4) { /* not NOP */
			tg_fail(TG_EXIT_BAD_MAGIC, "device tree token", tok,
				(uint64_t)(p - dt));
		}
	}
	tg_fail(TG_EXIT_BAD_MAGIC, "device tree without FDT_END", 0, 0);
}

/* The number after "key=" in the bootargs, or def. */
static uint64_t arg_u(const struct dt_facts *f, const char *key, uint64_t def)
{
	const char *s = f->bootargs, *e = s ? s + f->bootargs_len : s;
	for (; s && s < e && *s; s++) {
		if ((s != f->bootargs && s[-1] != ' ') || !str_prefix(s, key))
			continue;
		const char *q = s;
		while (*key)
			q++, key++;
		uint64_t v = 0;
		while (q < e && *q >= '0' && *q <= '9')
			v = v * 10 + (uint64_t)(*q++ - '0');
		return v;
	}
	return def;
}

/* ---- the checks ---- */

void tg_secondary(uint64_t index);
void tg_secondary(uint64_t index)
{
	if (index < MAX_CPUS)
		checked_in[index] = 1;
	tg_psci(PSCI_CPU_OFF, 0, 0, 0);
}

static void check_cpus(unsigned cpus)
{
	uint64_t v = tg_psci(PSCI_VERSION, 0, 0, 0);
	if (v < 2 || v > 0xffffffffu)
		tg_fail(TG_EXIT_PSCI, "PSCI version", v, 0);
	puts_("testguest: PSCI ");
	putu(v >> 16);
	puts_(".");
	putu(v & 0xffff);
	puts_("\n");
	for (unsigned i = 1; i < cpus; i++) {
		uint64_t mpidr = (uint64_t)(i / 16) << 8 | (i % 16);
		uint64_t r =
		    tg_psci(PSCI_CPU_ON, mpidr,
			    (uint64_t)(uintptr_t)tg_secondary_entry, i);
		if (r != 0)
			tg_fail(TG_EXIT_PSCI, "CPU_ON", i, r);
	}
	for (unsigned i = 1; i < cpus; i++) {
		uint64_t spins = 0;
		while (!checked_in[i])
			if (++spins > 200000000ull)
				tg_fail(TG_EXIT_AP_CHECKIN, "CPU check-in", i,
					cpus);
	}
}

static uint64_t sysreg_cntvct(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static void check_timer(void)
{
	uint64_t f;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	uint64_t a = sysreg_cntvct(), b = a;
	for (uint64_t i = 0; i < 100000000ull && b == a; i++)
		b = sysreg_cntvct();
	if (f == 0 || b <= a)
		tg_fail(TG_EXIT_TIMER, "architected timer", f, b - a);
}

static void check_rtc(void)
{
	static const uint8_t id[8] = {0x31, 0x10, 0x14, 0x00,
				      0x0d, 0xf0, 0x05, 0xb1};
	for (unsigned i = 0; i < 8; i++)
		if (mmio_r32(RTC + 0xfe0 + 4 * i) != id[i])
			tg_fail(TG_EXIT_RTC, "PL031 ID", i,
				mmio_r32(RTC + 0xfe0 + 4 * i));
	uint32_t now = mmio_r32(RTC);
	if (now < 1577836800u) /* 2020-01-01 */
		tg_fail(TG_EXIT_RTC, "PL031 time", now, 0);
	mmio_w32(RTC + 0x008, 1000000u); /* LR */
	uint32_t t = mmio_r32(RTC);
	if (t < 1000000u || t > 1000005u)
		tg_fail(TG_EXIT_RTC, "PL031 load", t, 0);
}

void tg_main(const uint8_t *dt);
void tg_main(const uint8_t *dt)
{
	puts_("testguest: arm64, device tree at ");
	putu((uint64_t)(uintptr_t)dt);
	puts_("\n");
	struct dt_facts f = {0};
	dt_read(dt, &f);
	uint64_t mem = arg_u(&f, "tg.mem=", 128);
	uint64_t cpus = arg_u(&f, "tg.cpus=", 1);
	if (f.mem_base != RAM_BASE || f.mem_size != mem << 20)
		tg_fail(TG_EXIT_MEM_MISMATCH, "/memory", f.mem_base,
			f.mem_size);
	if (f.cpus != cpus || cpus > MAX_CPUS)
		tg_fail(TG_EXIT_MPTABLE_CPUS, "cpu nodes", f.cpus, cpus);
	check_cpus(f.cpus);
	check_timer();
	check_rtc();
	puts_("testguest: ");
	putu(f.cpus);
	puts_(" CPU(s), ");
	putu(f.mem_size >> 20);
	puts_(" MiB\ntestguest: PASS\n");
	if (arg_u(&f, "tg.reset=", 0)) {
		tg_psci(PSCI_SYSTEM_RESET, 0, 0, 0);
		tg_fail(TG_EXIT_RESET_FAILED, "SYSTEM_RESET returned", 0, 0);
	}
	tg_psci(PSCI_SYSTEM_OFF, 0, 0, 0);
	tg_fail(TG_EXIT_INTERNAL, "SYSTEM_OFF returned", 0, 0);
}
