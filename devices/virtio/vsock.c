// SPDX-License-Identifier: Apache-2.0
/* virtio-vsock over a stream port: queues and packets; see vsock.h. */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/virtio_ids.h>
#include <linux/virtio_vsock.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/vsock_int.h"

#define HDR VIRTIO_VSOCK_HDR_LEN
_Static_assert(sizeof(struct virtio_vsock_hdr) == HDR, "virtio_vsock_hdr");
/* What one rx pump does at most before it re-arms (vsock.h). */
#define RX_ROUNDS (4 * VIRTIO_VSOCK_QUEUE_SIZE)

enum { RX_NOBUF = 0, RX_SENT = 1, RX_IDLE = 2 };

static struct virtio_vsock *to_vsock(struct virtio_dev *d)
{
	return (struct virtio_vsock *)d; /* dev is the first member */
}

static void fail(struct virtio_vsock *v, int err, const char *why)
{
	if (v->dev.transport)
		virtio_mmio_fail(v->dev.transport, err, why);
}

static bool dev_up(const struct virtio_vsock *v)
{
	return v->dev.transport && virtio_mmio_active(v->dev.transport);
}

/* ---- device to guest ---- */

static void hdr_fill(const struct virtio_vsock *v, struct virtio_vsock_hdr *h,
		     const struct vsock_ctrl *k, uint32_t len,
		     struct vsock_conn *c)
{
	memset(h, 0, sizeof(*h));
	h->src_cid = htole64(VIRTIO_VSOCK_HOST_CID);
	h->dst_cid = htole64(v->guest_cid);
	h->src_port = htole32(k->local_port);
	h->dst_port = htole32(k->peer_port);
	h->len = htole32(len);
	h->type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	h->op = htole16(k->op);
	h->flags = htole32(k->flags);
	if (c) {
		h->buf_alloc = htole32(VIRTIO_VSOCK_BUF_ALLOC);
		h->fwd_cnt = htole32(c->fwd_cnt);
		c->fwd_told = c->fwd_cnt;
	}
}

/* An rx chain in v->rx_chain: RX_SENT-like 1, RX_NOBUF (notifications
 * armed), or -errno after reporting a violation. */
static int rx_get(struct virtio_vsock *v)
{
	if (v->rx_have)
		return 1;
	int got = vq_pop_or_arm(&v->vq[VIRTIO_VSOCK_RXQ], &v->rx_chain);
	if (got < 0) {
		fail(v, got, "vsock: bad rx chain");
		return got;
	}
	if (!got)
		return RX_NOBUF;
	if (v->rx_chain.nread || v->rx_chain.write_len < HDR) {
		fail(v, -EINVAL, "vsock: rx chain readable or under a header");
		return -EINVAL;
	}
	v->rx_have = true;
	return 1;
}

/* Write h into the held chain and return it with `len` payload bytes. */
static int rx_put(struct virtio_vsock *v, const struct virtio_vsock_hdr *h,
		  uint32_t len)
{
	struct virtqueue *vq = &v->vq[VIRTIO_VSOCK_RXQ];
	int e = vq_chain_write(vq, &v->rx_chain, 0, h, HDR);
	if (!e)
		e = vq_push(vq, v->rx_chain.head, HDR + len);
	v->rx_have = false;
	if (e) {
		fail(v, e, "vsock: cannot return an rx buffer");
		return e;
	}
	v->rx_packets++;
	v->rx_bytes += len;
	return RX_SENT;
}

static int rx_ctrl(struct virtio_vsock *v)
{
	int r = rx_get(v);
	if (r != 1)
		return r;
	struct vsock_ctrl k = v->ctrl[v->ctrl_head];
	v->ctrl_head = (v->ctrl_head + 1) % VIRTIO_VSOCK_CTRL_MAX;
	v->ctrl_len--;
	struct vsock_conn *c = vsock_conn_find(v, k.local_port, k.peer_port);
	if (c && k.op == VIRTIO_VSOCK_OP_CREDIT_UPDATE)
		c->credit_due = false;
	if (k.op == VIRTIO_VSOCK_OP_RST)
		v->resets_sent++;
	struct virtio_vsock_hdr h;
	hdr_fill(v, &h, &k, 0, c);
	return rx_put(v, &h, 0);
}

/* Read c's stream into an rx chain as one RW packet. A chain with room
 * for a header only carries a CREDIT_UPDATE for c instead: the guest's
 * odd buffers are used up, never waited on, so nothing spins on them. */
static int rx_data(struct virtio_vsock *v, struct vsock_conn *c)
{
	int r = rx_get(v);
	if (r != 1)
		return r;
	struct vsock_ctrl ck = {.op = VIRTIO_VSOCK_OP_RW,
				.local_port = c->local_port,
				.peer_port = c->peer_port};
	struct virtio_vsock_hdr h;
	uint32_t max = v->rx_chain.write_len - HDR,
		 credit = vsock_conn_credit(c);
	if (!max) {
		ck.op = VIRTIO_VSOCK_OP_CREDIT_UPDATE;
		hdr_fill(v, &h, &ck, 0, c);
		return rx_put(v, &h, 0);
	}
	if (max > credit)
		max = credit; /* > 0: rx_wants */
	if (max > VIRTIO_VSOCK_MAX_PKT)
		max = VIRTIO_VSOCK_MAX_PKT;
	struct iovec iov[VQ_MAX_SIZE];
	struct virtqueue *vq = &v->vq[VIRTIO_VSOCK_RXQ];
	int k = vq_chain_iov(vq, &v->rx_chain, true, HDR, max, iov);
	if (k <= 0) {
		fail(v, k ? k : -EINVAL,
		     "vsock: rx buffer outside guest memory");
		return k ? k : -EINVAL;
	}
	ssize_t n = v->port->ops->recv(v->port, vsock_conn_handle(v, c), iov,
				       (unsigned)k);
	if (n == -EAGAIN) {
		c->readable = false;
	} else if (n == 0) {
		c->host_eof = true; /* the host sends no more */
		vsock_ctrl_push(v, VIRTIO_VSOCK_OP_SHUTDOWN,
				VIRTIO_VSOCK_SHUTDOWN_SEND, c->local_port,
				c->peer_port);
	} else if (n < 0 || (size_t)n > max) {
		v->port_errors++;
		vsock_conn_reset(v, c);
		return RX_IDLE;
	} else {
		hdr_fill(v, &h, &ck, (uint32_t)n, c);
		c->rx_cnt += (uint32_t)n;
		r = rx_put(v, &h, (uint32_t)n);
		vsock_conn_sync_want(v, c);
		return r;
	}
	vsock_conn_sync_want(v, c);
	return RX_IDLE;
}

static bool rx_wants(const struct vsock_conn *c)
{
	return c->state == VSOCK_CONN_OPEN && c->readable &&
	       !c->guest_no_recv && !c->host_eof && vsock_conn_credit(c) > 0;
}

static struct vsock_conn *rx_next(struct virtio_vsock *v)
{
	for (unsigned i = 0; i < VSOCK_PORT_MAX_CONNS; i++) {
		unsigned k = (v->rr + i) % VSOCK_PORT_MAX_CONNS;
		if (rx_wants(&v->conns[k])) {
			v->rr = (k + 1) % VSOCK_PORT_MAX_CONNS;
			return &v->conns[k];
		}
	}
	return NULL;
}

/* Out of rounds with streams still readable: forget that they are, so
 * the port tells again (level-triggered) and nothing stalls. */
static void rx_rearm(struct virtio_vsock *v)
{
	for (unsigned i = 0; i < VSOCK_PORT_MAX_CONNS; i++)
		if (rx_wants(&v->conns[i])) {
			v->conns[i].readable = false;
			vsock_conn_sync_want(v, &v->conns[i]);
		}
}

static void rx_pump(struct virtio_vsock *v)
{
	bool pushed = false;
	if (!dev_up(v) || !v->vq[VIRTIO_VSOCK_RXQ].enabled)
		return;
	for (unsigned n = 0;; n++) {
		struct vsock_conn *c = v->ctrl_len ? NULL : rx_next(v);
		if (!v->ctrl_len && !c)
			break;
		if (n == RX_ROUNDS) {
			rx_rearm(v);
			break;
		}
		int r = c ? rx_data(v, c) : rx_ctrl(v);
		if (r == RX_SENT)
			pushed = true;
		else if (r != RX_IDLE)
			break;
	}
	if (pushed)
		virtio_mmio_signal_used(v->dev.transport, VIRTIO_VSOCK_RXQ);
}

static void ev_pump(struct virtio_vsock *v)
{
	struct virtqueue *vq = &v->vq[VIRTIO_VSOCK_EVQ];
	struct vq_chain *c = &v->ev_chain;
	if (!v->reset_due || !dev_up(v) || !vq->enabled)
		return;
	int got = vq_pop_or_arm(vq, c);
	if (got <= 0) {
		if (got < 0)
			fail(v, got, "vsock: bad event chain");
		return;
	}
	struct virtio_vsock_event ev = {
	    .id = htole32(VIRTIO_VSOCK_EVENT_TRANSPORT_RESET)};
	int e = c->nread ? -EINVAL : vq_chain_write(vq, c, 0, &ev, sizeof(ev));
	if (!e)
		e = vq_push(vq, c->head, sizeof(ev));
	if (e) {
		fail(v, e, "vsock: bad event buffer");
		return;
	}
	v->reset_due = false;
	virtio_mmio_signal_used(v->dev.transport, VIRTIO_VSOCK_EVQ);
}

/* ---- guest to device ---- */

/* A REQUEST for a pair with no connection: the port connects. */
static void tx_request(struct virtio_vsock *v, const struct virtio_vsock_hdr *h,
		       uint32_t local, uint32_t peer)
{
	int k = v->port->ops->connect(v->port, local);
	if (k >= VSOCK_PORT_MAX_CONNS || (k >= 0 && v->conns[k].state)) {
		v->port->ops->close(v->port, k); /* a port bug; refuse */
		k = -EBUSY;
	}
	if (k < 0) {
		v->conns_refused++;
		vsock_ctrl_push(v, VIRTIO_VSOCK_OP_RST, 0, local, peer);
		return;
	}
	struct vsock_conn *c = &v->conns[k];
	*c = (struct vsock_conn){.state = VSOCK_CONN_OPEN,
				 .local_port = local,
				 .peer_port = peer,
				 .peer_buf_alloc = le32toh(h->buf_alloc),
				 .peer_fwd_cnt = le32toh(h->fwd_cnt)};
	v->conns_opened++;
	vsock_ctrl_push(v, VIRTIO_VSOCK_OP_RESPONSE, 0, local, peer);
	vsock_conn_sync_want(v, c);
}

static void tx_open(struct virtio_vsock *v, struct vsock_conn *c,
		    const struct virtio_vsock_hdr *h, const struct iovec *iov,
		    unsigned n, uint32_t len)
{
	uint32_t flags = le32toh(h->flags);
	switch (le16toh(h->op)) {
	case VIRTIO_VSOCK_OP_RW:
		vsock_conn_write(v, c, iov, n, len);
		return;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
		break;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		vsock_conn_credit_check(v, c, true);
		break;
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		c->guest_no_recv |= !!(flags & VIRTIO_VSOCK_SHUTDOWN_RCV);
		c->guest_no_send |= !!(flags & VIRTIO_VSOCK_SHUTDOWN_SEND);
		vsock_conn_flush(v, c); /* settles once drained */
		return;
	case VIRTIO_VSOCK_OP_RST:
		vsock_conn_close(v, c);
		return;
	default: /* REQUEST, RESPONSE or unknown on an open connection */
		v->bad_packets++;
		vsock_conn_reset(v, c);
		return;
	}
	vsock_conn_sync_want(v, c);
}

/* One well-formed packet (header h, payload iov, len bytes). */
static void tx_packet(struct virtio_vsock *v, const struct virtio_vsock_hdr *h,
		      const struct iovec *iov, unsigned n, uint32_t len)
{
	uint32_t local = le32toh(h->dst_port), peer = le32toh(h->src_port);
	uint16_t op = le16toh(h->op);
	if (le64toh(h->src_cid) != v->guest_cid ||
	    le64toh(h->dst_cid) != VIRTIO_VSOCK_HOST_CID) {
		v->bad_packets++;
		return;
	}
	struct vsock_conn *c = vsock_conn_find(v, local, peer);
	if (le16toh(h->type) != VIRTIO_VSOCK_TYPE_STREAM) {
		v->bad_packets++;
		if (c)
			vsock_conn_reset(v, c);
		else if (op != VIRTIO_VSOCK_OP_RST)
			vsock_ctrl_push(v, VIRTIO_VSOCK_OP_RST, 0, local, peer);
		return;
	}
	if (!c) {
		if (op == VIRTIO_VSOCK_OP_REQUEST)
			tx_request(v, h, local, peer);
		else if (op != VIRTIO_VSOCK_OP_RST)
			vsock_ctrl_push(v, VIRTIO_VSOCK_OP_RST, 0, local, peer);
		return;
	}
	c->peer_buf_alloc = le32toh(h->buf_alloc);
	c->peer_fwd_cnt = le32toh(h->fwd_cnt);
	if (c->state == VSOCK_CONN_OPEN) {
		tx_open(v, c, h, iov, n, len);
	} else if (op == VIRTIO_VSOCK_OP_RESPONSE) {
		c->state = VSOCK_CONN_OPEN;
		v->conns_opened++;
		v->port->ops->accepted(v->port, vsock_conn_handle(v, c),
				       c->local_port);
		vsock_conn_sync_want(v, c);
	} else if (op == VIRTIO_VSOCK_OP_RST) {
		v->conns_refused++;
		vsock_conn_close(v, c);
	} else {
		v->bad_packets++;
		vsock_conn_reset(v, c);
	}
}

/* Check and carry out the chain in v->tx_chain: 0, or -errno (reported). */
static int tx_one(struct virtio_vsock *v)
{
	struct virtqueue *vq = &v->vq[VIRTIO_VSOCK_TXQ];
	const struct vq_chain *c = &v->tx_chain;
	struct virtio_vsock_hdr h;
	struct iovec iov[VQ_MAX_SIZE];
	int k = -EINVAL;

	if (c->nwrite || c->read_len < HDR) {
		fail(v, -EINVAL, "vsock: tx chain writable or under a header");
		return -EINVAL;
	}
	int e = vq_chain_read(vq, c, 0, &h, HDR); /* the one copy */
	uint32_t len = le32toh(h.len);
	if (!e && (len > VIRTIO_VSOCK_MAX_PKT || len > c->read_len - HDR))
		e = -EINVAL;
	if (!e)
		k = vq_chain_iov(vq, c, false, HDR, len, iov);
	if (k < 0) {
		fail(v, e ? e : k, "vsock: bad tx packet length or buffer");
		return e ? e : k;
	}
	v->tx_packets++;
	v->tx_bytes += len;
	tx_packet(v, &h, iov, (unsigned)k, len);
	e = vq_push(vq, c->head, 0);
	if (e)
		fail(v, e, "vsock: cannot return a tx buffer");
	return e;
}

static void tx_pump(struct virtio_vsock *v)
{
	bool pushed = false;
	for (;;) {
		int got = vq_pop_or_arm(&v->vq[VIRTIO_VSOCK_TXQ], &v->tx_chain);
		if (got < 0)
			fail(v, got, "vsock: bad tx chain");
		if (got != 1 || tx_one(v))
			break;
		pushed = true;
	}
	if (pushed)
		virtio_mmio_signal_used(v->dev.transport, VIRTIO_VSOCK_TXQ);
	rx_pump(v); /* answers and credit updates */
}

/* ---- entry points ---- */

int virtio_vsock_host_connect(struct virtio_vsock *v, int h,
			      uint32_t guest_port)
{
	if (h < 0 || h >= VSOCK_PORT_MAX_CONNS)
		return -EINVAL;
	if (!dev_up(v))
		return -ENOTCONN;
	if (v->conns[h].state || v->ctrl_len == VIRTIO_VSOCK_CTRL_MAX)
		return -EBUSY;
	uint32_t local = v->next_local;
	for (unsigned i = 0; i <= VSOCK_PORT_MAX_CONNS; i++, local++) {
		if (local < VIRTIO_VSOCK_LOCAL_BASE)
			local = VIRTIO_VSOCK_LOCAL_BASE;
		bool used = false;
		for (unsigned j = 0; j < VSOCK_PORT_MAX_CONNS; j++)
			used |= v->conns[j].state &&
				v->conns[j].local_port == local;
		if (!used)
			break;
	}
	v->next_local = local + 1;
	v->conns[h] = (struct vsock_conn){.state = VSOCK_CONN_CONNECTING,
					  .local_port = local,
					  .peer_port = guest_port};
	vsock_ctrl_push(v, VIRTIO_VSOCK_OP_REQUEST, 0, local, guest_port);
	rx_pump(v);
	return 0;
}

void virtio_vsock_ready(struct virtio_vsock *v, int h, bool rx, bool tx)
{
	if (h < 0 || h >= VSOCK_PORT_MAX_CONNS || !v->conns[h].state)
		return;
	struct vsock_conn *c = &v->conns[h];
	if (c->state == VSOCK_CONN_CONNECTING) {
		vsock_conn_reset(v, c); /* the host hung up before the guest
					 * answered */
	} else {
		if (tx)
			vsock_conn_flush(v, c);
		if (rx && c->state == VSOCK_CONN_OPEN) {
			c->readable = true;
			vsock_conn_sync_want(v, c);
		}
	}
	rx_pump(v);
}

static int sink_host_connect(void *dev, int h, uint32_t guest_port)
{
	return virtio_vsock_host_connect(dev, h, guest_port);
}

static void sink_ready(void *dev, int h, bool rx, bool tx)
{
	virtio_vsock_ready(dev, h, rx, tx);
}

void virtio_vsock_sink(struct virtio_vsock *v, struct vsock_sink *s)
{
	*s = (struct vsock_sink){
	    .host_connect = sink_host_connect, .ready = sink_ready, .dev = v};
}

static uint64_t vsock_config_read(struct virtio_dev *d, uint32_t off,
				  unsigned size)
{
	uint64_t cid = htole64(to_vsock(d)->guest_cid), val = 0;
	memcpy(&val, (const uint8_t *)&cid + off, size < 8 ? size : 8);
	return le64toh(val);
}

static int vsock_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_vsock *v = to_vsock(d);
	if (q == VIRTIO_VSOCK_TXQ)
		tx_pump(v);
	else if (q == VIRTIO_VSOCK_RXQ)
		rx_pump(v);
	else
		ev_pump(v);
	return 0;
}

static int vsock_activate(struct virtio_dev *d)
{
	ev_pump(to_vsock(d));
	return 0;
}

static void vsock_reset(struct virtio_dev *d)
{
	struct virtio_vsock *v = to_vsock(d);
	vsock_conn_close_all(v);
	v->rx_have = false;
	v->reset_due = false;
}

static const struct virtio_dev_ops vsock_ops = {
    .config_read = vsock_config_read,
    .activate = vsock_activate,
    .queue_notify = vsock_queue_notify,
    .reset = vsock_reset,
};

int virtio_vsock_init(struct virtio_vsock *v, const struct guest_mem *mem,
		      const struct virtio_vsock_opts *o)
{
	const struct vsock_port_ops *p = o && o->port ? o->port->ops : NULL;
	if (!v || !mem || !p || !p->connect || !p->accepted || !p->send ||
	    !p->recv || !p->want || !p->shutdown_send || !p->close ||
	    o->guest_cid < 3 || o->guest_cid >= UINT32_MAX)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	for (unsigned q = 0; q < 3; q++) {
		int r = vq_init(&v->vq[q], mem, VIRTIO_VSOCK_QUEUE_SIZE);
		if (r)
			return r;
	}
	v->port = o->port;
	v->guest_cid = o->guest_cid;
	v->next_local = VIRTIO_VSOCK_LOCAL_BASE;
	v->dev = (struct virtio_dev){.ops = &vsock_ops,
				     .name = o->name ? o->name : "virtio-vsock",
				     .device_id = VIRTIO_ID_VSOCK,
				     .config_len = 8,
				     .nqueues = 3,
				     .vqs = v->vq};
	return 0;
}

void virtio_vsock_destroy(struct virtio_vsock *v)
{
	vsock_conn_close_all(v);
}
