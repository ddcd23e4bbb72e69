// SPDX-License-Identifier: Apache-2.0
/* The device state codec; see state.h for the contract. */
#include "vmm/base/state.h"

#include <errno.h>
#include <string.h>

void st_writer_init(struct st_writer *w, void *buf, size_t cap)
{
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->err = 0;
}

/* Room for n more bytes, or the sticky -ENOSPC. */
static bool room(struct st_writer *w, size_t n)
{
	if (w->err)
		return false;
	if (n > w->cap - w->len) {
		w->err = -ENOSPC;
		return false;
	}
	return true;
}

/* The low n bytes of v, little-endian. */
static void put_le(struct st_writer *w, uint64_t v, size_t n)
{
	if (!room(w, n))
		return;
	for (size_t i = 0; i < n; i++)
		w->buf[w->len++] = (uint8_t)(v >> (8 * i));
}

void st_put_u8(struct st_writer *w, uint8_t v)
{
	put_le(w, v, 1);
}
void st_put_u16(struct st_writer *w, uint16_t v)
{
	put_le(w, v, 2);
}
void st_put_u32(struct st_writer *w, uint32_t v)
{
	put_le(w, v, 4);
}
void st_put_u64(struct st_writer *w, uint64_t v)
{
	put_le(w, v, 8);
}
void st_put_bool(struct st_writer *w, bool v)
{
	put_le(w, v ? 1 : 0, 1);
}

void st_put_bytes(struct st_writer *w, const void *src, size_t len)
{
	if (!len || !room(w, len))
		return;
	memcpy(w->buf + w->len, src, len);
	w->len += len;
}

size_t st_section_begin(struct st_writer *w, const char *tag, uint16_t version)
{
	size_t mark = w->len;

	st_put_bytes(w, tag, ST_TAG_LEN);
	st_put_u16(w, version);
	st_put_u32(w, 0);
	return mark;
}

void st_section_end(struct st_writer *w, size_t mark)
{
	size_t body;

	if (w->err)
		return;
	if (mark > w->len || w->len - mark < ST_HDR_LEN) {
		w->err = -EINVAL;
		return;
	}
	body = w->len - mark - ST_HDR_LEN;
	if (body > UINT32_MAX) {
		w->err = -EINVAL;
		return;
	}
	for (size_t i = 0; i < 4; i++)
		w->buf[mark + ST_TAG_LEN + 2 + i] = (uint8_t)(body >> (8 * i));
}

void st_writer_fail(struct st_writer *w, int err)
{
	if (!w->err)
		w->err = err < 0 ? err : -EINVAL;
}

long st_writer_end(const struct st_writer *w)
{
	return w->err ? w->err : (long)w->len;
}

void st_reader_init(struct st_reader *r, const void *buf, size_t len)
{
	r->buf = buf;
	r->len = buf ? len : 0;
	r->pos = 0;
	r->bad = false;
}

void st_fail(struct st_reader *r)
{
	r->bad = true;
}
bool st_ok(const struct st_reader *r)
{
	return !r->bad;
}
size_t st_remaining(const struct st_reader *r)
{
	return r->len - r->pos;
}

/* n bytes at the cursor, taken; NULL (and bad) when fewer are left. */
static const uint8_t *take(struct st_reader *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || n > r->len - r->pos) {
		r->bad = true;
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

static uint64_t get_le(struct st_reader *r, size_t n)
{
	const uint8_t *p = take(r, n);
	uint64_t v = 0;

	if (!p)
		return 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

uint8_t st_get_u8(struct st_reader *r)
{
	return (uint8_t)get_le(r, 1);
}
uint16_t st_get_u16(struct st_reader *r)
{
	return (uint16_t)get_le(r, 2);
}
uint32_t st_get_u32(struct st_reader *r)
{
	return (uint32_t)get_le(r, 4);
}
uint64_t st_get_u64(struct st_reader *r)
{
	return get_le(r, 8);
}

bool st_get_bool(struct st_reader *r)
{
	uint8_t v = st_get_u8(r);

	if (v > 1)
		r->bad = true;
	return v == 1;
}

void st_get_bytes(struct st_reader *r, void *dst, size_t len)
{
	const uint8_t *p = take(r, len);

	if (!len)
		return;
	if (p)
		memcpy(dst, p, len);
	else
		memset(dst, 0, len);
}

/* Decode the header at the cursor without taking it. */
static bool peek_hdr(const struct st_reader *r, char tag[ST_TAG_LEN],
		     uint16_t *version, uint32_t *len)
{
	const uint8_t *p;

	if (r->bad || r->len - r->pos < ST_HDR_LEN)
		return false;
	p = r->buf + r->pos;
	memcpy(tag, p, ST_TAG_LEN);
	*version = (uint16_t)(p[4] | p[5] << 8);
	*len = (uint32_t)p[6] | (uint32_t)p[7] << 8 | (uint32_t)p[8] << 16 |
	       (uint32_t)p[9] << 24;
	return true;
}

bool st_section_peek(const struct st_reader *r, char tag[ST_TAG_LEN])
{
	uint16_t v;
	uint32_t len;

	return peek_hdr(r, tag, &v, &len);
}

/* Take the section at the cursor into *sub; false (r bad) if its header
 * or payload is short. */
static bool take_section(struct st_reader *r, char tag[ST_TAG_LEN],
			 uint16_t *version, struct st_reader *sub)
{
	uint32_t len;
	const uint8_t *p;

	st_reader_init(sub, NULL, 0);
	if (!peek_hdr(r, tag, version, &len)) {
		r->bad = true;
		sub->bad = true;
		return false;
	}
	r->pos += ST_HDR_LEN;
	p = take(r, len);
	if (!p) {
		sub->bad = true;
		return false;
	}
	st_reader_init(sub, p, len);
	return true;
}

void st_section_open(struct st_reader *r, const char *tag, uint16_t max_version,
		     uint16_t *version, struct st_reader *sub)
{
	char got[ST_TAG_LEN];
	uint16_t v = 0;

	*version = 0;
	if (!take_section(r, got, &v, sub))
		return;
	if (memcmp(got, tag, ST_TAG_LEN) || v == 0 || v > max_version) {
		r->bad = true;
		st_reader_init(sub, NULL, 0);
		sub->bad = true;
		return;
	}
	*version = v;
}

void st_section_skip(struct st_reader *r)
{
	char tag[ST_TAG_LEN];
	uint16_t v;
	struct st_reader sub;

	(void)take_section(r, tag, &v, &sub);
}

void st_section_close(struct st_reader *r, const struct st_reader *sub)
{
	if (sub->bad || sub->pos != sub->len)
		r->bad = true;
}

int st_reader_end(const struct st_reader *r)
{
	return r->bad || r->pos != r->len ? -EINVAL : 0;
}
