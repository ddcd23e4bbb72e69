/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmark modes: see vbench.h. */
#include "vbench.h"

#include <stdbool.h>
#include <stddef.h>

#include <linux/virtio_blk.h>

#include "cmdline.h"
#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "vblk.h"

void *memset(void *dst, int c, size_t n);

/* Inside the 32-bit MMIO hole, where nothing is mapped (as tg.mmio). */
#define VBENCH_MMIO_PADDR (0xd0000000u + 0x100000u - 8)

_Static_assert(VBENCH_BLK_MAX_DEPTH * 3 <= VQ_SIZE, "queue too small");

static struct virtio_blk_outhdr vb_hdr[VBENCH_BLK_MAX_DEPTH];
static volatile uint8_t vb_status[VBENCH_BLK_MAX_DEPTH];

/* Buffer s of the blk benchmark, in the scratch RAM. */
static uint64_t vb_buf(unsigned s)
{
	return VBENCH_BLK_BUFS + (uint64_t)s * VBENCH_BLK_MAX_SIZE;
}

void vbench_exits(uint64_t n)
{
	uint32_t c = (uint32_t)n;

	ser_printf("testguest: exitbench: pio start\n");
	__asm__ __volatile__("1: outb %%al, $0x80\n\t"
			     "dec %%ecx\n\t"
			     "jnz 1b"
			     : "+c"(c) : "a"(0) : "memory");
	ser_printf("testguest: exitbench: pio done %lu\n", n);
	c = (uint32_t)n;
	ser_printf("testguest: exitbench: mmio start\n");
	__asm__ __volatile__("1: movl %%eax, (%%rdi)\n\t"
			     "dec %%ecx\n\t"
			     "jnz 1b"
			     : "+c"(c)
			     : "a"(0), "D"((uint64_t)VBENCH_MMIO_PADDR)
			     : "memory");
	ser_printf("testguest: exitbench: mmio done %lu\n", n);
}

static void vbench_blk_pass(struct vio_dev *d, bool write, uint32_t size,
			    uint64_t count, unsigned depth, uint64_t cap)
{
	struct vq *q = &d->q[0];
	const char *what = write ? "write" : "read";
	uint64_t per_req = size / VBLK_SECTOR, sector = 0;
	uint64_t submitted = 0, done = 0;
	uint8_t slot_of_head[VQ_SIZE], free_slots[VBENCH_BLK_MAX_DEPTH];
	unsigned nfree = depth;

	for (unsigned i = 0; i < depth; i++)
		free_slots[i] = (uint8_t)i;
	ser_printf("testguest: blkbench: %s start size %u count %lu depth "
		   "%u\n", what, size, count, depth);
	while (done < count) {
		bool added = false;

		while (submitted < count && nfree) {
			unsigned s = free_slots[--nfree];

			if (sector + per_req > cap)
				sector = 0;
			vb_hdr[s] = (struct virtio_blk_outhdr){
				.type = write ? VIRTIO_BLK_T_OUT
					      : VIRTIO_BLK_T_IN,
				.sector = sector };
			vb_status[s] = 0xff;
			struct vq_buf b[3] = {
				{ (uintptr_t)&vb_hdr[s], sizeof(vb_hdr[s]),
				  false },
				{ vb_buf(s), size, !write },
				{ (uintptr_t)&vb_status[s], 1, true },
			};

			slot_of_head[vq_add(q, b, 3)] = (uint8_t)s;
			sector += per_req;
			submitted++;
			added = true;
		}
		if (added)
			vq_kick(d, q);

		uint16_t id;
		uint32_t len;

		if (!vq_poll(d, q, VIO_WAIT_STEPS, &id, &len))
			vio_fail(TG_EXIT_VIRTIO_TIMEOUT, "blkbench %s at 0x%lx:"
				 " expected a used buffer, found none after %lu"
				 " requests", what, d->base, done);
		do {
			unsigned s = slot_of_head[id];

			if (vb_status[s] != VIRTIO_BLK_S_OK)
				vio_fail(TG_EXIT_VBLK_STATUS, "blkbench %s of "
					 "sector %lu: expected status 0, found "
					 "%u", what, (uint64_t)vb_hdr[s].sector,
					 vb_status[s]);
			free_slots[nfree++] = (uint8_t)s;
			done++;
		} while (vq_poll(d, q, 0, &id, &len));
	}
	ser_printf("testguest: blkbench: %s done %lu\n", what, count);
}

void vbench_blk(struct vio_dev *d, uint32_t size, uint64_t count,
		unsigned mode, unsigned depth)
{
	uint64_t cap = vio_cfg64(d, offsetof(struct virtio_blk_config,
					      capacity));

	if (cap < size / VBLK_SECTOR)
		vio_fail(TG_EXIT_VBLK_CAPACITY, "blkbench capacity: expected "
			 ">= %u sectors, found %lu", size / VBLK_SECTOR, cap);
	/* One string instruction (string.c), not a loop: guest code may be
	 * emulated. */
	for (unsigned s = 0; s < depth; s++)
		memset((void *)io_phys(vb_buf(s)), 0x5a, size);
	if (mode & CMD_BLKBENCH_WRITE)
		vbench_blk_pass(d, true, size, count, depth, cap);
	if (mode & CMD_BLKBENCH_READ)
		vbench_blk_pass(d, false, size, count, depth, cap);
}
