/* SPDX-License-Identifier: Apache-2.0 */
/* The guest RAM shared by the calls of one harness, and fuzz_fail. */
#include "fuzz/fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_4G (1ull << 32)

/*
 * The process's only mutable global in fuzz code, and the reason it
 * exists: AFL++'s persistent loop calls the harness ~100k times a second,
 * and mapping guest RAM afresh each time would cost more than the run.
 * Up to FUZZ_LAYOUTS layouts stay mapped (the loader harnesses switch
 * between a few) and the one asked for is zeroed (gm_clear) before every
 * call, so no guest-visible state survives from one input to the next.
 */
#define FUZZ_LAYOUTS 4

static struct {
	struct guest_mem gm;
	uint64_t low, high;
	bool mapped;
} fuzz_ram[FUZZ_LAYOUTS];

const struct guest_mem *fuzz_mem(uint64_t low, uint64_t high)
{
	unsigned i;

	for (i = 0; i < FUZZ_LAYOUTS; i++) {
		if (fuzz_ram[i].mapped && fuzz_ram[i].low == low &&
		    fuzz_ram[i].high == high) {
			gm_clear(&fuzz_ram[i].gm);
			return &fuzz_ram[i].gm;
		}
	}
	for (i = 0; i < FUZZ_LAYOUTS - 1 && fuzz_ram[i].mapped; i++)
		;
	if (fuzz_ram[i].mapped)
		gm_destroy(&fuzz_ram[i].gm);
	gm_init(&fuzz_ram[i].gm);
	if (gm_add_ram(&fuzz_ram[i].gm, 0, low, 0) ||
	    (high && gm_add_ram(&fuzz_ram[i].gm, FUZZ_4G, high, 0)))
		fuzz_fail("cannot map %#llx + %#llx bytes of guest RAM",
			  (unsigned long long)low, (unsigned long long)high);
	fuzz_ram[i].low = low;
	fuzz_ram[i].high = high;
	fuzz_ram[i].mapped = true;
	return &fuzz_ram[i].gm;
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
