/* SPDX-License-Identifier: Apache-2.0 */
/* tg.checksum (csum.h). */
#include "csum.h"

#include "io.h"
#include "serial.h"

#define CSUM_WORDS (256u * 1024 / 8)

static uint64_t csum_buf[CSUM_WORDS];

static uint64_t csum_rotl(uint64_t v, unsigned n)
{
	return v << n | v >> (64 - n);
}

void csum_run(uint64_t steps)
{
	uint64_t sum = 0x243f6a8885a308d3ull;
	for (uint64_t i = 1; i <= steps; i++) {
		for (uint64_t j = 0; j < CSUM_WORDS; j++) {
			uint64_t w = csum_buf[j] * 6364136223846793005ull +
				     (sum ^ (j + i));
			csum_buf[j] = w;
			sum = csum_rotl(sum, 7) ^ w;
		}
		io_pause();
		ser_printf("testguest: checksum: step %lu of %lu: 0x%lx\n", i,
			   steps, sum);
	}
	ser_printf("testguest: checksum: done %lu: 0x%lx\n", steps, sum);
}
