/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-blk's saved state (blk.h, "Saved state"). */
#include <errno.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/mmio.h"

void virtio_blk_save(struct virtio_blk *b, struct st_writer *w)
{
	size_t mark =
	    st_section_begin(w, VIRTIO_BLK_STATE_TAG, VIRTIO_BLK_STATE_VERSION);
	st_put_u64(w, b->capacity);
	st_put_bool(w, b->read_only);
	if (b->dev.transport)
		virtio_mmio_save(b->dev.transport, w);
	else
		st_writer_fail(w, -EINVAL);
	st_section_end(w, mark);
}

int virtio_blk_restore(struct virtio_blk *b, struct st_reader *rd)
{
	struct virtio_mmio_state st;
	struct st_reader s;
	uint16_t version;

	if (!b->dev.transport) {
		st_fail(rd);
		return -EINVAL;
	}
	st_section_open(rd, VIRTIO_BLK_STATE_TAG, VIRTIO_BLK_STATE_VERSION,
			&version, &s);
	uint64_t capacity = st_get_u64(&s);
	bool ro = st_get_bool(&s);
	if (st_ok(&s) && (capacity != b->capacity || ro != b->read_only))
		st_fail(&s);
	/* The transport's state is applied only once the whole section has
	 * checked out. */
	if (st_ok(&s) && virtio_mmio_state_decode(b->dev.transport, &s, &st))
		st_fail(&s);
	st_section_close(rd, &s);
	if (st_ok(rd))
		virtio_mmio_state_apply(b->dev.transport, &st);
	return st_ok(rd) ? 0 : -EINVAL;
}
