/* SPDX-License-Identifier: Apache-2.0 */
/* Seeds of the virtqueue and virtio harnesses; see seedgen.h. */
#include <endian.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_vsock.h>

#include "fuzz/seedgen.h"
#include "fuzz/vdrv.h"
#include "tests/support/vq_builder.h"

#define ALL_FEATURES UINT64_MAX
/* A string literal of ops that may hold NUL bytes, with its length. */
#define OPS(lit) lit, sizeof(lit) - 1

struct seg {
	uint16_t off, len;
	bool w;
	const void *data;
	uint8_t dlen; /* inline bytes, at most 127 */
};

static void bringup(struct sb *s, uint64_t mask, uint8_t qlog)
{
	sb_u8(s, VD_BRINGUP);
	sb_u64(s, mask);
	sb_u8(s, qlog);
	sb_u8(s, 0);
}

static void chain(struct sb *s, uint8_t q, bool notify, bool indirect,
		  const struct seg *g, unsigned n)
{
	sb_u8(s, VD_CHAIN);
	sb_u8(s, q);
	sb_u8(s, (uint8_t)((n - 1) | (notify ? 8 : 0) | (indirect ? 16 : 0)));
	for (unsigned i = 0; i < n; i++) {
		unsigned k = g[i].dlen < g[i].len ? g[i].dlen : g[i].len;

		sb_u16(s, g[i].off);
		sb_u16(s, g[i].len);
		sb_u8(s, (uint8_t)(g[i].dlen << 1 | g[i].w));
		sb_put(s, g[i].data, k);
	}
}

static void op1(struct sb *s, uint8_t op, uint8_t arg)
{
	sb_u8(s, op);
	sb_u8(s, arg);
}

/* --- virtqueue ---------------------------------------------------------- */

/* Header, RAM [0, dump) from a builder's memory, then ops. */
static void vq_seed(const char *name, uint8_t flags, uint16_t size,
		    const struct guest_mem *gm, uint16_t desc, uint16_t avail,
		    uint16_t used, uint16_t dump, const char *ops, size_t nops)
{
	struct sb s = {0};
	unsigned qlog = 0;

	while ((1u << qlog) < size)
		qlog++;
	sb_u8(&s, flags);
	sb_u8(&s, (uint8_t)qlog);
	sb_u16(&s, size);
	sb_u16(&s, desc);
	sb_u16(&s, avail);
	sb_u16(&s, used);
	sb_u16(&s, dump);
	sb_put(&s, gm_ptr(gm, 0, dump), dump);
	sb_put(&s, ops, nops);
	seed("virtqueue", name, &s);
}

static void seeds_virtqueue(void)
{
	struct guest_mem gm;
	struct vqb b;
	struct vqb_seg rw[2] = {{0x1000, 64, false}, {0x1100, 128, true}};
	struct vqb_seg three[3] = {
	    {0x1000, 16, false}, {0x1100, 512, true}, {0x1400, 1, true}};
	/* Ops: 0 pop/push, 1 notification on/off, 2 should_notify, 5 reset. */
#define POPS OPS("\x00\x00\x00\x02\x01\x01\x00\x02")

	gm_init(&gm);
	if (gm_add_ram(&gm, 0, 0x10000, 0))
		exit(1);
	(void)vqb_init(&b, &gm, 8, 0, 0x100, 0x200);
	(void)vqb_add_chain(&b, rw, 2);
	(void)vqb_add_chain(&b, three, 3);
	(void)vqb_add_chain(&b, rw, 1);
	vq_seed("chains", 0, 8, &gm, 0, 0x100, 0x200, 0x300, POPS);
	vq_seed("chains-event-idx", 1, 8, &gm, 0, 0x100, 0x200, 0x300,
		OPS("\x00\x01\x01\x02\x00\x01\x00\x02\x00\x02"));

	gm_clear(&gm);
	(void)vqb_init(&b, &gm, 8, 0, 0x100, 0x200);
	(void)vqb_add_indirect(&b, 0x400, three, 3);
	(void)vqb_add_chain(&b, rw, 2);
	vq_seed("indirect", 2, 8, &gm, 0, 0x100, 0x200, 0x500, POPS);
	vq_seed("indirect-not-negotiated", 0, 8, &gm, 0, 0x100, 0x200, 0x500,
		POPS);

	/* A loop: descriptor 0 -> 1 -> 0. */
	gm_clear(&gm);
	(void)vqb_init(&b, &gm, 8, 0, 0x100, 0x200);
	(void)vqb_set_desc(&b, 0, 0x1000, 16, VRING_DESC_F_NEXT, 1);
	(void)vqb_set_desc(&b, 1, 0x1100, 16, VRING_DESC_F_NEXT, 0);
	(void)vqb_publish(&b, 0);
	vq_seed("loop", 0, 8, &gm, 0, 0x100, 0x200, 0x300, POPS);

	/* Driver pokes between pops: rewrite avail idx to 200. */
	gm_clear(&gm);
	(void)vqb_init(&b, &gm, 8, 0, 0x100, 0x200);
	(void)vqb_add_chain(&b, rw, 2);
	vq_seed("avail-jump", 0, 8, &gm, 0, 0x100, 0x200, 0x300,
		OPS("\x00\x03\x02\x01\x02\xc8\x00\x00\x04\x07\x00\x10\x00\x00"
		    "\x00\x05\x00"));

	/* 256 entries, rings apart. */
	gm_clear(&gm);
	(void)vqb_init(&b, &gm, 256, 0x1000, 0x2000, 0x3000);
	for (unsigned i = 0; i < 20; i++)
		(void)vqb_add_chain(&b, three, 3);
	vq_seed("size256", 0, 256, &gm, 0x1000, 0x2000, 0x3000, 0x3808,
		OPS("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02"));
	gm_destroy(&gm);
}

/* --- virtio-mmio with the fake device ----------------------------------- */

static void seeds_mmio(void)
{
	static const struct seg rw[2] = {{0, 64, false, "ping", 4},
					 {0x100, 64, true, NULL, 0}};
	struct sb s = {0};

	for (uint8_t fail = 0; fail < 8; fail++) {
		char name[32];

		sb_u8(&s, 4);  /* QueueNumMax 16 */
		sb_u8(&s, 16); /* config bytes */
		sb_u8(&s, fail);
		sb_u64(&s, 1ull | 1ull << 5 | 1ull << 50);
		bringup(&s, ALL_FEATURES, 3);
		chain(&s, 0, true, false, rw, 2);
		chain(&s, 1, true, true, rw, 2);
		op1(&s, VD_USED, 0);
		/* Config space: reads of each size, a write. */
		for (unsigned sz = 0; sz < 4; sz++) {
			sb_u8(&s, VD_ACCESS);
			sb_u16(&s, 0x100);
			sb_u8(&s, (uint8_t)sz);
			sb_u64(&s, 0);
		}
		sb_u8(&s, VD_ACCESS);
		sb_u16(&s, 0x104);
		sb_u8(&s, 4 | 2);
		sb_u64(&s, 0x1234);
		op1(&s, VD_READ32, 0x60 / 4); /* InterruptStatus */
		sb_u8(&s, VD_WRITE32);
		sb_u8(&s, 0x64 / 4); /* InterruptACK */
		sb_u32(&s, 3);
		sb_u8(&s, VD_RESET);
		snprintf(name, sizeof(name), "fail%u", fail);
		seed("virtio_mmio", name, &s);
	}
	/* Register reads of everything, then an out-of-order status. */
	sb_u8(&s, 4);
	sb_u8(&s, 8);
	sb_u8(&s, 0);
	sb_u64(&s, 0);
	for (unsigned r = 0; r < 0x100 / 4; r++)
		op1(&s, VD_READ32, (uint8_t)r);
	sb_u8(&s, VD_WRITE32);
	sb_u8(&s, 0x70 / 4);
	sb_u32(&s, 4); /* DRIVER_OK without the rest */
	seed("virtio_mmio", "registers", &s);
}

/* --- virtio-blk ----------------------------------------------------------- */

static void blk_prefix(struct sb *s, uint8_t flags, uint8_t sectors,
		       const char *id)
{
	sb_u8(s, flags | (id ? 2 : 0));
	sb_u8(s, sectors);
	sb_u8(s, 100); /* a tail that is not exposed */
	if (id) {
		sb_u8(s, (uint8_t)strlen(id));
		sb_str(s, id);
	}
}

/* One request: header, data (len bytes; readable for a write, inline
 * payload `pl`), status; split as the driver does, or header and data in
 * one buffer (`joined`), or through an indirect table. */
static void blk_req(struct sb *s, uint32_t type, uint64_t sector, uint16_t len,
		    bool data_w, const void *pl, uint8_t pllen, bool joined,
		    bool indirect)
{
	struct virtio_blk_outhdr h = {.type = htole32(type),
				      .sector = htole64(sector)};
	uint8_t buf[127];
	struct seg g[3];
	unsigned n = 0;

	if (joined && !data_w) {
		memcpy(buf, &h, sizeof(h));
		memcpy(buf + sizeof(h), pl, pllen);
		g[n++] = (struct seg){0, (uint16_t)(sizeof(h) + len), false,
				      buf, (uint8_t)(sizeof(h) + pllen)};
	} else {
		g[n++] = (struct seg){0, sizeof(h), false, &h, sizeof(h)};
		if (len)
			g[n++] = (struct seg){0x1000, len, data_w, pl, pllen};
	}
	g[n++] = (struct seg){0x8000, 1, true, NULL, 0};
	chain(s, 0, true, indirect, g, n);
}

static void seeds_blk(void)
{
	struct virtio_blk_discard_write_zeroes dz = {
	    .sector = htole64(8), .num_sectors = htole32(8), .flags = 0};
	static const char payload[64] = "vmm fuzz seed data";
	struct sb s = {0};

	blk_prefix(&s, 0, 64, NULL);
	bringup(&s, ALL_FEATURES, 4);
	blk_req(&s, VIRTIO_BLK_T_OUT, 2, 1024, false, payload, 64, false,
		false);
	blk_req(&s, VIRTIO_BLK_T_IN, 2, 1024, true, NULL, 0, false, false);
	blk_req(&s, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL, 0, false, false);
	op1(&s, VD_USED, 0);
	seed("virtio_blk", "write-read-flush", &s);

	blk_prefix(&s, 0, 16, "vmm-root-disk");
	bringup(&s, ALL_FEATURES, 3);
	blk_req(&s, VIRTIO_BLK_T_GET_ID, 0, 20, true, NULL, 0, false, false);
	blk_req(&s, VIRTIO_BLK_T_DISCARD, 0, 16, false, &dz, 16, false, false);
	dz.flags = htole32(VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	blk_req(&s, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false, &dz, 16, false,
		false);
	dz.flags = 0;
	blk_req(&s, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false, &dz, 16, false,
		false);
	seed("virtio_blk", "id-discard-zeroes", &s);

	blk_prefix(&s, 0, 8, NULL);
	bringup(&s, ALL_FEATURES, 3);
	blk_req(&s, VIRTIO_BLK_T_OUT, 1, 512, false, payload, 64, true, false);
	blk_req(&s, VIRTIO_BLK_T_IN, 1, 512, true, NULL, 0, false, true);
	blk_req(&s, 0x99, 0, 0, false, NULL, 0, false, false);
	blk_req(&s, VIRTIO_BLK_T_IN, 7, 1024, true, NULL, 0, false, false);
	blk_req(&s, VIRTIO_BLK_T_IN, 0, 100, true, NULL, 0, false, false);
	seed("virtio_blk", "joined-indirect-errors", &s);

	blk_prefix(&s, 1, 8, NULL);
	bringup(&s, ALL_FEATURES, 3);
	blk_req(&s, VIRTIO_BLK_T_OUT, 0, 512, false, payload, 64, false, false);
	blk_req(&s, VIRTIO_BLK_T_DISCARD, 0, 16, false, &dz, 16, false, false);
	blk_req(&s, VIRTIO_BLK_T_IN, 0, 512, true, NULL, 0, false, false);
	seed("virtio_blk", "read-only", &s);

	/* The image shrinks under the device: host I/O errors. */
	blk_prefix(&s, 0, 32, NULL);
	bringup(&s, ALL_FEATURES, 3);
	sb_u8(&s, VD_DEV);
	sb_u16(&s, 8); /* 512 bytes */
	blk_req(&s, VIRTIO_BLK_T_IN, 4, 512, true, NULL, 0, false, false);
	blk_req(&s, VIRTIO_BLK_T_OUT, 31, 512, false, payload, 8, false, false);
	seed("virtio_blk", "host-io-error", &s);

	/* No EVENT_IDX; a request without a status byte (violation). */
	blk_prefix(&s, 0, 8, NULL);
	bringup(&s, ALL_FEATURES & ~(1ull << VIRTIO_RING_F_EVENT_IDX), 3);
	{
		struct virtio_blk_outhdr h = {.type = 0};
		struct seg g = {0, sizeof(h), false, &h, sizeof(h)};

		chain(&s, 0, true, false, &g, 1);
	}
	sb_u8(&s, VD_RESET);
	bringup(&s, ALL_FEATURES, 3);
	blk_req(&s, VIRTIO_BLK_T_IN, 0, 512, true, NULL, 0, false, false);
	seed("virtio_blk", "violation-reset", &s);
}

/* --- virtio-net ----------------------------------------------------------- */

static void net_tx(struct sb *s, uint8_t flags, uint8_t gso, uint16_t len)
{
	uint8_t f[127] = {0};
	struct virtio_net_hdr_v1 *h = (void *)f;
	struct seg g;

	h->flags = flags;
	h->gso_type = gso;
	h->hdr_len = htole16(54);
	h->gso_size = htole16(gso ? 1448 : 0);
	h->csum_start = htole16(flags ? 34 : 0);
	h->csum_offset = htole16(flags ? 16 : 0);
	memset(f + 12, 0xff, 6); /* broadcast */
	memcpy(f + 18, "\x52\x54\x00\x00\x00\x01", 6);
	f[24] = 0x08; /* IPv4 */
	g = (struct seg){0x2000, len, false, f, 12 + 60};
	chain(s, 1, true, false, &g, 1);
}

static void net_rx_buf(struct sb *s, uint16_t len)
{
	struct seg g = {0x4000, len, true, NULL, 0};

	chain(s, 0, true, false, &g, 1);
}

static void net_frame(struct sb *s, uint16_t len)
{
	sb_u8(s, VD_DEV);
	sb_u8(s, 0);
	sb_u16(s, len);
	for (unsigned i = 0; i < len; i++)
		sb_u8(s, (uint8_t)(i < 12 ? 0 : i));
}

static void seeds_net(void)
{
	struct sb s = {0};

	for (uint8_t off = 0; off < 8; off += 7) {
		char name[32];

		sb_u8(&s, off);
		sb_put(&s, "\x52\x54\x00\x12\x34\x56", 6);
		bringup(&s, ALL_FEATURES, 3);
		net_tx(&s, 0, 0, 72);
		net_tx(&s, VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 72);
		net_tx(&s, VIRTIO_NET_HDR_F_NEEDS_CSUM,
		       VIRTIO_NET_HDR_GSO_TCPV4, 2000);
		op1(&s, VD_DEV, 2); /* drain */
		net_rx_buf(&s, 1526);
		net_rx_buf(&s, 1526);
		net_frame(&s, 72);
		net_frame(&s, 1600); /* larger than the buffer */
		op1(&s, VD_DEV, 1);  /* rx */
		op1(&s, VD_USED, 0);
		op1(&s, VD_USED, 1);
		snprintf(name, sizeof(name), "tx-rx-offloads%u", off);
		seed("virtio_net", name, &s);
	}
	/* Frames before buffers, then buffers: receive resumes. */
	sb_u8(&s, 0);
	sb_put(&s, "\x52\x54\x00\x12\x34\x56", 6);
	bringup(&s, ALL_FEATURES, 2);
	net_frame(&s, 60);
	net_frame(&s, 60);
	op1(&s, VD_DEV, 1);
	net_rx_buf(&s, 2048);
	op1(&s, VD_DEV, 1);
	seed("virtio_net", "rx-late-buffers", &s);
}

/* --- virtio-rng and virtio-console ------------------------------------------
 */

static void seeds_rng_console(void)
{
	struct seg w[2] = {{0, 64, true, NULL, 0},
			   {0x800, 4096, true, NULL, 0}};
	struct seg r = {0, 16, false, "ro", 2};
	struct sb s = {0};

	sb_u8(&s, 0);
	bringup(&s, ALL_FEATURES, 3);
	chain(&s, 0, true, false, w, 1);
	chain(&s, 0, true, false, w, 2);
	chain(&s, 0, true, true, w, 2);
	op1(&s, VD_USED, 0);
	seed("virtio_rng", "requests", &s);

	sb_u8(&s, 2);
	bringup(&s, ALL_FEATURES, 3);
	for (unsigned i = 0; i < 4; i++)
		chain(&s, 0, true, false, w, 1);
	op1(&s, VD_DEV, 0x83);
	chain(&s, 0, true, false, w, 2);
	chain(&s, 0, true, false, &r, 1); /* readable: violation */
	seed("virtio_rng", "fill-errors-violation", &s);

	struct seg tx = {0x100, 32, false, "hello from the guest\n", 21};

	bringup(&s, ALL_FEATURES, 3);
	chain(&s, 1, true, false, &tx, 1);
	chain(&s, 0, true, false, w, 1);
	sb_u8(&s, VD_DEV);
	sb_u8(&s, 5);
	sb_str(&s, "input");
	op1(&s, VD_USED, 0);
	chain(&s, 0, true, false, w, 2);
	sb_u8(&s, VD_DEV);
	sb_u8(&s, 3);
	sb_str(&s, "abc");
	chain(&s, 1, true, false, w, 1); /* writable on TX: violation */
	seed("virtio_console", "tx-rx", &s);
}

/* --- virtio-vsock ---------------------------------------------------------
 */

/* A packet from the guest (CID 3) on the tx queue: header + payload. */
static void vsock_pkt(struct sb *s, uint16_t op, uint32_t gport, uint32_t hport,
		      const char *data, uint8_t len)
{
	uint8_t b[127] = {0};
	struct virtio_vsock_hdr *h = (void *)b;
	h->src_cid = htole64(3);
	h->dst_cid = htole64(2);
	h->src_port = htole32(gport);
	h->dst_port = htole32(hport);
	h->len = htole32(len);
	h->type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	h->op = htole16(op);
	h->flags = htole32(op == VIRTIO_VSOCK_OP_SHUTDOWN ? 3 : 0);
	h->buf_alloc = htole32(4096);
	memcpy(b + sizeof(*h), data, len);
	struct seg g = {0x2000, (uint16_t)(sizeof(*h) + len), false, b,
			(uint8_t)(sizeof(*h) + len)};
	chain(s, 1, true, false, &g, 1);
}

static void vsock_rx_bufs(struct sb *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct seg g = {(uint16_t)(0x4000 + 0x400 * i), 0x400, true,
				NULL, 0};
		chain(s, 0, true, false, &g, 1);
	}
}

static void seeds_vsock(void)
{
	struct sb s = {0};

	/* The guest connects, sends, reads the host's bytes, closes. */
	sb_u8(&s, 0);
	bringup(&s, ALL_FEATURES, 3);
	vsock_rx_bufs(&s, 4);
	vsock_pkt(&s, VIRTIO_VSOCK_OP_REQUEST, 1024, 1234, NULL, 0);
	vsock_pkt(&s, VIRTIO_VSOCK_OP_RW, 1024, 1234, "hello", 5);
	sb_u8(&s, VD_DEV);
	sb_u8(&s, 2); /* data on handle 0 */
	sb_u8(&s, 0);
	sb_u8(&s, 5);
	sb_str(&s, "world");
	sb_u8(&s, VD_DEV);
	sb_u8(&s, 1); /* readable */
	sb_u8(&s, 0);
	sb_u8(&s, 1);
	op1(&s, VD_USED, 0);
	vsock_pkt(&s, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 1024, 1234, NULL, 0);
	vsock_pkt(&s, VIRTIO_VSOCK_OP_SHUTDOWN, 1024, 1234, NULL, 0);
	seed("virtio_vsock", "guest-connect", &s);

	/* The host connects on handle 5; the guest accepts; the stream
	 * ends; refused guest connections. */
	sb_u8(&s, 1);
	bringup(&s, ALL_FEATURES, 3);
	vsock_rx_bufs(&s, 4);
	sb_u8(&s, VD_DEV);
	sb_u8(&s, 0);
	sb_u8(&s, 5);
	sb_u32(&s, 52);
	vsock_pkt(&s, VIRTIO_VSOCK_OP_RESPONSE, 52, 1u << 30, NULL, 0);
	sb_u8(&s, VD_DEV);
	sb_u8(&s, 4); /* end of stream */
	sb_u8(&s, 5);
	sb_u8(&s, 1);
	sb_u8(&s, VD_DEV);
	sb_u8(&s, 1);
	sb_u8(&s, 5);
	sb_u8(&s, 3);
	vsock_pkt(&s, VIRTIO_VSOCK_OP_REQUEST, 1025, 7, NULL, 0);
	vsock_pkt(&s, VIRTIO_VSOCK_OP_RW, 1025, 7, "x", 1);
	op1(&s, VD_USED, 0);
	seed("virtio_vsock", "host-connect", &s);
}

void seeds_virtio(void)
{
	seeds_virtqueue();
	seeds_mmio();
	seeds_blk();
	seeds_net();
	seeds_rng_console();
	seeds_vsock();
}
