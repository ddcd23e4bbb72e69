// SPDX-License-Identifier: Apache-2.0
/* virtio-rng device model; see rng.h for the contract. */
#include "devices/virtio/rng.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/random.h>

#include <linux/virtio_ids.h>
#include <linux/virtio_rng.h>

#include "devices/virtio/mmio.h"
#include "vmm/log.h"

/* Bytes asked of host->fill at a time (a stack buffer). */
#define RNG_CHUNK 4096u

static struct virtio_rng *to_rng(struct virtio_dev *d)
{
	return (struct virtio_rng *)((char *)d -
				     offsetof(struct virtio_rng, dev));
}

/* The default source: the kernel CSPRNG. Blocks only until the pool is
 * initialised at boot; retries short reads and EINTR. */
static ssize_t getrandom_fill(void *opaque, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;

	(void)opaque;
	while (done < len) {
		ssize_t n = getrandom(p + done, len - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return (ssize_t)len;
}

/* Fill `len` bytes of the writable part of r->chain. 0, or -errno from
 * the source (-EIO for a short fill) or from vq_chain_write. */
static int fill_chain(struct virtio_rng *r, uint32_t len)
{
	uint8_t buf[RNG_CHUNK];
	uint32_t off = 0;

	while (off < len) {
		uint32_t n = len - off < RNG_CHUNK ? len - off : RNG_CHUNK;
		ssize_t got = r->host.fill(r->host.opaque, buf, n);
		int e;

		if (got != (ssize_t)n) {
			explicit_bzero(buf, sizeof(buf));
			return got < 0 ? (int)got : -EIO;
		}
		e = vq_chain_write(&r->vq[0], &r->chain, off, buf, n);
		if (e) {
			explicit_bzero(buf, sizeof(buf));
			return e;
		}
		off += n;
	}
	/* Do not leave guest entropy lying on the host stack. */
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

static void fail(struct virtio_rng *r, int err, const char *why)
{
	if (r->dev.transport)
		virtio_mmio_fail(r->dev.transport, err, why);
}

/* Serve one popped chain. 0 (chain returned), or -errno on a guest
 * violation (already reported, nothing returned). */
static int serve(struct virtio_rng *r)
{
	const struct vq_chain *c = &r->chain;
	uint32_t len = c->write_len;
	int e;

	if (c->nread) {
		fail(r, -EINVAL, "device-readable buffer in requestq");
		return -EINVAL;
	}
	if (!c->nwrite || !len) {
		fail(r, -EINVAL, "request without writable buffer");
		return -EINVAL;
	}
	if (len > VIRTIO_RNG_MAX_PER_REQ)
		len = VIRTIO_RNG_MAX_PER_REQ;
	e = fill_chain(r, len);
	if (e) {
		/* vq_chain_write only fails if memory vanished under a
		 * validated chain; treat it like a source error. */
		r->fill_errors++;
		if ((r->fill_errors & (r->fill_errors - 1)) == 0)
			log_limited(r->dev.log, LOG_WARN,
				    "%s: entropy source failed (%s), %llu "
				    "request(s) returned empty so far",
				    r->dev.name, strerror(-e),
				    (unsigned long long)r->fill_errors);
		len = 0;
	}
	e = vq_push(&r->vq[0], c->head, len);
	if (e) {
		fail(r, e, "cannot return a buffer");
		return e;
	}
	r->requests++;
	r->bytes += len;
	return 0;
}

static int rng_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_rng *r = to_rng(d);
	struct virtqueue *vq = &r->vq[0];
	bool pushed = false;

	if (q != 0)
		return 0;
	for (;;) {
		int got = vq_pop_or_arm(vq, &r->chain);

		if (got < 0) {
			fail(r, got, "bad requestq chain");
			break;
		}
		if (got == 0)
			break;
		if (serve(r))
			break;
		pushed = true;
	}
	if (pushed && r->dev.transport)
		virtio_mmio_signal_used(r->dev.transport, 0);
	/* Violations were reported with virtio_mmio_fail (with a reason);
	 * returning them too would count them twice. */
	return 0;
}

static void rng_reset(struct virtio_dev *d)
{
	/* No in-flight state: every chain is returned within the notify. */
	(void)d;
}

static const struct virtio_dev_ops rng_ops = {
    .config_read = NULL, /* config_len 0 */
    .config_write = NULL,
    .activate = NULL,
    .queue_notify = rng_queue_notify,
    .reset = rng_reset,
};

int virtio_rng_init(struct virtio_rng *r, const struct guest_mem *mem,
		    const struct virtio_rng_host *host)
{
	int e;

	if (!r || !mem)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	e = vq_init(&r->vq[0], mem, VIRTIO_RNG_QUEUE_SIZE);
	if (e)
		return e;
	if (host)
		r->host = *host;
	if (!r->host.fill) {
		r->host.fill = getrandom_fill;
		r->host.opaque = NULL;
	}
	r->dev.ops = &rng_ops;
	r->dev.name = "virtio-rng";
	r->dev.device_id = VIRTIO_ID_RNG;
	r->dev.host_features = 0;
	r->dev.config_len = 0;
	r->dev.nqueues = 1;
	r->dev.vqs = r->vq;
	return 0;
}

void virtio_rng_destroy(struct virtio_rng *r)
{
	(void)r;
}

static const struct virtio_mmio_dev_state virtio_rng_state = {
    .tag = VIRTIO_RNG_STATE_TAG, .version = VIRTIO_RNG_STATE_VERSION};

void virtio_rng_save(struct virtio_rng *r, struct st_writer *w)
{
	virtio_mmio_save_dev(&r->dev, &virtio_rng_state, w);
}

int virtio_rng_restore(struct virtio_rng *r, struct st_reader *rd)
{
	return virtio_mmio_restore_dev(&r->dev, &virtio_rng_state, rd);
}
