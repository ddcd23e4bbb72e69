/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trace encoder: header and records appended to a growable buffer.
 *
 * Errors are sticky: a failed allocation sets `err` (-ENOMEM) and every
 * later append does nothing, so a writer checks once, before it uses the
 * bytes (the way ferror works). Appends never fail otherwise: callers give
 * well-formed values (sizes 1, 2, 4 or 8; lengths that fit the format).
 */
#ifndef VMM_TRACE_ENC_H
#define VMM_TRACE_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/trace/trace.h"

struct tenc {
	uint8_t *p;
	size_t len, cap;
	size_t last; /* offset of the last record header; SIZE_MAX: none */
	int err;     /* 0, or -ENOMEM once an append failed */
};

void tenc_init(struct tenc *e);
void tenc_free(struct tenc *e);
/* Empty the buffer (keeping its memory) and clear the error. */
void tenc_reset(struct tenc *e);

/* The header: fixed part and h->ndevs device entries. */
void tenc_header(struct tenc *e, const struct trace_header *h);

/* A record of `len` payload bytes: returns where to write the payload, or
 * NULL after an error. */
uint8_t *tenc_rec(struct tenc *e, uint8_t type, uint8_t a, uint16_t b,
		  uint32_t len);

/* MMIO or PIO (type): `count` elements of `size` bytes at data. */
void tenc_io(struct tenc *e, uint8_t type, unsigned cpu, bool write,
	     uint64_t addr, unsigned size, const uint8_t *data, unsigned count);
/* Guest memory read by a device; split into records of at most 1 MiB. */
void tenc_mem(struct tenc *e, uint64_t gpa, const void *data, uint64_t len);
/* A record whose payload is just bytes (device inputs, SERIAL_TX, CONSOLE_TX,
 * TAP_TX, TAP_RX). */
void tenc_blob(struct tenc *e, uint8_t type, uint8_t a, const void *data,
	       uint32_t len);
/* The same, but bytes extend the previous record when it is the last one
 * and has the same type and a (output streams: one record per run). */
void tenc_stream(struct tenc *e, uint8_t type, uint8_t a, const void *data,
		 uint32_t len);
/* SERIAL_RX / CONSOLE_RX: `len` bytes offered, `taken` of them taken. */
void tenc_rx(struct tenc *e, uint8_t type, uint32_t taken, const void *data,
	     uint32_t len);
void tenc_rtc(struct tenc *e, int64_t seconds);
void tenc_irq(struct tenc *e, uint32_t gsi, int level);
void tenc_cpu(struct tenc *e, unsigned cpu, enum trace_cpu_event ev);
void tenc_net_rx(struct tenc *e, unsigned net);
/* A vsock record (type VSOCK_HOST, _IN or _OUT, a = op): x, y, then len
 * bytes of data (len 0 for the ops without bytes). */
void tenc_vsock(struct tenc *e, uint8_t type, unsigned op, uint32_t x,
		int32_t y, const void *data, uint32_t len);
void tenc_end(struct tenc *e, enum trace_stop why, uint8_t status,
	      const uint64_t *disk_hashes, unsigned ndisks);

/* Append all of src's bytes (records) to e; src is unchanged. */
void tenc_cat(struct tenc *e, const struct tenc *src);

#endif
