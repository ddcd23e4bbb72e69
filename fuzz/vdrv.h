/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A hostile virtio driver for the virtio harnesses: it interprets the
 * fuzz input as a program of driver actions against one virtio-mmio
 * transport (registers, ring building with tests/support/vq_builder.h,
 * raw pokes of guest memory) and checks the transport's invariants after
 * every step.
 *
 * Guest RAM is VDRV_RAM bytes at 0 (fuzz_mem). Queue q's rings sit at
 * VDRV_RING(q) (descriptors), + 0x1000 (avail) and + 0x2000 (used);
 * indirect tables at VDRV_TABLES; buffers at VDRV_DATA + a 16-bit offset.
 *
 * Program: a sequence of ops until the input ends (at most VDRV_MAX_OPS);
 * an op is one byte (taken modulo VD_NOPS) and its operands. All integers
 * are little-endian; missing bytes read as 0.
 *
 *   VD_WRITE32  u8 reg, u32 val        32-bit write at reg * 4
 *   VD_READ32   u8 reg                 32-bit read at reg * 4
 *   VD_ACCESS   u16 off, u8 how, u64 v off & 0xfff, size 1 << (how & 3),
 *                                      a write if how & 4
 *   VD_BRINGUP  u64 feat, u8 qlog, u8 qmask
 *                                      the driver's initialisation (spec
 *                                      3.1.1): reset, ACKNOWLEDGE, DRIVER,
 *                                      features offered & feat, FEATURES_OK,
 *                                      queues in qmask (0: all) of size
 *                                      1 << (qlog % 9) at their rings,
 *                                      DRIVER_OK
 *   VD_CHAIN    u8 q, u8 fl, segs      a chain of (fl & 7) + 1 segments on
 *                                      queue q % nq; fl & 8: notify after;
 *                                      fl & 16: as an indirect table
 *                                      segment: u16 off, u16 len, u8 sf,
 *                                      then min(len, sf >> 1) bytes copied
 *                                      into the buffer; sf & 1: writable
 *   VD_NOTIFY   u8 q                   QueueNotify = q (any value)
 *   VD_POKE     u16 at, u8 len, bytes  raw bytes at gpa at * 4
 *   VD_DESC     u8 q, u16 i, u64 addr, u32 len, u16 flags, u16 next, u8 pub
 *                                      raw descriptor i; pub & 1: publish i
 *   VD_USED     u8 q                   take used elements back, as a driver
 *   VD_AVAIL    u8 q, u8 which, u16 idx, u16 event, u16 flags
 *                                      raw avail idx (which & 1), used_event
 *                                      (& 2), avail flags (& 4)
 *   VD_DEV      device operands        the harness's own op (vdrv_dev_op)
 *   VD_RESET                           Status = 0
 */
#ifndef VMM_FUZZ_VDRV_H
#define VMM_FUZZ_VDRV_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/mmio.h"
#include "fuzz/fuzz.h"
#include "tests/support/vq_builder.h"

#define VDRV_RAM     0x40000ull
#define VDRV_MAX_Q   2
#define VDRV_RING(q) (0x1000ull + 0x3000ull * (q))
#define VDRV_TABLES  0x8000ull
#define VDRV_DATA    0x10000ull
#define VDRV_MAX_OPS 2048

enum vdrv_op {
	VD_WRITE32,
	VD_READ32,
	VD_ACCESS,
	VD_BRINGUP,
	VD_CHAIN,
	VD_NOTIFY,
	VD_POKE,
	VD_DESC,
	VD_USED,
	VD_AVAIL,
	VD_DEV,
	VD_RESET,
	VD_NOPS
};

struct vdrv;
/* A device-specific op (VD_DEV): read its operands from `in`. */
typedef void (*vdrv_dev_op)(struct vdrv *d, struct fz *in);

struct vdrv {
	const struct guest_mem *gm;
	struct virtio_mmio *m;
	unsigned nq; /* queues the device has, at most VDRV_MAX_Q */
	struct vqb q[VDRV_MAX_Q];
	bool q_ok[VDRV_MAX_Q]; /* q[i] was set up by VD_BRINGUP */
	vdrv_dev_op dev_op;    /* NULL: VD_DEV does nothing */
	void *opaque;	       /* for dev_op */
	uint64_t irqs;	       /* raise_irq calls (vdrv_raise_irq) */
};

/* A raise_irq for struct virtio_mmio_host; opaque is the struct vdrv. */
void vdrv_raise_irq(void *opaque);

/* A driver for transport m (virtio_mmio_init done) over gm. */
void vdrv_init(struct vdrv *d, const struct guest_mem *gm,
	       struct virtio_mmio *m, vdrv_dev_op op, void *opaque);

/* Interpret the rest of `in`, checking invariants after every op. */
void vdrv_run(struct vdrv *d, struct fz *in);

/* The transport's invariants; fuzz_fail when one is broken. */
void vdrv_check(const struct vdrv *d);

/* Register helpers for device ops. */
uint32_t vdrv_rd(struct vdrv *d, uint64_t off);
void vdrv_wr(struct vdrv *d, uint64_t off, uint32_t val);

#endif
