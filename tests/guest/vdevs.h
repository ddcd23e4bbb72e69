/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-mmio device discovery from the kernel command line, as Linux
 * does it (drivers/virtio/virtio_mmio.c, "virtio_mmio.device="):
 *
 *   virtio_mmio.device=<size>@<baseaddr>:<irq>[:<id>]
 *
 * <size> as memparse(): a number with an optional K/M/G/T/P/E suffix
 * (binary multiples); <baseaddr> a number; numbers are 0x-hex, 0-octal or
 * decimal; <irq> decimal, not 0; <id> (ignored) a decimal. A malformed
 * word fails with VIRTIO_CMDLINE; a window that is smaller than 0x200
 * bytes or not below 4 GiB (the guest maps only that) with VIRTIO_MAGIC.
 *
 * For each device, in command-line order (at most VIO_MAX_DEVS): check
 * the magic "virt" (VIRTIO_MAGIC otherwise), skip a version other than 2
 * with a message (version 1 is legacy), and a device id of 0 (no
 * device); print
 *   testguest: virtio: <addr> id <id> irq <irq>
 * and run the driver for it: virtio-blk (vblk.h), virtio-rng (vrng.h),
 * virtio-net (vnet.h), virtio-console (vcon.h); other ids get
 * "no driver". Then, with `hostile`, run vhostile.h on the first
 * virtio-blk device, else the first virtio-rng one (HOSTILE_NO_DEVICE if
 * there is neither). Then the benchmarks the options ask for (vbench.h):
 * tg.blkbench on the first virtio-blk device, tg.netbench on the first
 * virtio-net one (BENCH_NO_DEVICE without one). Without
 * virtio_mmio.device= words this does nothing (unless `hostile` or a
 * benchmark is asked for).
 */
#ifndef TG_VDEVS_H
#define TG_VDEVS_H

#include "cmdline.h"

void vdevs_run(const char *cmdline, const struct cmd_opts *opt);

#endif
