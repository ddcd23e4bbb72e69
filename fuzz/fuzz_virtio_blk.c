/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: virtio-blk request processing (devices/virtio/blk.c) behind the
 * virtio-mmio transport, driven by a vdrv program (vdrv.h): requests are
 * chains whose inline bytes carry the virtio_blk_outhdr, discard segments
 * and data. The image is a fresh memfd each run (a tmpfs file) behind the
 * raw disk backend (vmm/vm/disk_raw.c), so I/O is real but nothing reaches a
 * disk. O_DIRECT is not fuzzed (tmpfs refuses
 * it; the unit tests cover the bounce buffer).
 *
 * Input: u8 flags (1: read-only, 2: an id), u8 sectors, u8 tail (bytes
 * past the last sector), u8 idlen + id bytes when flags & 2, then the
 * program. VD_DEV: u16 n: truncate the image to n * 64 bytes behind the
 * device's back (short reads and writes past the end: host I/O errors).
 *
 * Checks: a read-only disk never allocates a page of its image; the
 * capacity never changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/mmio.h"
#include "fuzz/fuzz.h"
#include "fuzz/vdrv.h"
#include "vmm/vm/disk_raw.h"

struct blk_fx {
	struct virtio_blk blk;
	struct disk_raw raw;
	struct virtio_mmio m;
	struct vdrv drv;
	int fd;
};

static void blk_dev_op(struct vdrv *d, struct fz *in)
{
	struct blk_fx *f = d->opaque;

	if (ftruncate(f->fd, (off_t)fz_u16(in) * 64))
		fuzz_fail("ftruncate: %d", errno);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	const struct guest_mem *gm = fuzz_mem(VDRV_RAM, 0);
	struct blk_fx *f = calloc(1, sizeof(*f));
	uint8_t flags = fz_u8(&in), sectors = fz_u8(&in), tail = fz_u8(&in);
	char id[VIRTIO_BLK_ID_BYTES + 2] = "";
	bool ro = flags & 1;
	struct virtio_blk_opts o = {.name = "vblk"};
	struct virtio_mmio_host h = {.raise_irq = vdrv_raise_irq};
	char err[256];
	struct stat st;

	if (!f)
		abort();
	if (flags & 2) {
		const uint8_t *b;
		size_t n = fz_bytes(&in, fz_u8(&in) % sizeof(id), &b);

		memcpy(id, b, n);
		o.id = id;
	}
	f->fd = memfd_create("fuzz-blk", MFD_CLOEXEC);
	if (f->fd < 0 || ftruncate(f->fd, (off_t)sectors * 512 + tail))
		fuzz_fail("memfd: %d", errno);
	if (disk_raw_init(&f->raw, f->fd, ro, false, "vblk", err, sizeof(err)))
		fuzz_fail("disk_raw_init: %s", err);
	o.disk = &f->raw.disk;
	h.opaque = &f->drv;
	if (virtio_blk_init(&f->blk, gm, &o, err, sizeof(err)) == 0) {
		uint64_t cap = f->blk.capacity;

		FUZZ_CHECK(cap == sectors);
		if (virtio_mmio_init(&f->m, &f->blk.dev, &h) == 0) {
			vdrv_init(&f->drv, gm, &f->m, blk_dev_op, f);
			vdrv_run(&f->drv, &in);
			virtio_mmio_destroy(&f->m);
		}
		FUZZ_CHECK(f->blk.capacity == cap);
		virtio_blk_destroy(&f->blk);
		FUZZ_CHECK(fstat(f->fd, &st) == 0);
		FUZZ_CHECK(!ro || st.st_blocks == 0);
	} else {
		/* Only an id over 20 bytes is refused. */
		FUZZ_CHECK(o.id && strlen(o.id) > VIRTIO_BLK_ID_BYTES);
	}
	disk_raw_destroy(&f->raw);
	close(f->fd);
	free(f);
	return 0;
}
