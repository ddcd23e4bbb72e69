// SPDX-License-Identifier: Apache-2.0
/*
 * Saved state of the virtio-mmio transport; see mmio.h for the contract.
 *
 * VMIO v1 payload (little-endian):
 *   u32 device_id, u32 nqueues, u32 status, u32 dev_features_sel,
 *   u32 drv_features_sel, u64 drv_features, u64 acked_features,
 *   u32 queue_sel, u32 interrupt_status, u32 config_generation,
 *   nqueues VQUE sections
 * The selectors and ConfigGeneration take any value (the driver writes
 * the selectors freely; reads check them).
 */
#include "devices/virtio/mmio.h"

#include <errno.h>
#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#define S_ACK	      VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER      VIRTIO_CONFIG_S_DRIVER
#define S_DRIVER_OK   VIRTIO_CONFIG_S_DRIVER_OK
#define S_FEATURES_OK VIRTIO_CONFIG_S_FEATURES_OK
#define S_NEEDS_RESET VIRTIO_CONFIG_S_NEEDS_RESET
#define S_FAILED      VIRTIO_CONFIG_S_FAILED
#define S_ALL                                                                  \
	(S_ACK | S_DRIVER | S_DRIVER_OK | S_FEATURES_OK | S_FAILED |           \
	 S_NEEDS_RESET)

#define F_VERSION_1 (1ull << VIRTIO_F_VERSION_1)
#define F_EVENT_IDX (1ull << VIRTIO_RING_F_EVENT_IDX)
#define F_INDIRECT  (1ull << VIRTIO_RING_F_INDIRECT_DESC)
/* What the transport adds to the device's features (mmio.c). */
#define TRANSPORT_FEATURES (F_VERSION_1 | F_EVENT_IDX | F_INDIRECT)

#define INT_ALL (VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG)

void virtio_mmio_save(struct virtio_mmio *m, struct st_writer *w)
{
	const struct virtio_dev *d = m->dev;
	size_t mark;

	pthread_mutex_lock(&m->lock);
	mark = st_section_begin(w, VIRTIO_MMIO_STATE_TAG,
				VIRTIO_MMIO_STATE_VERSION);
	st_put_u32(w, d->device_id);
	st_put_u32(w, d->nqueues);
	st_put_u32(w, m->status);
	st_put_u32(w, m->dev_features_sel);
	st_put_u32(w, m->drv_features_sel);
	st_put_u64(w, m->drv_features);
	st_put_u64(w, d->acked_features);
	st_put_u32(w, m->queue_sel);
	st_put_u32(w, m->interrupt_status);
	st_put_u32(w, m->config_generation);
	for (unsigned i = 0; i < d->nqueues; i++)
		vq_save(&d->vqs[i], w);
	st_section_end(w, mark);
	pthread_mutex_unlock(&m->lock);
}

/* A status the register rules (mmio.c write_status, virtio_mmio_fail)
 * can reach: each bit's prerequisite set; NEEDS_RESET and FAILED may sit
 * on top of any such status. */
static bool status_ok(uint32_t s)
{
	if (s & ~S_ALL)
		return false;
	if ((s & S_DRIVER) && !(s & S_ACK))
		return false;
	if ((s & S_FEATURES_OK) && !(s & S_DRIVER))
		return false;
	if ((s & S_DRIVER_OK) && !(s & S_FEATURES_OK))
		return false;
	return true;
}

static bool regs_ok(const struct virtio_mmio *m,
		    const struct virtio_mmio_state *g)
{
	uint64_t offered = m->dev->host_features | TRANSPORT_FEATURES;

	if (!status_ok(g->status) || (g->interrupt_status & ~INT_ALL))
		return false;
	if (!(g->status & S_FEATURES_OK))
		return g->acked_features == 0;
	/* FEATURES_OK was accepted: the driver's features became the acked
	 * ones and DriverFeatures is closed until reset. */
	return g->acked_features == g->drv_features &&
	       !(g->acked_features & ~offered) &&
	       (g->acked_features & F_VERSION_1);
}

/* A decoded queue agrees with the registers. */
static bool queue_ok(const struct virtio_mmio_state *g,
		     const struct virtqueue *q)
{
	if (q->event_idx != !!(g->acked_features & F_EVENT_IDX) ||
	    q->indirect != !!(g->acked_features & F_INDIRECT))
		return false;
	return !q->enabled || (g->status & S_FEATURES_OK);
}

static void decode_regs(struct st_reader *s, struct virtio_mmio_state *g)
{
	g->status = st_get_u32(s);
	g->dev_features_sel = st_get_u32(s);
	g->drv_features_sel = st_get_u32(s);
	g->drv_features = st_get_u64(s);
	g->acked_features = st_get_u64(s);
	g->queue_sel = st_get_u32(s);
	g->interrupt_status = st_get_u32(s);
	g->config_generation = st_get_u32(s);
}

void virtio_mmio_state_apply(struct virtio_mmio *m,
			     const struct virtio_mmio_state *g)
{
	struct virtio_dev *d = m->dev;

	pthread_mutex_lock(&m->lock);
	m->status = g->status;
	m->dev_features_sel = g->dev_features_sel;
	m->drv_features_sel = g->drv_features_sel;
	m->drv_features = g->drv_features;
	d->acked_features = g->acked_features;
	m->queue_sel = g->queue_sel;
	m->interrupt_status = g->interrupt_status;
	m->config_generation = g->config_generation;
	/* Logged once per reset cycle: a failed device was logged. */
	m->fail_logged = g->status & S_NEEDS_RESET;
	for (unsigned i = 0; i < d->nqueues; i++)
		d->vqs[i] = g->vqs[i];
	pthread_mutex_unlock(&m->lock);
}

int virtio_mmio_state_decode(struct virtio_mmio *m, struct st_reader *r,
			     struct virtio_mmio_state *g)
{
	struct virtio_dev *d = m->dev;
	struct st_reader s;
	uint16_t version;
	uint32_t id, nq;

	memset(g, 0, sizeof(*g));
	pthread_mutex_lock(&m->lock);
	st_section_open(r, VIRTIO_MMIO_STATE_TAG, VIRTIO_MMIO_STATE_VERSION,
			&version, &s);
	id = st_get_u32(&s);
	nq = st_get_u32(&s);
	decode_regs(&s, g);
	if (id != d->device_id || nq != d->nqueues ||
	    nq > VIRTIO_MMIO_STATE_MAX_QUEUES || !regs_ok(m, g))
		st_fail(&s);
	for (unsigned i = 0; i < nq && st_ok(&s); i++) {
		if (vq_state_decode(&d->vqs[i], &s, &g->vqs[i]) ||
		    !queue_ok(g, &g->vqs[i]))
			st_fail(&s);
	}
	st_section_close(r, &s);
	pthread_mutex_unlock(&m->lock);
	return st_ok(r) ? 0 : -EINVAL;
}

int virtio_mmio_restore(struct virtio_mmio *m, struct st_reader *r)
{
	struct virtio_mmio_state st;
	int e = virtio_mmio_state_decode(m, r, &st);

	if (!e)
		virtio_mmio_state_apply(m, &st);
	return e;
}

void virtio_mmio_save_dev(struct virtio_dev *d,
			  const struct virtio_mmio_dev_state *desc,
			  struct st_writer *w)
{
	size_t mark = st_section_begin(w, desc->tag, desc->version);

	if (desc->save_fields)
		desc->save_fields(d, w);
	if (d->transport)
		virtio_mmio_save(d->transport, w);
	else
		st_writer_fail(w, -EINVAL);
	st_section_end(w, mark);
}

int virtio_mmio_restore_dev(struct virtio_dev *d,
			    const struct virtio_mmio_dev_state *desc,
			    struct st_reader *rd)
{
	struct virtio_mmio_state st;
	struct st_reader s;
	uint16_t version;

	if (!d->transport) {
		st_fail(rd);
		return -EINVAL;
	}
	st_section_open(rd, desc->tag, desc->version, &version, &s);
	if (desc->check_fields)
		desc->check_fields(d, &s);
	if (st_ok(&s) && virtio_mmio_state_decode(d->transport, &s, &st))
		st_fail(&s);
	st_section_close(rd, &s);
	if (!st_ok(rd))
		return -EINVAL;
	virtio_mmio_state_apply(d->transport, &st);
	if (desc->applied)
		desc->applied(d);
	return 0;
}
