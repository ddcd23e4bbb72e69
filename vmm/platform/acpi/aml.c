/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AML builder. See aml.h for the contract. Section numbers are those of
 * the ACPI Specification 6.5: chapter 20 (AML grammar) and 6.4 (resource
 * data types).
 */
#include "vmm/platform/acpi/aml.h"

#include <errno.h>
#include <string.h>

/* 20.2.x opcodes and prefixes. */
#define AML_ZERO	      0x00
#define AML_ONE		      0x01
#define AML_NAME_OP	      0x08
#define AML_BYTE_PREFIX	      0x0a
#define AML_WORD_PREFIX	      0x0b
#define AML_DWORD_PREFIX      0x0c
#define AML_STRING_PREFIX     0x0d
#define AML_QWORD_PREFIX      0x0e
#define AML_SCOPE_OP	      0x10
#define AML_BUFFER_OP	      0x11
#define AML_PACKAGE_OP	      0x12
#define AML_METHOD_OP	      0x14
#define AML_DUAL_NAME_PREFIX  0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX     0x5b
#define AML_DEVICE_OP	      0x82 /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR	      0x5c
#define AML_PARENT_PREFIX     0x5e
#define AML_RETURN_OP	      0xa4
#define AML_NULL_NAME	      0x00

/* 6.4 resource descriptor tags. */
#define AML_RES_IRQ_NOFLAGS    0x22 /* small, IRQ, length 2 */
#define AML_RES_IO	       0x47 /* small, I/O port, length 7 */
#define AML_RES_END	       0x79 /* small, end tag, length 1 */
#define AML_RES_MEMORY32_FIXED 0x86 /* large, 32-bit fixed memory */
#define AML_RES_EXT_INTERRUPT  0x89 /* large, extended interrupt */
#define AML_IO_DECODE16	       0x01

/* What aml_close does besides the PkgLength. */
enum {
	AML_MARK_PLAIN = 1, /* Scope, Device, Method, Package */
	AML_MARK_BUFFER,    /* also insert the BufferSize */
	AML_MARK_RESOURCES, /* also append the end tag, then as a buffer */
};

#define AML_NAMESEG_LEN 4
#define AML_PKGLEN_MAX	((1u << 28) - 1) /* 20.2.4: 28 bits */

static void aml_fail(struct aml *a, int err)
{
	if (!a->err)
		a->err = err;
}

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->cap = buf ? cap : 0;
	a->len = 0;
	a->err = 0;
}

int aml_finish(const struct aml *a, size_t *len)
{
	if (a->err)
		return a->err;
	*len = a->len;
	return 0;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->err)
		return;
	if (n > a->cap - a->len) {
		aml_fail(a, -ENOSPC);
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

/* Little-endian `n` bytes of v. */
static void aml_le(struct aml *a, uint64_t v, unsigned n)
{
	uint8_t b[8];
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	aml_bytes(a, b, n);
}

/* Insert n bytes at pos, moving what follows. */
static void aml_insert(struct aml *a, size_t pos, const uint8_t *p, size_t n)
{
	if (a->err)
		return;
	if (pos > a->len) {
		aml_fail(a, -EINVAL);
		return;
	}
	if (n > a->cap - a->len) {
		aml_fail(a, -ENOSPC);
		return;
	}
	memmove(a->buf + pos + n, a->buf + pos, a->len - pos);
	memcpy(a->buf + pos, p, n);
	a->len += n;
}

/* ---- data objects ---- */

/* The integer encoding of v into out (at most 9 bytes); returns its size. */
static size_t aml_encode_integer(uint64_t v, uint8_t *out)
{
	unsigned n;
	if (v == 0 || v == 1) {
		out[0] = v ? AML_ONE : AML_ZERO;
		return 1;
	}
	if (v <= UINT8_MAX) {
		out[0] = AML_BYTE_PREFIX;
		n = 1;
	} else if (v <= UINT16_MAX) {
		out[0] = AML_WORD_PREFIX;
		n = 2;
	} else if (v <= UINT32_MAX) {
		out[0] = AML_DWORD_PREFIX;
		n = 4;
	} else {
		out[0] = AML_QWORD_PREFIX;
		n = 8;
	}
	for (unsigned i = 0; i < n; i++)
		out[1 + i] = (uint8_t)(v >> (8 * i));
	return 1 + n;
}

void aml_integer(struct aml *a, uint64_t v)
{
	uint8_t b[9];
	size_t n = aml_encode_integer(v, b);
	aml_bytes(a, b, n);
}

void aml_string(struct aml *a, const char *s)
{
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p > 0x7f) {
			aml_fail(a, -EINVAL);
			return;
		}
	}
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

static int aml_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 6.1.5 _HID: three letters of 5 bits each (c - 0x40), then four hex
 * digits, stored big-endian in a 32-bit value that AML holds
 * little-endian: "PNP0501" is 0x0105d041. */
void aml_eisaid(struct aml *a, const char *id)
{
	if (strlen(id) != 7) {
		aml_fail(a, -EINVAL);
		return;
	}
	uint32_t v = 0;
	for (unsigned i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			aml_fail(a, -EINVAL);
			return;
		}
		v = (v << 5) | (uint32_t)(id[i] - 0x40);
	}
	for (unsigned i = 3; i < 7; i++) {
		int d = aml_hex_digit(id[i]);
		if (d < 0) {
			aml_fail(a, -EINVAL);
			return;
		}
		v = (v << 4) | (uint32_t)d;
	}
	/* The 31-bit value, most significant byte first in memory. */
	aml_byte(a, AML_DWORD_PREFIX);
	aml_byte(a, (uint8_t)(v >> 24));
	aml_byte(a, (uint8_t)(v >> 16));
	aml_byte(a, (uint8_t)(v >> 8));
	aml_byte(a, (uint8_t)v);
}

static bool aml_seg_char(char c, bool lead)
{
	return (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!lead && c >= '0' && c <= '9');
}

/* Count the '.'-separated segments of p and check each; -1 if bad. */
static int aml_count_segs(const char *p)
{
	int n = 0;
	while (*p) {
		size_t len = strcspn(p, ".");
		if (len == 0 || len > AML_NAMESEG_LEN)
			return -1;
		for (size_t i = 0; i < len; i++)
			if (!aml_seg_char(p[i], i == 0))
				return -1;
		n++;
		p += len;
		if (*p == '.' && !*++p)
			return -1; /* trailing dot */
	}
	return n;
}

void aml_namestring(struct aml *a, const char *path)
{
	const char *p = path;
	bool prefixed = false;
	if (*p == '\\') {
		aml_byte(a, AML_ROOT_CHAR);
		p++;
		prefixed = true;
	} else {
		for (; *p == '^'; p++, prefixed = true)
			aml_byte(a, AML_PARENT_PREFIX);
	}
	int n = aml_count_segs(p);
	if (n < 0 || n > UINT8_MAX || (n == 0 && !prefixed)) {
		aml_fail(a, -EINVAL);
		return;
	}
	if (n == 0)
		aml_byte(a, AML_NULL_NAME);
	else if (n == 2)
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	else if (n > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, (uint8_t)n);
	}
	while (*p) {
		size_t len = strcspn(p, ".");
		char seg[AML_NAMESEG_LEN] = {'_', '_', '_', '_'};
		memcpy(seg, p, len);
		aml_bytes(a, seg, sizeof(seg));
		p += len;
		if (*p == '.')
			p++;
	}
}

/* ---- named objects and terms ---- */

void aml_name(struct aml *a, const char *path)
{
	aml_byte(a, AML_NAME_OP);
	aml_namestring(a, path);
}

void aml_return(struct aml *a)
{
	aml_byte(a, AML_RETURN_OP);
}

static struct aml_mark aml_mark_here(const struct aml *a, uint8_t kind)
{
	return (struct aml_mark){.pos = a->len, .kind = a->err ? 0 : kind};
}

struct aml_mark aml_scope_open(struct aml *a, const char *path)
{
	aml_byte(a, AML_SCOPE_OP);
	struct aml_mark m = aml_mark_here(a, AML_MARK_PLAIN);
	aml_namestring(a, path);
	return m;
}

struct aml_mark aml_device_open(struct aml *a, const char *path)
{
	aml_byte(a, AML_EXT_OP_PREFIX);
	aml_byte(a, AML_DEVICE_OP);
	struct aml_mark m = aml_mark_here(a, AML_MARK_PLAIN);
	aml_namestring(a, path);
	return m;
}

struct aml_mark aml_method_open(struct aml *a, const char *path, unsigned nargs,
				bool serialized)
{
	if (nargs > 7)
		aml_fail(a, -EINVAL);
	aml_byte(a, AML_METHOD_OP);
	struct aml_mark m = aml_mark_here(a, AML_MARK_PLAIN);
	aml_namestring(a, path);
	/* 20.2.5.2 MethodFlags: bits 0-2 ArgCount, bit 3 SerializeFlag,
	 * bits 4-7 SyncLevel (0). */
	aml_byte(a, (uint8_t)((nargs & 7) | (serialized ? 0x08 : 0)));
	return m;
}

struct aml_mark aml_package_open(struct aml *a, unsigned nelems)
{
	if (nelems > UINT8_MAX)
		aml_fail(a, -EINVAL); /* VarPackage is not needed here */
	aml_byte(a, AML_PACKAGE_OP);
	struct aml_mark m = aml_mark_here(a, AML_MARK_PLAIN);
	aml_byte(a, (uint8_t)nelems);
	return m;
}

struct aml_mark aml_buffer_open(struct aml *a)
{
	aml_byte(a, AML_BUFFER_OP);
	return aml_mark_here(a, AML_MARK_BUFFER);
}

struct aml_mark aml_resources_open(struct aml *a)
{
	aml_byte(a, AML_BUFFER_OP);
	return aml_mark_here(a, AML_MARK_RESOURCES);
}

/* 20.2.4: PkgLength counts itself and what follows it. */
void aml_close(struct aml *a, struct aml_mark m)
{
	if (a->err)
		return;
	if (m.kind < AML_MARK_PLAIN || m.kind > AML_MARK_RESOURCES ||
	    m.pos > a->len) {
		aml_fail(a, -EINVAL);
		return;
	}
	if (m.kind == AML_MARK_RESOURCES) {
		aml_byte(a, AML_RES_END);
		aml_byte(a, 0); /* checksum 0: not checked */
	}
	if (m.kind != AML_MARK_PLAIN) {
		uint8_t size[9];
		size_t n = aml_encode_integer(a->len - m.pos, size);
		aml_insert(a, m.pos, size, n);
	}
	if (a->err)
		return;
	size_t body = a->len - m.pos;
	uint8_t pkg[4];
	size_t n;
	if (body + 1 <= 0x3f) {
		n = 1;
		pkg[0] = (uint8_t)(body + 1);
	} else {
		size_t total;
		if (body + 2 < (1u << 12))
			n = 2;
		else if (body + 3 < (1u << 20))
			n = 3;
		else
			n = 4;
		total = body + n;
		if (total > AML_PKGLEN_MAX) {
			aml_fail(a, -EOVERFLOW);
			return;
		}
		pkg[0] = (uint8_t)(((n - 1) << 6) | (total & 0x0f));
		for (size_t i = 1; i < n; i++)
			pkg[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	}
	aml_insert(a, m.pos, pkg, n);
}

/* ---- resource descriptors ---- */

void aml_io(struct aml *a, uint16_t min, uint16_t max, uint8_t align,
	    uint8_t len)
{
	aml_byte(a, AML_RES_IO);
	aml_byte(a, AML_IO_DECODE16);
	aml_le(a, min, 2);
	aml_le(a, max, 2);
	aml_byte(a, align);
	aml_byte(a, len);
}

void aml_irq_noflags(struct aml *a, unsigned irq)
{
	if (irq > 15) {
		aml_fail(a, -EINVAL);
		return;
	}
	aml_byte(a, AML_RES_IRQ_NOFLAGS);
	aml_le(a, 1u << irq, 2);
}

void aml_memory32_fixed(struct aml *a, bool writable, uint32_t base,
			uint32_t len)
{
	aml_byte(a, AML_RES_MEMORY32_FIXED);
	aml_le(a, 9, 2); /* length of what follows the 3-byte header */
	aml_byte(a, writable ? 1 : 0);
	aml_le(a, base, 4);
	aml_le(a, len, 4);
}

void aml_interrupt(struct aml *a, uint8_t flags, uint32_t gsi)
{
	if (flags & ~(AML_INT_CONSUMER | AML_INT_EDGE | AML_INT_ACTIVE_LOW |
		      AML_INT_SHARED | AML_INT_WAKE)) {
		aml_fail(a, -EINVAL);
		return;
	}
	aml_byte(a, AML_RES_EXT_INTERRUPT);
	aml_le(a, 6, 2); /* flags, count, one 32-bit interrupt number */
	aml_byte(a, flags);
	aml_byte(a, 1);
	aml_le(a, gsi, 4);
}
