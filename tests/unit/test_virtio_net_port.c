/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for virtio-net's seam to its backend: the device driven
 * through the virtio-mmio registers over an in-memory fake frame port
 * (devices/net_port.h) that records what the device sends, hands it
 * scripted frames and results, and counts every call. */
#include "net_port_fixture.h"

/* A frame each way: the port gets exactly the guest's bytes, the guest
 * exactly the port's (num_buffers set to 1). */
static void test_frames(void **state)
{
	struct pf *f = *state;
	uint8_t want[FMAX];
	size_t n = frame(gp(f, DATA, FMAX), 100, 3);
	int h;

	assert_int_equal(start(f, 0) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	assert_true(f->port.want);
	h = add(f, 1, DATA, (uint32_t)n, false);
	kick(f, 1);
	used(f, 1, h, 0);
	assert_int_equal(f->port.ntx, 1);
	assert_int_equal(f->port.tx_len[0], n);
	frame(want, 100, 3);
	assert_memory_equal(f->port.tx[0], want, n);
	assert_int_equal(f->net.tx_frames, 1);

	n = fake_put(f, 60, 9);
	h = add(f, 0, DATA + 0x1000, 1526, true);
	port_readable(f);
	used(f, 0, h, (uint32_t)n);
	frame(want, 60, 9);
	want[10] = 1; /* num_buffers */
	assert_memory_equal(gp(f, DATA + 0x1000, (uint32_t)n), want, n);
	assert_int_equal(f->net.rx_frames, 1);
	assert_int_equal(f->net.rx_bytes, n);
	assert_false(f->port.want); /* no buffers left */
	assert_int_equal(f->irqs, 2);
}

/* -EAGAIN keeps the chain: nothing returned, counted in tx_again; the
 * next transmitq notification sends that chain first. Another error
 * drops the frame (returned, tx_dropped). */
static void test_tx_again(void **state)
{
	struct pf *f = *state;
	size_t n1 = frame(gp(f, DATA, FMAX), 20, 1);
	size_t n2 = frame(gp(f, DATA + 0x1000, FMAX), 30, 2);
	uint8_t want[FMAX];
	int h1, h2, h3;

	start(f, 0);
	f->port.tx_err = -EAGAIN;
	h1 = add(f, 1, DATA, (uint32_t)n1, false);
	kick(f, 1);
	used(f, 1, -1, 0);
	assert_int_equal(f->net.tx_again, 1);
	assert_int_equal(f->port.send_calls, 1);
	h2 = add(f, 1, DATA + 0x1000, (uint32_t)n2, false);
	kick(f, 1); /* still full: the first chain is tried, no other */
	used(f, 1, -1, 0);
	assert_int_equal(f->port.send_calls, 2);
	assert_int_equal(f->net.tx_again, 2);
	f->port.tx_err = 0;
	kick(f, 1);
	used(f, 1, h1, 0);
	used(f, 1, h2, 0);
	assert_int_equal(f->port.ntx, 2);
	frame(want, 20, 1);
	assert_int_equal(f->port.tx_len[0], n1);
	assert_memory_equal(f->port.tx[0], want, n1);
	assert_int_equal(f->port.tx_len[1], n2);
	assert_int_equal(f->net.tx_frames, 2);
	assert_int_equal(f->net.tx_dropped, 0);

	f->port.tx_err = -EINVAL;
	h3 = add(f, 1, DATA, (uint32_t)n1, false);
	kick(f, 1);
	used(f, 1, h3, 0);
	assert_int_equal(f->net.tx_dropped, 1);
	assert_int_equal(f->net.tx_frames, 2);
	assert_false(needs_reset(f));
}

/* A recv error (then an end of file) is counted in tap_errors and stops
 * receive (want_rx(false)), the chain kept, until the next receiveq
 * notification, which reads again. */
static void test_rx_error(void **state)
{
	struct pf *f = *state;
	size_t n;
	int h;

	start(f, 0);
	n = fake_put(f, 40, 5);
	f->port.rx_err = -EIO;
	h = add(f, 0, DATA, 1526, true);
	port_readable(f);
	used(f, 0, -1, 0);
	assert_int_equal(f->net.tap_errors, 1);
	assert_int_equal(f->port.recv_calls, 1);
	assert_false(f->port.want);
	assert_false(needs_reset(f));
	kick(f, 0); /* the receiveq notification: read again */
	used(f, 0, h, (uint32_t)n);
	assert_int_equal(f->net.rx_frames, 1);
	assert_int_equal(gp(f, DATA + HDR, 1)[0], 5);

	/* recv returns 0: an end of file stops receive too. */
	h = add(f, 0, DATA, 1526, true);
	f->port.rx_eof = true;
	port_readable(f);
	assert_int_equal(f->net.tap_errors, 2);
	assert_false(f->port.want);
	used(f, 0, -1, 0);
	n = fake_put(f, 10, 7);
	kick(f, 0);
	used(f, 0, h, (uint32_t)n);
	assert_int_equal(f->net.rx_frames, 2);
}

/* set_offloads follows the GUEST_* features the driver acks (only on
 * changes); a port that refuses them fails the activation. */
static void test_offloads(void **state)
{
	const unsigned all = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	void *s = pf_new(all);
	struct pf *f = s;

	assert_true(f->net.dev.host_features & F(VIRTIO_NET_F_GUEST_TSO6));
	start(f, F(VIRTIO_NET_F_GUEST_CSUM));
	assert_false(needs_reset(f));
	assert_int_equal(f->port.set_calls, 1);
	assert_int_equal(f->port.offl, TUN_F_CSUM);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	start(f, F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO4));
	assert_int_equal(f->port.set_calls, 2);
	assert_int_equal(f->port.offl, TUN_F_CSUM | TUN_F_TSO4);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	start(f, F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO4));
	assert_int_equal(f->port.set_calls, 2); /* unchanged: no call */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	/* Host offloads only: the port is set back to none. */
	start(f, F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO6));
	assert_false(needs_reset(f));
	assert_int_equal(f->port.set_calls, 3);
	assert_int_equal(f->port.offl, 0);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	f->port.set_ret = -EINVAL;
	start(f, F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO6));
	assert_true(needs_reset(f));
	assert_int_equal(f->port.set_calls, 4);
	assert_false(f->port.want);
	teardown(&s);

	/* A port without offloads: none offered. */
	s = pf_new(0);
	f = s;
	assert_int_equal(
	    f->net.dev.host_features &
		(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM)),
	    0);
	teardown(&s);
	(void)state;
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_frames),
	    T(test_tx_again),
	    T(test_rx_error),
	    cmocka_unit_test(test_offloads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
