/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-blk's saved state (blk.h, "Saved state"). */
#include "devices/virtio/blk.h"
#include "devices/virtio/mmio.h"

static const struct virtio_blk *blk_of(const struct virtio_dev *d)
{
	return (const struct virtio_blk *)d; /* dev is the first member */
}

static void blk_save_fields(const struct virtio_dev *d, struct st_writer *w)
{
	st_put_u64(w, blk_of(d)->capacity);
	st_put_bool(w, blk_of(d)->read_only);
}

/* The guest's view of the disk must not change under it. */
static void blk_check_fields(const struct virtio_dev *d, struct st_reader *r)
{
	uint64_t capacity = st_get_u64(r);
	bool ro = st_get_bool(r);

	if (capacity != blk_of(d)->capacity || ro != blk_of(d)->read_only)
		st_fail(r);
}

static const struct virtio_mmio_dev_state blk_state = {
    .tag = VIRTIO_BLK_STATE_TAG,
    .version = VIRTIO_BLK_STATE_VERSION,
    .save_fields = blk_save_fields,
    .check_fields = blk_check_fields,
};

void virtio_blk_save(struct virtio_blk *b, struct st_writer *w)
{
	virtio_mmio_save_dev(&b->dev, &blk_state, w);
}

int virtio_blk_restore(struct virtio_blk *b, struct st_reader *rd)
{
	return virtio_mmio_restore_dev(&b->dev, &blk_state, rd);
}
