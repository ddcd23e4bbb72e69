// SPDX-License-Identifier: Apache-2.0
/* virtio-rng device model; see rng.h for the contract. */
#include "devices/virtio/rng.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <linux/virtio_ids.h>
#include <linux/virtio_rng.h>

#include "devices/virtio/mmio.h"
#include "vmm/base/log.h"

/* Bytes asked of host->fill at a time (a stack buffer). */
#define RNG_CHUNK 4096u

static struct virtio_rng *to_rng(struct virtio_dev *d)
{
	return (struct virtio_rng *)((char *)d -
				     offsetof(struct virtio_rng, dev));
}

/* The default source: the kernel CSPRNG. Blocks only until the pool is
 * initialised at boot; retries short reads and EINTR. */
static ssize_t getrandom_source(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;

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

static ssize_t getrandom_fill(void *opaque, void *buf, size_t len)
{
	(void)opaque;
	return getrandom_source(buf, len);
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

/* ---- the device type (vdev_type.h) ---- */

static const struct vdev_input rng_inputs[] = {
    {.trace_type = VIRTIO_RNG_TRACE_INPUT,
     .name = "rng",
     .source = getrandom_source},
};

static const struct vdev_syscall rng_syscalls[] = {
    {.sys = "getrandom", .why = "virtio-rng's entropy (getrandom_source)"},
};

/* A device made by the type: the fill goes through the VM's input. */
struct rng_inst {
	struct virtio_rng rng;
	ssize_t (*input)(void *opaque, const struct vdev_input *in, void *buf,
			 size_t len);
	void *opaque;
};

static ssize_t rng_inst_fill(void *opaque, void *buf, size_t len)
{
	struct rng_inst *g = opaque;
	return g->input(g->opaque, &rng_inputs[0], buf, len);
}

static int rng_type_create(const struct vdev_env *env, void **impl,
			   struct virtio_dev **dev, char *why, size_t whylen)
{
	(void)why, (void)whylen;
	struct rng_inst *g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->input = env->input;
	g->opaque = env->opaque;
	struct virtio_rng_host h = {.fill = env->input ? rng_inst_fill : NULL,
				    .opaque = g};
	int r = virtio_rng_init(&g->rng, env->mem, &h);
	if (r) {
		free(g);
		return r;
	}
	*impl = g;
	*dev = &g->rng.dev;
	return 0;
}

static void rng_type_destroy(void *impl)
{
	struct rng_inst *g = impl;
	virtio_rng_destroy(&g->rng);
	free(g);
}

static void rng_type_save(void *impl, struct st_writer *w)
{
	virtio_rng_save(&((struct rng_inst *)impl)->rng, w);
}

static int rng_type_restore(void *impl, struct st_reader *r)
{
	return virtio_rng_restore(&((struct rng_inst *)impl)->rng, r);
}

static unsigned rng_type_counters(void *impl, struct vdev_counter *out)
{
	const struct virtio_rng *g = &((struct rng_inst *)impl)->rng;
	const struct vdev_counter k[] = {
	    {"bytes", g->bytes},
	    {"requests", g->requests},
	    {"fill_errors", g->fill_errors},
	};
	memcpy(out, k, sizeof(k));
	return sizeof(k) / sizeof(k[0]);
}

const struct vdev_type virtio_rng_type = {
    .name = "rng",
    .option = "rng",
    .usage = "  --rng                 virtio-rng, fed by getrandom(2)\n",
    .trace_kind = VIRTIO_RNG_TRACE_KIND,
    .inputs = rng_inputs,
    .ninputs = 1,
    .syscalls = rng_syscalls,
    .nsyscalls = 1,
    .create = rng_type_create,
    .destroy = rng_type_destroy,
    .save = rng_type_save,
    .restore = rng_type_restore,
    .counters = rng_type_counters,
};
