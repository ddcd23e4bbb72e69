// SPDX-License-Identifier: Apache-2.0
/* virtio-vsock's connections: lookup, credit, the host-bound buffer, the
 * control ring; see vsock.h and vsock_int.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_vsock.h>

#include "devices/virtio/vsock_int.h"
#include "vmm/base/log.h"

#define ALLOC VIRTIO_VSOCK_BUF_ALLOC

struct vsock_conn *vsock_conn_find(struct virtio_vsock *v, uint32_t local,
				   uint32_t peer)
{
	for (unsigned i = 0; i < VSOCK_PORT_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];
		if (c->state != VSOCK_CONN_FREE && c->local_port == local &&
		    c->peer_port == peer)
			return c;
	}
	return NULL;
}

int vsock_conn_handle(const struct virtio_vsock *v, const struct vsock_conn *c)
{
	return (int)(c - v->conns);
}

uint32_t vsock_conn_credit(const struct vsock_conn *c)
{
	uint32_t used = c->rx_cnt - c->peer_fwd_cnt;
	return used >= c->peer_buf_alloc ? 0 : c->peer_buf_alloc - used;
}

void vsock_conn_sync_want(struct virtio_vsock *v, struct vsock_conn *c)
{
	bool open = c->state == VSOCK_CONN_OPEN;
	bool rx = open && !c->readable && !c->guest_no_recv && !c->host_eof &&
		  vsock_conn_credit(c) > 0;
	bool tx = open && c->buf_len > 0;
	if (rx == c->want_rx && tx == c->want_tx)
		return;
	c->want_rx = rx;
	c->want_tx = tx;
	v->port->ops->want(v->port, vsock_conn_handle(v, c), rx, tx);
}

void vsock_conn_close(struct virtio_vsock *v, struct vsock_conn *c)
{
	v->port->ops->close(v->port, vsock_conn_handle(v, c));
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

void vsock_conn_reset(struct virtio_vsock *v, struct vsock_conn *c)
{
	vsock_ctrl_push(v, VIRTIO_VSOCK_OP_RST, 0, c->local_port, c->peer_port);
	vsock_conn_close(v, c);
}

void vsock_ctrl_push(struct virtio_vsock *v, uint16_t op, uint32_t flags,
		     uint32_t local, uint32_t peer)
{
	if (v->ctrl_len == VIRTIO_VSOCK_CTRL_MAX) {
		if (!v->ctrl_dropped++)
			log_limited(v->dev.log, LOG_WARN,
				    "%s: control ring full (the guest posts no "
				    "rx buffers): packets dropped",
				    v->dev.name);
		return;
	}
	unsigned at = (v->ctrl_head + v->ctrl_len) % VIRTIO_VSOCK_CTRL_MAX;
	v->ctrl[at] = (struct vsock_ctrl){
	    .op = op, .flags = flags, .local_port = local, .peer_port = peer};
	v->ctrl_len++;
}

void vsock_conn_credit_check(struct virtio_vsock *v, struct vsock_conn *c,
			     bool force)
{
	uint32_t freed = c->fwd_cnt - c->fwd_told;
	if (c->credit_due || c->state != VSOCK_CONN_OPEN ||
	    (!force && freed < ALLOC / 4))
		return;
	c->credit_due = true;
	vsock_ctrl_push(v, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, c->local_port,
			c->peer_port);
}

/* Copy iov's bytes after the first `skip` into c's ring buffer (room
 * checked by the caller). */
static void buf_put(struct vsock_conn *c, const struct iovec *iov, unsigned n,
		    size_t skip)
{
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *p = iov[i].iov_base;
		size_t len = iov[i].iov_len;
		if (skip >= len) {
			skip -= len;
			continue;
		}
		p += skip;
		len -= skip;
		skip = 0;
		while (len) {
			uint32_t at = (c->buf_head + c->buf_len) % ALLOC;
			size_t m = ALLOC - at < len ? ALLOC - at : len;
			memcpy(c->buf + at, p, m);
			c->buf_len += (uint32_t)m;
			p += m;
			len -= m;
		}
	}
}

static void port_broken(struct virtio_vsock *v, struct vsock_conn *c, ssize_t e)
{
	if (!v->port_errors++)
		log_limited(v->dev.log, LOG_WARN,
			    "%s: host stream of port %u: %s; connection reset",
			    v->dev.name, c->local_port, strerror((int)-e));
	vsock_conn_reset(v, c);
}

void vsock_conn_write(struct virtio_vsock *v, struct vsock_conn *c,
		      const struct iovec *iov, unsigned n, uint32_t len)
{
	if (c->guest_no_send || len > ALLOC - (c->tx_cnt - c->fwd_cnt)) {
		v->bad_packets++; /* after its shutdown, or over credit */
		vsock_conn_reset(v, c);
		return;
	}
	ssize_t sent = 0;
	if (!c->buf_len && len) {
		sent = v->port->ops->send(v->port, vsock_conn_handle(v, c), iov,
					  n);
		if (sent == -EAGAIN)
			sent = 0;
		if (sent < 0 || (size_t)sent > len) {
			port_broken(v, c, sent < 0 ? sent : -EIO);
			return;
		}
	}
	c->tx_cnt += len;
	c->fwd_cnt += (uint32_t)sent;
	if ((uint32_t)sent < len) {
		if (!c->buf && !(c->buf = malloc(ALLOC))) {
			port_broken(v, c, -ENOMEM);
			return;
		}
		buf_put(c, iov, n, (size_t)sent);
	}
	vsock_conn_credit_check(v, c, false);
	vsock_conn_sync_want(v, c);
}

/* The guest asked for a shutdown and the buffer is empty: end the host's
 * read side; both sides shut: the connection is over (RST). */
static bool conn_settle(struct virtio_vsock *v, struct vsock_conn *c)
{
	if (c->buf_len || !c->guest_no_send)
		return false;
	if (c->guest_no_recv) {
		vsock_conn_reset(v, c);
		return true;
	}
	if (!c->port_shut) {
		c->port_shut = true;
		v->port->ops->shutdown_send(v->port, vsock_conn_handle(v, c));
	}
	return false;
}

void vsock_conn_flush(struct virtio_vsock *v, struct vsock_conn *c)
{
	while (c->buf_len) {
		uint32_t first = ALLOC - c->buf_head;
		if (first > c->buf_len)
			first = c->buf_len;
		struct iovec iov[2] = {
		    {.iov_base = c->buf + c->buf_head, .iov_len = first},
		    {.iov_base = c->buf, .iov_len = c->buf_len - first}};
		ssize_t sent =
		    v->port->ops->send(v->port, vsock_conn_handle(v, c), iov,
				       iov[1].iov_len ? 2 : 1);
		if (sent == -EAGAIN)
			break;
		if (sent <= 0 || (uint32_t)sent > c->buf_len) {
			port_broken(v, c, sent < 0 ? sent : -EIO);
			return;
		}
		c->buf_head = (c->buf_head + (uint32_t)sent) % ALLOC;
		c->buf_len -= (uint32_t)sent;
		c->fwd_cnt += (uint32_t)sent;
	}
	if (conn_settle(v, c))
		return;
	vsock_conn_credit_check(v, c, false);
	vsock_conn_sync_want(v, c);
}

void vsock_conn_close_all(struct virtio_vsock *v)
{
	for (unsigned i = 0; i < VSOCK_PORT_MAX_CONNS; i++)
		if (v->conns[i].state != VSOCK_CONN_FREE)
			vsock_conn_close(v, &v->conns[i]);
	v->ctrl_head = v->ctrl_len = 0;
}
