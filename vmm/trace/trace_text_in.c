/* SPDX-License-Identifier: Apache-2.0 */
/* Text trace -> binary: the header lines; see trace_text.h and
 * docs/trace-format.md. Record lines are in trace_text_rec.c. */
#include "vmm/trace/trace_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/base/errmsg.h"

/* The longest line: end REASON STATUS and a hash per device. */
#define TIN_MAX_TOKENS	    (3 + TRACE_MAX_DEVS)
#define TIN_DEFAULT_MEM_MIB 128 /* machine lines without mem= */

/* One line split into tokens (pointers into the private copy). */
struct tin_line {
	char *tok[TIN_MAX_TOKENS];
	unsigned n;
};

/* The parse state: the header is collected until the first record. */
struct tin {
	struct tenc *out;
	struct trace_header h;
	int stage; /* 0: want "vmm-trace", 1: want machine, 2: devs, 3: recs */
	unsigned line;
	uint8_t *blob; /* scratch for decoded blobs */
	char *err;
	size_t errlen;
};

static int tin_fail(struct tin *t, const char *what, const char *tok)
{
	return errmsg(t->err, t->errlen, -EINVAL, "line %u: %s%s%s%s", t->line,
		      what, tok ? " '" : "", tok ? tok : "", tok ? "'" : "");
}

/* Split s in place. Quotes keep spaces and '#' inside a token; '#' at the
 * start of a token begins a comment. */
static int tin_split(struct tin *t, char *s, struct tin_line *l)
{
	l->n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			return 0;
		if (l->n == TIN_MAX_TOKENS)
			return tin_fail(t, "too many fields", NULL);
		l->tok[l->n++] = s;
		bool q = false;
		for (; *s && (q || (*s != ' ' && *s != '\t' && *s != '\r'));
		     s++) {
			if (q && *s == '\\' && s[1])
				s++;
			else if (*s == '"')
				q = !q;
		}
		if (q)
			return tin_fail(t, "unterminated string", NULL);
		if (*s)
			*s++ = '\0';
	}
}

static int tin_u(struct tin *t, const char *s, uint64_t max, uint64_t *v)
{
	if (ttext_num(s, v, NULL) || *v > max)
		return tin_fail(t, "bad number", s);
	return 0;
}

static int tin_machine(struct tin *t, const struct tin_line *l)
{
	if (l->n < 2 || strcmp(l->tok[0], "machine") != 0)
		return tin_fail(t, "expected 'machine ARCH mem=MiB cpus=N'",
				NULL);
	uint64_t v = 0;
	t->h.mem_mib = TIN_DEFAULT_MEM_MIB;
	t->h.cpus = 1;
	if (strcmp(l->tok[1], "x86_64") == 0)
		t->h.arch = TRACE_ARCH_X86_64;
	else if (strcmp(l->tok[1], "aarch64") == 0)
		t->h.arch = TRACE_ARCH_AARCH64;
	else if (tin_u(t, l->tok[1], UINT32_MAX, &v) == 0)
		t->h.arch = (uint32_t)v;
	else
		return -EINVAL;
	for (unsigned i = 2; i < l->n; i++) {
		const char *k = l->tok[i];
		int r;
		if (strncmp(k, "mem=", 4) == 0) {
			r = tin_u(t, k + 4, UINT64_MAX, &t->h.mem_mib);
		} else if (strncmp(k, "cpus=", 5) == 0) {
			r = tin_u(t, k + 5, UINT32_MAX, &v);
			t->h.cpus = (uint32_t)v;
		} else if (strncmp(k, "platform=", 9) == 0) {
			r = tin_u(t, k + 9, UINT16_MAX, &v);
			t->h.platform = (uint16_t)v;
		} else {
			r = tin_fail(t, "unknown machine field", k);
		}
		if (r)
			return r;
	}
	return 0;
}

static unsigned tin_hexval(char c)
{
	return c >= '0' && c <= '9'   ? (unsigned)(c - '0')
	       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
	       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
				      : 16;
}

static int tin_mac(struct tin *t, const char *s, uint8_t mac[6])
{
	for (unsigned i = 0; i < 6; i++) {
		unsigned hi = tin_hexval(s[0]);
		unsigned lo = hi < 16 ? tin_hexval(s[1]) : 16;
		if (hi > 15 || lo > 15 || (i < 5 && s[2] != ':') ||
		    (i == 5 && s[2]))
			return tin_fail(t, "bad MAC", NULL);
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	return 0;
}

static int tin_dev_field(struct tin *t, struct trace_dev *d, const char *k)
{
	uint64_t v;
	uint32_t n;
	int r;
	if (d->kind == TRACE_DEV_BLK && strncmp(k, "size=", 5) == 0)
		return tin_u(t, k + 5, UINT64_MAX, &d->size);
	if (d->kind == TRACE_DEV_BLK && strncmp(k, "hash=", 5) == 0)
		return tin_u(t, k + 5, UINT64_MAX, &d->hash);
	if (d->kind == TRACE_DEV_BLK && strcmp(k, "ro") == 0) {
		d->flags |= TRACE_BLK_RO;
		return 0;
	}
	if (d->kind == TRACE_DEV_BLK && strncmp(k, "id=", 3) == 0) {
		if (ttext_blob(k + 3, t->blob, &n))
			return tin_fail(t, "bad id", k + 3);
		if (n > TRACE_ID_MAX)
			return tin_fail(t, "id longer than 20 bytes", NULL);
		memcpy(d->id, t->blob, n);
		return 0;
	}
	if (d->kind == TRACE_DEV_NET && strncmp(k, "mac=", 4) == 0)
		return tin_mac(t, k + 4, d->mac);
	if (d->kind == TRACE_DEV_NET && strncmp(k, "offloads=", 9) == 0) {
		if (!(r = tin_u(t, k + 9, UINT32_MAX, &v)))
			d->offloads = (uint32_t)v;
		return r;
	}
	if (d->kind == TRACE_DEV_VSOCK && strncmp(k, "cid=", 4) == 0)
		return tin_u(t, k + 4, UINT32_MAX, &d->cid);
	return tin_fail(t, "unknown device field", k);
}

static int tin_dev(struct tin *t, const struct tin_line *l)
{
	if (l->n < 2)
		return tin_fail(t, "expected 'dev KIND ...'", NULL);
	if (t->h.ndevs == TRACE_MAX_DEVS)
		return tin_fail(t, "too many devices", NULL);
	struct trace_dev *d = &t->h.devs[t->h.ndevs];
	memset(d, 0, sizeof(*d));
	const struct vdev_type *type = vdev_type_find(l->tok[1]);
	if (type)
		d->kind = type->trace_kind;
	if (!d->kind)
		return tin_fail(t, "unknown device kind", l->tok[1]);
	for (unsigned i = 2; i < l->n; i++) {
		int r = tin_dev_field(t, d, l->tok[i]);
		if (r)
			return r;
	}
	t->h.ndevs++;
	return 0;
}

static int tin_line(struct tin *t, char *s)
{
	struct tin_line l;
	int r = tin_split(t, s, &l);
	if (r || l.n == 0)
		return r;
	if (t->stage == 0) {
		uint64_t v;
		if (l.n != 2 || strcmp(l.tok[0], "vmm-trace") != 0 ||
		    ttext_num(l.tok[1], &v, NULL) || v > UINT16_MAX)
			return tin_fail(t,
					"a text trace starts with "
					"'vmm-trace VERSION'",
					NULL);
		t->h.version = (uint16_t)v;
		t->stage = 1;
		return 0;
	}
	if (t->stage == 1) {
		t->stage = 2;
		return tin_machine(t, &l);
	}
	if (t->stage == 2 && strcmp(l.tok[0], "dev") == 0)
		return tin_dev(t, &l);
	if (t->stage == 2) {
		tenc_header(t->out, &t->h);
		t->stage = 3;
	}
	char why[160];
	r = ttext_rec(t->out, l.tok, l.n, t->blob, why, sizeof(why));
	if (r)
		return errmsg(t->err, t->errlen, r, "line %u: %s", t->line,
			      why);
	return 0;
}

int ttext_parse(const char *text, size_t len, struct tenc *out, char *err,
		size_t errlen)
{
	struct tin t = {.out = out, .err = err, .errlen = errlen};
	char *copy = malloc(len + 1);
	t.blob = malloc(len + 16);
	if (!copy || !t.blob) {
		free(copy);
		free(t.blob);
		return errmsg(err, errlen, -ENOMEM, "out of memory");
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	int r = 0;
	char *s = copy;
	while (!r && s) {
		char *nl = memchr(s, '\n', (size_t)(copy + len - s));
		if (nl)
			*nl = '\0';
		t.line++;
		if (strlen(s) != (size_t)((nl ? nl : copy + len) - s))
			r = tin_fail(&t, "NUL byte in the text", NULL);
		else
			r = tin_line(&t, s);
		s = nl ? nl + 1 : NULL;
	}
	if (!r && t.stage < 2)
		r = errmsg(err, errlen, -EINVAL,
			   "line %u: the text ends before the machine line",
			   t.line);
	if (!r && t.stage == 2)
		tenc_header(out, &t.h);
	if (!r && out->err)
		r = errmsg(err, errlen, out->err, "out of memory");
	free(copy);
	free(t.blob);
	return r;
}
