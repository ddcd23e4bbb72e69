/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the trace decoder (vmm/trace/trace_dec.c), strict and lenient,
 * and the binary -> text -> binary round trip (trace_text_out.c,
 * trace_text_in.c). The input is a binary trace.
 *
 * Strict: a header it accepts has at most TRACE_MAX_DEVS devices and fits
 * the input; every record it frames lies inside the input, after the
 * header; a record tdec_validate accepts has typed views that give its
 * exact values. When the header and all the framing are sound, the trace
 * prints as text, and that text parses back to the same bytes
 * (trace_text.h promises it).
 *
 * Lenient: never an error; the header is clamped to a machine vmm can
 * build; framing ends; every typed view is normalised (sizes 1 to 8,
 * counts >= 1, at most TRACE_IO_MAX bytes, taken <= offered).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/console.h"
#include "devices/virtio/rng.h"
#include "fuzz/fuzz.h"
#include "vmm/trace/trace_dec.h"
#include "vmm/trace/trace_enc.h"
#include "vmm/trace/trace_text.h"
#include "vmm/vm/config.h"

static bool inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
	return p >= buf && n <= len && (size_t)(p - buf) <= len - n;
}

/* The typed views of one record; exact when `valid`. */
static void check_views(const struct trace_rec *r, bool valid,
			const uint8_t *buf, size_t len)
{
	static const unsigned ok_sizes = 1u << 1 | 1u << 2 | 1u << 4 | 1u << 8;
	uint8_t scratch[TRACE_IO_MAX];
	struct trace_io io;
	const uint8_t *data;
	uint32_t n, taken, x;
	int32_t y;
	uint64_t gpa, hashes[4];

	switch (r->type) {
	case TRACE_MMIO:
	case TRACE_PIO:
		tdec_io(r, scratch, &io);
		FUZZ_CHECK(io.size >= 1 && io.size <= 8);
		FUZZ_CHECK(r->type == TRACE_MMIO || (ok_sizes >> io.size & 1));
		FUZZ_CHECK(io.count >= 1 && io.size * io.count <= TRACE_IO_MAX);
		FUZZ_CHECK(io.data == scratch ||
			   inside(io.data, io.size * io.count, buf, len));
		if (valid) {
			FUZZ_CHECK(io.size == TRACE_IO_SIZE(r->b));
			FUZZ_CHECK(io.size * io.count == r->len - 8);
			FUZZ_CHECK(io.data == r->data + 8);
		}
		break;
	case TRACE_MEM:
		tdec_mem(r, &gpa, &data, &n);
		FUZZ_CHECK(inside(data, n, buf, len));
		FUZZ_CHECK(!valid || n == r->len - 8);
		break;
	case TRACE_SERIAL_RX:
	case TRACE_CONSOLE_RX:
		tdec_rx(r, &taken, &data, &n);
		FUZZ_CHECK(taken <= n && inside(data, n, buf, len));
		break;
	case TRACE_RTC:
		(void)tdec_rtc(r);
		break;
	case TRACE_VSOCK_HOST:
	case TRACE_VSOCK_IN:
	case TRACE_VSOCK_OUT:
		tdec_vsock(r, &x, &y, &data, &n);
		FUZZ_CHECK(n <= TRACE_VSOCK_DATA_MAX &&
			   inside(data, n, buf, len));
		FUZZ_CHECK(!valid || n == r->len - TRACE_VSOCK_HDR);
		break;
	case TRACE_END:
		FUZZ_CHECK(tdec_end(r, hashes, 4) <= 4);
		break;
	}
}

/* Text and back: the same bytes. */
static void round_trip(const uint8_t *buf, size_t len)
{
	char *text = NULL, err[512];
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);
	struct tenc enc;
	int r;

	if (!f)
		abort();
	r = ttext_print(buf, len, f, TTEXT_INDEX, err, sizeof(err));
	if (fclose(f))
		abort();
	if (r)
		fuzz_fail("ttext_print refused a sound trace: %s", err);
	tenc_init(&enc);
	r = ttext_parse(text, tlen, &enc, err, sizeof(err));
	if (r)
		fuzz_fail("ttext_parse refused ttext_print's text: %s", err);
	FUZZ_CHECK(enc.err == 0);
	if (enc.len != len || memcmp(enc.p, buf, len) != 0)
		fuzz_fail("text round trip changed the trace (%zu -> %zu "
			  "bytes)",
			  len, enc.len);
	tenc_free(&enc);
	free(text);
}

static void strict(const uint8_t *buf, size_t len)
{
	struct trace_header h;
	struct trace_rec rec;
	struct tdec d;
	size_t hl;
	char err[512];
	int r;

	if (tdec_header(buf, len, false, &h, &hl, err, sizeof(err))) {
		FUZZ_CHECK(err[0] != '\0');
		return;
	}
	FUZZ_CHECK(h.ndevs <= TRACE_MAX_DEVS && hl <= len);
	tdec_init(&d, buf, len, hl, false);
	while ((r = tdec_next(&d, &rec, err, sizeof(err))) == 1) {
		FUZZ_CHECK(rec.offset >= hl);
		FUZZ_CHECK(inside(rec.data, rec.len, buf, len));
		check_views(&rec, tdec_validate(&rec, err, sizeof(err)) == 0,
			    buf, len);
	}
	if (r == 0)
		round_trip(buf, len);
	else
		FUZZ_CHECK(r == -EINVAL && err[0] != '\0');
}

static void lenient(const uint8_t *buf, size_t len)
{
	/* By kind: blk, net, rng, console, vsock. */
	static const unsigned max[6] = {
	    0, CONFIG_MAX_DISKS, CONFIG_MAX_NETS, 1, 1, 1};
	unsigned count[6] = {0};
	struct trace_header h;
	struct trace_rec rec;
	struct tdec d;
	size_t hl, n = 0;
	int r;

	FUZZ_CHECK(tdec_header(buf, len, true, &h, &hl, NULL, 0) == 0);
	FUZZ_CHECK(hl <= len);
	FUZZ_CHECK(h.mem_mib >= CONFIG_MIN_MEM_MIB &&
		   h.mem_mib <= TDEC_LENIENT_MAX_MEM_MIB);
	FUZZ_CHECK(h.cpus >= 1 && h.cpus <= CONFIG_MAX_CPUS);
	FUZZ_CHECK(h.ndevs <= TRACE_MAX_DEVS);
	for (unsigned i = 0; i < h.ndevs; i++) {
		unsigned k = h.devs[i].kind;

		FUZZ_CHECK(vdev_type_by_trace(k) != NULL && k < 6);
		FUZZ_CHECK(++count[k] <= max[k]);
		FUZZ_CHECK(k != TRACE_DEV_VSOCK ||
			   (h.devs[i].cid >= CONFIG_VSOCK_MIN_CID &&
			    h.devs[i].cid <= CONFIG_VSOCK_MAX_CID));
		FUZZ_CHECK(i == 0 || h.devs[i - 1].kind <= k);
		FUZZ_CHECK(k != TRACE_DEV_BLK || (h.devs[i].size >= 512 &&
						  h.devs[i].size % 512 == 0));
		FUZZ_CHECK(memchr(h.devs[i].id, '\0', sizeof(h.devs[i].id)));
	}
	tdec_init(&d, buf, len, hl, true);
	while ((r = tdec_next(&d, &rec, NULL, 0)) == 1) {
		FUZZ_CHECK(++n <= len / TRACE_REC_HDR);
		FUZZ_CHECK(inside(rec.data, rec.len, buf, len));
		check_views(&rec, false, buf, len);
	}
	FUZZ_CHECK(r == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	strict(data, size);
	lenient(data, size);
	return 0;
}
