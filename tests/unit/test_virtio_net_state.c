/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net's saved state (virtio_net_save / virtio_net_restore), over
 * the fake port of net_port_fixture.h. Device A runs with offloads,
 * serves frames both ways, and is saved while it holds a receive chain
 * (waiting for a frame) and a send its port refused for now; B, fresh on
 * a copy of A's RAM, takes the state. Then:
 *  - B's port was told the restored offloads and that receive is wanted;
 *  - the same frames go the same way through both: B fills the chain A
 *    held, and re-sends the chain A's port refused, with the same bytes,
 *    used elements and interrupts;
 *  - another MAC, a truncated blob and another tag are refused with B
 *    unchanged; a port that refuses the offloads on restore marks the
 *    device NEEDS_RESET.
 */
#include "net_port_fixture.h"

#include "vmm/base/state.h"

#define BLOB_MAX 2048
#define OFFL	 (TUN_F_CSUM | TUN_F_TSO4)
#define FEATS                                                                  \
	(F(VIRTIO_NET_F_MAC) | F(VIRTIO_NET_F_CSUM) |                          \
	 F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO4))

static size_t save(struct pf *f, uint8_t *buf)
{
	struct st_writer w;
	st_writer_init(&w, buf, BLOB_MAX);
	virtio_net_save(&f->net, &w);
	long n = st_writer_end(&w);
	assert_true(n > 0);
	return (size_t)n;
}

/* A, running: one frame each way served, then a receive chain held
 * (posted with the port empty) and a send refused (-EAGAIN), whose heads
 * go to *rx_head and *tx_head. */
static struct pf *running(int *rx_head, int *tx_head)
{
	struct pf *a = pf_new(OFFL);
	assert_int_equal(start(a, FEATS) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	uint8_t buf[FMAX];
	/* Receive one frame, then hold a chain. */
	fake_put(a, 40, 0x10);
	add(a, VIRTIO_NET_RXQ, DATA, 1526, true);
	kick(a, VIRTIO_NET_RXQ);
	used(a, VIRTIO_NET_RXQ, 0, (uint32_t)(HDR + 40));
	*rx_head = add(a, VIRTIO_NET_RXQ, DATA + 0x1000, 1526, true);
	kick(a, VIRTIO_NET_RXQ);
	assert_true(a->net.rx_have);
	/* Send one frame, then one the port refuses for now. */
	size_t n = frame(buf, 30, 0x40);
	memcpy(gp(a, DATA + 0x4000, (uint32_t)n), buf, n);
	add(a, VIRTIO_NET_TXQ, DATA + 0x4000, (uint32_t)n, false);
	kick(a, VIRTIO_NET_TXQ);
	used(a, VIRTIO_NET_TXQ, 0, 0);
	n = frame(buf, 50, 0x60);
	memcpy(gp(a, DATA + 0x5000, (uint32_t)n), buf, n);
	a->port.tx_err = -EAGAIN;
	*tx_head = add(a, VIRTIO_NET_TXQ, DATA + 0x5000, (uint32_t)n, false);
	kick(a, VIRTIO_NET_TXQ);
	assert_true(a->net.tx_have);
	used(a, VIRTIO_NET_TXQ, -1, 0);
	return a;
}

/* A fresh device on a copy of a's RAM, its driver's rings as a's. */
static struct pf *fresh_copy(struct pf *a)
{
	struct pf *b = pf_new(OFFL);
	uint64_t ram = 16ull << 20;
	assert_int_equal(gm_write(&b->gm, 0, gm_ptr(&a->gm, 0, ram), ram), 0);
	for (unsigned q = 0; q < 2; q++) {
		b->q[q] = a->q[q];
		b->q[q].mem = &b->gm;
	}
	b->irqs = a->irqs;
	return b;
}

static void test_round_trip(void **state)
{
	(void)state;
	int rxh, txh;
	struct pf *a = running(&rxh, &txh);
	uint8_t blob[BLOB_MAX];
	size_t n = save(a, blob);
	assert_true(a->net.rx_have && a->net.tx_have); /* save left them */
	struct pf *b = fresh_copy(a);
	struct st_reader r;
	st_reader_init(&r, blob, n);
	assert_int_equal(virtio_net_restore(&b->net, &r), 0);
	assert_int_equal(st_reader_end(&r), 0);
	assert_true(virtio_mmio_active(&b->m));
	assert_int_equal(b->port.offl, TUN_F_CSUM | TUN_F_TSO4);
	assert_true(b->port.want);

	/* The port takes sends again: both re-send the held chain. */
	a->port.tx_err = 0;
	kick(a, VIRTIO_NET_TXQ);
	kick(b, VIRTIO_NET_TXQ);
	used(a, VIRTIO_NET_TXQ, txh, 0);
	used(b, VIRTIO_NET_TXQ, txh, 0);
	assert_int_equal(a->port.ntx, 2);
	assert_int_equal(b->port.ntx, 1);
	assert_int_equal(a->port.tx_len[1], b->port.tx_len[0]);
	assert_memory_equal(a->port.tx[1], b->port.tx[0], a->port.tx_len[1]);
	/* A frame arrives: both put it in the chain A held. */
	fake_put(a, 64, 0x90);
	fake_put(b, 64, 0x90);
	port_readable(a);
	port_readable(b);
	used(a, VIRTIO_NET_RXQ, rxh, HDR + 64);
	used(b, VIRTIO_NET_RXQ, rxh, HDR + 64);
	assert_memory_equal(gp(a, DATA + 0x1000, HDR + 64),
			    gp(b, DATA + 0x1000, HDR + 64), HDR + 64);
	assert_int_equal(a->irqs, b->irqs);
	teardown((void **)&a);
	teardown((void **)&b);
}

/* b refuses blob[0, n) and stays the fresh device it was. */
static void refused(struct pf *b, const uint8_t *blob, size_t n)
{
	struct st_reader r;
	st_reader_init(&r, blob, n);
	assert_int_equal(virtio_net_restore(&b->net, &r), -EINVAL);
	assert_false(virtio_mmio_active(&b->m));
	assert_int_equal(b->port.set_calls, 0);
	assert_int_equal(b->port.want_calls, 0);
}

static void test_refused(void **state)
{
	(void)state;
	int rxh, txh;
	struct pf *a = running(&rxh, &txh);
	uint8_t blob[BLOB_MAX];
	size_t n = save(a, blob);
	struct pf *b = pf_new(OFFL);
	refused(b, blob, n / 2);
	refused(b, blob, n - 1);
	blob[0] ^= 1;
	refused(b, blob, n);
	blob[0] ^= 1;
	blob[ST_HDR_LEN + 5] ^= 1; /* the MAC's last byte */
	refused(b, blob, n);
	blob[ST_HDR_LEN + 5] ^= 1;
	/* A port that refuses the offloads: taken, then NEEDS_RESET. */
	b->port.set_ret = -EINVAL;
	struct st_reader r;
	st_reader_init(&r, blob, n);
	assert_int_equal(virtio_net_restore(&b->net, &r), 0);
	assert_true(needs_reset(b));
	teardown((void **)&a);
	teardown((void **)&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
