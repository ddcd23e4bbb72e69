/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds of the state harness (fuzz_state.c); see seedgen.h. Every blob is
 * a real saved state: the device is driven into it first (the virtio ones
 * by a vdrv program, as their harnesses are), then saved with its own
 * save function; a short program for the restored device follows.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <linux/if_tun.h>

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
#include "devices/virtio/vsock.h"
#include "devices/virtio/rng.h"
#include "fuzz/memdisk.h"
#include "fuzz/memport.h"
#include "fuzz/memstream.h"
#include "fuzz/seedgen.h"
#include "fuzz/vdrv.h"
#include "tests/support/vq_builder.h"
#include "vmm/base/state.h"

/* fuzz_state.c's decoder numbers. */
enum {
	D_VQ,
	D_RNG,
	D_CON,
	D_SER,
	D_RTC,
	D_KBC,
	D_APM,
	D_PVP,
	D_DBG,
	D_BLK,
	D_NET,
	D_VSOCK
};

#define BLOB_MAX 2048

struct gen {
	struct guest_mem gm;
	uint8_t blob[BLOB_MAX];
	struct st_writer w;
};

static void die(const char *what)
{
	fprintf(stderr, "seedgen: state: %s\n", what);
	exit(1);
}

static void gen_begin(struct gen *g)
{
	st_writer_init(&g->w, g->blob, sizeof(g->blob));
}

/* Write seed `name`: which, [qlog], u16 len, the blob, then prog. */
static void emit(struct gen *g, const char *name, uint8_t which, int qlog,
		 struct sb *prog)
{
	long n = st_writer_end(&g->w);
	struct sb s = {0};

	if (n <= 0)
		die(name);
	sb_u8(&s, which);
	if (qlog >= 0)
		sb_u8(&s, (uint8_t)qlog);
	sb_u16(&s, (uint16_t)n);
	sb_put(&s, g->blob, (size_t)n);
	if (prog && prog->len)
		sb_put(&s, prog->p, prog->len);
	seed("state", name, &s);
	sb_free(&s);
	if (prog)
		sb_free(prog);
}

/* --- virtqueue --------------------------------------------------------- */

static void seeds_vq(struct gen *g)
{
	struct virtqueue vq;
	struct vq_chain *c = calloc(1, sizeof(*c));
	struct vqb *b = calloc(1, sizeof(*b));
	struct vqb_seg seg = {.gpa = VDRV_DATA, .len = 64, .write = true};
	struct sb p = {0};

	if (!c || !b || vq_init(&vq, &g->gm, 16))
		die("vq");
	gen_begin(g);
	vq_save(&vq, &g->w);
	sb_u8(&p, 0); /* pop */
	emit(g, "vq-power-on", D_VQ, 4, &p);

	if (vqb_init(b, &g->gm, 8, VDRV_RING(0), VDRV_RING(0) + 0x1000,
		     VDRV_RING(0) + 0x2000))
		die("vqb");
	vqb_configure(b, &vq);
	vq.event_idx = true;
	if (vq_enable(&vq))
		die("vq_enable");
	for (unsigned i = 0; i < 11; i++) {
		if (vqb_add_chain(b, &seg, 1) < 0 || vq_pop(&vq, c) != 1 ||
		    vq_push(&vq, c->head, 8) ||
		    vqb_get_used(b, &(uint32_t){0}, &(uint32_t){0}) != 1)
			die("vq ring");
		(void)vq_should_notify(&vq);
	}
	gen_begin(g);
	vq_save(&vq, &g->w);
	/* poke a descriptor and avail entry, then pop, push, notify */
	sb_u8(&p, 4);
	sb_u16(&p, (uint16_t)(VDRV_RING(0) / 4));
	sb_u8(&p, 16);
	sb_u64(&p, VDRV_DATA);
	sb_u32(&p, 32);
	sb_u16(&p, 2); /* WRITE */
	sb_u16(&p, 0);
	sb_u8(&p, 0);
	sb_u8(&p, 1);
	sb_u16(&p, 0);
	sb_u32(&p, 32);
	sb_u8(&p, 2);
	sb_u8(&p, 3);
	sb_u8(&p, 1);
	emit(g, "vq-event-idx-wrapped", D_VQ, 4, &p);
	free(b);
	free(c);
}

/* --- virtio devices ---------------------------------------------------- */

static void bringup(struct sb *s, uint8_t qlog)
{
	sb_u8(s, VD_BRINGUP);
	sb_u64(s, UINT64_MAX);
	sb_u8(s, qlog);
	sb_u8(s, 0);
}

/* One chain of one segment at VDRV_DATA + off, notified. */
static void chain1(struct sb *s, uint8_t q, uint16_t off, uint16_t len,
		   bool write, const char *data)
{
	size_t k = data ? strlen(data) : 0;

	sb_u8(s, VD_CHAIN);
	sb_u8(s, q);
	sb_u8(s, 8);
	sb_u16(s, off);
	sb_u16(s, len);
	sb_u8(s, (uint8_t)(k << 1 | write));
	if (k)
		sb_put(s, data, k);
}

/* A virtio-blk request on queue 0, notified: a readable segment at off
 * with the header (and, for OUT, `data` bytes after it), then for IN and
 * GET_ID `data` writable bytes, then a writable status byte. */
static void blk_req(struct sb *s, uint32_t type, uint64_t sector, uint16_t off,
		    uint16_t data)
{
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	uint8_t hdr[16] = {0};

	for (unsigned i = 0; i < 4; i++)
		hdr[i] = (uint8_t)(type >> (8 * i));
	for (unsigned i = 0; i < 8; i++)
		hdr[8 + i] = (uint8_t)(sector >> (8 * i));
	sb_u8(s, VD_CHAIN);
	sb_u8(s, 0);
	sb_u8(s, (uint8_t)(8 | (in && data ? 2 : 1))); /* notify; segments */
	sb_u16(s, off);
	sb_u16(s, (uint16_t)(16 + (in ? 0 : data)));
	sb_u8(s, 16 << 1); /* readable, the header copied in */
	sb_put(s, hdr, sizeof(hdr));
	if (in && data) {
		sb_u16(s, (uint16_t)(off + 0x400));
		sb_u16(s, data);
		sb_u8(s, 1);
	}
	sb_u16(s, (uint16_t)(off + 0x800));
	sb_u16(s, 1);
	sb_u8(s, 1); /* writable: the status */
}

static void raise_irq(void *opaque)
{
	(void)opaque;
}

static ssize_t fill(void *opaque, void *buf, size_t len)
{
	(void)opaque;
	memset(buf, 0x5a, len);
	return (ssize_t)len;
}

static void con_tx(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	(void)buf;
	(void)len;
}

/* Drive a fresh device of `which` with program `drive`, save it. */
static void virtio_state(struct gen *g, uint8_t which, struct sb *drive)
{
	struct virtio_mmio_host mh = {.raise_irq = raise_irq};
	struct virtio_rng_host rh = {.fill = fill};
	struct virtio_console_host ch = {.tx = con_tx};
	struct virtio_rng *rng = calloc(1, sizeof(*rng));
	struct virtio_console *con = calloc(1, sizeof(*con));
	struct virtio_blk *blk = calloc(1, sizeof(*blk));
	struct memdisk *disk = calloc(1, sizeof(*disk));
	struct virtio_net *net = calloc(1, sizeof(*net));
	struct memport *port = calloc(1, sizeof(*port));
	struct virtio_vsock *vsock = calloc(1, sizeof(*vsock));
	struct memstream *stream = calloc(1, sizeof(*stream));
	struct virtio_mmio m;
	struct vdrv d;
	struct fz in = fz_make(drive->p, drive->len);
	struct virtio_dev *dev;

	if (!rng || !con || !blk || !disk || !net || !port || !vsock || !stream)
		die("calloc");
	gm_clear(&g->gm);
	if (which == D_RNG) {
		if (virtio_rng_init(rng, &g->gm, &rh))
			die("rng");
		dev = &rng->dev;
	} else if (which == D_BLK) {
		char err[128];
		struct virtio_blk_opts o = {.disk = &disk->disk,
					    .id = "fuzz",
					    .name = "virtio-blk-fuzz"};
		memdisk_init(disk);
		if (virtio_blk_init(blk, &g->gm, &o, err, sizeof(err)))
			die("blk");
		dev = &blk->dev;
	} else if (which == D_NET) {
		struct virtio_net_opts o = {.port = &port->port,
					    .mac = {0x52, 0x54, 0, 0x12, 0x34,
						    0x56}};
		memport_init(port, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
		if (virtio_net_init(net, &g->gm, &o))
			die("net");
		dev = &net->dev;
	} else if (which == D_VSOCK) {
		struct virtio_vsock_opts o = {.port = &stream->port,
					      .guest_cid = 3};
		memstream_init(stream);
		if (virtio_vsock_init(vsock, &g->gm, &o))
			die("vsock");
		dev = &vsock->dev;
	} else {
		if (virtio_console_init(con, &g->gm, &ch))
			die("console");
		dev = &con->dev;
	}
	if (virtio_mmio_init(&m, dev, &mh))
		die("mmio");
	vdrv_init(&d, &g->gm, &m, NULL, NULL);
	vdrv_run(&d, &in);
	gen_begin(g);
	if (which == D_RNG)
		virtio_rng_save(rng, &g->w);
	else if (which == D_BLK)
		virtio_blk_save(blk, &g->w);
	else if (which == D_NET)
		virtio_net_save(net, &g->w);
	else if (which == D_VSOCK)
		virtio_vsock_save(vsock, &g->w);
	else
		virtio_console_save(con, &g->w);
	virtio_mmio_destroy(&m);
	if (which == D_VSOCK)
		virtio_vsock_destroy(vsock);
	sb_free(drive);
	free(rng);
	free(con);
	free(blk);
	free(disk);
	free(net);
	free(port);
	free(vsock);
	free(stream);
}

static void seeds_virtio_dev(struct gen *g)
{
	struct sb d = {0}, p = {0};

	virtio_state(g, D_RNG, &d);
	chain1(&p, 0, 0, 64, true, NULL);
	bringup(&p, 3);
	chain1(&p, 0, 0, 64, true, NULL);
	emit(g, "rng-power-on", D_RNG, -1, &p);

	bringup(&d, 3);
	for (unsigned i = 0; i < 10; i++)
		chain1(&d, 0, (uint16_t)(i * 0x100), 48, true, NULL);
	virtio_state(g, D_RNG, &d);
	chain1(&p, 0, 0, 64, true, NULL);
	chain1(&p, 0, 0x100, 4096, true, NULL);
	sb_u8(&p, VD_USED);
	sb_u8(&p, 0);
	chain1(&p, 0, 0x200, 16, false, "ro"); /* violation */
	sb_u8(&p, VD_RESET);
	emit(g, "rng-running", D_RNG, -1, &p);

	bringup(&d, 2);
	chain1(&d, 0, 0, 16, false, "readable"); /* NEEDS_RESET */
	virtio_state(g, D_RNG, &d);
	sb_u8(&p, VD_NOTIFY);
	sb_u8(&p, 0);
	bringup(&p, 2);
	chain1(&p, 0, 0, 64, true, NULL);
	emit(g, "rng-needs-reset", D_RNG, -1, &p);

	bringup(&d, 3);
	chain1(&d, 1, 0x100, 32, false, "hello from the guest\n");
	chain1(&d, 0, 0x800, 64, true, NULL);
	chain1(&d, 0, 0x900, 64, true, NULL);
	virtio_state(g, D_CON, &d);
	sb_u8(&p, VD_DEV);
	sb_u8(&p, 5);
	sb_str(&p, "input");
	chain1(&p, 1, 0x100, 8, false, "more");
	sb_u8(&p, VD_USED);
	sb_u8(&p, 1);
	chain1(&p, 1, 0x200, 8, true, NULL); /* violation */
	emit(g, "console-running", D_CON, -1, &p);

	/* virtio-blk after a write and a read of sector 2 (restored, it
	 * serves a flush and a GET_ID). */
	bringup(&d, 3);
	blk_req(&d, VIRTIO_BLK_T_OUT, 2, 0x100, 512);
	blk_req(&d, VIRTIO_BLK_T_IN, 2, 0x1000, 512);
	virtio_state(g, D_BLK, &d);
	blk_req(&p, VIRTIO_BLK_T_FLUSH, 0, 0x100, 0);
	blk_req(&p, VIRTIO_BLK_T_GET_ID, 0, 0x1000, 20);
	sb_u8(&p, VD_USED);
	sb_u8(&p, 0);
	emit(g, "blk-running", D_BLK, -1, &p);

	/* virtio-net with two receive chains posted (one held: the port was
	 * empty) and a frame sent; restored, a frame arrives (VD_DEV) and
	 * another is sent. */
	bringup(&d, 3);
	chain1(&d, 0, 0x1000, 1526, true, NULL);
	chain1(&d, 0, 0x2000, 1526, true, NULL);
	chain1(&d, 1, 0x3000, 12 + 20, false, "\x01\x01\x01\x01\x01\x01"
					       "\x01\x01\x01\x01\x01\x01frame");
	virtio_state(g, D_NET, &d);
	sb_u8(&p, VD_DEV);
	sb_u8(&p, 24);
	sb_put(&p, "\0\0\0\0\0\0\0\0\0\0\0\0incoming-frm", 24);
	sb_u8(&p, VD_USED);
	sb_u8(&p, 0);
	chain1(&p, 1, 0x3000, 12 + 20, false, NULL);
	emit(g, "net-running", D_NET, -1, &p);

	/* virtio-vsock with rx buffers posted; restored, the driver sends a
	 * connection request and the host writes on handle 0. */
	bringup(&d, 3);
	chain1(&d, 0, 0x1000, 1024, true, NULL);
	chain1(&d, 0, 0x2000, 1024, true, NULL);
	virtio_state(g, D_VSOCK, &d);
	{
		static const uint8_t req[44] = {
		    3, 0, 0, 0, 0, 0,	 0, 0,	  2, 0, 0, 0, 0, 0, 0,
		    0, 0, 4, 0, 0, 0xd2, 4, 0,	  0, 0, 0, 0, 0, 1, 0,
		    1, 0, 0, 0, 0, 0,	 0, 0x10, 0, 0, 0, 0, 0, 0};
		sb_u8(&p, VD_CHAIN);
		sb_u8(&p, 1);
		sb_u8(&p, 8); /* one segment, notify */
		sb_u16(&p, 0x3000);
		sb_u16(&p, 44);
		sb_u8(&p, 44 << 1);
		sb_put(&p, req, sizeof(req));
	}
	sb_u8(&p, VD_DEV);
	sb_u8(&p, 0);
	sb_u8(&p, 4);
	sb_str(&p, "data");
	sb_u8(&p, VD_USED);
	sb_u8(&p, 0);
	emit(g, "vsock-running", D_VSOCK, -1, &p);
}

/* --- legacy devices ---------------------------------------------------- */

static void ser_tx(void *opaque, uint8_t byte)
{
	(void)opaque;
	(void)byte;
}

static void ser_irq(void *opaque, int level)
{
	(void)opaque;
	(void)level;
}

/* A pio program step: write (how & 1) val at offset off. */
static void pio(struct sb *p, bool write, uint8_t off, uint8_t val)
{
	sb_u8(p, (uint8_t)(off << 1 | write));
	sb_u8(p, val);
}

static void seeds_serial(struct gen *g)
{
	struct serial_host h = {.tx = ser_tx, .set_irq = ser_irq};
	static const uint8_t drive[][2] = {
	    {3, 0x80}, {0, 0x01}, {1, 0x03}, {3, 0x03}, {2, 0xc7},
	    {7, 0x5a}, {4, 0x1b}, {0, 'a'},  {0, 'b'},	{1, 0x0f}};
	struct serial s;
	struct sb p = {0};

	if (serial_init(&s, &h))
		die("serial");
	gen_begin(g);
	serial_save(&s, &g->w);
	pio(&p, true, 1, 0x0f);
	pio(&p, false, 2, 0);
	emit(g, "serial-power-on", D_SER, -1, &p);
	for (unsigned i = 0; i < sizeof(drive) / sizeof(drive[0]); i++)
		serial_ops.write(&s, drive[i][0], 1, drive[i][1]);
	for (unsigned i = 0; i < 17; i++) /* fill and overrun in loopback */
		serial_ops.write(&s, 0, 1, 0x40 + i);
	(void)serial_ops.read(&s, 0, 1);
	gen_begin(g);
	serial_save(&s, &g->w);
	for (unsigned i = 0; i < 6; i++) {
		pio(&p, false, 2, 0);
		pio(&p, false, 5, 0);
		pio(&p, false, 0, 0);
	}
	pio(&p, true, 4, 0x03);
	pio(&p, true, 0, 'z');
	sb_u8(&p, 0xf0);
	sb_u8(&p, 16);
	emit(g, "serial-loopback-full", D_SER, -1, &p);
	serial_destroy(&s);
}

static int64_t now(void *opaque)
{
	(void)opaque;
	return 1700000000;
}

static void kbc_reset(void *opaque)
{
	(void)opaque;
}

static void seeds_legacy(struct gen *g)
{
	struct rtc_host rh = {.now = now};
	struct i8042_host kh = {.reset = kbc_reset};
	struct acpi_pm pm = {0};
	struct debug_exit dx = {0};
	struct pvpanic pv;
	struct rtc r;
	struct i8042 k;
	struct sb p = {0};

	if (rtc_init(&r, &rh) || i8042_init(&k, &kh))
		die("rtc/i8042");
	rtc_ops.write(&r, 0, 1, 0x0b);
	rtc_ops.write(&r, 1, 1, 0x06);
	for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i += 3) {
		rtc_ops.write(&r, 0, 1, i);
		rtc_ops.write(&r, 1, 1, i ^ 0x5a);
	}
	gen_begin(g);
	rtc_save(&r, &g->w);
	pio(&p, false, 1, 0);
	pio(&p, true, 0, 0x00);
	pio(&p, false, 1, 0);
	pio(&p, true, 0, 0x0b);
	pio(&p, true, 1, 0x00);
	emit(g, "rtc-binary-cmos", D_RTC, -1, &p);
	rtc_destroy(&r);

	i8042_ops.write(&k, 4, 1, 0xaa);
	i8042_ops.write(&k, 4, 1, 0xd1);
	gen_begin(g);
	i8042_save(&k, &g->w);
	pio(&p, false, 2, 0); /* status */
	pio(&p, true, 0, 0x03);
	pio(&p, true, 2, 0x20);
	pio(&p, false, 0, 0);
	emit(g, "i8042-pending-outport", D_KBC, -1, &p);
	/* Ctrl-Alt-Del on its way: one byte out, seven queued. */
	i8042_ops.reset(&k);
	if (i8042_send_ctrl_alt_del(&k))
		die("i8042 ctrl-alt-del");
	i8042_kick(&k);
	gen_begin(g);
	i8042_save(&k, &g->w);
	pio(&p, false, 0, 0);
	pio(&p, false, 2, 0);
	pio(&p, false, 0, 0);
	emit(g, "i8042-keys-queued", D_KBC, -1, &p);
	i8042_destroy(&k);

	gen_begin(g);
	acpi_pm_save(&pm, &g->w);
	pio(&p, true, 2, 0x42);
	emit(g, "acpi-pm", D_APM, -1, &p);
	pvpanic_init(&pv, &(struct pvpanic_host){0});
	gen_begin(g);
	pvpanic_save(&pv, &g->w);
	pio(&p, true, 0, 2);
	pio(&p, false, 0, 0);
	emit(g, "pvpanic", D_PVP, -1, &p);
	gen_begin(g);
	debug_exit_save(&dx, &g->w);
	pio(&p, true, 0, 7);
	emit(g, "debug-exit", D_DBG, -1, &p);
}

void seeds_state(void)
{
	struct gen *g = calloc(1, sizeof(*g));

	if (!g)
		die("calloc");
	gm_init(&g->gm);
	if (gm_add_ram(&g->gm, 0, VDRV_RAM, 0))
		die("guest RAM");
	seeds_vq(g);
	seeds_virtio_dev(g);
	seeds_serial(g);
	seeds_legacy(g);
	gm_destroy(&g->gm);
	free(g);
}
