/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for virtio-vsock (devices/virtio/vsock.c): connections both
 * ways, data and credit, shutdown, the host-bound buffer, and a hostile
 * driver; over the fake stream port of vsock_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <linux/virtio_ids.h>

#include "tests/unit/vsock_fixture.h"

#define GP 1024u /* the guest's port */
#define HP 5000u /* a host service's port */

static int setup(void **state)
{
	struct vf *f = test_calloc(1, sizeof(*f));
	if (!f || vf_init(f) || vf_up(f))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	vf_fini(*state);
	test_free(*state);
	return 0;
}

static void expect_pkt(struct vf *f, uint16_t op, uint32_t src, uint32_t dst,
		       uint32_t flags)
{
	struct virtio_vsock_hdr h;
	uint32_t len;
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	assert_int_equal(le16toh(h.op), op);
	assert_int_equal(le32toh(h.src_port), src);
	assert_int_equal(le32toh(h.dst_port), dst);
	assert_int_equal(le32toh(h.flags), flags);
	assert_int_equal(le64toh(h.src_cid), VIRTIO_VSOCK_HOST_CID);
	assert_int_equal(le64toh(h.dst_cid), VF_CID);
	assert_int_equal(le16toh(h.type), VIRTIO_VSOCK_TYPE_STREAM);
}

static void no_pkt(struct vf *f)
{
	assert_int_equal(no_pkt_left(f), 0);
}

/* The guest connects to HP and gets a RESPONSE; the stream's handle is
 * the fake's next one. */
static void open_conn(struct vf *f)
{
	int k = f->next_h;
	vf_post_rx(f, 8, VF_RXBUF);
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, GP, HP, NULL, 0), 0);
	assert_int_equal(f->connect_port, HP);
	expect_pkt(f, VIRTIO_VSOCK_OP_RESPONSE, HP, GP, 0);
	assert_true(f->s[k].open);
	assert_true(f->s[k].want_rx);
	f->s[k].room = VF_OUT;
}

static void test_config(void **state)
{
	struct vf *f = *state;
	assert_int_equal(virtio_mmio_ops.read(&f->m, VIRTIO_MMIO_DEVICE_ID, 4),
			 VIRTIO_ID_VSOCK);
	assert_int_equal(virtio_mmio_ops.read(&f->m, VIRTIO_MMIO_CONFIG, 4),
			 VF_CID);
	assert_int_equal(virtio_mmio_ops.read(&f->m, VIRTIO_MMIO_CONFIG + 4, 4),
			 0);
	struct virtio_vsock w;
	struct virtio_vsock_opts o = {.port = &f->port, .guest_cid = 2};
	assert_int_equal(virtio_vsock_init(&w, &f->gm, &o), -EINVAL);
	o.guest_cid = UINT32_MAX;
	assert_int_equal(virtio_vsock_init(&w, &f->gm, &o), -EINVAL);
}

static void test_guest_connect_and_data(void **state)
{
	struct vf *f = *state;
	open_conn(f);
	/* guest -> host */
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP, "hello", 5),
			 0);
	assert_int_equal(f->s[0].out_len, 5);
	assert_memory_equal(f->s[0].out, "hello", 5);
	/* host -> guest */
	memcpy(f->s[0].in, "world!", 6);
	f->s[0].in_len = 6;
	virtio_vsock_ready(&f->v, 0, true, false);
	struct virtio_vsock_hdr h;
	uint8_t buf[16];
	uint32_t len;
	assert_int_equal(vf_recv_pkt(f, &h, buf, sizeof(buf), &len), 1);
	assert_int_equal(le16toh(h.op), VIRTIO_VSOCK_OP_RW);
	assert_int_equal(len, 6);
	assert_memory_equal(buf, "world!", 6);
	assert_int_equal(le32toh(h.buf_alloc), VIRTIO_VSOCK_BUF_ALLOC);
	assert_int_equal(le32toh(h.fwd_cnt), 5);
	/* drained: readable forgotten, asked again */
	assert_true(f->s[0].want_rx);
	/* a clean close: SHUTDOWN both -> RST, stream closed */
	struct virtio_vsock_hdr sh =
	    vf_hdr(VIRTIO_VSOCK_OP_SHUTDOWN, GP, HP, 0);
	sh.flags =
	    htole32(VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND);
	assert_int_equal(vf_send_hdr(f, &sh, NULL, 0), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_int_equal(f->closes, 1);
	assert_int_equal(f->v.conns_opened, 1);
	assert_false(vf_needs_reset(f));
}

static void test_connect_refused(void **state)
{
	struct vf *f = *state;
	f->connect_err = -ECONNREFUSED;
	vf_post_rx(f, 2, VF_RXBUF);
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, GP, HP, NULL, 0), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_int_equal(f->v.conns_refused, 1);
	/* data for a pair with no connection: RST; an RST: nothing */
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP, "x", 1), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RST, GP, HP, NULL, 0),
			 0);
	no_pkt(f);
}

static void test_host_connect(void **state)
{
	struct vf *f = *state;
	vf_post_rx(f, 4, VF_RXBUF);
	assert_int_equal(virtio_vsock_host_connect(&f->v, 3, 52), 0);
	assert_int_equal(virtio_vsock_host_connect(&f->v, 3, 52), -EBUSY);
	assert_int_equal(virtio_vsock_host_connect(&f->v, -1, 52), -EINVAL);
	struct virtio_vsock_hdr h;
	uint32_t len;
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	assert_int_equal(le16toh(h.op), VIRTIO_VSOCK_OP_REQUEST);
	uint32_t local = le32toh(h.src_port);
	assert_true(local >= VIRTIO_VSOCK_LOCAL_BASE);
	assert_int_equal(le32toh(h.dst_port), 52);
	f->s[3].open = true;
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_RESPONSE, 52, local, NULL, 0), 0);
	assert_int_equal(f->s[3].accepted, local);
	assert_true(f->s[3].want_rx);
	/* a second one gets another port */
	assert_int_equal(virtio_vsock_host_connect(&f->v, 4, 52), 0);
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	assert_int_not_equal(le32toh(h.src_port), local);
	/* refused by the guest */
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RST, 52,
				    le32toh(h.src_port), NULL, 0),
			 0);
	assert_int_equal(f->closes, 1);
	assert_int_equal(f->v.conns_refused, 1);
	/* the host hangs up before the guest answers: RST to the guest */
	assert_int_equal(virtio_vsock_host_connect(&f->v, 5, 53), 0);
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	virtio_vsock_ready(&f->v, 5, true, true);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, le32toh(h.src_port), 53, 0);
}

static void test_host_connect_needs_driver(void **state)
{
	struct vf *f = *state;
	virtio_mmio_ops.write(&f->m, VIRTIO_MMIO_STATUS, 4, 0);
	assert_int_equal(virtio_vsock_host_connect(&f->v, 0, 52), -ENOTCONN);
}

static void test_port_full_buffers_and_credit(void **state)
{
	struct vf *f = *state;
	static uint8_t chunk[4096];
	open_conn(f);
	f->s[0].room = 100; /* the host stream takes 100 bytes only */
	memset(chunk, 'a', sizeof(chunk));
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP,
					    chunk, sizeof(chunk)),
				 0);
	assert_int_equal(f->s[0].out_len, 100);
	assert_true(f->s[0].want_tx);
	no_pkt(f); /* nothing freed yet: no credit update */
	f->s[0].room = VF_OUT;
	virtio_vsock_ready(&f->v, 0, false, true);
	assert_int_equal(f->s[0].out_len, 8 * sizeof(chunk));
	assert_false(f->s[0].want_tx);
	/* 32 KiB freed (>= a quarter of 64 KiB): the guest hears */
	struct virtio_vsock_hdr h;
	uint32_t len;
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	assert_int_equal(le16toh(h.op), VIRTIO_VSOCK_OP_CREDIT_UPDATE);
	assert_int_equal(le32toh(h.fwd_cnt), 8 * sizeof(chunk));
	/* a CREDIT_REQUEST is answered */
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_CREDIT_REQUEST, GP, HP, NULL, 0), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_CREDIT_UPDATE, HP, GP, 0);
}

static void test_credit_overrun_resets(void **state)
{
	struct vf *f = *state;
	static uint8_t chunk[VIRTIO_VSOCK_MAX_PKT];
	open_conn(f);
	f->s[0].room = 0;
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP, chunk,
				    VIRTIO_VSOCK_BUF_ALLOC),
			 0);
	assert_int_equal(f->closes, 0); /* exactly the credit: held */
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP, chunk, 1),
			 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_int_equal(f->closes, 1);
	assert_int_equal(f->v.bad_packets, 1);
	assert_false(vf_needs_reset(f));
}

static void test_guest_credit_limits_rx(void **state)
{
	struct vf *f = *state;
	vf_post_rx(f, 8, VF_RXBUF);
	struct virtio_vsock_hdr rq = vf_hdr(VIRTIO_VSOCK_OP_REQUEST, GP, HP, 0);
	rq.buf_alloc = htole32(10);
	assert_int_equal(vf_send_hdr(f, &rq, NULL, 0), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RESPONSE, HP, GP, 0);
	memset(f->s[0].in, 'z', 100);
	f->s[0].in_len = 100;
	virtio_vsock_ready(&f->v, 0, true, false);
	struct virtio_vsock_hdr h;
	uint32_t len;
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	assert_int_equal(len, 10);
	no_pkt(f);
	assert_false(f->s[0].want_rx); /* no credit: not polled */
	struct virtio_vsock_hdr cu =
	    vf_hdr(VIRTIO_VSOCK_OP_CREDIT_UPDATE, GP, HP, 0);
	cu.buf_alloc = htole32(10);
	cu.fwd_cnt = htole32(10);
	assert_int_equal(vf_send_hdr(f, &cu, NULL, 0), 0);
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	assert_int_equal(len, 10);
	/* nonsense counters (fwd_cnt ahead of what was sent): no credit */
	cu.fwd_cnt = htole32(1000);
	cu.buf_alloc = htole32(0);
	assert_int_equal(vf_send_hdr(f, &cu, NULL, 0), 0);
	no_pkt(f);
}

static void test_host_eof_and_half_close(void **state)
{
	struct vf *f = *state;
	open_conn(f);
	f->s[0].eof = true;
	virtio_vsock_ready(&f->v, 0, true, false);
	expect_pkt(f, VIRTIO_VSOCK_OP_SHUTDOWN, HP, GP,
		   VIRTIO_VSOCK_SHUTDOWN_SEND);
	assert_false(f->s[0].want_rx);
	/* the guest can still send, then shuts its send side */
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP, "ab", 2), 0);
	assert_int_equal(f->s[0].out_len, 2);
	struct virtio_vsock_hdr sh =
	    vf_hdr(VIRTIO_VSOCK_OP_SHUTDOWN, GP, HP, 0);
	sh.flags = htole32(VIRTIO_VSOCK_SHUTDOWN_SEND);
	assert_int_equal(vf_send_hdr(f, &sh, NULL, 0), 0);
	assert_true(f->s[0].shut);
	assert_int_equal(f->closes, 0);
	/* data after its own shutdown: reset */
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP, "c", 1), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_int_equal(f->closes, 1);
}

static void test_shutdown_waits_for_buffer(void **state)
{
	struct vf *f = *state;
	open_conn(f);
	f->s[0].room = 0;
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP, "data", 4),
			 0);
	struct virtio_vsock_hdr sh =
	    vf_hdr(VIRTIO_VSOCK_OP_SHUTDOWN, GP, HP, 0);
	sh.flags = htole32(3);
	assert_int_equal(vf_send_hdr(f, &sh, NULL, 0), 0);
	assert_int_equal(f->closes, 0); /* 4 bytes still to deliver */
	no_pkt(f);
	f->s[0].room = 10;
	virtio_vsock_ready(&f->v, 0, false, true);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_int_equal(f->closes, 1);
}

static void test_port_error_resets(void **state)
{
	struct vf *f = *state;
	open_conn(f);
	f->s[0].err = EPIPE;
	assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_RW, GP, HP, "x", 1), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_int_equal(f->v.port_errors, 1);
}

static void test_protocol_errors(void **state)
{
	struct vf *f = *state;
	open_conn(f);
	/* wrong CIDs: dropped silently */
	struct virtio_vsock_hdr h = vf_hdr(VIRTIO_VSOCK_OP_RW, GP, HP, 1);
	h.src_cid = htole64(VF_CID + 1);
	assert_int_equal(vf_send_hdr(f, &h, "x", 1), 0);
	h = vf_hdr(VIRTIO_VSOCK_OP_RW, GP, HP, 1);
	h.dst_cid = htole64(7);
	assert_int_equal(vf_send_hdr(f, &h, "x", 1), 0);
	no_pkt(f);
	assert_int_equal(f->s[0].out_len, 0);
	assert_int_equal(f->v.bad_packets, 2);
	/* a seqpacket on an open connection: RST and closed */
	h = vf_hdr(VIRTIO_VSOCK_OP_RW, GP, HP, 0);
	h.type = htole16(VIRTIO_VSOCK_TYPE_SEQPACKET);
	assert_int_equal(vf_send_hdr(f, &h, NULL, 0), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_int_equal(f->closes, 1);
	/* a second REQUEST on an open pair: RST */
	open_conn(f);
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, GP, HP, NULL, 0), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	/* an unknown op for no connection: RST */
	assert_int_equal(vf_send_op(f, 99, GP, HP, NULL, 0), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP, 0);
	assert_false(vf_needs_reset(f));
}

/* Driver violations: NEEDS_RESET, and nothing reaches the port. */
static void test_bad_chains(void **state)
{
	struct vf *f = *state;
	open_conn(f);
	/* payload shorter than hdr.len */
	struct virtio_vsock_hdr h = vf_hdr(VIRTIO_VSOCK_OP_RW, GP, HP, 100);
	assert_int_equal(gm_write(&f->gm, VF_TX_GPA, &h, sizeof(h)), 0);
	struct vqb_seg seg[2] = {{VF_TX_GPA, VIRTIO_VSOCK_HDR_LEN, false},
				 {VF_TX_GPA + 0x1000, 50, false}};
	assert_true(vqb_add_chain(&f->b[VIRTIO_VSOCK_TXQ], seg, 2) >= 0);
	vf_kick(f, VIRTIO_VSOCK_TXQ);
	assert_true(vf_needs_reset(f));
	assert_int_equal(f->s[0].out_len, 0);
}

static void test_bad_chain_writable_tx(void **state)
{
	struct vf *f = *state;
	struct vqb_seg seg = {VF_TX_GPA, 64, true};
	assert_true(vqb_add_chain(&f->b[VIRTIO_VSOCK_TXQ], &seg, 1) >= 0);
	vf_kick(f, VIRTIO_VSOCK_TXQ);
	assert_true(vf_needs_reset(f));
}

static void test_bad_rx_chain(void **state)
{
	struct vf *f = *state;
	vf_post_rx(f, 1, 20); /* shorter than a header */
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, GP, HP, NULL, 0), 0);
	assert_true(vf_needs_reset(f));
}

/* rx buffers with room for a header only: used for credit updates, so a
 * readable stream neither spins nor stalls once real buffers come. */
static void test_header_only_rx_buffers(void **state)
{
	struct vf *f = *state;
	open_conn(f); /* leaves 7 of its 8 rx buffers posted */
	struct virtio_vsock_hdr h;
	uint32_t len;
	memcpy(f->s[0].in, "abc", 3);
	f->s[0].in_len = 3;
	/* the 7 posted buffers take the data first */
	virtio_vsock_ready(&f->v, 0, true, false);
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	assert_int_equal(len, 3);
	while (vf_recv_pkt(f, &h, NULL, 0, &len))
		;
	/* drain the remaining posted buffers with control packets */
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(vf_send_op(f, VIRTIO_VSOCK_OP_CREDIT_REQUEST,
					    GP, HP, NULL, 0),
				 0);
	while (vf_recv_pkt(f, &h, NULL, 0, &len))
		;
	vf_post_rx(f, 2, VIRTIO_VSOCK_HDR_LEN);
	memcpy(f->s[0].in, "de", 2);
	f->s[0].in_len = 2;
	f->s[0].in_pos = 0;
	virtio_vsock_ready(&f->v, 0, true, false);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
		assert_int_equal(le16toh(h.op), VIRTIO_VSOCK_OP_CREDIT_UPDATE);
	}
	assert_false(f->s[0].want_rx); /* known readable: not polled */
	vf_post_rx(f, 1, VF_RXBUF);
	vf_kick(f, VIRTIO_VSOCK_RXQ);
	uint8_t buf[4];
	assert_int_equal(vf_recv_pkt(f, &h, buf, sizeof(buf), &len), 1);
	assert_int_equal(le16toh(h.op), VIRTIO_VSOCK_OP_RW);
	assert_int_equal(len, 2);
	assert_memory_equal(buf, "de", 2);
	assert_false(vf_needs_reset(f));
}

static void test_ctrl_ring_bounded(void **state)
{
	struct vf *f = *state;
	f->connect_err = -ECONNREFUSED;
	/* no rx buffers: every refusal waits in the ring, then drops */
	for (unsigned i = 0; i < VIRTIO_VSOCK_CTRL_MAX + 10; i++)
		assert_int_equal(
		    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, GP + i, HP, NULL, 0),
		    0);
	assert_int_equal(f->v.ctrl_dropped, 10);
	vf_post_rx(f, VF_QSZ, VF_RXBUF);
	vf_kick(f, VIRTIO_VSOCK_RXQ);
	for (unsigned i = 0; i < VF_QSZ; i++)
		expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, GP + i, 0);
	assert_false(vf_needs_reset(f));
}

static void test_many_connections(void **state)
{
	struct vf *f = *state;
	vf_post_rx(f, VF_QSZ, VF_RXBUF);
	for (unsigned i = 0; i < VSOCK_PORT_MAX_CONNS; i++) {
		assert_int_equal(
		    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, GP + i, HP, NULL, 0),
		    0);
		expect_pkt(f, VIRTIO_VSOCK_OP_RESPONSE, HP, GP + i, 0);
		vf_post_rx(f, 1, VF_RXBUF);
	}
	/* the port has no slot left: the port bug path refuses */
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, 9999, HP, NULL, 0), 0);
	expect_pkt(f, VIRTIO_VSOCK_OP_RST, HP, 9999, 0);
	/* a driver reset closes all */
	unsigned before = f->closes;
	virtio_mmio_ops.write(&f->m, VIRTIO_MMIO_STATUS, 4, 0);
	assert_int_equal(f->closes - before, VSOCK_PORT_MAX_CONNS);
}

static void test_restore_sends_transport_reset(void **state)
{
	struct vf *f = *state;
	struct vqb_seg ev = {0x60000, 4, true};
	open_conn(f);
	uint8_t blob[2048];
	struct st_writer w;
	st_writer_init(&w, blob, sizeof(blob));
	virtio_vsock_save(&f->v, &w);
	long n = st_writer_end(&w);
	assert_true(n > 0);

	struct vf *g = test_calloc(1, sizeof(*g));
	assert_int_equal(vf_init(g), 0);
	/* the guest's rings live in guest RAM: carry it over */
	static uint8_t ram[1 << 20];
	assert_int_equal(gm_read(&f->gm, 0, ram, sizeof(ram)), 0);
	assert_int_equal(gm_write(&g->gm, 0, ram, sizeof(ram)), 0);
	memcpy(g->b, f->b, sizeof(g->b));
	for (unsigned q = 0; q < 3; q++)
		g->b[q].mem = &g->gm;
	struct st_reader r;
	st_reader_init(&r, blob, (size_t)n);
	assert_int_equal(virtio_vsock_restore(&g->v, &r), 0);
	assert_int_equal(vqb_add_chain(&g->b[VIRTIO_VSOCK_EVQ], &ev, 1) >= 0,
			 1);
	vf_kick(g, VIRTIO_VSOCK_EVQ);
	uint32_t id, len, evid = 1;
	assert_int_equal(vqb_get_used(&g->b[VIRTIO_VSOCK_EVQ], &id, &len), 1);
	assert_int_equal(len, 4);
	assert_int_equal(gm_read(&g->gm, 0x60000, &evid, 4), 0);
	assert_int_equal(evid, VIRTIO_VSOCK_EVENT_TRANSPORT_RESET);
	/* the CID must match */
	struct vf *h = test_calloc(1, sizeof(*h));
	assert_int_equal(vf_init(h), 0);
	h->v.guest_cid = VF_CID + 1;
	st_reader_init(&r, blob, (size_t)n);
	assert_int_equal(virtio_vsock_restore(&h->v, &r), -EINVAL);
	vf_fini(h);
	test_free(h);
	vf_fini(g);
	test_free(g);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_config),
	    T(test_guest_connect_and_data),
	    T(test_connect_refused),
	    T(test_host_connect),
	    T(test_host_connect_needs_driver),
	    T(test_port_full_buffers_and_credit),
	    T(test_credit_overrun_resets),
	    T(test_guest_credit_limits_rx),
	    T(test_host_eof_and_half_close),
	    T(test_shutdown_waits_for_buffer),
	    T(test_port_error_resets),
	    T(test_protocol_errors),
	    T(test_bad_chains),
	    T(test_bad_chain_writable_tx),
	    T(test_bad_rx_chain),
	    T(test_header_only_rx_buffers),
	    T(test_ctrl_ring_bounded),
	    T(test_many_connections),
	    T(test_restore_sends_transport_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
