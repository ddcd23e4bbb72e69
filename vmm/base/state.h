/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device state codec: a bounded writer into a caller's buffer and a
 * bounded reader over a saved blob, for the plain per-device state structs
 * (docs/devices.md, "Device state"). The host's resources (fds, callbacks,
 * locks) are never part of it.
 *
 * Encoding: integers little-endian, no padding, no alignment. A section is
 *   tag[4] (ASCII, e.g. "VQUE"), u16 version, u32 length, `length` bytes
 * so a reader can check what it is given and skip what it does not know.
 * Sections nest: a device's section holds its transport's, which holds
 * its queues'.
 *
 * Errors are sticky: after the first error (a writer out of room, a reader
 * short of bytes, a field a decoder refused with st_fail) every put is
 * ignored and every get returns 0, and the final st_writer_end /
 * st_reader_end reports it. A reader never reads outside its bytes.
 * Nothing here allocates; there is no global state.
 */
#ifndef VMM_STATE_H
#define VMM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

#define ST_TAG_LEN 4
#define ST_HDR_LEN (ST_TAG_LEN + 2 + 4) /* tag, version, length */

struct st_writer {
	uint8_t *buf;
	size_t cap, len;
	int err; /* 0 or -ENOSPC (out of room) / -EINVAL (misuse) */
};

struct st_reader {
	const uint8_t *buf;
	size_t len, pos;
	bool bad; /* sticky: short of bytes, or a field refused */
};

/* A writer of at most cap bytes into buf (buf may be NULL when cap is 0:
 * a dry run that only fails). */
void st_writer_init(struct st_writer *w, void *buf, size_t cap);

/* Append little-endian integers / raw bytes; out of room: -ENOSPC, sticky,
 * nothing written. */
void st_put_u8(struct st_writer *w, uint8_t v);
void st_put_u16(struct st_writer *w, uint16_t v);
void st_put_u32(struct st_writer *w, uint32_t v);
void st_put_u64(struct st_writer *w, uint64_t v);
void st_put_bool(struct st_writer *w, bool v); /* one byte, 0 or 1 */
void st_put_bytes(struct st_writer *w, const void *src, size_t len);

/* Open a section: write its header with a placeholder length and return
 * the mark st_section_end needs. tag is ST_TAG_LEN characters. */
size_t st_section_begin(struct st_writer *w, const char *tag, uint16_t version);
/* Close the section opened at `mark`: fill in its length. */
void st_section_end(struct st_writer *w, size_t mark);

/* Fail the writer with err (-errno) unless it has failed already. */
void st_writer_fail(struct st_writer *w, int err);

/* The writer's result: the bytes written, or -ENOSPC / -EINVAL after any
 * error (then the buffer's content is unspecified). */
long st_writer_end(const struct st_writer *w) VMM_WUR;

/* A reader over len bytes at buf. */
void st_reader_init(struct st_reader *r, const void *buf, size_t len);

/* Mark the reader bad (a decoder refused a field). */
void st_fail(struct st_reader *r);
/* True while no error has happened. */
bool st_ok(const struct st_reader *r);
/* Bytes left. */
size_t st_remaining(const struct st_reader *r);

/* Take little-endian integers / raw bytes; short of bytes: bad, and the
 * value is 0 (dst zeroed). st_get_bool refuses bytes other than 0 and 1. */
uint8_t st_get_u8(struct st_reader *r);
uint16_t st_get_u16(struct st_reader *r);
uint32_t st_get_u32(struct st_reader *r);
uint64_t st_get_u64(struct st_reader *r);
bool st_get_bool(struct st_reader *r);
void st_get_bytes(struct st_reader *r, void *dst, size_t len);

/* Take the next section, which must have tag `tag` and a version in
 * 1 .. max_version, into *sub (a reader over its payload, also when it
 * fails: then an empty, bad one) and *version; the parent moves past it.
 * A wrong tag, an unknown version or a length past the parent's end make
 * both readers bad. */
void st_section_open(struct st_reader *r, const char *tag, uint16_t max_version,
		     uint16_t *version, struct st_reader *sub);
/* The next section's tag into tag[ST_TAG_LEN] without taking it: true, or
 * false (nothing taken, the reader unchanged) when fewer than ST_HDR_LEN
 * bytes are left. */
bool st_section_peek(const struct st_reader *r, char tag[ST_TAG_LEN]);
/* Skip the next section whatever its tag and version (bad if its header
 * or payload is short). */
void st_section_skip(struct st_reader *r);
/* Finish a sub-reader: if it is bad or has bytes left over, the parent
 * becomes bad too. */
void st_section_close(struct st_reader *r, const struct st_reader *sub);

/* The reader's result: 0 when no error happened and every byte was
 * taken, else -EINVAL. */
int st_reader_end(const struct st_reader *r) VMM_WUR;

#endif
