/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: split virtqueue chain walking (devices/virtio/virtqueue.c) over
 * raw guest memory. The input lays out the queue (size, ring addresses,
 * negotiated ring features) and the bytes of guest RAM, descriptor table
 * and rings included, then runs device-side operations, with guest pokes
 * in between. Every chain vq_pop returns is checked against the
 * contract: head and lengths in range, every buffer non-empty and wholly
 * in RAM, the byte totals right, and chain reads and writes bounded.
 *
 * Input:
 *   u8 flags     1: EVENT_IDX, 2: INDIRECT_DESC, 4: size is size_raw
 *   u8 qlog      size 1 << (qlog % 9) unless flags & 4
 *   u16 size_raw
 *   u16 desc, u16 avail, u16 used   ring addresses (any alignment)
 *   u16 len, then len bytes         guest RAM from 0 (VQ_RAM bytes)
 *   ops until the end, one byte each (% 6) with operands:
 *     0 pop, check, read and write a little, push
 *     1 u8 on: vq_set_notification(on & 1)
 *     2 vq_should_notify
 *     3 u16 at, u8 n, n bytes: poke guest RAM (the driver racing us)
 *     4 u16 head, u32 len: vq_push of any head
 *     5 vq_reset, then vq_enable again
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/virtqueue.h"
#include "fuzz/fuzz.h"

#define VQ_RAM	   0x10000ull
#define VQ_MAX_OPS 1024

static void check_chain(const struct virtqueue *vq, const struct vq_chain *c)
{
	uint64_t rl = 0, wl = 0;
	uint8_t buf[64];

	FUZZ_CHECK(c->head < vq->size);
	FUZZ_CHECK(c->nread + c->nwrite >= 1);
	FUZZ_CHECK(c->nread + c->nwrite <= vq->size);
	for (unsigned i = 0; i < (unsigned)c->nread + c->nwrite; i++) {
		FUZZ_CHECK(c->buf[i].len > 0);
		FUZZ_CHECK(gm_range_ok(vq->mem, c->buf[i].gpa, c->buf[i].len));
		if (i < c->nread)
			rl += c->buf[i].len;
		else
			wl += c->buf[i].len;
	}
	FUZZ_CHECK(rl == c->read_len && wl == c->write_len);

	/* Reads and writes: in range succeed, past the end -EINVAL. */
	uint32_t n = c->read_len < sizeof(buf) ? c->read_len : sizeof(buf);

	FUZZ_CHECK(vq_chain_read(vq, c, c->read_len - n, buf, n) == 0);
	FUZZ_CHECK(vq_chain_read(vq, c, c->read_len, buf, 1) == -EINVAL);
	FUZZ_CHECK(vq_chain_read(vq, c, UINT32_MAX, buf, 2) == -EINVAL);
	n = c->write_len < sizeof(buf) ? c->write_len : sizeof(buf);
	FUZZ_CHECK(vq_chain_write(vq, c, c->write_len - n, buf, n) == 0);
	FUZZ_CHECK(vq_chain_write(vq, c, c->write_len, buf, 1) == -EINVAL);
	FUZZ_CHECK(vq_chain_write(vq, c, UINT32_MAX, buf, 2) == -EINVAL);
}

static void set_notification(struct virtqueue *vq, bool on)
{
	int r = vq_set_notification(vq, on);

	FUZZ_CHECK(r == 0 || r == -EFAULT);
}

static void reset_enable(struct virtqueue *vq)
{
	int r;

	vq_reset(vq);
	r = vq_enable(vq);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EFAULT);
	FUZZ_CHECK(vq->enabled == (r == 0));
}

static void run_ops(struct virtqueue *vq, struct vq_chain *c, struct fz *in)
{
	for (unsigned ops = 0; ops < VQ_MAX_OPS && !fz_empty(in); ops++) {
		switch (fz_u8(in) % 6) {
		case 0: {
			uint64_t errors = vq->errors;
			int r = vq_pop(vq, c);

			if (r == 1) {
				check_chain(vq, c);
				FUZZ_CHECK(vq_push(vq, c->head, c->write_len) ==
					   0);
			} else if (r < 0) {
				FUZZ_CHECK(r == -EINVAL || r == -EFAULT);
				FUZZ_CHECK(vq->errors == errors + 1);
			}
			break;
		}
		case 1:
			set_notification(vq, fz_u8(in) & 1);
			break;
		case 2:
			(void)vq_should_notify(vq);
			break;
		case 3: {
			uint64_t at = fz_u16(in);
			const uint8_t *b;
			size_t n = fz_bytes(in, fz_u8(in), &b);

			if (at + n > VQ_RAM)
				n = (size_t)(VQ_RAM - at);
			FUZZ_CHECK(gm_write(vq->mem, at, b, n) == 0);
			break;
		}
		case 4: {
			uint16_t head = fz_u16(in);
			int r = vq_push(vq, head, fz_u32(in));

			FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EFAULT);
			FUZZ_CHECK(r != 0 || head < vq->size);
			break;
		}
		case 5:
			reset_enable(vq);
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	const struct guest_mem *gm = fuzz_mem(VQ_RAM, 0);
	struct virtqueue vq;
	struct vq_chain *c = malloc(sizeof(*c));
	uint8_t flags = fz_u8(&in), qlog = fz_u8(&in);
	uint16_t size_raw = fz_u16(&in);
	const uint8_t *ram;
	size_t len;

	if (!c)
		abort();
	FUZZ_CHECK(vq_init(&vq, gm, VQ_MAX_SIZE) == 0);
	vq.size = (flags & 4) ? size_raw : (uint16_t)(1u << (qlog % 9));
	vq.desc_gpa = fz_u16(&in);
	vq.avail_gpa = fz_u16(&in);
	vq.used_gpa = fz_u16(&in);
	vq.event_idx = flags & 1;
	vq.indirect = flags & 2;
	len = fz_bytes(&in, fz_u16(&in), &ram);
	FUZZ_CHECK(gm_write(gm, 0, ram, len) == 0);
	if (vq_enable(&vq) == 0) {
		FUZZ_CHECK(vq.enabled);
		run_ops(&vq, c, &in);
	} else {
		FUZZ_CHECK(!vq.enabled);
		FUZZ_CHECK(vq_pop(&vq, c) <= 0);
	}
	free(c);
	return 0;
}
