/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the i8042 controller (devices/i8042.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/i8042.h"

#define DATA 0
#define CMD 4
#define OBF 0x01

struct ctx {
	struct i8042 k;
	unsigned resets;
	unsigned irqs;		    /* host->irq pulses */
	uint64_t resets_seen_in_cb; /* k.resets when host->reset ran */
};

static void host_reset(void *opaque)
{
	struct ctx *c = opaque;

	c->resets++;
	/* Called without the lock held: re-entering must not deadlock. */
	c->resets_seen_in_cb = c->k.resets;
	i8042_ops.read(&c->k, CMD, 1);
}

static void host_irq(void *opaque)
{
	struct ctx *c = opaque;

	c->irqs++;
	/* Called without the lock held. */
	i8042_ops.read(&c->k, CMD, 1);
}

static int setup(void **state)
{
	struct ctx *c = test_calloc(1, sizeof(*c));
	struct i8042_host h = {
	    .reset = host_reset, .irq = host_irq, .opaque = c};

	if (!c)
		return -1;
	if (i8042_init(&c->k, &h)) {
		test_free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	i8042_destroy(&c->k);
	test_free(c);
	return 0;
}

static uint8_t rd(struct ctx *c, unsigned off)
{
	uint64_t v = i8042_ops.read(&c->k, off, 1);

	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void wr(struct ctx *c, unsigned off, uint8_t v)
{
	i8042_ops.write(&c->k, off, 1, v);
}

/* Issue a command that answers one byte and return it. */
static uint8_t ask(struct ctx *c, uint8_t cmd)
{
	wr(c, CMD, cmd);
	assert_int_equal(rd(c, CMD) & OBF, OBF);
	return rd(c, DATA);
}

static void test_init_rejects_null(void **state)
{
	struct i8042 k;
	struct i8042_host h = { .reset = NULL };

	(void)state;
	assert_int_equal(i8042_init(&k, &h), -EINVAL);
	assert_int_equal(i8042_init(&k, NULL), -EINVAL);
}

static void test_power_on(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(rd(c, CMD), 0x04); /* SYS, OBF clear */
	/* KBDINT, SYS, XLATE: what a PC BIOS hands over */
	assert_int_equal(ask(c, 0x20), 0x45);
	assert_int_equal(ask(c, 0xd0), 0x03);
	assert_int_equal(rd(c, 1), 0);
	assert_int_equal(rd(c, 3), 0);
}

static void test_self_test(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(ask(c, 0xaa), 0x55);
	assert_int_equal(ask(c, 0xab), 0x00);
	assert_int_equal(ask(c, 0xa9), 0x00);
	assert_int_equal(c->resets, 0);
}

static void test_ctr_rw(void **state)
{
	struct ctx *c = *state;

	wr(c, CMD, 0x60);
	assert_int_equal(rd(c, CMD) & 0x08, 0x08); /* last write: command */
	wr(c, DATA, 0x61);
	assert_int_equal(rd(c, CMD) & 0x08, 0x00); /* last write: data */
	assert_int_equal(ask(c, 0x20), 0x61);
	/* The system flag follows CTR bit 2. */
	assert_int_equal(rd(c, CMD) & 0x04, 0x00);
	wr(c, CMD, 0x60);
	wr(c, DATA, 0x47);
	assert_int_equal(ask(c, 0x20), 0x47);
	assert_int_equal(rd(c, CMD) & 0x04, 0x04);
	/* A data byte with no command pending (for the keyboard) does not
	 * touch CTR. */
	wr(c, DATA, 0xff);
	assert_int_equal(ask(c, 0x20), 0x47);
}

static void test_port_enable_bits(void **state)
{
	struct ctx *c = *state;

	wr(c, CMD, 0xa7);
	assert_int_equal(ask(c, 0x20) & 0x20, 0x20);
	wr(c, CMD, 0xa8);
	assert_int_equal(ask(c, 0x20) & 0x20, 0x00);
	wr(c, CMD, 0xad);
	assert_int_equal(ask(c, 0x20) & 0x10, 0x10);
	wr(c, CMD, 0xae);
	assert_int_equal(ask(c, 0x20), 0x45);
}

static void test_reset_fe(void **state)
{
	struct ctx *c = *state;

	wr(c, CMD, 0xfe);
	assert_int_equal(c->resets, 1);
	assert_int_equal(c->k.resets, 1);
	assert_int_equal(c->resets_seen_in_cb, 1);
	/* 0xff pulses no line. */
	wr(c, CMD, 0xff);
	assert_int_equal(c->resets, 1);
}

static void test_reset_d1(void **state)
{
	struct ctx *c = *state;

	wr(c, CMD, 0xd1);
	wr(c, DATA, 0x03); /* bit 0 set: no reset */
	assert_int_equal(c->resets, 0);
	assert_int_equal(ask(c, 0xd0), 0x03);
	wr(c, CMD, 0xd1);
	wr(c, DATA, 0x02); /* bit 0 clear: reset */
	assert_int_equal(c->resets, 1);
	assert_int_equal(c->k.resets, 1);
	/* The data byte was consumed: a second one is not a command arg
	 * (the keyboard ACKs it). */
	wr(c, DATA, 0x00);
	assert_int_equal(c->resets, 1);
	assert_int_equal(rd(c, DATA), 0xfa);
}

static void test_obf_cleared_by_read(void **state)
{
	struct ctx *c = *state;

	wr(c, CMD, 0xaa);
	assert_int_equal(rd(c, CMD) & OBF, OBF);
	assert_int_equal(rd(c, CMD) & OBF, OBF); /* status read keeps it */
	assert_int_equal(rd(c, DATA), 0x55);
	assert_int_equal(rd(c, CMD) & OBF, 0);
	/* Commands that answer nothing leave OBF clear. */
	wr(c, CMD, 0xae);
	assert_int_equal(rd(c, CMD) & OBF, 0);
}

static void test_unknown_commands(void **state)
{
	struct ctx *c = *state;

	wr(c, CMD, 0x60);
	wr(c, DATA, 0x45);
	for (unsigned cmd = 0; cmd < 0xf0; cmd++) {
		switch (cmd) {
		case 0x20: case 0x60: case 0xa7: case 0xa8: case 0xa9:
		case 0xaa: case 0xab: case 0xad: case 0xae: case 0xd0:
		case 0xd1:
			continue;
		}
		wr(c, CMD, (uint8_t)cmd);
		assert_int_equal(rd(c, CMD) & OBF, 0);
		wr(c, DATA, 0x00); /* no pending command: the keyboard's */
		assert_int_equal(rd(c, DATA), 0xfa);
	}
	assert_int_equal(c->resets, 0);
	assert_int_equal(ask(c, 0x20), 0x45);
	assert_int_equal(ask(c, 0xd0), 0x03);
}

static void test_reset_op(void **state)
{
	struct ctx *c = *state;

	wr(c, CMD, 0x60);
	wr(c, DATA, 0x70);
	wr(c, CMD, 0xd1);
	wr(c, DATA, 0xcf);
	wr(c, CMD, 0xaa);
	wr(c, CMD, 0x60); /* left pending */
	i8042_ops.reset(&c->k);
	assert_int_equal(rd(c, CMD), 0x04);
	wr(c, DATA, 0x00); /* the pending 0x60 is gone */
	assert_int_equal(ask(c, 0x20), 0x45);
	assert_int_equal(ask(c, 0xd0), 0x03);
	assert_int_equal(c->resets, 0);
}

static void test_sizes_and_other_ports(void **state)
{
	struct ctx *c = *state;

	i8042_ops.write(&c->k, CMD, 4, 0x12345620); /* low byte: read CTR */
	assert_int_equal(i8042_ops.read(&c->k, DATA, 8), 0x45);
	i8042_ops.write(&c->k, 1, 1, 0xfe);
	i8042_ops.write(&c->k, 2, 2, 0xfefe);
	assert_int_equal(i8042_ops.read(&c->k, 2, 2), 0);
	assert_int_equal(c->resets, 0);
	assert_int_equal(i8042_ops.read(&c->k, CMD, 1) & OBF, 0);
}

/* Read keyboard bytes while OBF is set: how many, into out. */
static size_t drain(struct ctx *c, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while ((rd(c, CMD) & OBF) && n < cap)
		out[n++] = rd(c, DATA);
	return n;
}

static void set_ctr(struct ctx *c, uint8_t ctr)
{
	wr(c, CMD, 0x60);
	wr(c, DATA, ctr);
}

static void test_cad_translated(void **state)
{
	struct ctx *c = *state;
	static const uint8_t want[] = {0x1d, 0x38, 0xe0, 0x53,
				       0xe0, 0xd3, 0xb8, 0x9d};
	uint8_t got[32];

	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), 0);
	/* Queued only: nothing reaches the guest before a kick. */
	assert_int_equal(rd(c, CMD) & OBF, 0);
	assert_int_equal(c->irqs, 0);
	i8042_kick(&c->k);
	assert_int_equal(c->irqs, 1);
	assert_int_equal(drain(c, got, sizeof(got)), sizeof(want));
	assert_memory_equal(got, want, sizeof(want));
	/* One pulse per byte. */
	assert_int_equal(c->irqs, sizeof(want));
	i8042_kick(&c->k); /* nothing left */
	assert_int_equal(c->irqs, sizeof(want));
	assert_int_equal(c->resets, 0);
}

static void test_cad_set2(void **state)
{
	struct ctx *c = *state;
	static const uint8_t want[] = {0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0,
				       0x71, 0xf0, 0x11, 0xf0, 0x14};
	uint8_t got[32];

	set_ctr(c, 0x05); /* no translation */
	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), 0);
	i8042_kick(&c->k);
	assert_int_equal(drain(c, got, sizeof(got)), sizeof(want));
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(c->irqs, sizeof(want));
}

static void test_cad_queue_full(void **state)
{
	struct ctx *c = *state;
	uint8_t got[64];

	/* 16 bytes: two translated chords fit, a third does not. */
	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), 0);
	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), 0);
	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), -ENOSPC);
	i8042_kick(&c->k);
	assert_int_equal(drain(c, got, sizeof(got)), 16);
	assert_int_equal(got[8], 0x1d);
	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), 0);
	/* Untranslated chords are 11 bytes: one at a time. */
	i8042_ops.reset(&c->k);
	set_ctr(c, 0x05);
	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), 0);
	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), -ENOSPC);
}

static void test_kbd_disabled_waits(void **state)
{
	struct ctx *c = *state;

	wr(c, CMD, 0xad); /* keyboard disabled */
	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), 0);
	i8042_kick(&c->k);
	assert_int_equal(rd(c, CMD) & OBF, 0);
	assert_int_equal(c->irqs, 0);
	wr(c, CMD, 0xae); /* enabled: the first byte arrives */
	assert_int_equal(c->irqs, 1);
	assert_int_equal(rd(c, DATA), 0x1d);
	/* Without KBDINT the bytes still arrive, with no interrupt. */
	set_ctr(c, 0x44);
	unsigned before = c->irqs;
	uint8_t got[16];
	assert_int_equal(drain(c, got, sizeof(got)), 7);
	assert_int_equal(c->irqs, before);
}

static void test_kbd_commands(void **state)
{
	struct ctx *c = *state;
	uint8_t got[8];

	wr(c, DATA, 0xff); /* reset: ACK, self-test passed */
	assert_int_equal(drain(c, got, sizeof(got)), 2);
	assert_int_equal(got[0], 0xfa);
	assert_int_equal(got[1], 0xaa);
	wr(c, DATA, 0xf2); /* identify: ACK, MF2 keyboard */
	assert_int_equal(drain(c, got, sizeof(got)), 3);
	assert_int_equal(got[0], 0xfa);
	assert_int_equal(got[1], 0xab);
	assert_int_equal(got[2], 0x83);
	wr(c, DATA, 0xee); /* echo */
	assert_int_equal(drain(c, got, sizeof(got)), 1);
	assert_int_equal(got[0], 0xee);
	wr(c, DATA, 0xf4); /* enable scanning: ACK */
	assert_int_equal(drain(c, got, sizeof(got)), 1);
	assert_int_equal(got[0], 0xfa);
	assert_int_equal(c->irqs, 7);
}

static void test_kbd_queue_overflow(void **state)
{
	struct ctx *c = *state;
	uint8_t got[64];

	/* A driver that writes and never reads: answers beyond the queue
	 * are dropped, the ones kept come out whole and in order. */
	for (unsigned i = 0; i < 40; i++)
		wr(c, DATA, 0xff);
	size_t n = drain(c, got, sizeof(got));
	assert_int_equal(n, 16); /* the output buffer's byte + 15 queued */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], i % 2 ? 0xaa : 0xfa);
	/* The keyboard answers again once read. */
	wr(c, DATA, 0xee);
	assert_int_equal(drain(c, got, sizeof(got)), 1);
	assert_int_equal(got[0], 0xee);
}

static void test_reset_clears_queue(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(i8042_send_ctrl_alt_del(&c->k), 0);
	i8042_ops.reset(&c->k);
	i8042_kick(&c->k);
	assert_int_equal(rd(c, CMD) & OBF, 0);
	assert_int_equal(c->irqs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_rejects_null),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_power_on),
	    T(test_self_test),
	    T(test_ctr_rw),
	    T(test_port_enable_bits),
	    T(test_reset_fe),
	    T(test_reset_d1),
	    T(test_obf_cleared_by_read),
	    T(test_unknown_commands),
	    T(test_reset_op),
	    T(test_sizes_and_other_ports),
	    T(test_cad_translated),
	    T(test_cad_set2),
	    T(test_cad_queue_full),
	    T(test_kbd_disabled_waits),
	    T(test_kbd_commands),
	    T(test_kbd_queue_overflow),
	    T(test_reset_clears_queue),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
