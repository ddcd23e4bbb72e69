/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The test guest's options, taken from the kernel command line.
 *
 * Words are separated by spaces (or tabs/newlines). Words that do not start
 * with "tg." are ignored: the VMM may append its own (virtio_mmio.device=
 * ...). A "tg." word that is unknown or has a bad value is an error.
 *
 *   tg.mem=<MiB>       expected RAM (1 .. 1048576)
 *   tg.cpus=<N>        expected CPUs (1 .. 255)
 *   tg.exit=<V>        exit with V (0 .. 255) right after the banner
 *   tg.crash=triple    limit-0 IDT, then ud2: triple fault
 *   tg.crash=int3      limit-0 IDT, then int3
 *   tg.spin            after the checks, spin forever
 *   tg.flood           after the checks, print numbered COM1 lines forever
 *   tg.echo            echo COM1 input lines until "quit"
 *   tg.reset           reset through the i8042 (port 0x64, 0xfe)
 *   tg.pio=<N>         N writes to port 0x80        (0 .. 2^32-1)
 *   tg.mmio=<N>        N writes to an empty MMIO address (0 .. 2^32-1)
 *   tg.net=skip        virtio-net: set the device up, skip the exchange
 *   tg.hostile         feed a virtio device broken chains (vhostile.h)
 *   tg.acpi=poweroff   power off through the FADT's sleep register (power.h)
 *   tg.acpi=reset      reset through the FADT's reset register
 *   tg.panic           report a panic to pvpanic (port 0x505)
 *   tg.rtc             read and check the CMOS clock (rtc.h)
 *   tg.insns           run the instructions vmm completes (insns.h)
 *   tg.kbd             wait for Ctrl-Alt-Del on the i8042 keyboard (kbd.h)
 *   tg.blkswap         after the first disk's check, wait for its new
 *                      image (PATCH /drives) and read it (vblk.h)
 *   tg.crash=xsave     limit-0 IDT, then xsave (no completion exists)
 *   tg.insnbench=<N>   N popcnt in a loop (0 .. 2^32-1): where vmm completes
 *                      popcnt, the cost of one completion is the run's
 *                      extra time / N
 *   tg.checksum=<N>    N steps of a checksum over guest RAM, each printed
 *                      (csum.h; 1 .. 2^32-1)
 *   tg.blkcsum=<N>     the same with a disk round trip and entropy in each
 *                      step, after the virtio checks (csum.h)
 *   tg.exitbench=<N>   benchmark: N PIO then N MMIO writes in a tight loop,
 *                      with marker lines around each (1 .. 2^32-1)
 *   tg.blkbench=<size>,<count>,<r|w|rw>[,<depth>]
 *                      benchmark: sequential virtio-blk requests of <size>
 *                      bytes (512 .. 65536, a multiple of 512), <depth>
 *                      in flight (1 .. VBENCH_BLK_MAX_DEPTH, default 1)
 *   tg.netbench=<count>[,<size>]
 *                      benchmark: send <count> UDP frames of <size> bytes
 *                      (60 .. 1514, default 60) on virtio-net; not with
 *                      tg.net=skip
 *
 * Numbers are decimal or 0x-prefixed hexadecimal. The benchmarks are
 * described in vbench.h.
 */
#ifndef TG_CMDLINE_H
#define TG_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CMD_BAD_MAX 64

enum cmd_crash { CMD_CRASH_NONE, CMD_CRASH_TRIPLE, CMD_CRASH_INT3,
		 CMD_CRASH_XSAVE };
enum cmd_acpi { CMD_ACPI_NONE, CMD_ACPI_POWEROFF, CMD_ACPI_RESET };

/* tg.blkbench modes */
#define CMD_BLKBENCH_READ 1u
#define CMD_BLKBENCH_WRITE 2u

struct cmd_opts {
	bool has_mem, has_cpus, has_exit, has_pio, has_mmio;
	uint64_t mem_mib, cpus, exit_code, pio, mmio;
	enum cmd_crash crash;
	bool spin, flood, echo, reset, net_skip, hostile;
	enum cmd_acpi acpi; /* tg.acpi= */
	bool panic;	    /* tg.panic */
	bool rtc;	    /* tg.rtc */
	bool insns;	    /* tg.insns */
	bool kbd;	    /* tg.kbd */
	bool blkswap;	    /* tg.blkswap */
	uint64_t checksum;  /* tg.checksum: steps; 0: not asked for */
	uint64_t blkcsum;   /* tg.blkcsum: the same */
	/* Benchmarks (vbench.h); a count of 0 means "not asked for". */
	uint64_t exitbench;
	bool has_insnbench;
	uint64_t insnbench;
	uint64_t blkbench_size, blkbench_count, blkbench_depth;
	unsigned blkbench_mode; /* CMD_BLKBENCH_* bits */
	uint64_t netbench_count, netbench_size;
	/* On error: the offending word (truncated) and what was expected. */
	char bad[CMD_BAD_MAX];
	const char *expected;
};

/* Parse `cmdline` into `o` (zeroed first). Returns 0, or -1 with o->bad
 * and o->expected set. Later words override earlier ones. */
int cmd_parse(const char *cmdline, struct cmd_opts *o);

#endif
