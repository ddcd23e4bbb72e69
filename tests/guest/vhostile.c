/* SPDX-License-Identifier: Apache-2.0 */
/* tg.hostile: see vhostile.h. */
#include "vhostile.h"

#include <stdbool.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "vblk.h"
#include "vrng.h"

#define VH_FAR_ADDR 0xfff0000000ull /* far outside any test VM's RAM */
#define VH_LEN 16                   /* virtio-rng buffer */

enum vh_case {
	VH_LOOP,
	VH_HEAD_RANGE,
	VH_OUTSIDE_RAM,
	VH_ZERO_LEN,
	VH_WRITE_BEFORE_READ,
	VH_IDX_JUMP,
	VH_CASES
};

static const char *const vh_names[VH_CASES] = {
	"loop", "head-out-of-range", "buffer-outside-ram", "zero-length",
	"write-before-read", "avail-idx-jump",
};

static struct virtio_blk_outhdr vh_hdr;
static uint8_t vh_status;
static uint8_t vh_data[VBLK_SECTOR];

static void vh_desc(struct vring_desc *d, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static void vh_setup(struct vio_dev *d)
{
	if (d->id == VIRTIO_ID_BLOCK)
		vblk_setup(d);
	else
		vrng_setup(d);
}

/* Write the broken chain for case `c` on queue 0 and publish it. */
static void vh_submit(struct vio_dev *d, enum vh_case c)
{
	struct vq *q = &d->q[0];
	struct vring_desc *t = q->desc;
	bool blk = d->id == VIRTIO_ID_BLOCK;
	uint64_t data = (uintptr_t)vh_data;
	uint32_t len = blk ? VBLK_SECTOR : VH_LEN;
	const uint16_t N = VRING_DESC_F_NEXT, W = VRING_DESC_F_WRITE;

	if (c == VH_OUTSIDE_RAM)
		data = VH_FAR_ADDR;
	if (c == VH_ZERO_LEN)
		len = 0;
	vh_hdr = (struct virtio_blk_outhdr){ .type = VIRTIO_BLK_T_IN };
	if (c == VH_WRITE_BEFORE_READ) {
		/* data (W), then the header (R), then the status (W). */
		vh_desc(&t[0], data, len, W | N, 1);
		if (blk) {
			vh_desc(&t[1], (uintptr_t)&vh_hdr, sizeof(vh_hdr), N,
				2);
			vh_desc(&t[2], (uintptr_t)&vh_status, 1, W, 0);
		} else {
			vh_desc(&t[1], (uintptr_t)&vh_hdr, sizeof(vh_hdr), 0,
				0);
		}
	} else if (blk) {
		vh_desc(&t[0], (uintptr_t)&vh_hdr, sizeof(vh_hdr), N,
			c == VH_LOOP ? 0 : 1);
		vh_desc(&t[1], data, len, W | N, 2);
		vh_desc(&t[2], (uintptr_t)&vh_status, 1, W, 0);
	} else {
		vh_desc(&t[0], data, len, c == VH_LOOP ? W | N : W, 0);
	}
	q->avail->ring[0] = c == VH_HEAD_RANGE ? q->size : 0;
	__asm__ __volatile__("" : : : "memory");
	*(volatile uint16_t *)&q->avail->idx =
		(uint16_t)(c == VH_IDX_JUMP ? q->size + 1 : 1);
	__asm__ __volatile__("" : : : "memory");
	vq_kick(d, q);
}

/* A valid request after the reset. */
static void vh_check(struct vio_dev *d, const char *name)
{
	if (d->id == VIRTIO_ID_BLOCK) {
		uint8_t st = vblk_req(d, VIRTIO_BLK_T_IN, 0, vh_data,
				      VBLK_SECTOR);

		if (st != VIRTIO_BLK_S_OK)
			vio_fail(TG_EXIT_VBLK_STATUS, "hostile %s: expected "
				 "status 0 for a read after the reset, found "
				 "%u", name, st);
	} else {
		vrng_read(d, vh_data, VH_LEN);
	}
}

void vhostile_run(struct vio_dev *d)
{
	ser_printf("testguest: hostile: on %s at 0x%lx\n",
		   d->id == VIRTIO_ID_BLOCK ? "virtio-blk" : "virtio-rng",
		   d->base);
	for (unsigned c = 0; c < VH_CASES; c++) {
		uint32_t st = 0;
		unsigned long i;

		vh_setup(d);
		vh_submit(d, (enum vh_case)c);
		for (i = 0; i < VIO_STATUS_POLLS; i++) {
			st = vio_read32(d, VIRTIO_MMIO_STATUS);
			if (st & VIRTIO_CONFIG_S_NEEDS_RESET)
				break;
			io_pause();
		}
		if (i == VIO_STATUS_POLLS)
			vio_fail(TG_EXIT_HOSTILE_NO_RESET, "hostile %s: "
				 "expected NEEDS_RESET, found status 0x%x "
				 "(used idx %u)", vh_names[c], st,
				 *(volatile uint16_t *)&d->q[0].used->idx);
		vh_setup(d); /* resets first */
		vh_check(d, vh_names[c]);
		ser_printf("testguest: hostile: %s: needs-reset, recovered\n",
			   vh_names[c]);
	}
	vh_setup(d);
	ser_printf("testguest: hostile: ok\n");
}
