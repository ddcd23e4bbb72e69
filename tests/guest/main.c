/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The test guest's main line: print what the VMM gave us, run the checks
 * the command line asks for, then exit through the debug-exit port with a
 * code from exitcodes.h. README.md describes the behaviour.
 */
#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"
#include "cmdline.h"
#include "csum.h"
#include "exitcodes.h"
#include "io.h"
#include "mptable.h"
#include "power.h"
#include "rtc.h"
#include "serial.h"
#include "smp.h"
#include "tgexit.h"
#include "insns.h"
#include "kbd.h"
#include "vbench.h"
#include "vdevs.h"

#define TG_DEBUG_EXIT_PORT 0xf4
#define TG_I8042_CMD_PORT 0x64
#define TG_I8042_RESET 0xfe
#define TG_PIO_PORT 0x80
/* Inside the 32-bit MMIO hole, where nothing is mapped. */
#define TG_MMIO_PADDR (0xd0000000u + 0x100000u - 8)
#define TG_DEFAULT_LAPIC 0xfee00000u
#define TG_ECHO_LINE_MAX 256
/* How long a reset or crash may take to stop us, in io_pause() steps (about
 * 1 s on nested KVM; see smp.c). */
#define TG_STOP_WAIT 200000

/* Called by the entry code (entry.S, entry_linux.S) in 64-bit mode with the
 * boot protocol (BI_PROTO_*) and the address of its boot information. */
void guest_main(uint32_t proto, uint64_t info_paddr) __attribute__((noreturn));

/* Big enough to keep off the 16 KiB stack. */
static struct bi_info tg_boot;

void tg_exit(unsigned code)
{
	io_outb(TG_DEBUG_EXIT_PORT, (uint8_t)code);
	/* No debug-exit device: nothing else to do. */
	io_halt_forever();
}

static void tg_print_memmap(const struct bi_info *bi)
{
	ser_printf("testguest: memmap: %u entries, %lu KiB RAM\n",
		   bi->map_entries, bi->ram_bytes >> 10);
	for (uint32_t i = 0; i < bi->map_entries && i < BI_MAP_MAX; i++) {
		const struct bi_memmap_entry *e = &bi->map[i];

		ser_printf("testguest: memmap[%u]: 0x%lx size 0x%lx type %u\n",
			   i, e->addr, e->size, e->type);
	}
}

/* tg.mem: RAM must be within [MiB - 1 MiB, MiB]; the VMM may keep the
 * EBDA and the 640 KiB - 1 MiB hole out of the map. */
static void tg_check_mem(const struct bi_info *bi, uint64_t mem_mib)
{
	uint64_t found = bi->ram_bytes >> 10, max = mem_mib * 1024;
	uint64_t min = max - 1024;

	if (found < min || found > max) {
		ser_printf("testguest: FAIL memory: expected %lu..%lu KiB RAM, "
			   "found %lu KiB\n", min, max, found);
		tg_exit(TG_EXIT_MEM_MISMATCH);
	}
}

/* tg.cpus: the MP table must list exactly `expected` enabled CPUs. */
static void tg_check_cpus(const struct mp_info *mp, unsigned expected)
{
	unsigned found = mp->found ? mp->cpus : 0;

	if (found != expected) {
		ser_printf("testguest: FAIL mptable cpus: expected %u, "
			   "found %u\n", expected, found);
		tg_exit(TG_EXIT_MPTABLE_CPUS);
	}
}

/* Whenever there is an MP table: start every AP (INIT/SIPI only when the
 * table lists more than one CPU) and check that as many CPUs come online
 * as the table lists. */
static void tg_count_cpus(const struct mp_info *mp)
{
	uint32_t lapic = mp->lapic_paddr ? mp->lapic_paddr : TG_DEFAULT_LAPIC;
	unsigned online = 1;

	if (mp->cpus > 1)
		online += smp_start_aps(lapic, mp->cpus - 1);
	ser_printf("testguest: cpus online: %u\n", online);
	if (online != mp->cpus) {
		ser_printf("testguest: FAIL cpus online: expected %u (mptable),"
			   " found %u\n", mp->cpus, online);
		tg_exit(TG_EXIT_AP_CHECKIN);
	}
}

/* tg.blkbench, tg.netbench: their buffers are in RAM at VBENCH_SCRATCH,
 * which one type-1 memmap entry must cover. */
static void tg_check_scratch(const struct bi_info *bi)
{
	uint64_t lo = VBENCH_SCRATCH, hi = VBENCH_SCRATCH + VBENCH_SCRATCH_SIZE;

	for (uint32_t i = 0; i < bi->map_entries && i < BI_MAP_MAX; i++) {
		const struct bi_memmap_entry *e = &bi->map[i];

		if (e->type == 1 && e->addr <= lo && e->size >= hi - e->addr)
			return;
	}
	ser_printf("testguest: FAIL benchmark memory: expected RAM at 0x%lx.."
		   "0x%lx, found none\n", lo, hi);
	tg_exit(TG_EXIT_BENCH_MEMORY);
}

/* Not cleared at boot: its contents never matter (xsave faults). */
static uint8_t no_idt_area[4096] TG_NOCLEAR __attribute__((aligned(64)));

static void tg_crash(enum cmd_crash kind)
{
	/* An IDT with limit 0: any exception escalates to a triple fault. */
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} no_idt = { 0, 0 };

	ser_printf("testguest: crashing (%s)\n",
		   kind == CMD_CRASH_TRIPLE ? "triple"
		   : kind == CMD_CRASH_INT3 ? "int3"
					    : "xsave");
	__asm__ __volatile__("lidt %0" : : "m"(no_idt));
	if (kind == CMD_CRASH_TRIPLE)
		__asm__ __volatile__("ud2");
	else if (kind == CMD_CRASH_INT3)
		__asm__ __volatile__("int3");
	else /* #UD where CR4.OSXSAVE is clear, as here */
		__asm__ __volatile__("xsave (%0)" : : "r"(no_idt_area)
				     : "memory");
	io_delay(TG_STOP_WAIT);
	ser_printf("testguest: FAIL crash: expected a reset, found the guest "
		   "still running\n");
	tg_exit(TG_EXIT_CRASH_FAILED);
}

static void tg_reset(void)
{
	ser_printf("testguest: resetting via i8042\n");
	io_outb(TG_I8042_CMD_PORT, TG_I8042_RESET);
	io_delay(TG_STOP_WAIT);
	ser_printf("testguest: FAIL reset: expected a reset, found the guest "
		   "still running\n");
	tg_exit(TG_EXIT_RESET_FAILED);
}

/* Echo COM1 input a line at a time until the line "quit". A line ends at
 * '\n' or '\r'; the '\n' of a "\r\n" pair is skipped. Over-long lines are
 * echoed in pieces. */
static void tg_echo(void)
{
	char line[TG_ECHO_LINE_MAX + 1];
	unsigned n = 0;
	bool after_cr = false;

	ser_printf("testguest: echoing until \"quit\"\n");
	for (;;) {
		char c = ser_getc();
		bool eol = c == '\n' || c == '\r';

		if (c == '\n' && after_cr) {
			after_cr = false;
			continue;
		}
		after_cr = c == '\r';
		if (!eol)
			line[n++] = c;
		if (!eol && n < TG_ECHO_LINE_MAX)
			continue;
		line[n] = '\0';
		if (eol && n == 4 && line[0] == 'q' && line[1] == 'u' &&
		    line[2] == 'i' && line[3] == 't')
			return;
		ser_printf("testguest: echo: %s\n", line);
		n = 0;
	}
}

void guest_main(uint32_t proto, uint64_t info_paddr)
{
	struct cmd_opts opt;
	struct mp_info mp;

	/* Before anything writes to low memory. */
	bi_copy(proto, info_paddr, &tg_boot);

	ser_init();
	ser_printf("vmm-testguest: hello\n");

	if (!tg_boot.magic_ok) {
		ser_printf("testguest: FAIL %s: expected 0x%lx, found 0x%lx "
			   "(%s boot information at 0x%lx)\n",
			   tg_boot.magic_what, tg_boot.magic_expected,
			   tg_boot.magic_found, bi_proto_name(proto),
			   info_paddr);
		tg_exit(TG_EXIT_BAD_MAGIC);
	}
	if (cmd_parse(tg_boot.cmdline, &opt)) {
		ser_printf("testguest: FAIL cmdline option: expected %s, "
			   "found %s\n", opt.expected, opt.bad);
		tg_exit(TG_EXIT_BAD_OPTION);
	}
	if (opt.has_exit)
		tg_exit((unsigned)opt.exit_code);

	ser_printf("testguest: boot protocol: %s\n", bi_proto_name(proto));
	ser_printf("testguest: cmdline: %s%s\n", tg_boot.cmdline,
		   tg_boot.cmdline_truncated ? " [truncated]" : "");
	if (tg_boot.map_entries == 0) {
		ser_printf("testguest: FAIL memmap: expected 1+ entries, "
			   "found 0 (%s %lu)\n", tg_boot.map_why,
			   tg_boot.map_why_value);
		tg_exit(TG_EXIT_NO_MEMMAP);
	}
	tg_print_memmap(&tg_boot);

	mp_scan(&mp);
	if (mp.found)
		ser_printf("testguest: mptable: %u cpus\n", mp.cpus);
	else if (mp.error)
		ser_printf("testguest: mptable: none (floating pointer at 0x%x:"
			   " %s)\n", mp.fp_paddr, mp.error);
	else
		ser_printf("testguest: mptable: none\n");

	if (opt.has_mem)
		tg_check_mem(&tg_boot, opt.mem_mib);
	if (opt.has_cpus)
		tg_check_cpus(&mp, (unsigned)opt.cpus);
	if (mp.found)
		tg_count_cpus(&mp);

	if (opt.has_pio) {
		for (uint64_t i = 0; i < opt.pio; i++)
			io_outb(TG_PIO_PORT, (uint8_t)i);
		ser_printf("testguest: pio: %lu writes\n", opt.pio);
	}
	if (opt.has_mmio) {
		for (uint64_t i = 0; i < opt.mmio; i++)
			io_write32(TG_MMIO_PADDR, (uint32_t)i);
		ser_printf("testguest: mmio: %lu writes\n", opt.mmio);
	}
	if (opt.has_insnbench) {
		uint64_t acc = 0;
		for (uint64_t i = 0; i < opt.insnbench; i++) {
			uint64_t r;
			__asm__ __volatile__("popcnt %1, %0"
					     : "=r"(r)
					     : "r"(i)
					     : "cc");
			acc += r;
		}
		ser_printf("testguest: insnbench: %lu popcnt, sum %lu\n",
			   opt.insnbench, acc);
	}
	if (opt.checksum)
		csum_run(opt.checksum);
	if (opt.exitbench)
		vbench_exits(opt.exitbench);
	if (opt.blkbench_count || opt.netbench_count)
		tg_check_scratch(&tg_boot);
	vdevs_run(tg_boot.cmdline, &opt);
	if (opt.crash != CMD_CRASH_NONE)
		tg_crash(opt.crash);
	if (opt.reset)
		tg_reset();
	if (opt.rtc)
		rtc_check();
	if (opt.insns)
		insns_run();
	if (opt.kbd)
		kbd_wait_ctrl_alt_del();
	pw_run(&opt, &tg_boot); /* tg.panic, tg.acpi */
	if (opt.echo)
		tg_echo();
	if (opt.flood) {
		ser_printf("testguest: flooding\n");
		for (uint64_t i = 0;; i++)
			ser_printf("testguest: flood %lu "
				   "................................\n",
				   i);
	}
	if (opt.spin) {
		ser_printf("testguest: spinning\n");
		for (;;)
			io_pause();
	}

	ser_printf("testguest: PASS\n");
	tg_exit(TG_EXIT_PASS);
}
