/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared fixture for the virtqueue unit tests (test_virtqueue*.c): guest
 * RAM, a device-side queue and a driver-side builder over the same rings.
 * Include after cmocka.h.
 */
#ifndef VMM_TESTS_VQ_FIXTURE_H
#define VMM_TESTS_VQ_FIXTURE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_ring.h>

#include "devices/virtio/virtqueue.h"
#include "tests/support/test_util.h"
#include "tests/support/vq_builder.h"
#include "vmm/base/layout.h"

/* Ring and buffer placement (size <= VQ_MAX_SIZE fits). */
#define VQF_DESC 0x1000ull
#define VQF_AVAIL 0x3000ull
#define VQF_USED 0x4000ull
#define VQF_TABLE 0x8000ull /* indirect tables */
#define VQF_DATA 0x10000ull /* data buffers */
#define VQF_SIZE 16
#define VQF_MIB 16 /* RAM is [0, 16 MiB) */
#define VQF_RAM_END ((uint64_t)VQF_MIB << 20)

struct vqf {
	struct guest_mem gm;
	struct virtqueue vq;
	struct vqb b;
	struct vq_chain c;
};

/* RAM of `mib` MiB (tu_mem_init layout), a queue of max VQ_MAX_SIZE and
 * `size` entries with the rings above, enabled. */
static inline struct vqf *vqf_new(uint64_t mib, uint16_t size, bool indirect,
				  bool event_idx)
{
	struct vqf *f = test_calloc(1, sizeof(*f));

	assert_non_null(f);
	tu_mem_init(&f->gm, mib);
	assert_int_equal(vq_init(&f->vq, &f->gm, VQ_MAX_SIZE), 0);
	assert_int_equal(vqb_init(&f->b, &f->gm, size, VQF_DESC, VQF_AVAIL,
				  VQF_USED),
			 0);
	vqb_configure(&f->b, &f->vq);
	f->vq.indirect = indirect;
	f->vq.event_idx = event_idx;
	assert_int_equal(vq_enable(&f->vq), 0);
	return f;
}

static inline void vqf_free(struct vqf *f)
{
	gm_destroy(&f->gm);
	test_free(f);
}

static inline int vqf_setup(void **state)
{
	*state = vqf_new(VQF_MIB, VQF_SIZE, true, false);
	return 0;
}

static inline int vqf_setup_noind(void **state)
{
	*state = vqf_new(VQF_MIB, VQF_SIZE, false, false);
	return 0;
}

static inline int vqf_setup_event(void **state)
{
	*state = vqf_new(VQF_MIB, VQF_SIZE, true, true);
	return 0;
}

/* 8 GiB: [0, 3 GiB) and [4 GiB, 9 GiB), lazily backed. */
static inline int vqf_setup_big(void **state)
{
	*state = vqf_new(8192, VQF_SIZE, true, false);
	return 0;
}

static inline int vqf_teardown(void **state)
{
	vqf_free(*state);
	return 0;
}

/* vq_pop fails with `err`, counts one error and consumes nothing: no
 * avail entry, no used entry, no pop counted. */
static inline void vqf_pop_fails(struct vqf *f, int err)
{
	uint64_t errors = f->vq.errors, popped = f->vq.popped;
	uint16_t last_avail = f->vq.last_avail, used_idx = f->vq.used_idx;
	uint16_t gidx;

	assert_int_equal(vq_pop(&f->vq, &f->c), err);
	assert_int_equal(f->vq.errors, errors + 1);
	assert_int_equal(f->vq.popped, popped);
	assert_int_equal(f->vq.last_avail, last_avail);
	assert_int_equal(f->vq.used_idx, used_idx);
	assert_int_equal(vqb_used_idx(&f->b, &gidx), 0);
	assert_int_equal(gidx, used_idx);
	/* Still nothing consumed on a second try (the transport would have
	 * stopped by now, but the queue must stay consistent). */
	assert_int_equal(vq_pop(&f->vq, &f->c), err);
	assert_int_equal(f->vq.last_avail, last_avail);
}

/* Publish a raw head (descriptors poked by the caller). */
static inline void vqf_publish(struct vqf *f, uint16_t head)
{
	assert_int_equal(vqb_publish(&f->b, head), 0);
}

static inline void vqf_desc(struct vqf *f, uint16_t i, uint64_t addr,
			    uint32_t len, uint16_t flags, uint16_t next)
{
	assert_int_equal(vqb_set_desc(&f->b, i, addr, len, flags, next), 0);
}

static inline void vqf_tdesc(struct vqf *f, uint64_t table, uint32_t i,
			     uint64_t addr, uint32_t len, uint16_t flags,
			     uint16_t next)
{
	assert_int_equal(vqb_set_desc_at(&f->b, table, i, addr, len, flags,
					 next),
			 0);
}

#endif
