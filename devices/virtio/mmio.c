/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virtio-mmio transport, version 2. See mmio.h for the contract.
 *
 * Model notes:
 *  - `errors` counts every refused driver access (bad width, misused or
 *    unknown register, out-of-order status, refused FEATURES_OK, bad
 *    QueueSel/QueueNotify) and every device error; only device errors
 *    (virtio_mmio_fail) set NEEDS_RESET and are logged.
 *  - Status: no bit may be cleared (but by a write of 0), no unknown bit
 *    or NEEDS_RESET set; DRIVER needs ACKNOWLEDGE, FEATURES_OK DRIVER,
 *    DRIVER_OK FEATURES_OK; after NEEDS_RESET or FAILED only FAILED may
 *    be added. A refused write changes nothing.
 *  - Queue setup registers are taken only for an existing queue while
 *    FEATURES_OK is set and DRIVER_OK, NEEDS_RESET and FAILED are clear
 *    (spec 3.1 step 7, as Firecracker), QueueNum/Desc/Avail/Used only
 *    while the queue is not ready: queues never change after activate.
 *    QueueReady=0 resets a ready queue, keeping the negotiated ring
 *    features.
 *  - Reset bumps config_generation: the device's reset op may change its
 *    config space, and a bump at worst makes a driver re-read it.
 *  - virtio_mmio_fail interrupts only on the transition to NEEDS_RESET.
 *  - Legacy registers and SHMSel: reads 0 (SHM length/base all-ones: no
 *    regions), writes ignored, not counted.
 */
#include "devices/virtio/mmio.h"

#include <errno.h>
#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "vmm/base/log.h"

#define MMIO_MAGIC   0x74726976u /* "virt" */
#define MMIO_VERSION 2u

#define S_ACK	      VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER      VIRTIO_CONFIG_S_DRIVER
#define S_DRIVER_OK   VIRTIO_CONFIG_S_DRIVER_OK
#define S_FEATURES_OK VIRTIO_CONFIG_S_FEATURES_OK
#define S_NEEDS_RESET VIRTIO_CONFIG_S_NEEDS_RESET
#define S_FAILED      VIRTIO_CONFIG_S_FAILED
/* The bits a driver may set. */
#define S_DRIVER_BITS                                                          \
	(S_ACK | S_DRIVER | S_DRIVER_OK | S_FEATURES_OK | S_FAILED)

#define TRANSPORT_FEATURES                                                     \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |    \
	 (1ull << VIRTIO_RING_F_INDIRECT_DESC))

static uint64_t offered(const struct virtio_mmio *m)
{
	return m->dev->host_features | TRANSPORT_FEATURES;
}

/* The selected queue, or NULL when QueueSel is out of range. */
static struct virtqueue *sel_vq(const struct virtio_mmio *m)
{
	if (m->queue_sel >= m->dev->nqueues)
		return NULL;
	return &m->dev->vqs[m->queue_sel];
}

/* Give the queue the ring features the driver acked. */
static void vq_apply_features(const struct virtio_mmio *m, struct virtqueue *vq)
{
	uint64_t f = m->dev->acked_features;

	vq->event_idx = f & (1ull << VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = f & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
}

static void raise_irq(struct virtio_mmio *m, uint32_t why)
{
	m->interrupt_status |= why;
	m->interrupts++;
	m->host.raise_irq(m->host.opaque);
}

bool virtio_mmio_active(const struct virtio_mmio *m)
{
	return (m->status & S_DRIVER_OK) &&
	       !(m->status & (S_NEEDS_RESET | S_FAILED));
}

void virtio_mmio_config_changed(struct virtio_mmio *m)
{
	m->config_generation++;
	raise_irq(m, VIRTIO_MMIO_INT_CONFIG);
}

void virtio_mmio_fail(struct virtio_mmio *m, int err, const char *why)
{
	m->errors++;
	if (!m->fail_logged) {
		m->fail_logged = true;
		log_limited(m->dev->log, LOG_WARN,
			    "%s: %s (%s), device needs reset",
			 m->dev->name ? m->dev->name : "virtio",
			 why ? why : "device error", strerror(-err));
	}
	if (m->status & S_NEEDS_RESET)
		return;
	m->status |= S_NEEDS_RESET;
	raise_irq(m, VIRTIO_MMIO_INT_CONFIG);
}

void virtio_mmio_signal_used(struct virtio_mmio *m, unsigned q)
{
	if (q >= m->dev->nqueues)
		return;
	if (vq_should_notify(&m->dev->vqs[q]))
		raise_irq(m, VIRTIO_MMIO_INT_VRING);
}

/* Back to the state the driver found at power-on. Lock held. */
static void do_reset(struct virtio_mmio *m)
{
	struct virtio_dev *d = m->dev;
	unsigned i;

	if (d->ops->reset)
		d->ops->reset(d);
	for (i = 0; i < d->nqueues; i++)
		vq_reset(&d->vqs[i]);
	d->acked_features = 0;
	m->status = 0;
	m->dev_features_sel = m->drv_features_sel = 0;
	m->drv_features = 0;
	m->queue_sel = 0;
	m->interrupt_status = 0;
	m->config_generation++;
	m->fail_logged = false;
}

/* FEATURES_OK: the driver's features must be a subset of those offered
 * and include VERSION_1. */
static bool accept_features(struct virtio_mmio *m)
{
	struct virtio_dev *d = m->dev;
	unsigned i;

	if (m->drv_features & ~offered(m))
		return false;
	if (!(m->drv_features & (1ull << VIRTIO_F_VERSION_1)))
		return false;
	d->acked_features = m->drv_features;
	for (i = 0; i < d->nqueues; i++)
		vq_apply_features(m, &d->vqs[i]);
	return true;
}

static bool status_allowed(uint32_t old, uint32_t val)
{
	uint32_t added = val & ~old;

	if ((val & old) != old)
		return false; /* clears a bit */
	if (added & ~S_DRIVER_BITS)
		return false; /* unknown bit or NEEDS_RESET */
	if ((old & (S_NEEDS_RESET | S_FAILED)) && (added & ~S_FAILED))
		return false;
	if ((val & S_DRIVER) && !(val & S_ACK))
		return false;
	if ((val & S_FEATURES_OK) && !(val & S_DRIVER))
		return false;
	if ((val & S_DRIVER_OK) && !(val & S_FEATURES_OK))
		return false;
	return true;
}

static void write_status(struct virtio_mmio *m, uint32_t val)
{
	struct virtio_dev *d = m->dev;
	uint32_t added;
	int r;

	if (val == 0) {
		do_reset(m);
		return;
	}
	if (!status_allowed(m->status, val)) {
		m->errors++;
		return;
	}
	added = val & ~m->status;
	if ((added & S_FEATURES_OK) && !accept_features(m)) {
		m->errors++;
		/* FEATURES_OK reads back clear: refused. DRIVER_OK in the
		 * same write loses its prerequisite, so it goes too. */
		val &= ~(S_FEATURES_OK | S_DRIVER_OK);
		added &= ~(S_FEATURES_OK | S_DRIVER_OK);
	}
	m->status = val;
	if ((added & S_DRIVER_OK) && d->ops->activate) {
		r = d->ops->activate(d);
		if (r < 0)
			virtio_mmio_fail(m, r, "activation failed");
	}
}

/* Set the low or high 32 bits of *a. */
static void set_half(uint64_t *a, bool high, uint32_t val)
{
	if (high)
		*a = (*a & 0xffffffffull) | (uint64_t)val << 32;
	else
		*a = (*a & ~0xffffffffull) | val;
}

static void write_driver_features(struct virtio_mmio *m, uint32_t val)
{
	uint32_t s = m->status;

	if (!(s & S_DRIVER) ||
	    (s & (S_FEATURES_OK | S_NEEDS_RESET | S_FAILED)) ||
	    m->drv_features_sel > 1) {
		m->errors++;
		return;
	}
	set_half(&m->drv_features, m->drv_features_sel, val);
}

static void queue_notify(struct virtio_mmio *m, uint32_t q)
{
	struct virtio_dev *d = m->dev;
	int r;

	if (q >= d->nqueues || !virtio_mmio_active(m) || !d->vqs[q].enabled) {
		m->errors++;
		return;
	}
	m->notifies++;
	if (!d->ops->queue_notify)
		return;
	r = d->ops->queue_notify(d, q);
	if (r < 0)
		virtio_mmio_fail(m, r, "queue processing failed");
}

/* QueueNum, QueueDesc/Avail/Used and QueueReady. */
static void write_queue(struct virtio_mmio *m, uint64_t off, uint32_t val)
{
	struct virtqueue *vq = sel_vq(m);
	int r;

	if (!vq || (m->status & (S_FEATURES_OK | S_DRIVER_OK | S_NEEDS_RESET |
				 S_FAILED)) != S_FEATURES_OK) {
		m->errors++;
		return;
	}
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		if (val > 1) {
			m->errors++;
		} else if (val == 0) {
			if (vq->enabled) { /* else keep what is programmed */
				vq_reset(vq);
				vq_apply_features(m, vq);
			}
		} else if (!vq->enabled) {
			r = vq_enable(vq);
			if (r < 0)
				virtio_mmio_fail(m, r, "invalid queue setup");
		}
		return;
	}
	if (vq->enabled) {
		m->errors++;
		return;
	}
	if (off == VIRTIO_MMIO_QUEUE_NUM) /* never truncate 0x10010 to 16 */
		vq->size = val > UINT16_MAX ? 0 : (uint16_t)val;
	else if (off < VIRTIO_MMIO_QUEUE_AVAIL_LOW)
		set_half(&vq->desc_gpa, off & 4, val);
	else if (off < VIRTIO_MMIO_QUEUE_USED_LOW)
		set_half(&vq->avail_gpa, off & 4, val);
	else
		set_half(&vq->used_gpa, off & 4, val);
}

static uint32_t reg_read(struct virtio_mmio *m, uint64_t off)
{
	const struct virtqueue *vq;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return m->dev->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (m->dev_features_sel > 1)
			return 0;
		return (uint32_t)(offered(m) >> (32 * m->dev_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		vq = sel_vq(m);
		return vq ? vq->max_size : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		vq = sel_vq(m);
		return vq ? vq->enabled : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return m->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return m->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return m->config_generation;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffffu;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE:
	case VIRTIO_MMIO_QUEUE_ALIGN:
	case VIRTIO_MMIO_QUEUE_PFN:
		return 0;
	default: /* write-only or no register */
		m->errors++;
		return 0;
	}
}

static void reg_write(struct virtio_mmio *m, uint64_t off, uint32_t val)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->dev_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		write_driver_features(m, val);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->drv_features_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		m->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		write_queue(m, off, val);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		queue_notify(m, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		m->interrupt_status &= ~val;
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(m, val);
		break;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE:
	case VIRTIO_MMIO_QUEUE_ALIGN:
	case VIRTIO_MMIO_QUEUE_PFN:
	case VIRTIO_MMIO_SHM_SEL:
		break;
	default: /* read-only or no register */
		m->errors++;
		break;
	}
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* Inside the config window [0, config_len); the rest reads 0. */
static bool config_ok(const struct virtio_mmio *m, uint64_t off, unsigned size)
{
	uint64_t c = off - VIRTIO_MMIO_CONFIG, len = m->dev->config_len;

	return c <= len && size <= len - c;
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *d = m->dev;
	uint64_t v = 0;

	pthread_mutex_lock(&m->lock);
	if (off < VIRTIO_MMIO_CONFIG) {
		if (size == 4 && !(off & 3))
			v = reg_read(m, off);
		else
			m->errors++;
	} else if (config_ok(m, off, size)) {
		v = d->ops->config_read(d, off - VIRTIO_MMIO_CONFIG, size) &
		    size_mask(size);
	} else {
		m->errors++;
	}
	pthread_mutex_unlock(&m->lock);
	return v;
}

static void mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *d = m->dev;

	pthread_mutex_lock(&m->lock);
	if (off < VIRTIO_MMIO_CONFIG) {
		if (size == 4 && !(off & 3))
			reg_write(m, off, (uint32_t)val);
		else
			m->errors++;
	} else if (config_ok(m, off, size)) {
		if (d->ops->config_write)
			d->ops->config_write(d, off - VIRTIO_MMIO_CONFIG, size,
					     val & size_mask(size));
	} else {
		m->errors++;
	}
	pthread_mutex_unlock(&m->lock);
}

static void mmio_reset(void *opaque)
{
	struct virtio_mmio *m = opaque;

	pthread_mutex_lock(&m->lock);
	do_reset(m);
	pthread_mutex_unlock(&m->lock);
}

const struct bus_dev_ops virtio_mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .reset = mmio_reset,
};

static bool dev_ok(const struct virtio_dev *d)
{
	unsigned i;

	if (!d->ops || d->config_len > VIRTIO_MMIO_CONFIG_MAX ||
	    (d->config_len && !d->ops->config_read) || (d->nqueues && !d->vqs))
		return false;
	for (i = 0; i < d->nqueues; i++) {
		const struct virtqueue *vq = &d->vqs[i];

		if (!vq->mem || !vq->max_size || vq->max_size > VQ_MAX_SIZE ||
		    (vq->max_size & (vq->max_size - 1)))
			return false;
	}
	return true;
}

int virtio_mmio_init(struct virtio_mmio *m, struct virtio_dev *dev,
		     const struct virtio_mmio_host *host)
{
	int r;

	if (!m || !dev || !host || !host->raise_irq || !dev_ok(dev))
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	r = pthread_mutex_init(&m->lock, NULL);
	if (r)
		return -r;
	m->dev = dev;
	m->host = *host;
	dev->acked_features = 0;
	dev->transport = m;
	return 0;
}

void virtio_mmio_destroy(struct virtio_mmio *m)
{
	if (!m || !m->dev)
		return;
	m->dev->transport = NULL;
	pthread_mutex_destroy(&m->lock);
	m->dev = NULL;
}

void virtio_mmio_notify(struct virtio_mmio *m, unsigned q)
{
	pthread_mutex_lock(&m->lock);
	queue_notify(m, q);
	pthread_mutex_unlock(&m->lock);
}

void virtio_mmio_kick_all(struct virtio_mmio *m)
{
	pthread_mutex_lock(&m->lock);
	for (unsigned q = 0; q < m->dev->nqueues; q++)
		if (virtio_mmio_active(m) && m->dev->vqs[q].enabled)
			queue_notify(m, q);
	pthread_mutex_unlock(&m->lock);
}

void virtio_mmio_lock(struct virtio_mmio *m)
{
	pthread_mutex_lock(&m->lock);
}

void virtio_mmio_unlock(struct virtio_mmio *m)
{
	pthread_mutex_unlock(&m->lock);
}
