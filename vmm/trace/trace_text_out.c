/* SPDX-License-Identifier: Apache-2.0 */
/* Binary trace -> text; see trace_text.h and docs/trace-format.md. */
#include "vmm/trace/trace_text.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/base/compiler.h"
#include "vmm/base/errmsg.h"
#include "vmm/trace/trace_dec.h"

static const char *const ttext_stops[] = {
    "none",  "poweroff", "reset", "debug-exit",
    "crash", "signal",	 "quit",  "error",
};
static const char *const ttext_cpus[] = {
    NULL, "shutdown", "reset", "poweroff", "error",
};

const char *ttext_stop_name(unsigned why)
{
	return why < ARRAY_SIZE(ttext_stops) ? ttext_stops[why] : NULL;
}

const char *ttext_cpu_name(unsigned ev)
{
	return ev < ARRAY_SIZE(ttext_cpus) ? ttext_cpus[ev] : NULL;
}

static bool tout_printable(const uint8_t *p, uint32_t n)
{
	if (n == 0)
		return true;
	for (uint32_t i = 0; i < n; i++)
		if ((p[i] < 0x20 || p[i] > 0x7e) && p[i] != '\n' &&
		    p[i] != '\r' && p[i] != '\t')
			return false;
	return true;
}

/* A blob: "quoted text" when it is all printable, else hex digits. */
static void tout_blob(FILE *f, const uint8_t *p, uint32_t n)
{
	if (!tout_printable(p, n)) {
		for (uint32_t i = 0; i < n; i++)
			fprintf(f, "%02x", p[i]);
		return;
	}
	fputc('"', f);
	for (uint32_t i = 0; i < n; i++) {
		switch (p[i]) {
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		default:
			fputc(p[i], f);
		}
	}
	fputc('"', f);
}

static void tout_header(FILE *f, const struct trace_header *h)
{
	const char *arch = h->arch == TRACE_ARCH_X86_64	   ? "x86_64"
			   : h->arch == TRACE_ARCH_AARCH64 ? "aarch64"
							   : NULL;
	fprintf(f, "vmm-trace %u\nmachine ", h->version);
	if (arch)
		fputs(arch, f);
	else
		fprintf(f, "%" PRIu32, h->arch);
	fprintf(f, " mem=%" PRIu64 " cpus=%" PRIu32, h->mem_mib, h->cpus);
	if (h->platform)
		fprintf(f, " platform=0x%x", h->platform);
	fputc('\n', f);
	for (unsigned i = 0; i < h->ndevs; i++) {
		const struct trace_dev *d = &h->devs[i];
		switch (d->kind) {
		case TRACE_DEV_BLK:
			fprintf(f, "dev blk size=%" PRIu64, d->size);
			if (d->hash)
				fprintf(f, " hash=0x%016" PRIx64, d->hash);
			if (d->flags & TRACE_BLK_RO)
				fputs(" ro", f);
			if (d->id[0]) {
				fputs(" id=", f);
				tout_blob(f, (const uint8_t *)d->id,
					  (uint32_t)strlen(d->id));
			}
			fputc('\n', f);
			break;
		case TRACE_DEV_NET:
			fprintf(f,
				"dev net mac=%02x:%02x:%02x:%02x:%02x:%02x "
				"offloads=0x%" PRIx32 "\n",
				d->mac[0], d->mac[1], d->mac[2], d->mac[3],
				d->mac[4], d->mac[5], d->offloads);
			break;
		case TRACE_DEV_VSOCK:
			fprintf(f, "dev vsock cid=%" PRIu64 "\n", d->cid);
			break;
		default: { /* a flag type: the kind alone */
			const struct vdev_type *t = vdev_type_by_trace(d->kind);
			fprintf(f, "dev %s\n", t ? t->name : "?");
		}
		}
	}
}

static void tout_io(FILE *f, const struct trace_rec *r)
{
	uint8_t scratch[TRACE_IO_MAX];
	struct trace_io io;
	tdec_io(r, scratch, &io);
	fprintf(f, "%s %u %c 0x%" PRIx64 " %u ", trace_type_name(r->type),
		io.cpu, io.write ? 'w' : 'r', io.addr, io.size);
	for (unsigned i = 0; i < io.count; i++)
		fprintf(f, "%s0x%" PRIx64, i ? "," : "",
			trace_get_le(io.data + i * io.size, io.size));
}

/* NAME OP X Y [BYTES] */
static void tout_vsock(FILE *f, const struct trace_rec *r)
{
	uint32_t x, len;
	int32_t y;
	const uint8_t *data;
	tdec_vsock(r, &x, &y, &data, &len);
	fprintf(f, "%s %s %" PRIu32 " %" PRId32, trace_type_name(r->type),
		trace_vsock_op_name(r->type, r->a), x, y);
	if (trace_vsock_has_data(r->type, r->a)) {
		fputc(' ', f);
		tout_blob(f, data, len);
	}
}

static void tout_rec(FILE *f, const struct trace_rec *r)
{
	const char *name = trace_type_name(r->type);
	uint64_t gpa, hashes[TRACE_MAX_DEVS];
	const uint8_t *data;
	uint32_t len, taken;
	char why[8];

	if (tdec_validate(r, why, sizeof(why)) != 0) {
		fprintf(f, "raw 0x%02x %u %u ", r->type, r->a, r->b);
		tout_blob(f, r->data, r->len);
		return;
	}
	switch (r->type) {
	case TRACE_MMIO:
	case TRACE_PIO:
		tout_io(f, r);
		return;
	case TRACE_CPU:
		fprintf(f, "cpu %u %s", r->a, ttext_cpu_name(r->b));
		return;
	case TRACE_SERIAL_RX:
	case TRACE_CONSOLE_RX:
		tdec_rx(r, &taken, &data, &len);
		fprintf(f, "%s %" PRIu32 " ", name, taken);
		tout_blob(f, data, len);
		return;
	case TRACE_TAP_RX:
	case TRACE_TAP_TX:
		fprintf(f, "%s %u ", name, r->a);
		tout_blob(f, r->data, r->len);
		return;
	case TRACE_NET_RX:
		fprintf(f, "net-rx %u", r->a);
		return;
	case TRACE_VSOCK_HOST:
	case TRACE_VSOCK_IN:
	case TRACE_VSOCK_OUT:
		tout_vsock(f, r);
		return;
	case TRACE_MEM:
		tdec_mem(r, &gpa, &data, &len);
		fprintf(f, "mem 0x%" PRIx64 " ", gpa);
		tout_blob(f, data, len);
		return;
	case TRACE_RTC:
		fprintf(f, "rtc %" PRId64, tdec_rtc(r));
		return;
	case TRACE_IRQ:
		fprintf(f, "irq %u %u", r->b, r->a);
		return;
	case TRACE_END: {
		unsigned n = tdec_end(r, hashes, TRACE_MAX_DEVS);
		fprintf(f, "end %s %u", ttext_stop_name(r->a), r->b);
		for (unsigned i = 0; i < n; i++)
			fprintf(f, " 0x%016" PRIx64, hashes[i]);
		return;
	}
	default: /* device inputs, SERIAL_TX, CONSOLE_TX: bytes */
		fprintf(f, "%s ", name);
		tout_blob(f, r->data, r->len);
	}
}

int ttext_print(const uint8_t *buf, size_t len, FILE *out, unsigned flags,
		char *err, size_t errlen)
{
	struct trace_header h;
	size_t start;
	int r = tdec_header(buf, len, false, &h, &start, err, errlen);
	if (r)
		return r;
	tout_header(out, &h);
	struct tdec d;
	struct trace_rec rec;
	tdec_init(&d, buf, len, start, false);
	while ((r = tdec_next(&d, &rec, err, errlen)) == 1) {
		tout_rec(out, &rec);
		if (flags & TTEXT_INDEX)
			fprintf(out, "  # %" PRIu64, rec.index);
		fputc('\n', out);
	}
	if (fflush(out) != 0 || ferror(out))
		return r ? r
			 : errmsg(err, errlen, -EIO, "writing: %s",
				  strerror(errno));
	return r;
}
