/* SPDX-License-Identifier: Apache-2.0 */
/* An in-memory stream port; see memstream.h. */
#include "fuzz/memstream.h"

#include <errno.h>
#include <string.h>

#include "fuzz/fuzz.h"

static struct memstream *ms_of(struct vsock_port *p)
{
	return (struct memstream *)((char *)p -
				    offsetof(struct memstream, port));
}

static struct memstream_conn *ms_conn(struct vsock_port *p, int h)
{
	FUZZ_CHECK(h >= 0 && h < VSOCK_PORT_MAX_CONNS);
	struct memstream_conn *c = &ms_of(p)->c[h];
	FUZZ_CHECK(c->open);
	return c;
}

static int ms_connect(struct vsock_port *p, uint32_t port)
{
	struct memstream *m = ms_of(p);
	(void)port;
	if (m->connect_err)
		return m->connect_err;
	for (int h = 0; h < VSOCK_PORT_MAX_CONNS; h++)
		if (!m->c[h].open) {
			memset(&m->c[h], 0, sizeof(m->c[h]));
			m->c[h].open = true;
			m->c[h].room = 4096;
			return h;
		}
	return -EBUSY;
}

static void ms_accepted(struct vsock_port *p, int h, uint32_t local)
{
	struct memstream_conn *c = ms_conn(p, h);
	FUZZ_CHECK(c->pending && local >= (1u << 30));
	c->pending = false;
}

static ssize_t ms_send(struct vsock_port *p, int h, const struct iovec *iov,
		       unsigned n)
{
	struct memstream_conn *c = ms_conn(p, h);
	FUZZ_CHECK(!c->pending);
	if (c->err)
		return -c->err;
	size_t took = 0;
	for (unsigned i = 0; i < n; i++) {
		FUZZ_CHECK(iov[i].iov_len == 0 || iov[i].iov_base);
		took += iov[i].iov_len;
	}
	if (took > c->room)
		took = c->room;
	c->room -= took;
	ms_of(p)->sent += took;
	return took ? (ssize_t)took : -EAGAIN;
}

static ssize_t ms_recv(struct vsock_port *p, int h, const struct iovec *iov,
		       unsigned n)
{
	struct memstream_conn *c = ms_conn(p, h);
	FUZZ_CHECK(!c->pending);
	if (c->err)
		return -c->err;
	size_t got = 0;
	for (unsigned i = 0; i < n && c->in_pos < c->in_len; i++) {
		size_t k = c->in_len - c->in_pos;
		if (k > iov[i].iov_len)
			k = iov[i].iov_len;
		memcpy(iov[i].iov_base, c->in + c->in_pos, k);
		c->in_pos += k;
		got += k;
	}
	if (got)
		return (ssize_t)got;
	return c->eof ? 0 : -EAGAIN;
}

static void ms_want(struct vsock_port *p, int h, bool rx, bool tx)
{
	(void)rx, (void)tx;
	FUZZ_CHECK(!ms_conn(p, h)->pending);
}

static void ms_shutdown(struct vsock_port *p, int h)
{
	FUZZ_CHECK(!ms_conn(p, h)->pending);
}

static void ms_close(struct vsock_port *p, int h)
{
	memset(ms_conn(p, h), 0, sizeof(struct memstream_conn));
}

static const struct vsock_port_ops ms_ops = {
    .connect = ms_connect,
    .accepted = ms_accepted,
    .send = ms_send,
    .recv = ms_recv,
    .want = ms_want,
    .shutdown_send = ms_shutdown,
    .close = ms_close,
};

void memstream_init(struct memstream *m)
{
	memset(m, 0, sizeof(*m));
	m->port.ops = &ms_ops;
}

bool memstream_host_open(struct memstream *m, int h)
{
	if (m->c[h].open)
		return false;
	memset(&m->c[h], 0, sizeof(m->c[h]));
	m->c[h].open = m->c[h].pending = true;
	m->c[h].room = 4096;
	return true;
}

void memstream_drop(struct memstream *m, int h)
{
	memset(&m->c[h], 0, sizeof(m->c[h]));
}

void memstream_feed(struct memstream *m, int h, const uint8_t *p, size_t n)
{
	struct memstream_conn *c = &m->c[h];
	if (c->in_pos == c->in_len)
		c->in_pos = c->in_len = 0;
	if (n > MEMSTREAM_IN - c->in_len)
		n = MEMSTREAM_IN - c->in_len;
	memcpy(c->in + c->in_len, p, n);
	c->in_len += n;
}
