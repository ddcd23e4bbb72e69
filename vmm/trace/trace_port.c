/* SPDX-License-Identifier: Apache-2.0 */
/* The frame port of a traced run; see trace_port.h. */
#include "vmm/trace/trace_port.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/trace/trace.h"

struct tport_frame {
	struct tport_frame *next;
	size_t len;
	uint8_t data[];
};

static struct tport *tport_of(struct net_port *p)
{
	return (struct tport *)((char *)p - offsetof(struct tport, port));
}

static void tport_free_list(struct tport_frame *f)
{
	while (f) {
		struct tport_frame *next = f->next;

		free(f);
		f = next;
	}
}

static void tport_append(struct tport_frame **head, struct tport_frame **tail,
			 struct tport_frame *f)
{
	f->next = NULL;
	if (*tail)
		(*tail)->next = f;
	else
		*head = f;
	*tail = f;
}

static size_t tport_iov_len(const struct iovec *iov, unsigned n)
{
	size_t len = 0;

	for (unsigned i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

static ssize_t tport_send(struct net_port *p, const struct iovec *iov,
			  unsigned n)
{
	struct tport *t = tport_of(p);
	size_t len = tport_iov_len(iov, n), off = 0;
	struct tport_frame *f;

	if (len > TRACE_FRAME_MAX)
		return -EMSGSIZE;
	if (t->tx_bytes + len + TPORT_OVERHEAD > TPORT_TX_MAX)
		return -EAGAIN;
	f = malloc(sizeof(*f) + len);
	if (!f)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		if (iov[i].iov_len)
			memcpy(f->data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	f->len = len;
	tport_append(&t->tx_head, &t->tx_tail, f);
	t->tx_bytes += len + TPORT_OVERHEAD;
	return (ssize_t)len;
}

static ssize_t tport_recv(struct net_port *p, const struct iovec *iov,
			  unsigned n)
{
	struct tport *t = tport_of(p);
	struct tport_frame *f = t->rx_head;
	size_t off = 0;

	if (!f)
		return -EAGAIN;
	for (unsigned i = 0; i < n && off < f->len; i++) {
		size_t m = f->len - off;

		if (m > iov[i].iov_len)
			m = iov[i].iov_len;
		if (m)
			memcpy(iov[i].iov_base, f->data + off, m);
		off += m;
	}
	t->rx_head = f->next;
	if (!t->rx_head)
		t->rx_tail = NULL;
	t->rx_bytes -= f->len + TPORT_OVERHEAD;
	free(f);
	return (ssize_t)off;
}

static void tport_want_rx(struct net_port *p, bool want)
{
	struct tport *t = tport_of(p);

	if (t->want)
		t->want(t->opaque, want);
}

static int tport_set_offloads(struct net_port *p, unsigned tun_flags)
{
	return tun_flags & ~p->offloads ? -EINVAL : 0;
}

static const struct net_port_ops tport_ops = {
    .send = tport_send,
    .recv = tport_recv,
    .want_rx = tport_want_rx,
    .set_offloads = tport_set_offloads,
};

void tport_init(struct tport *t, unsigned offloads,
		void (*want)(void *opaque, bool want), void *opaque)
{
	memset(t, 0, sizeof(*t));
	t->port.ops = &tport_ops;
	t->port.offloads = offloads;
	t->want = want;
	t->opaque = opaque;
}

void tport_destroy(struct tport *t)
{
	tport_free_list(t->rx_head);
	tport_free_list(t->tx_head);
	t->rx_head = t->rx_tail = t->tx_head = t->tx_tail = NULL;
	t->rx_bytes = t->tx_bytes = 0;
}

int tport_push_rx(struct tport *t, const void *frame, size_t len)
{
	struct tport_frame *f;

	if (t->rx_bytes + len + TPORT_OVERHEAD > TPORT_RX_MAX)
		return -ENOBUFS;
	f = malloc(sizeof(*f) + len);
	if (!f)
		return -ENOMEM;
	if (len)
		memcpy(f->data, frame, len);
	f->len = len;
	tport_append(&t->rx_head, &t->rx_tail, f);
	t->rx_bytes += len + TPORT_OVERHEAD;
	return 0;
}

bool tport_rx_ready(const struct tport *t)
{
	return t->rx_head != NULL;
}

size_t tport_take_tx(struct tport *t,
		     void (*fn)(void *opaque, const uint8_t *frame, size_t len),
		     void *opaque)
{
	size_t count = 0;

	while (t->tx_head) {
		struct tport_frame *f = t->tx_head;

		t->tx_head = f->next;
		fn(opaque, f->data, f->len);
		free(f);
		count++;
	}
	t->tx_tail = NULL;
	t->tx_bytes = 0;
	return count;
}
