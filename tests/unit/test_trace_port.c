/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the frame port of traced runs (vmm/trace/trace_port.c):
 * frames queued for recv come out whole, in order, cut to the buffers
 * given; the queue and the pending sends are bounded; sent frames come
 * back in order from tport_take_tx; want_rx and set_offloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <linux/if_tun.h>

#include "vmm/trace/trace.h"
#include "vmm/trace/trace_port.h"

struct taken {
	uint8_t data[2][64];
	size_t len[2];
	unsigned n;
};

static void take(void *opaque, const uint8_t *frame, size_t len)
{
	struct taken *t = opaque;

	assert_true(t->n < 2 && len <= sizeof(t->data[0]));
	memcpy(t->data[t->n], frame, len);
	t->len[t->n++] = len;
}

static unsigned wants, want_last;

static void want(void *opaque, bool w)
{
	assert_ptr_equal(opaque, &wants);
	wants++;
	want_last = w;
}

static void test_rx(void **state)
{
	struct tport t;
	uint8_t a[8] = "abcdefg", got[8], spare;
	struct iovec iov[2] = {{got, 3}, {got + 3, 2}};
	struct iovec one = {&spare, 1};
	ssize_t r;

	tport_init(&t, 0, NULL, NULL);
	assert_false(tport_rx_ready(&t));
	assert_int_equal(t.port.ops->recv(&t.port, iov, 2), -EAGAIN);
	assert_int_equal(tport_push_rx(&t, a, 4), 0);
	assert_int_equal(tport_push_rx(&t, a + 1, 7), 0);
	assert_int_equal(tport_push_rx(&t, a, 0), 0);
	assert_true(tport_rx_ready(&t));
	r = t.port.ops->recv(&t.port, iov, 2);
	assert_int_equal(r, 4);
	assert_memory_equal(got, "abcd", 4);
	/* Longer than the buffers: cut, the rest gone. */
	r = t.port.ops->recv(&t.port, iov, 2);
	assert_int_equal(r, 5);
	assert_memory_equal(got, "bcdef", 5);
	/* An empty frame reads as 0 (end of file to the device). */
	assert_int_equal(t.port.ops->recv(&t.port, &one, 1), 0);
	assert_false(tport_rx_ready(&t));
	assert_int_equal(t.port.ops->recv(&t.port, &one, 1), -EAGAIN);
	tport_destroy(&t);
	(void)state;
}

static void test_rx_full(void **state)
{
	static uint8_t big[TRACE_FRAME_MAX];
	struct tport t;
	unsigned n = 0;

	tport_init(&t, 0, NULL, NULL);
	while (tport_push_rx(&t, big, sizeof(big)) == 0)
		n++;
	assert_int_equal(n, TPORT_RX_MAX / (sizeof(big) + TPORT_OVERHEAD));
	assert_int_equal(tport_push_rx(&t, big, sizeof(big)), -ENOBUFS);
	tport_destroy(&t);
	assert_false(tport_rx_ready(&t));
	assert_int_equal(tport_push_rx(&t, big, sizeof(big)), 0);
	tport_destroy(&t);
	(void)state;
}

static void test_tx(void **state)
{
	static uint8_t big[TRACE_FRAME_MAX + 1];
	struct tport t;
	struct taken k = {.n = 0};
	struct iovec iov[2] = {{(void *)"head", 4}, {(void *)"tail", 4}};
	struct iovec b = {big, sizeof(big)};
	unsigned n = 0;

	tport_init(&t, TUN_F_CSUM, want, &wants);
	assert_int_equal(t.port.ops->send(&t.port, iov, 2), 8);
	assert_int_equal(t.port.ops->send(&t.port, iov + 1, 1), 4);
	assert_int_equal(t.port.ops->send(&t.port, &b, 1), -EMSGSIZE);
	assert_int_equal(tport_take_tx(&t, take, &k), 2);
	assert_int_equal(k.len[0], 8);
	assert_memory_equal(k.data[0], "headtail", 8);
	assert_int_equal(k.len[1], 4);
	assert_memory_equal(k.data[1], "tail", 4);
	assert_int_equal(tport_take_tx(&t, take, &k), 0);
	/* Bounded per event: -EAGAIN until the sends are taken. */
	b.iov_len = TRACE_FRAME_MAX;
	while (t.port.ops->send(&t.port, &b, 1) == TRACE_FRAME_MAX)
		n++;
	assert_int_equal(n, TPORT_TX_MAX / (TRACE_FRAME_MAX + TPORT_OVERHEAD));
	assert_int_equal(t.port.ops->send(&t.port, &b, 1), -EAGAIN);
	k.n = 0;
	tport_destroy(&t);
	assert_int_equal(t.port.ops->send(&t.port, iov, 1), 4);
	assert_int_equal(tport_take_tx(&t, take, &k), 1);
	/* want_rx goes to the owner; offloads: subsets of the init's. */
	t.port.ops->want_rx(&t.port, true);
	assert_true(wants == 1 && want_last);
	assert_int_equal(t.port.ops->set_offloads(&t.port, TUN_F_CSUM), 0);
	assert_int_equal(t.port.ops->set_offloads(&t.port, 0), 0);
	assert_int_equal(t.port.ops->set_offloads(&t.port, TUN_F_TSO4),
			 -EINVAL);
	tport_destroy(&t);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rx),
	    cmocka_unit_test(test_rx_full),
	    cmocka_unit_test(test_tx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
