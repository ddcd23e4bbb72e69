/* SPDX-License-Identifier: Apache-2.0 */
/* tg.checksum and tg.blkcsum (csum.h). */
#include "csum.h"

#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "vblk.h"
#include "vrng.h"

#include <linux/virtio_blk.h>

#define CSUM_WORDS  (256u * 1024 / 8)
#define CSUM_IO	    4096u /* bytes written and read back per step */
#define CSUM_SECTOR 64u	  /* the first sector it uses, after vblk_run's */

/* Not cleared at boot (256 KiB of rep stos is most of a boot on an
 * emulating host): csum_loop clears csum_buf first, and each disk read
 * fills csum_back before it is compared. */
static uint64_t csum_buf[CSUM_WORDS] TG_NOCLEAR;
static uint64_t csum_back[CSUM_IO / 8] TG_NOCLEAR;

/* csum_buf zeroed, 8 bytes per iteration (emulating hosts run string
 * instructions an iteration at a time). */
static void csum_clear(void)
{
	void *dst = csum_buf;
	uint64_t n = CSUM_WORDS;
	__asm__ __volatile__("cld; rep stosq"
			     : "+D"(dst), "+c"(n)
			     : "a"(0ull)
			     : "memory");
}

static uint64_t csum_rotl(uint64_t v, unsigned n)
{
	return v << n | v >> (64 - n);
}

/* Step i's pass over the buffer. */
static uint64_t csum_step(uint64_t i, uint64_t sum)
{
	for (uint64_t j = 0; j < CSUM_WORDS; j++) {
		uint64_t w =
		    csum_buf[j] * 6364136223846793005ull + (sum ^ (j + i));
		csum_buf[j] = w;
		sum = csum_rotl(sum, 7) ^ w;
	}
	return sum;
}

/* Step i's disk round trip: 4 KiB of the buffer written to the disk and
 * read back, compared, and folded into the sum; and entropy drawn. */
static uint64_t csum_io(uint64_t i, uint64_t sum, struct vio_dev *blk,
			struct vio_dev *rng)
{
	uint64_t *src = &csum_buf[(i * (CSUM_IO / 8)) % CSUM_WORDS];
	uint64_t sector = CSUM_SECTOR + (i % 32) * (CSUM_IO / VBLK_SECTOR);
	if (vblk_req(blk, VIRTIO_BLK_T_OUT, sector, src, CSUM_IO) ||
	    vblk_req(blk, VIRTIO_BLK_T_IN, sector, csum_back, CSUM_IO))
		vio_fail(TG_EXIT_CSUM, "checksum: disk step %lu failed", i);
	for (unsigned k = 0; k < CSUM_IO / 8; k++) {
		if (csum_back[k] != src[k])
			vio_fail(TG_EXIT_CSUM,
				 "checksum: step %lu read back other data", i);
		sum = csum_rotl(sum, 3) ^ csum_back[k];
	}
	if (rng) {
		uint8_t e[16];
		vrng_read(rng, e, sizeof(e));
	}
	return sum;
}

static void csum_loop(uint64_t steps, struct vio_dev *blk, struct vio_dev *rng)
{
	uint64_t sum = 0x243f6a8885a308d3ull;
	csum_clear();
	for (uint64_t i = 1; i <= steps; i++) {
		sum = csum_step(i, sum);
		if (blk)
			sum = csum_io(i, sum, blk, rng);
		io_pause();
		ser_printf("testguest: checksum: step %lu of %lu: 0x%lx\n", i,
			   steps, sum);
	}
	ser_printf("testguest: checksum: done %lu: 0x%lx\n", steps, sum);
}

void csum_run(uint64_t steps)
{
	csum_loop(steps, 0, 0);
}

void csum_run_io(uint64_t steps, struct vio_dev *blk, struct vio_dev *rng)
{
	if (!blk)
		vio_fail(TG_EXIT_CSUM, "tg.blkcsum: no virtio-blk device");
	csum_loop(steps, blk, rng);
}
