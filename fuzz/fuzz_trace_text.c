/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the text form of traces (vmm/trace/trace_text_in.c,
 * trace_text_rec.c), which tests and people write by hand: numbers,
 * quoted and hex blobs, every record keyword, comments.
 *
 * Input: text. Checks: a refusal says which line. The text form may
 * describe headers the strict decoder refuses (as the bad_*.txt test
 * traces do); when it takes the header of an accepted text, the records
 * are soundly framed, the trace prints as text, and that text parses back
 * to the same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/trace/trace_dec.h"
#include "vmm/trace/trace_enc.h"
#include "vmm/trace/trace_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tenc a, b;
	struct trace_header h;
	struct trace_rec rec;
	struct tdec d;
	char err[512], *text = NULL;
	size_t tlen = 0, hl;
	FILE *f;
	int r;

	tenc_init(&a);
	r = ttext_parse((const char *)data, size, &a, err, sizeof(err));
	if (r) {
		FUZZ_CHECK(r == -EINVAL || r == -ENOMEM);
		FUZZ_CHECK(strncmp(err, "line ", 5) == 0 || r == -ENOMEM);
		tenc_free(&a);
		return 0;
	}
	FUZZ_CHECK(a.err == 0);
	if (tdec_header(a.p, a.len, false, &h, &hl, err, sizeof(err)) == 0) {
		tdec_init(&d, a.p, a.len, hl, false);
		while ((r = tdec_next(&d, &rec, err, sizeof(err))) == 1)
			;
		if (r)
			fuzz_fail("ttext_parse framed a record badly: %s", err);
	} else {
		tenc_free(&a);
		return 0;
	}
	if (!(f = open_memstream(&text, &tlen)))
		abort();
	r = ttext_print(a.p, a.len, f, 0, err, sizeof(err));
	if (fclose(f))
		abort();
	if (r)
		fuzz_fail("ttext_print refused ttext_parse's trace: %s", err);
	tenc_init(&b);
	r = ttext_parse(text, tlen, &b, err, sizeof(err));
	if (r)
		fuzz_fail("ttext_parse refused ttext_print's text: %s", err);
	if (b.len != a.len || memcmp(a.p, b.p, a.len) != 0)
		fuzz_fail("text -> binary -> text -> binary changed the "
			  "trace (%zu -> %zu bytes)",
			  a.len, b.len);
	tenc_free(&b);
	tenc_free(&a);
	free(text);
	return 0;
}
