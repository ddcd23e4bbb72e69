/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-blk: see vblk.h. */
#include "vblk.h"

#include <stdbool.h>
#include <stddef.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_mmio.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"

#define VBLK_BYTES (VBLK_PATTERN_SECTORS * VBLK_SECTOR)

static struct virtio_blk_outhdr vblk_hdr;
static volatile uint8_t vblk_status;
/* Not cleared at boot: the pattern fills vblk_wbuf and each read fills
 * vblk_rbuf before either is looked at. */
static uint8_t vblk_wbuf[VBLK_BYTES] TG_NOCLEAR __attribute__((aligned(4096)));
static uint8_t vblk_rbuf[VBLK_BYTES] TG_NOCLEAR __attribute__((aligned(4096)));
static char vblk_id[VIRTIO_BLK_ID_BYTES + 1];

void vblk_setup(struct vio_dev *d)
{
	vio_begin(d, 1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_RO);
	vio_queue(d, 0, 0);
	vio_driver_ok(d);
}

uint8_t vblk_req(struct vio_dev *d, uint32_t type, uint64_t sector,
		 void *buf, uint32_t len)
{
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	struct vq_buf b[3];
	unsigned n = 0;

	vblk_hdr = (struct virtio_blk_outhdr){ .type = type,
					       .sector = sector };
	vblk_status = 0xff;
	b[n++] = (struct vq_buf){ (uintptr_t)&vblk_hdr, sizeof(vblk_hdr),
				  false };
	if (len)
		b[n++] = (struct vq_buf){ (uintptr_t)buf, len, in };
	b[n++] = (struct vq_buf){ (uintptr_t)&vblk_status, 1, true };
	uint32_t used = vq_xfer(d, &d->q[0], b, n, "virtio-blk request");

	if (used < 1)
		vio_fail(TG_EXIT_VIRTIO_USED, "virtio-blk request type %u: "
			 "expected used len >= 1 (the status byte), found 0",
			 type);
	return vblk_status;
}

/* "VMMTEST sector N" then (N * 7 + i) & 0xff. */
static void vblk_pattern(uint8_t *s, unsigned n)
{
	static const char text[] = "VMMTEST sector ";
	unsigned i = 0;

	for (; text[i]; i++)
		s[i] = (uint8_t)text[i];
	char digits[12];
	int k = 0;
	unsigned v = n;

	do {
		digits[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		s[i++] = (uint8_t)digits[--k];
	for (; i < VBLK_SECTOR; i++)
		s[i] = (uint8_t)((n * 7 + i) & 0xff);
}

static void vblk_expect(uint8_t got, uint8_t want, const char *what)
{
	if (got != want)
		vio_fail(TG_EXIT_VBLK_STATUS, "virtio-blk %s: expected status "
			 "%u, found %u", what, want, got);
}

/* GET_ID into vblk_id, printable; "-" when there is none. */
static void vblk_get_id(struct vio_dev *d)
{
	for (unsigned i = 0; i <= VIRTIO_BLK_ID_BYTES; i++)
		vblk_id[i] = 0;
	uint8_t st = vblk_req(d, VIRTIO_BLK_T_GET_ID, 0, vblk_id,
			      VIRTIO_BLK_ID_BYTES);

	if (st == VIRTIO_BLK_S_UNSUPP)
		vblk_id[0] = 0;
	else
		vblk_expect(st, VIRTIO_BLK_S_OK, "GET_ID");
	for (unsigned i = 0; vblk_id[i]; i++)
		if (vblk_id[i] < 0x21 || vblk_id[i] > 0x7e)
			vblk_id[i] = '?';
	if (!vblk_id[0]) {
		vblk_id[0] = '-';
		vblk_id[1] = 0;
	}
}

void vblk_run(struct vio_dev *d)
{
	vblk_setup(d);
	uint64_t cap = vio_cfg64(d, offsetof(struct virtio_blk_config,
					      capacity));
	bool ro = d->features & (1ull << VIRTIO_BLK_F_RO);
	uint64_t need = ro ? 2 : VBLK_PATTERN_FIRST + VBLK_PATTERN_SECTORS;

	if (cap < need)
		vio_fail(TG_EXIT_VBLK_CAPACITY, "virtio-blk capacity: expected "
			 ">= %lu sectors, found %lu", need, cap);
	for (unsigned s = 0; s < VBLK_PATTERN_SECTORS; s++)
		vblk_pattern(vblk_wbuf + s * VBLK_SECTOR,
			     VBLK_PATTERN_FIRST + s);

	if (ro) {
		vblk_expect(vblk_req(d, VIRTIO_BLK_T_IN, 0, vblk_rbuf,
				     2 * VBLK_SECTOR),
			    VIRTIO_BLK_S_OK, "read of sectors 0..1");
		vblk_expect(vblk_req(d, VIRTIO_BLK_T_OUT, VBLK_PATTERN_FIRST,
				     vblk_wbuf, VBLK_SECTOR),
			    VIRTIO_BLK_S_IOERR, "write to a read-only disk");
	} else {
		vblk_expect(vblk_req(d, VIRTIO_BLK_T_OUT, VBLK_PATTERN_FIRST,
				     vblk_wbuf, VBLK_BYTES),
			    VIRTIO_BLK_S_OK, "write of sectors 1..8");
		for (unsigned i = 0; i < VBLK_BYTES; i++)
			vblk_rbuf[i] = 0xa5;
		vblk_expect(vblk_req(d, VIRTIO_BLK_T_IN, VBLK_PATTERN_FIRST,
				     vblk_rbuf, VBLK_BYTES),
			    VIRTIO_BLK_S_OK, "read of sectors 1..8");
		for (unsigned i = 0; i < VBLK_BYTES; i++)
			if (vblk_rbuf[i] != vblk_wbuf[i])
				vio_fail(TG_EXIT_VBLK_DATA, "virtio-blk "
					 "read-back: expected 0x%x at byte %u"
					 " of sectors 1..8, found 0x%x",
					 vblk_wbuf[i], i, vblk_rbuf[i]);
		if (d->features & (1ull << VIRTIO_BLK_F_FLUSH))
			vblk_expect(vblk_req(d, VIRTIO_BLK_T_FLUSH, 0, NULL,
					     0),
				    VIRTIO_BLK_S_OK, "FLUSH");
	}
	vblk_get_id(d);
	ser_printf("testguest: virtio-blk: %s capacity %lu id %s\n",
		   ro ? "ro ok" : "ok", cap, vblk_id);
}

void vblk_wait_swap(struct vio_dev *d)
{
	uint32_t gen = vio_read32(d, VIRTIO_MMIO_CONFIG_GENERATION);
	ser_printf("testguest: virtio-blk: waiting for a new image\n");
	while (vio_read32(d, VIRTIO_MMIO_CONFIG_GENERATION) == gen)
		io_pause();
	if (vio_read32(d, VIRTIO_MMIO_INTERRUPT_STATUS) &
	    VIRTIO_MMIO_INT_CONFIG)
		vio_write32(d, VIRTIO_MMIO_INTERRUPT_ACK,
			    VIRTIO_MMIO_INT_CONFIG);
	uint64_t cap =
	    vio_cfg64(d, offsetof(struct virtio_blk_config, capacity));
	vblk_expect(vblk_req(d, VIRTIO_BLK_T_IN, 0, vblk_rbuf, VBLK_SECTOR),
		    VIRTIO_BLK_S_OK, "read of the new image's sector 0");
	char text[17];
	for (unsigned i = 0; i < 16; i++)
		text[i] = vblk_rbuf[i] >= 0x20 && vblk_rbuf[i] < 0x7f
			      ? (char)vblk_rbuf[i]
			      : '?';
	text[16] = '\0';
	ser_printf("testguest: virtio-blk: new image capacity %lu sector 0 "
		   "'%s'\n",
		   cap, text);
}
