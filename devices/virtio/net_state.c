/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-net's saved state (net.h, "Saved state"). */
#include <errno.h>
#include <string.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/net.h"

static const struct virtio_net *net_of(const struct virtio_dev *d)
{
	return (const struct virtio_net *)d; /* dev is the first member */
}

static void net_save_fields(const struct virtio_dev *d, struct st_writer *w)
{
	st_put_bytes(w, net_of(d)->mac, sizeof(net_of(d)->mac));
}

/* The guest's MAC must not change under it. */
static void net_check_fields(const struct virtio_dev *d, struct st_reader *r)
{
	uint8_t mac[6];

	st_get_bytes(r, mac, sizeof(mac));
	if (memcmp(mac, net_of(d)->mac, sizeof(mac)))
		st_fail(r);
}

/* The port learns the offloads and the receive interest the restored
 * features ask for. */
static void net_applied(struct virtio_dev *d)
{
	struct virtio_net *n = (struct virtio_net *)d;

	if (!virtio_mmio_active(d->transport))
		return;
	int e = virtio_net_sync_port(n);
	if (e)
		virtio_mmio_fail(d->transport, e,
				 "port offloads after restore");
}

static const struct virtio_mmio_dev_state net_state = {
    .tag = VIRTIO_NET_STATE_TAG,
    .version = VIRTIO_NET_STATE_VERSION,
    .save_fields = net_save_fields,
    .check_fields = net_check_fields,
    .applied = net_applied,
};

void virtio_net_save(struct virtio_net *n, struct st_writer *w)
{
	bool rx = n->rx_have, tx = n->tx_have;

	/* Held chains were popped but never returned: saved unpopped. */
	if (rx)
		n->vq[VIRTIO_NET_RXQ].last_avail--;
	if (tx)
		n->vq[VIRTIO_NET_TXQ].last_avail--;
	virtio_mmio_save_dev(&n->dev, &net_state, w);
	if (rx)
		n->vq[VIRTIO_NET_RXQ].last_avail++;
	if (tx)
		n->vq[VIRTIO_NET_TXQ].last_avail++;
}

int virtio_net_restore(struct virtio_net *n, struct st_reader *rd)
{
	int e = virtio_mmio_restore_dev(&n->dev, &net_state, rd);

	if (!e)
		n->rx_have = n->tx_have = false;
	return e;
}
