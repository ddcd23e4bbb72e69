/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every fuzz harness shares: the libFuzzer-style entry point that the
 * shared main (fuzz/main.c) calls, a reader that turns the input into
 * operands, the process's one block of guest RAM, and a fatal check.
 *
 * Each harness is one file that defines LLVMFuzzerTestOneInput and builds
 * every object it uses afresh from the input on every call: devices are
 * initialised and destroyed, buses built, fds created and closed. The only
 * state that outlives a call is the guest RAM mapping (fuzz_mem), which is
 * mapped once because mapping it costs more than the rest of a run, and is
 * cleared with gm_clear at the start of every call.
 */
#ifndef VMM_FUZZ_H
#define VMM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/gmem.h"

/* One input: return 0 (the value is ignored, as libFuzzer does). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A cursor over the input. Reads past the end give zeroes, so every
 * input, however short, is a complete program. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline struct fz fz_make(const uint8_t *data, size_t size)
{
	return (struct fz){.p = data, .n = size};
}

static inline bool fz_empty(const struct fz *f)
{
	return f->n == 0;
}

static inline uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

/* Little-endian. */
static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t v = fz_u8(f);

	return (uint16_t)(v | (uint16_t)fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint32_t v = fz_u16(f);

	return v | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t v = fz_u32(f);

	return v | (uint64_t)fz_u32(f) << 32;
}

/* Up to `len` bytes, in place: *out points at them, the count is
 * returned (fewer at the end of the input). */
static inline size_t fz_bytes(struct fz *f, size_t len, const uint8_t **out)
{
	if (len > f->n)
		len = f->n;
	*out = f->p;
	f->p += len;
	f->n -= len;
	return len;
}

/* Everything left. */
static inline size_t fz_rest(struct fz *f, const uint8_t **out)
{
	return fz_bytes(f, f->n, out);
}

/* The access sizes devices take, from one byte: 1, 2, 4 or 8. */
static inline unsigned fz_size(uint8_t b)
{
	return 1u << (b & 3);
}

/* Guest RAM for this call: `low` bytes at 0 and, when `high` is not 0,
 * `high` bytes at 4 GiB (both page aligned), all zero. Mapped on the
 * first call for that layout (up to 4 layouts stay mapped), else cleared
 * with gm_clear.
 * Never fails: a mapping failure aborts the run (it is not a finding). */
const struct guest_mem *fuzz_mem(uint64_t low, uint64_t high);

/* A broken invariant: print "fuzz: <msg>" and abort, which AFL++ records
 * as a crash and the corpus replayer as a failed test. */
_Noreturn void fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail("%s:%d: check failed: %s", __FILE__,         \
				  __LINE__, #cond);                            \
	} while (0)

#endif
