// SPDX-License-Identifier: Apache-2.0
/*
 * virtio-blk device model; see blk.h for the contract.
 *
 * Implementation notes:
 *  - Each data range becomes an iovec array of gm_ptr pointers, one per
 *    validated chain buffer (trimmed to the range), for the backend's read
 *    / write op: the backend moves guest memory in place or through a
 *    bounce buffer of its own (O_DIRECT).
 *  - The header and segment descriptors are copied out of guest memory once
 *    and only the copies are checked and used. Data is never interpreted.
 *  - sector <= capacity <= INT64_MAX / 512 is checked before any multiply,
 *    so sector * 512 and the end of a range fit in an int64_t.
 */
#include "devices/virtio/blk.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/param.h>

#include <linux/virtio_ids.h>

#include "devices/virtio/mmio.h"
#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"

#define SECTOR	      512u
#define HDR_LEN	      ((uint32_t)sizeof(struct virtio_blk_outhdr))
#define SEG_LEN	      ((uint32_t)sizeof(struct virtio_blk_discard_write_zeroes))
#define DISCARD_ALIGN 8u /* config discard_sector_alignment: 4 KiB */
#define BIT(n)	      (1ull << (n))

static struct virtio_blk *to_blk(struct virtio_dev *d)
{
	return (struct virtio_blk *)((char *)d -
				     offsetof(struct virtio_blk, dev));
}

static void fail(struct virtio_blk *b, int err, const char *why)
{
	if (b->dev.transport)
		virtio_mmio_fail(b->dev.transport, err, why);
}

/* A host I/O error: logged at counts 1, 2, 4, 8, ... */
static uint8_t io_error(struct virtio_blk *b, const char *what, int err)
{
	uint64_t n = ++b->io_errors;

	if ((n & (n - 1)) == 0)
		log_limited(b->dev.log, LOG_WARN,
			    "%s: %s failed (%s), %llu host I/O error(s) so far",
			    b->name, what, strerror(-err),
			    (unsigned long long)n);
	return VIRTIO_BLK_S_IOERR;
}

/* [sector, sector + n) lies within the capacity. */
static bool range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t n)
{
	return sector <= b->capacity && n <= b->capacity - sector;
}

/* b->iov for bytes [off, off + len) of the readable (wr false) or writable
 * part of b->chain. The count, or -EFAULT if a buffer has no mapping. */
static int build_iov(struct virtio_blk *b, bool wr, uint32_t off, uint32_t len)
{
	const struct vq_chain *c = &b->chain;
	unsigned i = wr ? c->nread : 0;
	unsigned end = i + (wr ? c->nwrite : c->nread);
	int n = 0;

	for (; i < end && len; i++) {
		const struct vq_buf *vb = &c->buf[i];
		uint32_t take;
		uint8_t *p;

		if (off >= vb->len) {
			off -= vb->len;
			continue;
		}
		take = MIN(vb->len - off, len);
		/* Say which way the data goes (the trace recorder needs it). */
		p = wr ? gm_ptr_write(b->vq[0].mem, vb->gpa + off, take)
		       : (uint8_t *)gm_ptr_read(b->vq[0].mem, vb->gpa + off,
						take);
		if (!p)
			return -EFAULT;
		b->iov[n++] = (struct iovec){p, take};
		off = 0;
		len -= take;
	}
	return len ? -EFAULT : n;
}

/* Move `len` bytes between the image at sector and the chain part that
 * holds the data, from byte `doff` of that part. A status, or -errno for a
 * violation (a validated buffer that cannot be reached). */
static int do_rw(struct virtio_blk *b, bool wr, uint64_t sector, uint32_t doff,
		 uint32_t len)
{
	const struct disk *d = b->disk;
	ssize_t n;
	int r;

	if (len % SECTOR || !range_ok(b, sector, len / SECTOR))
		return VIRTIO_BLK_S_IOERR;
	r = build_iov(b, !wr, doff, len);
	if (r < 0)
		return r;
	n = wr ? d->ops->write(d->opaque, b->iov, r, sector * SECTOR)
	       : d->ops->read(d->opaque, b->iov, r, sector * SECTOR);
	if (n >= 0 && n != (ssize_t)len)
		n = -EIO; /* a backend breaking its contract */
	return n < 0 ? io_error(b, wr ? "write" : "read", (int)n)
		     : VIRTIO_BLK_S_OK;
}

/* DISCARD (wz false) or WRITE_ZEROES with a payload of `len` readable bytes
 * after the header. A status or -errno (violation). */
static int do_dwz(struct virtio_blk *b, bool wz, uint32_t len)
{
	struct virtio_blk_discard_write_zeroes seg;
	const struct disk *d = b->disk;
	uint32_t flags, nsec, max;
	uint64_t sector;
	int r;

	if (b->read_only || !len || len % SEG_LEN)
		return VIRTIO_BLK_S_IOERR;
	if (len > SEG_LEN)
		return VIRTIO_BLK_S_UNSUPP; /* max_*_seg is 1 */
	r = vq_chain_read(&b->vq[0], &b->chain, HDR_LEN, &seg, SEG_LEN);
	if (r)
		return r;
	sector = le64toh(seg.sector);
	nsec = le32toh(seg.num_sectors);
	flags = le32toh(seg.flags);
	if (flags & ~(wz ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0u))
		return VIRTIO_BLK_S_UNSUPP;
	max = wz ? VIRTIO_BLK_MAX_WZ_SECTORS : VIRTIO_BLK_MAX_DISCARD_SECTORS;
	if (nsec > max || !range_ok(b, sector, nsec))
		return VIRTIO_BLK_S_IOERR;
	if (!nsec)
		return VIRTIO_BLK_S_OK;
	if (!wz) {
		r = d->ops->discard(d->opaque, sector * SECTOR,
				    (uint64_t)nsec * SECTOR);
		return r ? io_error(b, "discard", r) : VIRTIO_BLK_S_OK;
	}
	r = d->ops->write_zeroes(d->opaque, sector * SECTOR,
				 (uint64_t)nsec * SECTOR,
				 flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	return r ? io_error(b, "write zeroes", r) : VIRTIO_BLK_S_OK;
}

/* Serve b->chain: write its status and say how many bytes went to the
 * guest. 0, or -errno on a violation (reported, nothing to return). */
static int serve(struct virtio_blk *b, uint32_t *used)
{
	const struct vq_chain *c = &b->chain;
	struct virtio_blk_outhdr h;
	uint32_t type, dlen = 0;
	uint64_t *done = NULL; /* the counter of this kind of request */
	uint8_t st;
	int r;

	if (c->read_len < HDR_LEN || c->write_len < 1) {
		fail(b, -EINVAL,
		     c->write_len ? "blk: request header too short"
				  : "blk: request without status byte");
		return -EINVAL;
	}
	r = vq_chain_read(&b->vq[0], c, 0, &h, HDR_LEN);
	if (r)
		goto bad;
	type = le32toh(h.type);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		r = do_rw(b, false, le64toh(h.sector), 0, c->write_len - 1);
		dlen = c->write_len - 1;
		done = &b->reads;
		break;
	case VIRTIO_BLK_T_OUT:
		done = &b->writes;
		r = b->read_only ? VIRTIO_BLK_S_IOERR
				 : do_rw(b, true, le64toh(h.sector), HDR_LEN,
					 c->read_len - HDR_LEN);
		break;
	case VIRTIO_BLK_T_FLUSH:
		done = &b->flushes;
		r = b->disk->ops->flush(b->disk->opaque);
		r = r ? io_error(b, "flush", r) : VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID:
		dlen = MIN(c->write_len - 1, VIRTIO_BLK_ID_BYTES);
		r = dlen ? vq_chain_write(&b->vq[0], c, 0, b->id, dlen)
			 : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		done = &b->discards;
		r = do_dwz(b, type == VIRTIO_BLK_T_WRITE_ZEROES,
			   c->read_len - HDR_LEN);
		break;
	default:
		r = VIRTIO_BLK_S_UNSUPP;
	}
	if (r < 0)
		goto bad;
	st = (uint8_t)r;
	if (st != VIRTIO_BLK_S_OK) {
		done = &b->errors;
		dlen = 0; /* only the status is reported as written */
	}
	if (done)
		(*done)++;
	r = vq_chain_write(&b->vq[0], c, c->write_len - 1, &st, 1);
	if (r)
		goto bad;
	*used = dlen + 1;
	return 0;
bad:
	/* vq_chain_* and gm_ptr only fail if a validated buffer vanished. */
	fail(b, r, "blk: cannot reach a request buffer");
	return r;
}

static int blk_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_blk *b = to_blk(d);
	struct virtqueue *vq = &b->vq[0];
	bool pushed = false;
	const char *why = NULL;
	int r = 0;

	while (q == 0 && !why) {
		uint32_t used = 0;

		r = vq_pop_or_arm(vq, &b->chain);
		if (r < 0) {
			why = "blk: bad requestq chain";
		} else if (r == 0) {
			break;
		} else if (serve(b, &used) == 0) {
			r = vq_push(vq, b->chain.head, used);
			why = r ? "blk: cannot return a buffer" : NULL;
			pushed |= !r;
		} else {
			break; /* reported by serve */
		}
	}
	if (pushed && b->dev.transport)
		virtio_mmio_signal_used(b->dev.transport, 0);
	if (why)
		fail(b, r, why);
	/* Violations went to virtio_mmio_fail with a reason; returning them
	 * too would count them twice. */
	return 0;
}

static uint64_t blk_config_read(struct virtio_dev *d, uint32_t off,
				unsigned size)
{
	uint64_t v = 0;

	/* cfg is little-endian; the transport checked off + size. */
	memcpy(&v, (const uint8_t *)&to_blk(d)->cfg + off, MIN(size, 8u));
	return le64toh(v);
}

static void blk_reset(struct virtio_dev *d)
{
	(void)d; /* no in-flight state: chains are returned within a notify */
}

static const struct virtio_dev_ops blk_ops = {
    .config_read = blk_config_read,
    .queue_notify = blk_queue_notify,
    .reset = blk_reset,
};

static void fill_config(struct virtio_blk *b)
{
	struct virtio_blk_config *c = &b->cfg;

	memset(c, 0, sizeof(*c));
	c->capacity = htole64(b->capacity);
	c->size_max = htole32(VIRTIO_BLK_SIZE_MAX);
	c->seg_max = htole32(VIRTIO_BLK_SEG_MAX);
	c->blk_size = htole32(SECTOR);
	b->dev.host_features =
	    BIT(VIRTIO_BLK_F_FLUSH) | BIT(VIRTIO_BLK_F_SEG_MAX) |
	    BIT(VIRTIO_BLK_F_SIZE_MAX) | BIT(VIRTIO_BLK_F_BLK_SIZE);
	if (b->read_only) {
		b->dev.host_features |= BIT(VIRTIO_BLK_F_RO);
		return;
	}
	b->dev.host_features |=
	    BIT(VIRTIO_BLK_F_DISCARD) | BIT(VIRTIO_BLK_F_WRITE_ZEROES);
	c->max_discard_sectors = htole32(VIRTIO_BLK_MAX_DISCARD_SECTORS);
	c->max_discard_seg = htole32(1);
	c->discard_sector_alignment = htole32(DISCARD_ALIGN);
	c->max_write_zeroes_sectors = htole32(VIRTIO_BLK_MAX_WZ_SECTORS);
	c->max_write_zeroes_seg = htole32(1);
	c->write_zeroes_may_unmap = 1;
}

int virtio_blk_init(struct virtio_blk *b, const struct guest_mem *mem,
		    const struct virtio_blk_opts *o, char *err, size_t errlen)
{
	const struct disk *d = o ? o->disk : NULL;
	int r;

	if (!b || !mem || !d || !d->ops)
		return errmsg(err, errlen, -EINVAL,
			      "virtio-blk: bad arguments");
	memset(b, 0, sizeof(*b));
	b->disk = o->disk;
	b->read_only = d->read_only;
	snprintf(b->name, sizeof(b->name), "%s",
		 o->name ? o->name : "virtio-blk");
	if (o->id &&
	    strnlen(o->id, VIRTIO_BLK_ID_BYTES + 1) > VIRTIO_BLK_ID_BYTES)
		return errmsg(err, errlen, -EINVAL, "%s: id over %d bytes",
			      b->name, VIRTIO_BLK_ID_BYTES);
	if (o->id)
		memcpy(b->id, o->id, strlen(o->id));
	if (!d->align || (d->align & (d->align - 1)) || SECTOR % d->align)
		return errmsg(err, errlen, -EINVAL,
			      "%s: the backend's alignment (%u) does not fit "
			      "512-byte sectors",
			      b->name, d->align);
	b->capacity = MIN(d->size, (uint64_t)INT64_MAX) / SECTOR;
	if (d->size % SECTOR)
		log_warn("%s: image size %llu is not a multiple of 512: the "
			 "last %u bytes are not exposed",
			 b->name, (unsigned long long)d->size,
			 (unsigned)(d->size % SECTOR));
	r = vq_init(&b->vq[0], mem, VIRTIO_BLK_QUEUE_SIZE);
	if (r)
		return errmsg(err, errlen, r, "%s: vq_init failed", b->name);
	fill_config(b);
	b->dev.ops = &blk_ops;
	b->dev.name = b->name;
	b->dev.device_id = VIRTIO_ID_BLOCK;
	b->dev.config_len = sizeof(b->cfg);
	b->dev.nqueues = 1;
	b->dev.vqs = b->vq;
	return 0;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	if (!b)
		return;
	b->disk = NULL;
}

int virtio_blk_set_disk(struct virtio_blk *b, struct disk *d, char *err,
			size_t errlen)
{
	if (d->read_only != b->read_only)
		return errmsg(err, errlen, -EINVAL,
			      "%s: the new image must be %s, as the drive is",
			      b->name, b->read_only ? "read-only" : "writable");
	if (!d->align || (d->align & (d->align - 1)) || SECTOR % d->align)
		return errmsg(err, errlen, -EINVAL,
			      "%s: the backend's alignment (%u) does not fit "
			      "512-byte sectors",
			      b->name, d->align);
	b->disk = d;
	b->capacity = MIN(d->size, (uint64_t)INT64_MAX) / SECTOR;
	b->cfg.capacity = htole64(b->capacity);
	return 0;
}
