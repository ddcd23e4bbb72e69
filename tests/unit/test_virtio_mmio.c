/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the virtio-mmio transport (devices/virtio/mmio.c) over a
 * fake two-queue device: registers, negotiation, status, queue setup,
 * notifications, interrupts, reset and the config space. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/virtio_mmio_fixture.h"

static void test_init_and_ids(void **state)
{
	struct fake *f = *state;
	struct virtio_mmio m2;
	struct virtio_dev d2 = f->dev;
	struct virtio_mmio_host h = {.raise_irq = NULL};

	assert_int_equal(virtio_mmio_init(&m2, &d2, &h), -EINVAL);
	assert_int_equal(virtio_mmio_init(&m2, &d2, NULL), -EINVAL);
	h.raise_irq = f_irq;
	d2.config_len = VIRTIO_MMIO_CONFIG_MAX + 1;
	assert_int_equal(virtio_mmio_init(&m2, &d2, &h), -EINVAL);
	assert_int_equal(rd(f, R(MAGIC_VALUE)), 0x74726976);
	assert_int_equal(rd(f, R(VERSION)), 2);
	assert_int_equal(rd(f, R(DEVICE_ID)), 4);
	assert_int_equal(rd(f, R(VENDOR_ID)), VIRTIO_MMIO_VENDOR);
	assert_int_equal(rd(f, R(SHM_LEN_LOW)), 0xffffffff);
	assert_int_equal(rd(f, R(SHM_LEN_HIGH)), 0xffffffff);
	assert_int_equal(rd(f, R(SHM_BASE_LOW)), 0xffffffff);
	assert_int_equal(rd(f, R(SHM_BASE_HIGH)), 0xffffffff);
	assert_int_equal(rd(f, R(QUEUE_PFN)), 0);
	wr(f, R(GUEST_PAGE_SIZE), 4096);
	assert_int_equal(rd(f, R(GUEST_PAGE_SIZE)), 0);
	assert_int_equal(f->m.errors, 0);
	assert_int_equal(rd(f, R(STATUS)), 0);
	assert_int_equal(rd(f, R(CONFIG_GENERATION)), 0);
	assert_int_equal(rd(f, R(QUEUE_NUM_MAX)), QMAX);
	/* Write-only and unknown registers read 0, read-only ignore writes. */
	assert_int_equal(rd(f, R(QUEUE_NOTIFY)), 0);
	assert_int_equal(rd(f, 0xf0), 0);
	wr(f, R(MAGIC_VALUE), 0);
	assert_int_equal(rd(f, R(MAGIC_VALUE)), 0x74726976);
	assert_int_equal(f->m.errors, 3);
}

static void test_feature_windows(void **state)
{
	struct fake *f = *state;

	assert_int_equal(rd(f, R(DEVICE_FEATURES)), (uint32_t)ALL_F);
	wr(f, R(DEVICE_FEATURES_SEL), 1);
	assert_int_equal(rd(f, R(DEVICE_FEATURES)), (uint32_t)(ALL_F >> 32));
	wr(f, R(DEVICE_FEATURES_SEL), 2);
	assert_int_equal(rd(f, R(DEVICE_FEATURES)), 0);
	wr(f, R(DEVICE_FEATURES_SEL), 0xffffffff);
	assert_int_equal(rd(f, R(DEVICE_FEATURES)), 0);
}

static void test_negotiation(void **state)
{
	struct fake *f = *state;
	unsigned i;

	/* No VERSION_1: FEATURES_OK does not stick. */
	assert_int_equal(negotiate(f, HOST_F), S_ACK | S_DRV);
	assert_int_equal(f->dev.acked_features, 0);
	/* A bit that was not offered. */
	assert_int_equal(negotiate(f, F_V1 | (1ull << 1)), S_ACK | S_DRV);
	assert_int_equal(negotiate(f, F_V1 | (1ull << 63)), S_ACK | S_DRV);
	/* FEATURES_OK and DRIVER_OK together, refused: neither sticks. */
	wr(f, R(STATUS), S_UP);
	assert_int_equal(rd(f, R(STATUS)), S_ACK | S_DRV);
	assert_int_equal(f->activates, 0);
	/* Accepted after the refusals, in the same reset cycle. */
	assert_int_equal(negotiate(f, F_V1 | F_EVT | (1ull << 5)),
			 S_ACK | S_DRV | S_FOK);
	assert_int_equal(f->dev.acked_features, F_V1 | F_EVT | (1ull << 5));
	for (i = 0; i < 2; i++) {
		assert_true(f->vqs[i].event_idx);
		assert_false(f->vqs[i].indirect);
	}
	wr(f, R(STATUS), 0);
	assert_int_equal(negotiate(f, ALL_F), S_ACK | S_DRV | S_FOK);
	assert_true(f->vqs[1].event_idx && f->vqs[1].indirect);
}

static void test_driver_features_window(void **state)
{
	struct fake *f = *state;
	uint64_t e = f->m.errors;

	wr(f, R(DRIVER_FEATURES), 0xffffffff); /* before DRIVER */
	wr(f, R(STATUS), S_ACK);
	wr(f, R(DRIVER_FEATURES), 0xffffffff);
	assert_int_equal(f->m.drv_features, 0);
	wr(f, R(STATUS), S_ACK | S_DRV);
	wr(f, R(DRIVER_FEATURES_SEL), 2); /* no such window */
	wr(f, R(DRIVER_FEATURES), 0xffffffff);
	assert_int_equal(f->m.drv_features, 0);
	assert_int_equal(f->m.errors, e + 3);
	wr(f, R(STATUS), 0);
	assert_int_equal(negotiate(f, F_V1), S_ACK | S_DRV | S_FOK);
	wr(f, R(DRIVER_FEATURES_SEL), 0); /* after FEATURES_OK */
	wr(f, R(DRIVER_FEATURES), 1);
	assert_int_equal(f->m.drv_features, F_V1);
	assert_int_equal(f->dev.acked_features, F_V1);
	assert_int_equal(f->m.errors, e + 4);
}

static void test_status_rules(void **state)
{
	struct fake *f = *state;
	uint64_t e = f->m.errors;

	wr(f, R(STATUS), S_DRV); /* DRIVER without ACKNOWLEDGE */
	wr(f, R(STATUS), S_ACK | S_NR);
	wr(f, R(STATUS), S_ACK | 0x10);
	assert_int_equal(rd(f, R(STATUS)), 0);
	assert_int_equal(negotiate(f, F_V1), S_ACK | S_DRV | S_FOK);
	wr(f, R(STATUS), S_ACK | S_DRV); /* clears FEATURES_OK */
	wr(f, R(STATUS), S_ACK);
	assert_int_equal(rd(f, R(STATUS)), S_ACK | S_DRV | S_FOK);
	assert_int_equal(f->m.errors, e + 5);
	/* DRIVER_OK before FEATURES_OK: ignored, no activate. */
	wr(f, R(STATUS), 0);
	wr(f, R(STATUS), S_ACK | S_DRV);
	wr(f, R(STATUS), S_ACK | S_DRV | S_DOK);
	assert_int_equal(rd(f, R(STATUS)), S_ACK | S_DRV);
	assert_int_equal(f->activates, 0);
	assert_int_equal(f->m.errors, e + 6);
}

static void test_activate_error(void **state)
{
	struct fake *f = *state;

	f->activate_ret = -EIO;
	assert_int_equal(negotiate(f, F_V1), S_ACK | S_DRV | S_FOK);
	wr(f, R(STATUS), S_UP);
	assert_int_equal(f->activates, 1);
	assert_int_equal(rd(f, R(STATUS)), S_UP | S_NR);
	assert_int_equal(rd(f, R(INTERRUPT_STATUS)), R(INT_CONFIG));
	assert_int_equal(f->irqs, 1);
	assert_true(f->m.fail_logged);
	assert_false(virtio_mmio_active(&f->m));
	/* Only FAILED may be added now; a second failure does not re-raise. */
	wr(f, R(STATUS), S_UP | S_NR | VIRTIO_CONFIG_S_FAILED);
	assert_int_equal(rd(f, R(STATUS)),
			 S_UP | S_NR | VIRTIO_CONFIG_S_FAILED);
	virtio_mmio_fail(&f->m, -EINVAL, "again");
	assert_int_equal(f->irqs, 1);
}

/* A driver that gave up (FAILED) has no running device: its notifications
 * are not served, without NEEDS_RESET being involved. */
static void test_failed_is_inactive(void **state)
{
	struct fake *f = *state;

	bring_up(f, F_V1);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0);
	assert_int_equal(f->notifies[0], 1);
	wr(f, R(STATUS), S_UP | VIRTIO_CONFIG_S_FAILED);
	assert_false(virtio_mmio_active(&f->m));
	uint64_t e = f->m.errors;
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0);
	virtio_mmio_notify(&f->m, 0);
	assert_int_equal(f->notifies[0], 1);
	assert_int_equal(f->m.errors, e + 2);
	/* A reset brings it back. */
	wr(f, R(STATUS), 0);
	bring_up(f, F_V1);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0);
	assert_int_equal(f->notifies[0], 2);
}

static void test_queue_setup(void **state)
{
	struct fake *f = *state;
	struct virtqueue *vq = &f->vqs[1];
	uint64_t e;

	set_queue(f, 1, 8, DESC, AVAIL, USED); /* before FEATURES_OK */
	assert_false(vq->enabled);
	assert_int_equal(vq->desc_gpa, 0);
	assert_int_equal(negotiate(f, F_V1 | F_IND), S_ACK | S_DRV | S_FOK);
	set_queue(f, 1, 8, 0x100001000ull, AVAIL, USED); /* high half kept */
	assert_int_equal(vq->desc_gpa, 0x100001000ull);
	assert_false(vq->enabled); /* outside RAM */
	assert_int_equal(rd(f, R(STATUS)) & S_NR, S_NR);
	wr(f, R(STATUS), 0);
	assert_int_equal(negotiate(f, F_V1 | F_IND), S_ACK | S_DRV | S_FOK);
	wr(f, R(QUEUE_SEL), 1);
	wr(f, R(QUEUE_DESC_LOW), 0x2000);
	wr(f, R(QUEUE_READY), 0); /* not ready: keeps what is programmed */
	assert_int_equal(vq->desc_gpa, 0x2000);
	set_queue(f, 1, 8, DESC, AVAIL, USED);
	assert_true(vq->enabled);
	assert_int_equal(rd(f, R(QUEUE_READY)), 1);
	assert_int_equal(vq->size, 8);
	assert_int_equal(vq->desc_gpa, DESC);
	assert_int_equal(vq->avail_gpa, AVAIL);
	assert_int_equal(vq->used_gpa, USED);
	/* Ignored while ready. */
	e = f->m.errors;
	wr(f, R(QUEUE_NUM), 4);
	wr(f, R(QUEUE_DESC_LOW), 0x2000);
	wr(f, R(QUEUE_USED_HIGH), 1);
	assert_int_equal(vq->size, 8);
	assert_int_equal(vq->desc_gpa, DESC);
	assert_int_equal(vq->used_gpa, USED);
	assert_int_equal(f->m.errors, e + 3);
	/* QueueReady=0 resets the queue, keeps the ring features. */
	wr(f, R(QUEUE_READY), 0);
	assert_false(vq->enabled);
	assert_int_equal(vq->size, QMAX);
	assert_true(vq->indirect);
	set_queue(f, 1, 8, DESC, AVAIL, USED);
	assert_true(vq->enabled);
	/* After DRIVER_OK the queues are frozen. */
	wr(f, R(STATUS), S_UP);
	wr(f, R(QUEUE_READY), 0);
	assert_true(vq->enabled);
	wr(f, R(QUEUE_SEL), 0);
	set_queue(f, 0, 8, DESC + 0x200, AVAIL + 0x200, USED + 0x200);
	assert_false(f->vqs[0].enabled);
	assert_int_equal(f->vqs[0].desc_gpa, 0);
}

static void bad_queue(struct fake *f, uint32_t size, uint64_t desc)
{
	unsigned irqs = f->irqs;

	wr(f, R(STATUS), 0);
	assert_int_equal(negotiate(f, F_V1), S_ACK | S_DRV | S_FOK);
	set_queue(f, 0, size, desc, AVAIL, USED);
	assert_false(f->vqs[0].enabled);
	assert_int_equal(rd(f, R(QUEUE_READY)), 0);
	assert_int_equal(rd(f, R(STATUS)), S_ACK | S_DRV | S_FOK | S_NR);
	assert_int_equal(rd(f, R(INTERRUPT_STATUS)), R(INT_CONFIG));
	assert_int_equal(f->irqs, irqs + 1);
	/* Nothing more is taken until reset. */
	set_queue(f, 1, 8, DESC, AVAIL, USED);
	assert_false(f->vqs[1].enabled);
	wr(f, R(STATUS), S_UP | S_NR);
	assert_int_equal(f->activates, 0);
}

static void test_queue_bad(void **state)
{
	struct fake *f = *state;

	bad_queue(f, 3, DESC);
	bad_queue(f, 0, DESC);
	bad_queue(f, QMAX * 2, DESC);
	bad_queue(f, 0x10008, DESC);	 /* not truncated to 8 */
	bad_queue(f, 8, DESC + 8);	 /* misaligned */
	bad_queue(f, 8, (1 << 20) - 64); /* runs past the end of RAM */
	assert_int_equal(f->m.errors >= 6, 1);
}

static void test_queue_sel_range(void **state)
{
	struct fake *f = *state;
	uint64_t e;

	assert_int_equal(negotiate(f, F_V1), S_ACK | S_DRV | S_FOK);
	e = f->m.errors;
	wr(f, R(QUEUE_SEL), 2);
	assert_int_equal(rd(f, R(QUEUE_NUM_MAX)), 0);
	assert_int_equal(rd(f, R(QUEUE_READY)), 0);
	set_queue(f, 0xffffffff, 8, DESC, AVAIL, USED);
	assert_int_equal(rd(f, R(QUEUE_READY)), 0);
	assert_int_equal(f->m.errors, e + 8);
	assert_false(f->vqs[0].enabled || f->vqs[1].enabled);
	assert_int_equal(rd(f, R(STATUS)), S_ACK | S_DRV | S_FOK);
}

static void test_notify(void **state)
{
	struct fake *f = *state;
	uint64_t e;
	uint32_t used;

	assert_int_equal(negotiate(f, F_V1), S_ACK | S_DRV | S_FOK);
	assert_int_equal(vqb_init(&f->b, &f->gm, 8, DESC, AVAIL, USED), 0);
	set_queue(f, 0, 8, DESC, AVAIL, USED);
	e = f->m.errors;
	wr(f, R(QUEUE_NOTIFY), 0); /* before DRIVER_OK */
	assert_int_equal(f->notifies[0], 0);
	wr(f, R(STATUS), S_UP);
	wr(f, R(QUEUE_NOTIFY), 2);
	wr(f, R(QUEUE_NOTIFY), 0xffffffff);
	wr(f, R(QUEUE_NOTIFY), 1); /* not ready */
	virtio_mmio_notify(&f->m, 7);
	assert_int_equal(f->notifies[0] + f->notifies[1], 0);
	assert_int_equal(f->m.errors, e + 5);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0);
	assert_int_equal(f->notifies[0], 1);
	assert_int_equal(vqb_get_used(&f->b, &used, &used), 1);
	add_buf(f);
	virtio_mmio_notify(&f->m, 0);
	assert_int_equal(f->notifies[0], 2);
	assert_int_equal(f->m.notifies, 2);
	/* The device reports a violation: NEEDS_RESET, then ignored. */
	f->notify_ret = -EINVAL;
	wr(f, R(QUEUE_NOTIFY), 0);
	assert_int_equal(rd(f, R(STATUS)), S_UP | S_NR);
	assert_true(rd(f, R(INTERRUPT_STATUS)) & R(INT_CONFIG));
	wr(f, R(QUEUE_NOTIFY), 0);
	virtio_mmio_notify(&f->m, 0);
	assert_int_equal(f->notifies[0], 3);
}

static void test_signal_used(void **state)
{
	struct fake *f = *state;

	bring_up(f, F_V1);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(rd(f, R(INTERRUPT_STATUS)), R(INT_VRING));
	assert_int_equal(f->m.interrupts, 1);
	/* ACK clears only the written bits. */
	f->m.interrupt_status |= R(INT_CONFIG);
	wr(f, R(INTERRUPT_ACK), R(INT_VRING));
	assert_int_equal(rd(f, R(INTERRUPT_STATUS)), R(INT_CONFIG));
	wr(f, R(INTERRUPT_ACK), 0xffffffff);
	assert_int_equal(rd(f, R(INTERRUPT_STATUS)), 0);
	/* NO_INTERRUPT: no interrupt. */
	assert_int_equal(vqb_set_avail_flags(&f->b, VRING_AVAIL_F_NO_INTERRUPT),
			 0);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(rd(f, R(INTERRUPT_STATUS)), 0);
	virtio_mmio_signal_used(&f->m, 5); /* no such queue */
	assert_int_equal(f->irqs, 1);
	/* EVENT_IDX: flags ignored, used_event decides. */
	wr(f, R(STATUS), 0);
	bring_up(f, F_V1 | F_EVT);
	assert_int_equal(vqb_set_avail_flags(&f->b, VRING_AVAIL_F_NO_INTERRUPT),
			 0);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0); /* used 0 -> 1, used_event 0: irq */
	assert_int_equal(f->irqs, 2);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0); /* 1 -> 2, used_event 0: none */
	assert_int_equal(f->irqs, 2);
	assert_int_equal(vqb_set_used_event(&f->b, 2), 0);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0); /* 2 -> 3 crosses used_event 2 */
	assert_int_equal(f->irqs, 3);
}

static void test_reset(void **state)
{
	struct fake *f = *state;
	unsigned irqs;

	bring_up(f, ALL_F);
	wr(f, R(QUEUE_SEL), 1);
	wr(f, R(DEVICE_FEATURES_SEL), 1);
	virtio_mmio_fail(&f->m, -EINVAL, "test");
	wr(f, R(STATUS), 0);
	assert_int_equal(f->resets, 1);
	assert_int_equal(rd(f, R(STATUS)), 0);
	assert_int_equal(rd(f, R(INTERRUPT_STATUS)), 0);
	assert_int_equal(rd(f, R(CONFIG_GENERATION)), 1);
	assert_int_equal(rd(f, R(QUEUE_NUM_MAX)), QMAX); /* QueueSel 0 */
	assert_int_equal(rd(f, R(DEVICE_FEATURES)), (uint32_t)ALL_F);
	assert_int_equal(f->dev.acked_features, 0);
	assert_int_equal(f->m.drv_features, 0);
	assert_false(f->m.fail_logged);
	assert_false(f->vqs[0].enabled || f->vqs[0].event_idx ||
		     f->vqs[0].indirect);
	assert_int_equal(f->vqs[0].size, QMAX);
	assert_int_equal(f->vqs[0].desc_gpa, 0);
	/* The device works again. */
	irqs = f->irqs;
	bring_up(f, F_V1);
	assert_int_equal(f->activates, 2);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0);
	assert_int_equal(f->irqs, irqs + 1);
	/* The bus reset op does the same. */
	virtio_mmio_ops.reset(&f->m);
	assert_int_equal(rd(f, R(STATUS)), 0);
	assert_int_equal(f->resets, 2);
	assert_int_equal(rd(f, R(CONFIG_GENERATION)), 2);
}

static void test_config_space(void **state)
{
	struct fake *f = *state;
	static const unsigned sizes[] = {1, 2, 4, 8};
	uint64_t want, e;
	unsigned i, off;

	for (i = 0; i < 4; i++) {
		for (off = 0; off + sizes[i] <= CFG_LEN; off++) {
			want = 0;
			memcpy(&want, f->cfg + off, sizes[i]);
			assert_int_equal(rdw(f, 0x100 + off, sizes[i]), want);
		}
	}
	wrw(f, 0x100, 8, 0x1122334455667788ull);
	wrw(f, 0x108, 4, 0xdeadbeef);
	wrw(f, 0x10c, 2, 0xcafe);
	wrw(f, 0x10e, 1, 0x1ff); /* the low byte only */
	assert_int_equal(rdw(f, 0x100, 8), 0x1122334455667788ull);
	assert_int_equal(rdw(f, 0x108, 8), 0xafffcafedeadbeefull);
	e = f->m.errors;
	assert_int_equal(rdw(f, 0x100 + CFG_LEN, 1), 0);
	assert_int_equal(rdw(f, 0x100 + CFG_LEN - 4, 8), 0);
	assert_int_equal(rdw(f, 0xffc, 4), 0);
	wrw(f, 0x100 + CFG_LEN - 1, 2, 0);
	wrw(f, 0x800, 8, ~0ull);
	assert_int_equal(rdw(f, 0x108, 8), 0xafffcafedeadbeefull);
	assert_int_equal(f->m.errors, e + 5);
}

static void test_register_widths(void **state)
{
	struct fake *f = *state;
	static const unsigned sizes[] = {1, 2, 8};
	uint64_t e = f->m.errors;
	unsigned i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(rdw(f, R(MAGIC_VALUE), sizes[i]), 0);
		wrw(f, R(STATUS), sizes[i], S_ACK);
	}
	assert_int_equal(rdw(f, R(MAGIC_VALUE) + 1, 4), 0);
	assert_int_equal(rdw(f, 0xfc, 8), 0); /* straddles config */
	wrw(f, R(STATUS) + 2, 4, S_ACK);
	assert_int_equal(rd(f, R(STATUS)), 0);
	assert_int_equal(f->m.errors, e + 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_init_and_ids, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_feature_windows, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_negotiation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_driver_features_window, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_status_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_activate_error, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_failed_is_inactive, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_queue_setup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue_bad, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue_sel_range, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_notify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_signal_used, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_space, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_register_widths, setup,
					    teardown),
	};

	log_set_level(LOG_ERROR); /* device errors are expected here */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
