// SPDX-License-Identifier: Apache-2.0
/*
 * Saved state of a split virtqueue; see virtqueue.h for the contract.
 *
 * VQUE v1 payload (little-endian):
 *   u16 max_size, u16 size, u64 desc_gpa, u64 avail_gpa, u64 used_gpa,
 *   u8 event_idx, u8 indirect, u8 enabled,
 *   u16 last_avail, u16 used_idx, u16 signalled, u8 signalled_valid
 * (each u8 flag 0 or 1).
 */
#include "devices/virtio/virtqueue.h"

#include <errno.h>

void vq_save(const struct virtqueue *vq, struct st_writer *w)
{
	size_t mark = st_section_begin(w, VQ_STATE_TAG, VQ_STATE_VERSION);

	st_put_u16(w, vq->max_size);
	st_put_u16(w, vq->size);
	st_put_u64(w, vq->desc_gpa);
	st_put_u64(w, vq->avail_gpa);
	st_put_u64(w, vq->used_gpa);
	st_put_bool(w, vq->event_idx);
	st_put_bool(w, vq->indirect);
	st_put_bool(w, vq->enabled);
	st_put_u16(w, vq->last_avail);
	st_put_u16(w, vq->used_idx);
	st_put_u16(w, vq->signalled);
	st_put_bool(w, vq->signalled_valid);
	st_section_end(w, mark);
}

/* The device-side position of a decoded queue is consistent. */
static bool position_ok(const struct virtqueue *q)
{
	struct virtqueue probe;

	if (!q->signalled_valid && q->signalled)
		return false;
	if (!q->enabled)
		return !q->last_avail && !q->used_idx && !q->signalled_valid;
	/* The QueueReady path's checks, on a copy (vq_enable starts the
	 * copy at index 0 and counts its own failures). */
	probe = *q;
	if (vq_enable(&probe))
		return false;
	return (uint16_t)(q->last_avail - q->used_idx) <= q->size;
}

int vq_state_decode(const struct virtqueue *vq, struct st_reader *r,
		    struct virtqueue *out)
{
	struct st_reader s;
	struct virtqueue q = *vq;
	uint16_t version, max_size;

	st_section_open(r, VQ_STATE_TAG, VQ_STATE_VERSION, &version, &s);
	max_size = st_get_u16(&s);
	q.size = st_get_u16(&s);
	q.desc_gpa = st_get_u64(&s);
	q.avail_gpa = st_get_u64(&s);
	q.used_gpa = st_get_u64(&s);
	q.event_idx = st_get_bool(&s);
	q.indirect = st_get_bool(&s);
	q.enabled = st_get_bool(&s);
	q.last_avail = st_get_u16(&s);
	q.used_idx = st_get_u16(&s);
	q.signalled = st_get_u16(&s);
	q.signalled_valid = st_get_bool(&s);
	if (st_ok(&s) && (max_size != vq->max_size || !position_ok(&q)))
		st_fail(&s);
	st_section_close(r, &s);
	if (!st_ok(r))
		return -EINVAL;
	*out = q;
	return 0;
}

int vq_restore(struct virtqueue *vq, struct st_reader *r)
{
	struct virtqueue q;
	int e = vq_state_decode(vq, r, &q);

	if (e)
		return e;
	*vq = q;
	return 0;
}
