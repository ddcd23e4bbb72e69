/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/escape.h"

size_t escape_filter(struct escape *e, const uint8_t *in, size_t n,
		     uint8_t *out, bool *quit)
{
	size_t o = 0;
	*quit = false;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = in[i];
		if (!e->armed) {
			if (b == ESCAPE_CHAR)
				e->armed = true;
			else
				out[o++] = b;
			continue;
		}
		e->armed = false;
		if (b == 'x' || b == 'X') {
			*quit = true;
			return o;
		}
		out[o++] = ESCAPE_CHAR;
		if (b != ESCAPE_CHAR)
			out[o++] = b;
	}
	return o;
}
