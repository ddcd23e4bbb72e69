/* SPDX-License-Identifier: Apache-2.0 */
#include "fuzz/memport.h"

#include <errno.h>
#include <string.h>

#include "devices/virtio/net.h"
#include "fuzz/fuzz.h"

static struct memport *memport_of(struct net_port *p)
{
	return (struct memport *)p; /* port is the first member */
}

static ssize_t memport_send(struct net_port *p, const struct iovec *iov,
			    unsigned n)
{
	size_t len = 0;

	(void)p;
	for (unsigned i = 0; i < n; i++)
		len += iov[i].iov_len;
	FUZZ_CHECK(len >= 12 && len <= 12 + VIRTIO_NET_MAX_FRAME);
	return (ssize_t)len;
}

static ssize_t memport_recv(struct net_port *p, const struct iovec *iov,
			    unsigned n)
{
	struct memport *m = memport_of(p);
	size_t off = 0, len;

	if (!m->count)
		return -EAGAIN;
	len = m->rx_len[m->head];
	for (unsigned i = 0; i < n && off < len; i++) {
		size_t k =
		    len - off < iov[i].iov_len ? len - off : iov[i].iov_len;
		memcpy(iov[i].iov_base, m->rx[m->head] + off, k);
		off += k;
	}
	m->head = (m->head + 1) % MEMPORT_FRAMES;
	m->count--;
	return (ssize_t)off;
}

static void memport_want_rx(struct net_port *p, bool want)
{
	memport_of(p)->want = want;
}

static int memport_set_offloads(struct net_port *p, unsigned tun)
{
	FUZZ_CHECK((tun & ~p->offloads) == 0);
	memport_of(p)->cur = tun;
	return 0;
}

static const struct net_port_ops memport_ops = {
    .send = memport_send,
    .recv = memport_recv,
    .want_rx = memport_want_rx,
    .set_offloads = memport_set_offloads,
};

void memport_init(struct memport *m, unsigned tun)
{
	memset(m, 0, sizeof(*m));
	m->port.ops = &memport_ops;
	m->port.offloads = tun;
}

void memport_offer(struct memport *m, const uint8_t *p, size_t len)
{
	if (m->count == MEMPORT_FRAMES)
		return;
	unsigned i = (m->head + m->count) % MEMPORT_FRAMES;
	if (len > MEMPORT_FRAME)
		len = MEMPORT_FRAME;
	memcpy(m->rx[i], p, len);
	m->rx_len[i] = len;
	m->count++;
}
