/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: every device state decoder (docs/devices.md "Device state"):
 * a hostile blob is restored into a fresh device, and a device that takes
 * it is then exercised, so state that validates but breaks the device
 * later is found.
 *
 * Input: u8 which (% ST_NDEC: the decoder), u16 len, len bytes of blob
 * (fewer at the end of the input), then a program for the restored device:
 *   ST_VQ        (u8 qlog first, before the blob: max_size 1 << (qlog % 9))
 *                steps of u8 op % 5: pop; push u16 head, u32 len;
 *                should_notify; set_notification u8 on; poke u16 at,
 *                u8 n, n bytes at gpa at * 4
 *   ST_RNG,
 *   ST_CONSOLE,
 *   ST_BLK,
 *   ST_NET       a vdrv program (vdrv.h) against the restored transport,
 *                whose driver first takes over every enabled queue at the
 *                device's position (adopt); the console's VD_DEV: u8 n,
 *                n bytes of host input; virtio-blk serves its requests
 *                from an in-memory disk (fuzz/memdisk.h) that checks
 *                every access is on the disk; virtio-net runs over an
 *                in-memory port (fuzz/memport.h), its VD_DEV: u8 n, n
 *                bytes offered as a frame, then virtio_net_rx
 *   ST_VSOCK     the same, over an in-memory stream port (fuzz/memstream.h),
 *                its VD_DEV: u8 h, u8 n, n bytes the host writes on h, then
 *                h readable
 *   ST_SERIAL, ST_RTC, ST_I8042, ST_ACPI_PM, ST_PVPANIC, ST_DEBUG_EXIT
 *                steps of u8 how, u8 val: a write of val (how & 1) or a
 *                read at offset (how >> 1) % the device's range; the
 *                serial's how >= 0xf0: serial_rx_push of val % 17 bytes
 *
 * Checks: a refused blob leaves no trace (the device saves as it did
 * fresh); a taken one saves back to exactly the bytes taken (the encoding
 * is canonical), unless it is an older version of its section that is
 * still accepted (the i8042's version 1), whose save in the current
 * version must then round-trip exactly through a fresh device; a restored
 * virtqueue and transport keep the invariants vdrv_check and the pops check
 * (rings and buffers in RAM, chains within the queue size); the UART's FIFO
 * stays within its size.
 */
#include <endian.h>
#include <linux/if_tun.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "devices/acpi_pm.h"
#include "devices/debug_exit.h"
#include "devices/i8042.h"
#include "devices/pvpanic.h"
#include "devices/rtc.h"
#include "devices/serial.h"
#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/net.h"
#include "devices/virtio/rng.h"
#include "devices/virtio/vsock.h"
#include "fuzz/fuzz.h"
#include "fuzz/memdisk.h"
#include "fuzz/memport.h"
#include "fuzz/memstream.h"
#include "fuzz/vdrv.h"
#include "vmm/base/state.h"

enum {
	ST_VQ,
	ST_RNG,
	ST_CONSOLE,
	ST_SERIAL,
	ST_RTC,
	ST_I8042,
	ST_ACPI_PM,
	ST_PVPANIC,
	ST_DEBUG_EXIT,
	ST_BLK,
	ST_NET,
	ST_VSOCK,
	ST_NDEC
};

#define BLOB_MAX  2048
#define MAX_STEPS 1024

/* Everything a run may build, on the heap (the vq_chain is large). */
struct st_fx {
	struct virtqueue vq;
	struct vq_chain chain;
	struct virtio_rng rng;
	struct virtio_console con;
	struct virtio_blk blk;
	struct memdisk disk;
	struct virtio_net net;
	struct memport port;
	struct virtio_vsock vsock;
	struct memstream stream;
	struct virtio_mmio m;
	struct vdrv drv;
	struct serial ser;
	struct rtc rtc;
	struct i8042 kbc;
	struct acpi_pm pm;
	struct pvpanic pvp;
	struct debug_exit dbg;
	uint8_t before[BLOB_MAX], after[BLOB_MAX];
};

/* The saver of decoder `which` on the fixture's device. */
static void save(struct st_fx *f, unsigned which, struct st_writer *w)
{
	switch (which) {
	case ST_VQ:
		vq_save(&f->vq, w);
		break;
	case ST_RNG:
		virtio_rng_save(&f->rng, w);
		break;
	case ST_CONSOLE:
		virtio_console_save(&f->con, w);
		break;
	case ST_BLK:
		virtio_blk_save(&f->blk, w);
		break;
	case ST_NET:
		virtio_net_save(&f->net, w);
		break;
	case ST_VSOCK:
		virtio_vsock_save(&f->vsock, w);
		break;
	case ST_SERIAL:
		serial_save(&f->ser, w);
		break;
	case ST_RTC:
		rtc_save(&f->rtc, w);
		break;
	case ST_I8042:
		i8042_save(&f->kbc, w);
		break;
	case ST_ACPI_PM:
		acpi_pm_save(&f->pm, w);
		break;
	case ST_PVPANIC:
		pvpanic_save(&f->pvp, w);
		break;
	default:
		debug_exit_save(&f->dbg, w);
		break;
	}
}

static int restore(struct st_fx *f, unsigned which, struct st_reader *r)
{
	switch (which) {
	case ST_VQ:
		return vq_restore(&f->vq, r);
	case ST_RNG:
		return virtio_rng_restore(&f->rng, r);
	case ST_CONSOLE:
		return virtio_console_restore(&f->con, r);
	case ST_BLK:
		return virtio_blk_restore(&f->blk, r);
	case ST_NET:
		return virtio_net_restore(&f->net, r);
	case ST_VSOCK:
		return virtio_vsock_restore(&f->vsock, r);
	case ST_SERIAL:
		return serial_restore(&f->ser, r);
	case ST_RTC:
		return rtc_restore(&f->rtc, r);
	case ST_I8042:
		return i8042_restore(&f->kbc, r);
	case ST_ACPI_PM:
		return acpi_pm_restore(&f->pm, r);
	case ST_PVPANIC:
		return pvpanic_restore(&f->pvp, r);
	default:
		return debug_exit_restore(&f->dbg, r);
	}
}

static size_t save_to(struct st_fx *f, unsigned which, uint8_t *buf)
{
	struct st_writer w;
	long n;

	st_writer_init(&w, buf, BLOB_MAX);
	save(f, which, &w);
	n = st_writer_end(&w);
	FUZZ_CHECK(n >= ST_HDR_LEN);
	return (size_t)n;
}

/* ---- host sides ---- */

static ssize_t rng_fill(void *opaque, void *buf, size_t len)
{
	(void)opaque;
	memset(buf, 0xa5, len);
	return (ssize_t)len;
}

static void con_tx(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	(void)buf;
	FUZZ_CHECK(len >= 1 && len <= VIRTIO_CONSOLE_TX_CHUNK);
}

static void con_dev_op(struct vdrv *d, struct fz *in)
{
	struct st_fx *f = d->opaque;
	const uint8_t *p;
	size_t n = fz_bytes(in, fz_u8(in), &p);
	size_t took;

	virtio_mmio_lock(&f->m);
	took = virtio_console_rx_push(&f->con, p, n);
	virtio_mmio_unlock(&f->m);
	FUZZ_CHECK(took <= n);
}

/* A frame from the port's side, and the I/O thread's call. */
static void net_dev_op(struct vdrv *d, struct fz *in)
{
	struct st_fx *f = d->opaque;
	const uint8_t *p;
	size_t n = fz_bytes(in, fz_u8(in), &p);

	memport_offer(&f->port, p, n);
	virtio_mmio_lock(&f->m);
	virtio_net_rx(&f->net);
	virtio_mmio_unlock(&f->m);
}

/* A restored vsock has no connections: the host writes on a handle the
 * device does not know (ignored), or the driver's packets open one. */
static void vsock_dev_op(struct vdrv *d, struct fz *in)
{
	struct st_fx *f = d->opaque;
	int h = fz_u8(in) % VSOCK_PORT_MAX_CONNS;
	const uint8_t *p;
	size_t n = fz_bytes(in, fz_u8(in), &p);

	memstream_feed(&f->stream, h, p, n);
	virtio_mmio_lock(&f->m);
	virtio_vsock_ready(&f->vsock, h, true, false);
	virtio_mmio_unlock(&f->m);
}

static void ser_tx(void *opaque, uint8_t byte)
{
	(void)opaque;
	(void)byte;
}

/* Called on changes only, the new level already in irq_level. */
static void ser_irq(void *opaque, int level)
{
	FUZZ_CHECK(level == 0 || level == 1);
	FUZZ_CHECK(level == ((struct serial *)opaque)->irq_level);
}

static int64_t rtc_now(void *opaque)
{
	(void)opaque;
	return 1700000000;
}

static void kbc_reset(void *opaque)
{
	(void)opaque;
}

/* Build decoder `which`'s device afresh. */
static void build(struct st_fx *f, unsigned which, const struct guest_mem *gm,
		  uint16_t qmax)
{
	struct virtio_mmio_host mh = {.raise_irq = vdrv_raise_irq,
				      .opaque = &f->drv};
	struct virtio_rng_host rh = {.fill = rng_fill};
	struct virtio_console_host ch = {.tx = con_tx};
	struct serial_host sh = {
	    .tx = ser_tx, .set_irq = ser_irq, .opaque = &f->ser};
	struct rtc_host th = {.now = rtc_now};
	struct i8042_host kh = {.reset = kbc_reset};

	switch (which) {
	case ST_VQ:
		FUZZ_CHECK(vq_init(&f->vq, gm, qmax) == 0);
		break;
	case ST_RNG:
		FUZZ_CHECK(virtio_rng_init(&f->rng, gm, &rh) == 0);
		FUZZ_CHECK(virtio_mmio_init(&f->m, &f->rng.dev, &mh) == 0);
		vdrv_init(&f->drv, gm, &f->m, NULL, f);
		break;
	case ST_CONSOLE:
		FUZZ_CHECK(virtio_console_init(&f->con, gm, &ch) == 0);
		FUZZ_CHECK(virtio_mmio_init(&f->m, &f->con.dev, &mh) == 0);
		vdrv_init(&f->drv, gm, &f->m, con_dev_op, f);
		break;
	case ST_BLK: {
		char err[128];
		struct virtio_blk_opts o = {.disk = &f->disk.disk,
					    .id = "fuzz",
					    .name = "virtio-blk-fuzz"};
		memdisk_init(&f->disk);
		FUZZ_CHECK(virtio_blk_init(&f->blk, gm, &o, err,
					   sizeof(err)) == 0);
		FUZZ_CHECK(virtio_mmio_init(&f->m, &f->blk.dev, &mh) == 0);
		vdrv_init(&f->drv, gm, &f->m, NULL, f);
		break;
	}
	case ST_NET: {
		struct virtio_net_opts o = {.port = &f->port.port,
					    .mac = {0x52, 0x54, 0, 0x12, 0x34,
						    0x56}};
		memport_init(&f->port, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
		FUZZ_CHECK(virtio_net_init(&f->net, gm, &o) == 0);
		FUZZ_CHECK(virtio_mmio_init(&f->m, &f->net.dev, &mh) == 0);
		vdrv_init(&f->drv, gm, &f->m, net_dev_op, f);
		break;
	}
	case ST_VSOCK: {
		struct virtio_vsock_opts o = {.port = &f->stream.port,
					      .guest_cid = 3};
		memstream_init(&f->stream);
		FUZZ_CHECK(virtio_vsock_init(&f->vsock, gm, &o) == 0);
		FUZZ_CHECK(virtio_mmio_init(&f->m, &f->vsock.dev, &mh) == 0);
		vdrv_init(&f->drv, gm, &f->m, vsock_dev_op, f);
		break;
	}
	case ST_SERIAL:
		FUZZ_CHECK(serial_init(&f->ser, &sh) == 0);
		break;
	case ST_RTC:
		FUZZ_CHECK(rtc_init(&f->rtc, &th) == 0);
		break;
	case ST_I8042:
		FUZZ_CHECK(i8042_init(&f->kbc, &kh) == 0);
		break;
	case ST_PVPANIC:
		pvpanic_init(&f->pvp, &(struct pvpanic_host){0});
		break;
	default: /* acpi_pm, debug_exit: plain structs, no callbacks */
		break;
	}
}

static void destroy(struct st_fx *f, unsigned which)
{
	switch (which) {
	case ST_RNG:
		virtio_mmio_destroy(&f->m);
		virtio_rng_destroy(&f->rng);
		break;
	case ST_CONSOLE:
		virtio_mmio_destroy(&f->m);
		virtio_console_destroy(&f->con);
		break;
	case ST_BLK:
		virtio_mmio_destroy(&f->m);
		virtio_blk_destroy(&f->blk);
		break;
	case ST_NET:
		virtio_mmio_destroy(&f->m);
		virtio_net_destroy(&f->net);
		break;
	case ST_VSOCK:
		virtio_mmio_destroy(&f->m);
		virtio_vsock_destroy(&f->vsock);
		break;
	case ST_SERIAL:
		serial_destroy(&f->ser);
		break;
	case ST_RTC:
		rtc_destroy(&f->rtc);
		break;
	case ST_I8042:
		i8042_destroy(&f->kbc);
		break;
	default:
		break;
	}
}

/* ---- exercising a restored device ---- */

static void check_vq(const struct virtqueue *vq, const struct guest_mem *gm)
{
	if (!vq->enabled)
		return;
	FUZZ_CHECK(vq->size && vq->size <= vq->max_size &&
		   !(vq->size & (vq->size - 1)));
	FUZZ_CHECK(gm_range_ok(gm, vq->desc_gpa, 16ull * vq->size));
	FUZZ_CHECK(gm_range_ok(gm, vq->avail_gpa, 6ull + 2ull * vq->size));
	FUZZ_CHECK(gm_range_ok(gm, vq->used_gpa, 6ull + 8ull * vq->size));
}

static void run_vq(struct st_fx *f, const struct guest_mem *gm, struct fz *in)
{
	for (unsigned i = 0; i < MAX_STEPS && !fz_empty(in); i++) {
		switch (fz_u8(in) % 5) {
		case 0:
			if (vq_pop(&f->vq, &f->chain) == 1) {
				const struct vq_chain *c = &f->chain;

				FUZZ_CHECK(c->head < f->vq.size);
				FUZZ_CHECK(c->nread + c->nwrite <= f->vq.size);
				for (unsigned b = 0; b < c->nread + c->nwrite;
				     b++)
					FUZZ_CHECK(gm_range_ok(
					    gm, c->buf[b].gpa, c->buf[b].len));
			}
			break;
		case 1: {
			uint16_t head = fz_u16(in);

			uint32_t len = fz_u32(in);
			int r = vq_push(&f->vq, head, len);

			FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EFAULT);
			break;
		}
		case 2:
			(void)vq_should_notify(&f->vq);
			break;
		case 3:
			FUZZ_CHECK(vq_set_notification(&f->vq, fz_u8(in) & 1) ==
				   0);
			break;
		default: {
			uint64_t at = fz_u16(in) * 4ull;
			const uint8_t *p;
			size_t n = fz_bytes(in, fz_u8(in), &p);

			if (gm_range_ok(gm, at, n))
				FUZZ_CHECK(gm_write(gm, at, p, n) == 0);
			break;
		}
		}
		check_vq(&f->vq, gm);
	}
}

static void run_pio(struct st_fx *f, unsigned which, struct fz *in)
{
	const struct bus_dev_ops *ops;
	void *dev;
	unsigned range;

	switch (which) {
	case ST_SERIAL:
		ops = &serial_ops, dev = &f->ser, range = SERIAL_NREGS;
		break;
	case ST_RTC:
		ops = &rtc_ops, dev = &f->rtc, range = RTC_RANGE_LEN;
		break;
	case ST_I8042:
		ops = &i8042_ops, dev = &f->kbc, range = I8042_RANGE_LEN;
		break;
	case ST_ACPI_PM:
		ops = &acpi_pm_ops, dev = &f->pm, range = ACPI_PM_RANGE_LEN;
		break;
	case ST_PVPANIC:
		ops = &pvpanic_ops, dev = &f->pvp, range = PVPANIC_RANGE_LEN;
		break;
	default:
		ops = &debug_exit_ops, dev = &f->dbg,
		range = DEBUG_EXIT_RANGE_LEN;
		break;
	}
	for (unsigned i = 0; i < MAX_STEPS && !fz_empty(in); i++) {
		uint8_t how = fz_u8(in), val = fz_u8(in);

		if (which == ST_SERIAL && how >= 0xf0) {
			static const uint8_t bytes[16] = "0123456789abcdef";

			(void)serial_rx_push(&f->ser, bytes, val % 17u);
		} else if (how & 1) {
			ops->write(dev, (how >> 1) % range, 1, val);
		} else {
			(void)ops->read(dev, (how >> 1) % range, 1);
		}
		if (which == ST_SERIAL)
			FUZZ_CHECK(f->ser.rx_count <= SERIAL_FIFO_SIZE &&
				   f->ser.rx_head < SERIAL_FIFO_SIZE);
	}
}

/* Give the driver the restored queues: its builder over each enabled
 * queue's rings, at the device's position, and the ring indices in guest
 * RAM (cleared for this run) where a snapshot of RAM would have them. */
static void adopt(struct vdrv *d, const struct guest_mem *gm)
{
	const struct virtio_dev *dev = d->m->dev;

	for (unsigned q = 0; q < d->nq; q++) {
		const struct virtqueue *vq = &dev->vqs[q];

		d->q_ok[q] = false;
		if (!vq->enabled ||
		    vqb_init(&d->q[q], gm, vq->size, vq->desc_gpa,
			     vq->avail_gpa, vq->used_gpa))
			continue;
		FUZZ_CHECK(vqb_set_avail_idx(&d->q[q], vq->last_avail) == 0);
		FUZZ_CHECK(gm_store16(gm, vq->used_gpa + 2,
				      htole16(vq->used_idx)) == 0);
		d->q[q].last_used = vq->used_idx;
		d->q_ok[q] = true;
	}
}

/* An older section, taken and saved as the current version (f->after,
 * n bytes): that save restores into a fresh device and saves back to
 * itself. */
static void upgraded(struct st_fx *f, unsigned which,
		     const struct guest_mem *gm, uint16_t qmax, size_t n)
{
	struct st_fx *g = calloc(1, sizeof(*g));
	struct st_reader r;

	if (!g)
		abort();
	build(g, which, gm, qmax);
	st_reader_init(&r, f->after, n);
	FUZZ_CHECK(restore(g, which, &r) == 0 && r.pos == n);
	FUZZ_CHECK(save_to(g, which, g->after) == n &&
		   !memcmp(g->after, f->after, n));
	destroy(g, which);
	free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	const struct guest_mem *gm = fuzz_mem(VDRV_RAM, 0);
	struct st_fx *f = calloc(1, sizeof(*f));
	unsigned which = fz_u8(&in) % ST_NDEC;
	uint16_t qmax = (uint16_t)(1u << (which == ST_VQ ? fz_u8(&in) % 9 : 0));
	const uint8_t *blob;
	size_t len, n0, n1;
	struct st_reader r;
	int e;

	if (!f)
		abort();
	len = fz_bytes(&in, fz_u16(&in), &blob);
	build(f, which, gm, qmax);
	n0 = save_to(f, which, f->before);
	st_reader_init(&r, blob, len);
	e = restore(f, which, &r);
	FUZZ_CHECK(e == 0 || e == -EINVAL);
	FUZZ_CHECK(e == 0 ? st_ok(&r) : !st_ok(&r));
	n1 = save_to(f, which, f->after);
	if (e) {
		/* Refused: no trace. */
		FUZZ_CHECK(n1 == n0 && !memcmp(f->before, f->after, n0));
	} else if (n1 != r.pos || memcmp(f->after, blob, n1)) {
		/* Taken, and saved differently: only an older version of the
		 * section (u16 at offset 4) may do that, and its save in the
		 * current version must then round-trip exactly. */
		FUZZ_CHECK(r.pos >= 6 && n1 >= 6 &&
			   (blob[4] | blob[5] << 8) <
			       (f->after[4] | f->after[5] << 8));
		upgraded(f, which, gm, qmax, n1);
	}
	if (which == ST_VQ) {
		check_vq(&f->vq, gm);
		run_vq(f, gm, &in);
	} else if (which == ST_RNG || which == ST_CONSOLE || which == ST_BLK ||
		   which == ST_NET || which == ST_VSOCK) {
		vdrv_check(&f->drv);
		adopt(&f->drv, gm);
		vdrv_run(&f->drv, &in);
	} else {
		run_pio(f, which, &in);
	}
	destroy(f, which);
	free(f);
	return 0;
}
