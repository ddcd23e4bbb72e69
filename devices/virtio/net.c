// SPDX-License-Identifier: Apache-2.0
/* virtio-net over a frame port; see net.h. */
#include "devices/virtio/net.h"

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/uio.h>

#include <linux/if_tun.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "devices/virtio/mmio.h"
#include "vmm/base/log.h"

#define HDR_LEN ((uint32_t)sizeof(struct virtio_net_hdr_v1))
#define F(bit)	(1ull << (bit))
/* Config space exposed: mac, status, max_virtqueue_pairs. */
#define CONFIG_LEN ((uint32_t)offsetof(struct virtio_net_config, mtu))
/* Frames read per virtio_net_rx call at most, so that one busy port cannot
 * hold the lock forever; its owner calls again while it has frames. */
#define RX_BUDGET 256

static struct virtio_net *to_net(struct virtio_dev *d)
{
	return (struct virtio_net *)((char *)d -
				     offsetof(struct virtio_net, dev));
}

static bool has(const struct virtio_net *n, unsigned bit)
{
	return n->dev.acked_features & F(bit);
}

static void fail(struct virtio_net *n, int err, const char *why)
{
	if (n->dev.transport)
		virtio_mmio_fail(n->dev.transport, err, why);
}

static void set_want(struct virtio_net *n, bool want)
{
	if (n->rx_wanted == want)
		return;
	n->rx_wanted = want;
	n->port->ops->want_rx(n->port, want);
}

/* Pop the next chain of queue q into c (vq_pop_or_arm): 1, 0 when none
 * is left, or -errno after reporting the violation. */
static int pop_next(struct virtio_net *n, unsigned q, struct vq_chain *c)
{
	int got = vq_pop_or_arm(&n->vq[q], c);
	if (got < 0)
		fail(n, got,
		     q == VIRTIO_NET_TXQ ? "net: bad transmitq chain"
					 : "net: bad receiveq chain");
	return got;
}

/* GSO type g with the features tso4 / tso6 negotiated or not (UDP and
 * ECN are never offered). */
static bool gso_ok(const struct virtio_net *n, uint8_t g, unsigned tso4,
		   unsigned tso6)
{
	return g == VIRTIO_NET_HDR_GSO_NONE ||
	       (g == VIRTIO_NET_HDR_GSO_TCPV4 && has(n, tso4)) ||
	       (g == VIRTIO_NET_HDR_GSO_TCPV6 && has(n, tso6));
}

/* May the driver send a frame with this header (5.1.6.2.1)? */
static bool tx_hdr_ok(const struct virtio_net *n,
		      const struct virtio_net_hdr_v1 *h)
{
	if (h->flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return false;
	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !has(n, VIRTIO_NET_F_CSUM))
		return false;
	return gso_ok(n, h->gso_type, VIRTIO_NET_F_HOST_TSO4,
		      VIRTIO_NET_F_HOST_TSO6);
}

/* Send n->tx_chain. 1: done (sent or dropped, and returned), 0: the port
 * is full (chain kept), -errno: violation (reported). */
static int tx_one(struct virtio_net *n)
{
	struct virtqueue *vq = &n->vq[VIRTIO_NET_TXQ];
	const struct vq_chain *c = &n->tx_chain;
	struct virtio_net_hdr_v1 hdr;
	struct iovec iov[VQ_MAX_SIZE + 1];
	ssize_t w;
	int k, e;

	if (c->nwrite) {
		fail(n, -EINVAL, "net: device-writable buffer in transmitq");
		return -EINVAL;
	}
	if (c->read_len < HDR_LEN) {
		fail(n, -EINVAL, "net: transmit chain shorter than the header");
		return -EINVAL;
	}
	/* One copy of the header: checked, then sent from here. */
	e = vq_chain_read(vq, c, 0, &hdr, HDR_LEN);
	if (e) {
		fail(n, e, "net: cannot read a transmit header");
		return e;
	}
	hdr.num_buffers = 0;
	if (c->read_len - HDR_LEN > VIRTIO_NET_MAX_FRAME || !tx_hdr_ok(n, &hdr))
		goto drop;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = HDR_LEN;
	k = vq_chain_iov(vq, c, false, HDR_LEN, UINT32_MAX, iov + 1);
	if (k < 0) {
		fail(n, k, "net: transmit buffer outside guest memory");
		return k;
	}
	w = n->port->ops->send(n->port, iov, (unsigned)k + 1);
	if (w == -EAGAIN) {
		n->tx_again++;
		return 0;
	}
	if (w < 0)
		goto drop; /* the port refused the frame: the guest's loss */
	n->tx_frames++;
	n->tx_bytes += (uint64_t)w;
	goto done;
drop:
	n->tx_dropped++;
done:
	e = vq_push(vq, c->head, 0);
	if (e) {
		fail(n, e, "net: cannot return a transmit buffer");
		return e;
	}
	return 1;
}

static void net_tx(struct virtio_net *n)
{
	bool pushed = false;
	int r;

	for (;;) {
		if (!n->tx_have) {
			if (pop_next(n, VIRTIO_NET_TXQ, &n->tx_chain) != 1)
				break;
			n->tx_have = true;
		}
		r = tx_one(n);
		if (r == 0) {
			/* Port full: keep the chain; make sure the next
			 * chain the driver adds kicks us. */
			if (vq_set_notification(&n->vq[VIRTIO_NET_TXQ], true))
				fail(n, -EFAULT,
				     "net: cannot update avail_event");
			break;
		}
		n->tx_have = false;
		if (r < 0)
			break;
		pushed = true;
	}
	if (pushed)
		virtio_mmio_signal_used(n->dev.transport, VIRTIO_NET_TXQ);
}

/* Check the header the port wrote against what the driver negotiated
 * (5.1.6.4.1) and complete it: false when the frame must be dropped (it
 * was queued in the port before the offloads last changed). */
static bool rx_fix_hdr(const struct virtio_net *n, struct virtio_net_hdr_v1 *h)
{
	if (h->flags &
	    ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID))
		return false;
	if (!has(n, VIRTIO_NET_F_GUEST_CSUM)) {
		if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			return false;
		h->flags = 0;
	}
	h->num_buffers = htole16(1);
	return gso_ok(n, h->gso_type, VIRTIO_NET_F_GUEST_TSO4,
		      VIRTIO_NET_F_GUEST_TSO6);
}

static void port_error(struct virtio_net *n, const char *what, int e)
{
	n->tap_errors++;
	if (n->tap_errors == 1)
		log_limited(n->dev.log, LOG_WARN,
			    "%s: port %s: %s; receive stopped until the guest "
			    "posts buffers again",
			    n->dev.name, what, e ? strerror(e) : "end of file");
}

enum { RX_EMPTY, RX_DONE, RX_DROP, RX_PORT_ERR };

/* Read one frame into n->rx_chain: RX_DONE (returned to the driver),
 * RX_DROP (the chain is kept), RX_EMPTY (the port has no frame), RX_PORT_ERR,
 * or -errno: a violation (reported). */
static int rx_one(struct virtio_net *n)
{
	struct virtqueue *vq = &n->vq[VIRTIO_NET_RXQ];
	const struct vq_chain *c = &n->rx_chain;
	struct virtio_net_hdr_v1 hdr;
	struct iovec iov[VQ_MAX_SIZE + 1];
	uint8_t sink; /* catches a frame longer than the chain */
	ssize_t r;
	int k, e;

	k = vq_chain_iov(vq, c, true, 0, UINT32_MAX, iov);
	if (k < 0) {
		fail(n, k, "net: receive buffer outside guest memory");
		return k;
	}
	iov[k].iov_base = &sink;
	iov[k].iov_len = 1;
	r = n->port->ops->recv(n->port, iov, (unsigned)k + 1);
	if (r == -EAGAIN)
		return RX_EMPTY;
	if (r <= 0) {
		port_error(n, "read", r < 0 ? (int)-r : 0);
		return RX_PORT_ERR;
	}
	if ((uint64_t)r > c->write_len || (uint64_t)r < HDR_LEN) {
		n->rx_dropped++; /* truncated (or not a frame) */
		return RX_DROP;
	}
	/* One copy of the header the port wrote (write_len >= HDR_LEN). */
	for (uint32_t got = 0, i = 0; got < HDR_LEN; i++) {
		uint32_t m = HDR_LEN - got;

		if (m > iov[i].iov_len)
			m = (uint32_t)iov[i].iov_len;
		memcpy((uint8_t *)&hdr + got, iov[i].iov_base, m);
		got += m;
	}
	if (!rx_fix_hdr(n, &hdr)) {
		n->rx_dropped++;
		return RX_DROP;
	}
	e = vq_chain_write(vq, c, 0, &hdr, HDR_LEN);
	if (!e)
		e = vq_push(vq, c->head, (uint32_t)r);
	if (e) {
		fail(n, e, "net: cannot return a receive buffer");
		return e;
	}
	n->rx_frames++;
	n->rx_bytes += (uint64_t)r;
	return RX_DONE;
}

void virtio_net_rx(struct virtio_net *n)
{
	struct virtqueue *vq = &n->vq[VIRTIO_NET_RXQ];
	bool pushed = false;
	unsigned budget = RX_BUDGET;
	int r;

	if (!n->dev.transport || !virtio_mmio_active(n->dev.transport) ||
	    !vq->enabled) {
		set_want(n, false);
		return;
	}
	while (budget--) {
		if (!n->rx_have) {
			const char *why = NULL;

			if (pop_next(n, VIRTIO_NET_RXQ, &n->rx_chain) != 1) {
				set_want(n, false); /* empty or failed */
				break;
			}
			if (n->rx_chain.nread)
				why = "net: device-readable buffer in receiveq";
			else if (n->rx_chain.write_len < HDR_LEN)
				why = "net: receive chain shorter than the "
				      "header";
			if (why) {
				fail(n, -EINVAL, why);
				set_want(n, false);
				break;
			}
			n->rx_have = true;
		}
		set_want(n, true); /* a chain is ready for the next frame */
		r = rx_one(n);
		if (r == RX_EMPTY)
			break; /* keep the chain, wait for the port */
		if (r == RX_DROP)
			continue;
		if (r == RX_PORT_ERR || r < 0) {
			/* No busy loop on a broken port; a violation stops
			 * the device. */
			set_want(n, false);
			n->rx_have = r == RX_PORT_ERR;
			break;
		}
		n->rx_have = false;
		pushed = true;
	}
	if (pushed)
		virtio_mmio_signal_used(n->dev.transport, VIRTIO_NET_RXQ);
}

static int net_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_net *n = to_net(d);

	if (!n->dev.transport)
		return 0;
	if (q == VIRTIO_NET_TXQ)
		net_tx(n);
	else if (q == VIRTIO_NET_RXQ)
		virtio_net_rx(n); /* new buffers: want_rx(true), read */
	/* Violations were reported with virtio_mmio_fail (with a reason);
	 * returning them too would count them twice. */
	return 0;
}

static uint64_t net_config_read(struct virtio_dev *d, uint32_t off,
				unsigned size)
{
	struct virtio_net *n = to_net(d);
	struct virtio_net_config cfg;
	uint8_t raw[CONFIG_LEN];
	uint64_t v = 0;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, n->mac, sizeof(cfg.mac));
	cfg.status = htole16(VIRTIO_NET_S_LINK_UP);
	cfg.max_virtqueue_pairs = htole16(1);
	memcpy(raw, &cfg, sizeof(raw));
	if (off > sizeof(raw) || size > sizeof(raw) - off)
		return 0; /* the transport guarantees this never happens */
	for (unsigned i = size; i-- > 0;)
		v = (v << 8) | raw[off + i];
	return v;
}

static int net_activate(struct virtio_dev *d)
{
	struct virtio_net *n = to_net(d);

	if (((has(n, VIRTIO_NET_F_HOST_TSO4) ||
	      has(n, VIRTIO_NET_F_HOST_TSO6)) &&
	     !has(n, VIRTIO_NET_F_CSUM)) ||
	    ((has(n, VIRTIO_NET_F_GUEST_TSO4) ||
	      has(n, VIRTIO_NET_F_GUEST_TSO6)) &&
	     !has(n, VIRTIO_NET_F_GUEST_CSUM))) {
		log_limited(n->dev.log, LOG_WARN,
			    "%s: driver acked TSO without checksum offload",
			    n->dev.name);
		return -EINVAL;
	}
	return virtio_net_sync_port(n);
}

int virtio_net_sync_port(struct virtio_net *n)
{
	unsigned tun = 0;
	int e;

	if (has(n, VIRTIO_NET_F_GUEST_CSUM))
		tun |= TUN_F_CSUM;
	if (has(n, VIRTIO_NET_F_GUEST_TSO4))
		tun |= TUN_F_TSO4;
	if (has(n, VIRTIO_NET_F_GUEST_TSO6))
		tun |= TUN_F_TSO6;
	if (tun != n->port_cur) {
		e = n->port->ops->set_offloads(n->port, tun);
		if (e) {
			log_limited(n->dev.log, LOG_WARN,
				    "%s: cannot set port offloads %#x: %s",
				    n->dev.name, tun, strerror(-e));
			return e;
		}
		n->port_cur = tun;
	}
	set_want(n, true);
	return 0;
}

static void net_reset(struct virtio_dev *d)
{
	struct virtio_net *n = to_net(d);

	/* Chains held for later belong to the old rings. */
	n->rx_have = n->tx_have = false;
	set_want(n, false);
}

static const struct virtio_dev_ops net_ops = {
    .config_read = net_config_read,
    .config_write = NULL,
    .activate = net_activate,
    .queue_notify = net_queue_notify,
    .reset = net_reset,
};

static uint64_t offered_features(unsigned port)
{
	uint64_t f = F(VIRTIO_NET_F_MAC) | F(VIRTIO_NET_F_STATUS);

	if (!(port & TUN_F_CSUM))
		return f;
	f |= F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM);
	if (port & TUN_F_TSO4)
		f |= F(VIRTIO_NET_F_HOST_TSO4) | F(VIRTIO_NET_F_GUEST_TSO4);
	if (port & TUN_F_TSO6)
		f |= F(VIRTIO_NET_F_HOST_TSO6) | F(VIRTIO_NET_F_GUEST_TSO6);
	return f;
}

int virtio_net_init(struct virtio_net *n, const struct guest_mem *mem,
		    const struct virtio_net_opts *o)
{
	int e;

	if (!n || !mem || !o || !o->port || !o->port->ops ||
	    !o->port->ops->send || !o->port->ops->recv ||
	    !o->port->ops->want_rx || !o->port->ops->set_offloads)
		return -EINVAL;
	memset(n, 0, sizeof(*n));
	for (unsigned i = 0; i < ARRAY_SIZE(n->vq); i++) {
		e = vq_init(&n->vq[i], mem, VIRTIO_NET_QUEUE_SIZE);
		if (e)
			return e;
	}
	n->port = o->port;
	n->port_offloads = o->port->offloads;
	memcpy(n->mac, o->mac, sizeof(n->mac));
	n->dev.ops = &net_ops;
	n->dev.name = o->name ? o->name : "virtio-net";
	n->dev.device_id = VIRTIO_ID_NET;
	n->dev.host_features = offered_features(o->port->offloads);
	n->dev.config_len = CONFIG_LEN;
	n->dev.nqueues = ARRAY_SIZE(n->vq);
	n->dev.vqs = n->vq;
	return 0;
}

void virtio_net_destroy(struct virtio_net *n)
{
	(void)n;
}
