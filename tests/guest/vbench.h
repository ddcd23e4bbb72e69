/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark modes for bench/run. The guest has no calibrated clock, so it
 * does not time anything itself: it prints a marker line right before
 * and right after each timed part, and the host timestamps the lines as
 * they arrive on COM1. Printing the closing line costs about as much as
 * 40 port writes, which is noise next to the work being timed.
 *
 * vbench_exits (tg.exitbench=N):
 *   testguest: exitbench: pio start
 *   (N `outb %al, $0x80` in a three-instruction loop, no device there)
 *   testguest: exitbench: pio done <N>
 *   testguest: exitbench: mmio start
 *   (N 32-bit writes to 0xd00ffff8, in the MMIO hole, no device there)
 *   testguest: exitbench: mmio done <N>
 * The loops are the same instructions as bench/kvmfloor.c runs.
 *
 * vbench_blk (tg.blkbench=<size>,<count>,<r|w|rw>[,<depth>]), on the
 * first virtio-blk device, after its usual check (vblk.h): a write pass
 * (w, rw) and then a read pass (r, rw), each of <count> sequential
 * requests of <size> bytes from sector 0, wrapping to sector 0 at the
 * end of the disk, with <depth> requests in flight (3 descriptors
 * each). The write data is 0x5a bytes; read data is not checked, but
 * every status must be OK (VBLK_STATUS otherwise). Prints
 *   testguest: blkbench: <write|read> start size <size> count <count> depth <depth>
 *   testguest: blkbench: <write|read> done <count>
 * No FLUSH is sent: writes land in the host page cache under both VMMs.
 *
 * vnet_bench (tg.netbench=<count>[,<size>], vnet.h), on the first
 * virtio-net device after its ARP and ping exchange: <count> UDP frames
 * 192.0.2.2:1024 -> 192.0.2.1:9 (discard) of <size> bytes (Ethernet
 * header included, no FCS) to the peer's MAC, keeping the transmit
 * queue full: every frame has its own buffer, finished buffers are
 * refilled and one notification covers each batch. Prints
 *   testguest: netbench: start count <count> size <size>
 *   testguest: netbench: done <count>
 *
 * A benchmark asked for with no device of its kind fails with
 * BENCH_NO_DEVICE.
 *
 * The data buffers of tg.blkbench and tg.netbench are not in the image's
 * .bss but in RAM at VBENCH_SCRATCH (16 MiB, VBENCH_SCRATCH_SIZE bytes),
 * which the memory map must show as RAM (BENCH_MEMORY otherwise): clearing
 * .bss is paid by every boot (about 100 ms for these buffers where guest
 * code is emulated), and the start-up benchmark counts that time.
 */
#ifndef TG_VBENCH_H
#define TG_VBENCH_H

#include <stdint.h>

#include "virtio.h"

#define VBENCH_BLK_MAX_SIZE 65536u
#define VBENCH_BLK_MAX_DEPTH 4u /* 3 descriptors each, VQ_SIZE 16 */

/* Scratch RAM for the benchmarks' buffers: the blk buffers, then the net
 * frames (VQ_SIZE of VBENCH_NET_BUF bytes). */
#define VBENCH_SCRATCH 0x1000000ull
#define VBENCH_BLK_BUFS VBENCH_SCRATCH
#define VBENCH_NET_BUFS \
	(VBENCH_SCRATCH + VBENCH_BLK_MAX_DEPTH * VBENCH_BLK_MAX_SIZE)
#define VBENCH_NET_BUF 2048u
#define VBENCH_SCRATCH_SIZE \
	(VBENCH_BLK_MAX_DEPTH * VBENCH_BLK_MAX_SIZE + VQ_SIZE * VBENCH_NET_BUF)

void vbench_exits(uint64_t n);

/* `mode`: CMD_BLKBENCH_* bits (cmdline.h). */
void vbench_blk(struct vio_dev *d, uint32_t size, uint64_t count,
		unsigned mode, unsigned depth);

#endif
