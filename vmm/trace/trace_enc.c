/* SPDX-License-Identifier: Apache-2.0 */
/* The trace encoder; see trace_enc.h and docs/trace-format.md. */
#include "vmm/trace/trace_enc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TENC_MEM_CHUNK (1u << 20)

void tenc_init(struct tenc *e)
{
	memset(e, 0, sizeof(*e));
	e->last = SIZE_MAX;
}

void tenc_free(struct tenc *e)
{
	free(e->p);
	tenc_init(e);
}

void tenc_reset(struct tenc *e)
{
	e->len = 0;
	e->last = SIZE_MAX;
	e->err = 0;
}

/* Room for n more bytes: a pointer to them (len grows), or NULL. */
static uint8_t *tenc_grow(struct tenc *e, size_t n)
{
	if (e->err)
		return NULL;
	if (n > SIZE_MAX / 2 - e->len) {
		e->err = -ENOMEM;
		return NULL;
	}
	if (e->len + n > e->cap) {
		size_t cap = e->cap ? e->cap : 4096;
		while (cap < e->len + n)
			cap *= 2;
		uint8_t *p = realloc(e->p, cap);
		if (!p) {
			e->err = -ENOMEM;
			return NULL;
		}
		e->p = p;
		e->cap = cap;
	}
	uint8_t *at = e->p + e->len;
	e->len += n;
	return at;
}

void tenc_header(struct tenc *e, const struct trace_header *h)
{
	unsigned n = h->ndevs > TRACE_MAX_DEVS ? TRACE_MAX_DEVS : h->ndevs;
	uint8_t *p = tenc_grow(e, TRACE_HDR_FIXED + (size_t)n * TRACE_DEV_SIZE);
	if (!p)
		return;
	memset(p, 0, TRACE_HDR_FIXED + (size_t)n * TRACE_DEV_SIZE);
	memcpy(p, TRACE_MAGIC, 8);
	trace_put16(p + 8, h->version);
	trace_put16(p + 10, (uint16_t)(TRACE_HDR_FIXED + n * TRACE_DEV_SIZE));
	trace_put32(p + 12, h->arch);
	trace_put64(p + 16, h->mem_mib);
	trace_put32(p + 24, h->cpus);
	trace_put16(p + 28, (uint16_t)n);
	trace_put16(p + 30, (uint16_t)h->platform);
	for (unsigned i = 0; i < n; i++)
		trace_dev_put(p + TRACE_HDR_FIXED + i * TRACE_DEV_SIZE,
			      &h->devs[i]);
	e->last = SIZE_MAX;
}

uint8_t *tenc_rec(struct tenc *e, uint8_t type, uint8_t a, uint16_t b,
		  uint32_t len)
{
	size_t at = e->len;
	uint8_t *p = tenc_grow(e, TRACE_REC_HDR + (size_t)len);
	if (!p)
		return NULL;
	p[0] = type;
	p[1] = a;
	trace_put16(p + 2, b);
	trace_put32(p + 4, len);
	e->last = at;
	return p + TRACE_REC_HDR;
}

void tenc_io(struct tenc *e, uint8_t type, unsigned cpu, bool write,
	     uint64_t addr, unsigned size, const uint8_t *data, unsigned count)
{
	uint32_t n = size * count;
	uint8_t *p =
	    tenc_rec(e, type, (uint8_t)cpu, TRACE_IO_B(write, size), 8 + n);
	if (!p)
		return;
	trace_put64(p, addr);
	memcpy(p + 8, data, n);
}

void tenc_mem(struct tenc *e, uint64_t gpa, const void *data, uint64_t len)
{
	const uint8_t *d = data;
	while (len) {
		uint32_t n =
		    len > TENC_MEM_CHUNK ? TENC_MEM_CHUNK : (uint32_t)len;
		uint8_t *p = tenc_rec(e, TRACE_MEM, 0, 0, 8 + n);
		if (!p)
			return;
		trace_put64(p, gpa);
		memcpy(p + 8, d, n);
		gpa += n;
		d += n;
		len -= n;
	}
}

void tenc_blob(struct tenc *e, uint8_t type, uint8_t a, const void *data,
	       uint32_t len)
{
	uint8_t *p = tenc_rec(e, type, a, 0, len);
	if (p && len)
		memcpy(p, data, len);
}

void tenc_stream(struct tenc *e, uint8_t type, uint8_t a, const void *data,
		 uint32_t len)
{
	if (e->last != SIZE_MAX && !e->err && e->p[e->last] == type &&
	    e->p[e->last + 1] == a) {
		uint32_t old = trace_get32(e->p + e->last + 4);
		if (len <= UINT32_MAX - old) {
			size_t last = e->last;
			uint8_t *p = tenc_grow(e, len);
			if (!p)
				return;
			memcpy(p, data, len);
			trace_put32(e->p + last + 4, old + len);
			return;
		}
	}
	tenc_blob(e, type, a, data, len);
}

void tenc_rx(struct tenc *e, uint8_t type, uint32_t taken, const void *data,
	     uint32_t len)
{
	uint8_t *p = tenc_rec(e, type, 0, 0, 4 + len);
	if (!p)
		return;
	trace_put32(p, taken);
	if (len)
		memcpy(p + 4, data, len);
}

void tenc_rtc(struct tenc *e, int64_t seconds)
{
	uint8_t *p = tenc_rec(e, TRACE_RTC, 0, 0, 8);
	if (p)
		trace_put64(p, (uint64_t)seconds);
}

void tenc_irq(struct tenc *e, uint32_t gsi, int level)
{
	(void)tenc_rec(e, TRACE_IRQ, level ? 1 : 0, (uint16_t)gsi, 0);
}

void tenc_cpu(struct tenc *e, unsigned cpu, enum trace_cpu_event ev)
{
	(void)tenc_rec(e, TRACE_CPU, (uint8_t)cpu, (uint16_t)ev, 0);
}

void tenc_net_rx(struct tenc *e, unsigned net)
{
	(void)tenc_rec(e, TRACE_NET_RX, (uint8_t)net, 0, 0);
}

void tenc_end(struct tenc *e, enum trace_stop why, uint8_t status,
	      const uint64_t *disk_hashes, unsigned ndisks)
{
	uint8_t *p = tenc_rec(e, TRACE_END, (uint8_t)why, status, 8 * ndisks);
	for (unsigned i = 0; p && i < ndisks; i++)
		trace_put64(p + 8 * i, disk_hashes[i]);
}

void tenc_cat(struct tenc *e, const struct tenc *src)
{
	if (src->err) {
		e->err = src->err;
		return;
	}
	if (!src->len)
		return;
	size_t base = e->len;
	uint8_t *p = tenc_grow(e, src->len);
	if (!p)
		return;
	memcpy(p, src->p, src->len);
	e->last = src->last == SIZE_MAX ? SIZE_MAX : base + src->last;
}

void tenc_vsock(struct tenc *e, uint8_t type, unsigned op, uint32_t x,
		int32_t y, const void *data, uint32_t len)
{
	uint8_t *p = tenc_rec(e, type, (uint8_t)op, 0, TRACE_VSOCK_HDR + len);
	if (!p)
		return;
	trace_put32(p, x);
	trace_put32(p + 4, (uint32_t)y);
	if (len)
		memcpy(p + TRACE_VSOCK_HDR, data, len);
}
