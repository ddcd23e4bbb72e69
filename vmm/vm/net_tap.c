/* SPDX-License-Identifier: Apache-2.0 */
/* A frame port over a tap fd; see net_tap.h. */
#include "vmm/vm/net_tap.h"

#include <errno.h>
#include <stddef.h>
#include <sys/uio.h>

#include "vmm/vm/tap.h"

static struct net_tap *net_tap_of(struct net_port *p)
{
	return (struct net_tap *)((char *)p - offsetof(struct net_tap, port));
}

/* -EAGAIN for either spelling of "would block". */
static ssize_t net_tap_ret(ssize_t r)
{
	if (r >= 0)
		return r;
	return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

static ssize_t net_tap_send(struct net_port *p, const struct iovec *iov,
			    unsigned n)
{
	struct net_tap *t = net_tap_of(p);
	ssize_t w;

	do {
		w = writev(t->fd, iov, (int)n);
	} while (w < 0 && errno == EINTR);
	return net_tap_ret(w);
}

static ssize_t net_tap_recv(struct net_port *p, const struct iovec *iov,
			    unsigned n)
{
	struct net_tap *t = net_tap_of(p);
	ssize_t r;

	do {
		r = readv(t->fd, iov, (int)n);
	} while (r < 0 && errno == EINTR);
	return net_tap_ret(r);
}

static void net_tap_want_rx(struct net_port *p, bool want)
{
	struct net_tap *t = net_tap_of(p);

	t->want(t->opaque, want);
}

static int net_tap_set_offloads(struct net_port *p, unsigned tun_flags)
{
	return tap_set_offloads(net_tap_of(p)->fd, tun_flags);
}

static const struct net_port_ops net_tap_ops = {
    .send = net_tap_send,
    .recv = net_tap_recv,
    .want_rx = net_tap_want_rx,
    .set_offloads = net_tap_set_offloads,
};

int net_tap_init(struct net_tap *t, int fd, unsigned offloads,
		 void (*want)(void *opaque, bool want), void *opaque)
{
	if (!t || fd < 0 || !want)
		return -EINVAL;
	t->port.ops = &net_tap_ops;
	t->port.offloads = offloads;
	t->fd = fd;
	t->want = want;
	t->opaque = opaque;
	return 0;
}
