/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trace decoder: the header, record framing, and typed views of the
 * record payloads, in two modes.
 *
 * Strict (replay, the converter): anything that does not follow
 * docs/trace-format.md is an error with a one-line message naming the
 * record index, its type and byte offset: a bad magic, another version or
 * arch, a truncated header or record, a payload of the wrong length, a
 * reserved bit set, an unknown type.
 *
 * Lenient (fuzzing): never an error. Missing bytes read as zero, the
 * header's numbers are clamped to what a machine can have, a record that
 * runs past the end is cut to what is there, and the typed views below
 * normalise whatever they are given (sizes to 1, 2, 4 or 8, counts and
 * lengths clamped). Unknown types are left to the caller to skip.
 * Machine-dependent normalisation (addresses) is in trace_norm.h.
 */
#ifndef VMM_TRACE_DEC_H
#define VMM_TRACE_DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/trace/trace.h"

#define TDEC_LENIENT_MAX_MEM_MIB 512 /* lenient headers: RAM at most */

struct tdec {
	const uint8_t *buf;
	size_t len, pos;
	uint64_t index; /* of the next record */
	bool lenient;
};

/* Decode the header at buf into *h and set *hdr_len to its size (where
 * the records start). Strict: 0 or -EINVAL / -EPROTONOSUPPORT (another
 * version or arch) with a message. Lenient: always 0. */
int tdec_header(const uint8_t *buf, size_t len, bool lenient,
		struct trace_header *h, size_t *hdr_len, char *err,
		size_t errlen) VMM_WUR;

/* Records of buf from byte `start` on. */
void tdec_init(struct tdec *d, const uint8_t *buf, size_t len, size_t start,
	       bool lenient);

/* The next record's framing into *r (the payload is not checked): 1, 0 at
 * the end of the buffer, or (strict) -EINVAL for a truncated record. */
int tdec_next(struct tdec *d, struct trace_rec *r, char *err,
	      size_t errlen) VMM_WUR;

/* Strict check of a record's payload against its type: 0 or -EINVAL
 * with a message (an unknown type included). */
int tdec_validate(const struct trace_rec *r, char *err, size_t errlen) VMM_WUR;

/* Typed views. For a record that passed tdec_validate they give its exact
 * values; for any other they normalise (lenient). They never fail. */
struct trace_io {
	unsigned cpu;
	bool write;
	uint64_t addr;
	unsigned size;	     /* MMIO 1 to 8, PIO 1, 2 or 4; a size no exit
			      * can have becomes 1 << (size & 3) */
	unsigned count;	     /* >= 1; size * count <= TRACE_IO_MAX */
	const uint8_t *data; /* size * count bytes */
};
/* MMIO / PIO. scratch (TRACE_IO_MAX bytes) holds zero-padded data when
 * the payload is short. */
void tdec_io(const struct trace_rec *r, uint8_t *scratch, struct trace_io *io);
/* MEM: the address and the bytes. */
void tdec_mem(const struct trace_rec *r, uint64_t *gpa, const uint8_t **data,
	      uint32_t *len);
/* SERIAL_RX / CONSOLE_RX: bytes offered, and how many were taken. */
void tdec_rx(const struct trace_rec *r, uint32_t *taken, const uint8_t **data,
	     uint32_t *len);
int64_t tdec_rtc(const struct trace_rec *r);
/* A vsock record (VSOCK_HOST, _IN, _OUT): x, y and the bytes after them
 * (a short payload reads as zeroes and no bytes). */
void tdec_vsock(const struct trace_rec *r, uint32_t *x, int32_t *y,
		const uint8_t **data, uint32_t *len);
/* END: the number of disk hashes (at most max) copied to hashes. */
unsigned tdec_end(const struct trace_rec *r, uint64_t *hashes, unsigned max);

#endif
