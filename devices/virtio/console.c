// SPDX-License-Identifier: Apache-2.0
/* virtio-console device model (single port); see console.h. */
#include "devices/virtio/console.h"

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "devices/virtio/mmio.h"

static struct virtio_console *to_con(struct virtio_dev *d)
{
	return (struct virtio_console *)((char *)d -
					 offsetof(struct virtio_console, dev));
}

static void fail(struct virtio_console *c, int err, const char *why)
{
	if (c->dev.transport)
		virtio_mmio_fail(c->dev.transport, err, why);
}

/* Pop the next chain of queue q into c->chain (vq_pop_or_arm): 1, 0 when
 * none is left, or -errno after reporting the violation. */
static int pop_next(struct virtio_console *c, unsigned q)
{
	int got = vq_pop_or_arm(&c->vq[q], &c->chain);
	if (got < 0)
		fail(c, got,
		     q == VIRTIO_CONSOLE_TXQ ? "bad transmitq chain"
					     : "bad receiveq chain");
	return got;
}

/* Send one transmit chain's readable bytes to host->tx. 0 or -errno
 * (reported). */
static int tx_chain(struct virtio_console *c)
{
	const struct vq_chain *ch = &c->chain;
	struct virtqueue *vq = &c->vq[VIRTIO_CONSOLE_TXQ];
	uint8_t buf[VIRTIO_CONSOLE_TX_CHUNK];
	uint32_t off = 0;
	int e;

	if (ch->nwrite) {
		fail(c, -EINVAL, "device-writable buffer in transmitq");
		return -EINVAL;
	}
	while (off < ch->read_len) {
		uint32_t n = ch->read_len - off;

		if (n > sizeof(buf))
			n = sizeof(buf);
		/* A copy: the guest may rewrite the buffer under us. */
		e = vq_chain_read(vq, ch, off, buf, n);
		if (e) {
			fail(c, e, "cannot read a transmit buffer");
			return e;
		}
		c->host.tx(c->host.opaque, buf, n);
		c->tx_bytes += n;
		off += n;
	}
	e = vq_push(vq, ch->head, 0);
	if (e) {
		fail(c, e, "cannot return a transmit buffer");
		return e;
	}
	c->tx_chains++;
	return 0;
}

static void con_tx(struct virtio_console *c)
{
	bool pushed = false;

	while (pop_next(c, VIRTIO_CONSOLE_TXQ) == 1) {
		if (tx_chain(c))
			break;
		pushed = true;
	}
	if (pushed)
		virtio_mmio_signal_used(c->dev.transport, VIRTIO_CONSOLE_TXQ);
}

static void call_rx_space(struct virtio_console *c)
{
	c->rx_space_calls++;
	if (c->host.rx_space)
		c->host.rx_space(c->host.opaque);
}

static int con_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_console *c = to_con(d);

	if (!c->dev.transport)
		return 0;
	if (q == VIRTIO_CONSOLE_TXQ)
		con_tx(c);
	else if (q == VIRTIO_CONSOLE_RXQ)
		call_rx_space(c);
	/* Violations were reported with virtio_mmio_fail (with a reason);
	 * returning them too would count them twice. */
	return 0;
}

size_t virtio_console_rx_push(struct virtio_console *c, const uint8_t *buf,
			      size_t len)
{
	struct virtqueue *vq;
	size_t taken = 0;

	if (!c || !c->dev.transport || !len || !buf)
		return 0;
	vq = &c->vq[VIRTIO_CONSOLE_RXQ];
	if (!virtio_mmio_active(c->dev.transport) || !vq->enabled)
		return 0;
	while (taken < len && pop_next(c, VIRTIO_CONSOLE_RXQ) == 1) {
		const struct vq_chain *ch = &c->chain;
		uint32_t n = ch->write_len;
		int e;

		if (ch->nread) {
			fail(c, -EINVAL, "device-readable buffer in receiveq");
			break;
		}
		if (n > len - taken)
			n = (uint32_t)(len - taken);
		e = vq_chain_write(vq, ch, 0, buf + taken, n);
		if (e) {
			fail(c, e, "cannot write a receive buffer");
			break;
		}
		e = vq_push(vq, ch->head, n);
		if (e) {
			fail(c, e, "cannot return a receive buffer");
			break;
		}
		taken += n;
		c->rx_bytes += n;
		c->rx_chains++;
	}
	if (taken)
		virtio_mmio_signal_used(c->dev.transport, VIRTIO_CONSOLE_RXQ);
	return taken;
}

static uint64_t con_config_read(struct virtio_dev *d, uint32_t off,
				unsigned size)
{
	/* No feature bits: every field is 0 (cols/rows without F_SIZE,
	 * max_nr_ports without F_MULTIPORT, emerg_wr without
	 * F_EMERG_WRITE). Built field by field in little-endian. */
	struct virtio_console_config cfg;
	uint8_t raw[sizeof(cfg)];
	uint64_t v = 0;

	(void)d;
	memset(&cfg, 0, sizeof(cfg));
	cfg.cols = htole16(0);
	cfg.rows = htole16(0);
	cfg.max_nr_ports = htole32(0);
	cfg.emerg_wr = htole32(0);
	memcpy(raw, &cfg, sizeof(raw));
	if (off > sizeof(raw) || size > sizeof(raw) - off)
		return 0; /* the transport guarantees this never happens */
	for (unsigned i = size; i-- > 0;)
		v = (v << 8) | raw[off + i];
	return v;
}

static int con_activate(struct virtio_dev *d)
{
	/* Input the host held back while the device was down can go now
	 * (once the driver posts, or has posted, receive buffers). */
	call_rx_space(to_con(d));
	return 0;
}

static void con_reset(struct virtio_dev *d)
{
	/* No in-flight state: chains never outlive the call that popped
	 * them. */
	(void)d;
}

static const struct virtio_dev_ops con_ops = {
    .config_read = con_config_read,
    .config_write = NULL,
    .activate = con_activate,
    .queue_notify = con_queue_notify,
    .reset = con_reset,
};

int virtio_console_init(struct virtio_console *c, const struct guest_mem *mem,
			const struct virtio_console_host *host)
{
	int e;

	if (!c || !mem || !host || !host->tx)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < ARRAY_SIZE(c->vq); i++) {
		e = vq_init(&c->vq[i], mem, VIRTIO_CONSOLE_QUEUE_SIZE);
		if (e)
			return e;
	}
	c->host = *host;
	c->dev.ops = &con_ops;
	c->dev.name = "virtio-console";
	c->dev.device_id = VIRTIO_ID_CONSOLE;
	c->dev.host_features = 0;
	c->dev.config_len = sizeof(struct virtio_console_config);
	c->dev.nqueues = ARRAY_SIZE(c->vq);
	c->dev.vqs = c->vq;
	return 0;
}

void virtio_console_destroy(struct virtio_console *c)
{
	(void)c;
}

static const struct virtio_mmio_dev_state virtio_console_state = {
    .tag = VIRTIO_CONSOLE_STATE_TAG, .version = VIRTIO_CONSOLE_STATE_VERSION};

void virtio_console_save(struct virtio_console *c, struct st_writer *w)
{
	virtio_mmio_save_dev(&c->dev, &virtio_console_state, w);
}

int virtio_console_restore(struct virtio_console *c, struct st_reader *rd)
{
	return virtio_mmio_restore_dev(&c->dev, &virtio_console_state, rd);
}
