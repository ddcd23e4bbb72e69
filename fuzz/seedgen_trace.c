/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds of the trace harnesses, from the test traces in
 * tests/replay/traces/ (text): the texts themselves (trace_text), their
 * binary form (trace), and, from the recorded run with every device, the
 * records that drive each virtio device, moved to slot 0 (replay_blk,
 * replay_net, replay_rng, replay_console; see replayfx.h), and from the
 * recorded vsock run those of the vsock (replay_vsock).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/seedgen.h"
#include "vmm/trace/trace_dec.h"
#include "vmm/trace/trace_enc.h"
#include "vmm/trace/trace_text.h"
#include "devices/virtio/console.h"
#include "devices/virtio/rng.h"

#define SLOT_BASE     0xd0000000ull
#define SLOT_LEN      0x1000ull
#define TEXT_SEED_MAX (32u << 10)
#define BIN_SEED_MAX  (64u << 10)
#define MAX_INPUTS    4096

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);

		if (n >= 0 && (p = malloc((size_t)n + 1)) &&
		    fseek(f, 0, SEEK_SET) == 0 &&
		    fread(p, 1, (size_t)n, f) == (size_t)n) {
			*len = (size_t)n;
		} else {
			free(p);
			p = NULL;
		}
	}
	fclose(f);
	return p;
}

/* Whether event r drives the device in slot `slot` (the first one of
 * `kind`; for a net, the first net); if so, its payload moved to slot 0
 * goes to out. */
static bool drives(const struct trace_rec *r, unsigned slot,
		   enum trace_dev_kind kind, struct sb *out)
{
	uint64_t base = SLOT_BASE + SLOT_LEN * slot;

	switch (r->type) {
	case TRACE_MMIO: {
		uint64_t addr = r->len >= 8 ? trace_get64(r->data) : 0;

		if (addr < base || addr >= base + SLOT_LEN)
			return false;
		sb_u64(out, addr - base + SLOT_BASE);
		sb_put(out, r->data + 8, r->len - 8);
		return true;
	}
	case TRACE_TAP_RX:
	case TRACE_NET_RX:
		if (kind != TRACE_DEV_NET || r->a != 0)
			return false;
		break;
	case TRACE_CONSOLE_RX:
		if (kind != VIRTIO_CONSOLE_TRACE_KIND)
			return false;
		break;
	case TRACE_VSOCK_HOST:
		if (kind != TRACE_DEV_VSOCK)
			return false;
		break;
	default:
		return false;
	}
	sb_put(out, r->data, r->len);
	return true;
}

/* The records that drive the first device of `kind`, each with the
 * inputs that come before it, and the END record. */
static void device_seed(const uint8_t *buf, size_t len,
			enum trace_dev_kind kind, const char *target)
{
	struct trace_header h;
	struct trace_rec r, *in = calloc(MAX_INPUTS, sizeof(*in));
	struct tdec d;
	struct tenc e;
	struct sb ev = {0}, s = {0};
	size_t hl, nin = 0;
	unsigned slot;
	char err[256];

	if (!in || tdec_header(buf, len, false, &h, &hl, err, sizeof(err)))
		exit(1);
	for (slot = 0; slot < h.ndevs && h.devs[slot].kind != kind; slot++)
		;
	if (slot == h.ndevs)
		return;
	tenc_init(&e);
	tdec_init(&d, buf, len, hl, false);
	while (tdec_next(&d, &r, err, sizeof(err)) == 1) {
		enum trace_class c = trace_class(r.type);

		if (c == TRACE_CLASS_INPUT) {
			if (nin < MAX_INPUTS)
				in[nin++] = r;
			continue;
		}
		if (c == TRACE_CLASS_EFFECT)
			continue;
		ev.len = 0;
		if (c == TRACE_CLASS_END || drives(&r, slot, kind, &ev)) {
			for (size_t i = 0; i < nin; i++) {
				uint8_t *p = tenc_rec(&e, in[i].type, in[i].a,
						      in[i].b, in[i].len);
				if (p)
					memcpy(p, in[i].data, in[i].len);
			}
			uint8_t a =
			    r.type == TRACE_TAP_RX || r.type == TRACE_NET_RX
				? 0
				: r.a;
			uint8_t *p = tenc_rec(
			    &e, r.type, a, r.b,
			    (uint32_t)(c == TRACE_CLASS_END ? r.len : ev.len));
			if (p)
				memcpy(p, c == TRACE_CLASS_END ? r.data : ev.p,
				       c == TRACE_CLASS_END ? r.len : ev.len);
		}
		nin = 0;
	}
	if (e.err)
		exit(1);
	sb_put(&s, e.p, e.len);
	seed(target, "recorded", &s);
	tenc_free(&e);
	sb_free(&ev);
	sb_free(&s);
	free(in);
}

void seeds_trace(const char *traces)
{
	DIR *dir = opendir(traces);
	struct dirent *de;
	struct sb s = {0};

	if (!dir) {
		perror(traces);
		exit(1);
	}
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name), len;
		char path[4096], name[256];
		struct tenc e;
		char err[256], *text;

		if (n < 5 || strcmp(de->d_name + n - 4, ".txt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", traces, de->d_name);
		snprintf(name, sizeof(name), "%.*s", (int)(n - 4), de->d_name);
		if (!(text = slurp(path, &len)))
			exit(1);
		if (len <= TEXT_SEED_MAX) {
			sb_put(&s, text, len);
			seed("trace_text", name, &s);
		}
		tenc_init(&e);
		if (ttext_parse(text, len, &e, err, sizeof(err)) == 0) {
			if (e.len <= BIN_SEED_MAX) {
				sb_put(&s, e.p, e.len);
				seed("trace", name, &s);
			}
			if (strcmp(name, "recorded_all_devices") == 0) {
				device_seed(e.p, e.len, TRACE_DEV_BLK,
					    "replay_blk");
				device_seed(e.p, e.len, TRACE_DEV_NET,
					    "replay_net");
				device_seed(e.p, e.len, VIRTIO_RNG_TRACE_KIND,
					    "replay_rng");
				device_seed(e.p, e.len,
					    VIRTIO_CONSOLE_TRACE_KIND,
					    "replay_console");
			}
			if (strcmp(name, "recorded_vsock") == 0)
				device_seed(e.p, e.len, TRACE_DEV_VSOCK,
					    "replay_vsock");
		}
		tenc_free(&e);
		free(text);
	}
	closedir(dir);
	sb_free(&s);
}
