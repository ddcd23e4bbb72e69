/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the console escape filter (vmm/vm/escape.c) that every byte typed
 * on the terminal goes through, against a reference model: Ctrl-A x
 * (or X, for caps lock) quits, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A then any
 * other byte sends both, and an armed Ctrl-A carries over between reads.
 *
 * Input: chunks until the end: u8 len, then len bytes, each chunk one
 * escape_filter call (one read from the terminal).
 *
 * Checks: the output and the quit flag match the model's exactly, and the
 * output never exceeds 2 * n bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/vm/escape.h"

/* The model: same contract, written separately. */
static size_t model(bool *armed, const uint8_t *in, size_t n, uint8_t *out,
		    bool *quit)
{
	size_t o = 0;

	*quit = false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (!*armed) {
			if (c == ESCAPE_CHAR)
				*armed = true;
			else
				out[o++] = c;
			continue;
		}
		*armed = false;
		if (c == 'x' || c == 'X') {
			*quit = true;
			return o;
		}
		if (c != ESCAPE_CHAR)
			out[o++] = ESCAPE_CHAR;
		out[o++] = c;
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	struct escape e = {0};
	bool armed = false;
	uint8_t got[512], want[512];

	while (!fz_empty(&in)) {
		const uint8_t *b;
		size_t n = fz_bytes(&in, fz_u8(&in), &b);
		bool quit = true, mquit;
		size_t len = escape_filter(&e, b, n, got, &quit);
		size_t mlen = model(&armed, b, n, want, &mquit);

		FUZZ_CHECK(len <= 2 * n);
		FUZZ_CHECK(quit == mquit);
		FUZZ_CHECK(len == mlen && memcmp(got, want, len) == 0);
		if (quit)
			break;
	}
	return 0;
}
