/* SPDX-License-Identifier: Apache-2.0 */
/* Text trace -> binary: one record line; see docs/trace-format.md. */
#include "vmm/trace/trace_text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static unsigned trec_hex(char c)
{
	return c >= '0' && c <= '9'   ? (unsigned)(c - '0')
	       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
	       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
				      : 16;
}

int ttext_num(const char *s, uint64_t *v, bool *neg)
{
	bool minus = *s == '-';
	if (minus && !neg)
		return -EINVAL;
	s += minus;
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	uint64_t x = 0;
	for (; *s; s++) {
		unsigned d = trec_hex(*s);
		if (d >= base || __builtin_mul_overflow(x, base, &x) ||
		    __builtin_add_overflow(x, d, &x))
			return -EINVAL;
	}
	*v = x;
	if (neg)
		*neg = minus;
	return 0;
}

int ttext_blob(const char *s, uint8_t *out, uint32_t *len)
{
	size_t sl = strlen(s);
	uint32_t n = 0;
	if (s[0] != '"') {
		if (sl % 2)
			return -EINVAL;
		for (size_t i = 0; i < sl; i += 2) {
			unsigned hi = trec_hex(s[i]), lo = trec_hex(s[i + 1]);
			if (hi > 15 || lo > 15)
				return -EINVAL;
			out[n++] = (uint8_t)(hi << 4 | lo);
		}
		*len = n;
		return 0;
	}
	if (sl < 2 || s[sl - 1] != '"')
		return -EINVAL;
	for (size_t i = 1; i < sl - 1; i++) {
		unsigned c = (unsigned char)s[i];
		if (c == '"')
			return -EINVAL;
		if (c == '\\') {
			c = (unsigned char)s[++i];
			if (c == 'x' && i + 2 < sl - 1 &&
			    trec_hex(s[i + 1]) < 16 &&
			    trec_hex(s[i + 2]) < 16) {
				c = trec_hex(s[i + 1]) << 4 |
				    trec_hex(s[i + 2]);
				i += 2;
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 'r') {
				c = '\r';
			} else if (c == 't') {
				c = '\t';
			} else if (c == '0') {
				c = 0;
			} else if (c != '"' && c != '\\') {
				return -EINVAL;
			}
		}
		out[n++] = (uint8_t)c;
	}
	*len = n;
	return 0;
}

/* The parse of one line: tokens, where to put the record, why it failed. */
struct trec {
	struct tenc *out;
	char **tok;
	unsigned n;
	uint8_t *blob;
	char *why;
	size_t whylen;
};

static int trec_fail(struct trec *t, const char *what, const char *tok)
{
	snprintf(t->why, t->whylen, "%s%s%s%s", what, tok ? " '" : "",
		 tok ? tok : "", tok ? "'" : "");
	return -EINVAL;
}

static int trec_args(struct trec *t, unsigned want, const char *usage)
{
	return t->n == want + 1 ? 0 : trec_fail(t, usage, NULL);
}

static int trec_u(struct trec *t, unsigned i, uint64_t max, uint64_t *v)
{
	if (ttext_num(t->tok[i], v, NULL) || *v > max)
		return trec_fail(t, "bad number", t->tok[i]);
	return 0;
}

static int trec_blob(struct trec *t, unsigned i, uint32_t *len)
{
	if (ttext_blob(t->tok[i], t->blob, len))
		return trec_fail(t, "bad bytes (\"text\" or hex digits)",
				 t->tok[i]);
	return 0;
}

/* mmio|pio CPU r|w ADDR SIZE V[,V...] */
static int trec_io(struct trec *t, uint8_t type)
{
	uint8_t data[TRACE_IO_MAX];
	uint64_t cpu, addr, size, v;
	int r = trec_args(t, 5, "expected 'mmio|pio CPU r|w ADDR SIZE VALUE'");
	if (!r)
		r = trec_u(t, 1, 255, &cpu);
	if (!r && strcmp(t->tok[2], "r") && strcmp(t->tok[2], "w"))
		r = trec_fail(t, "direction is not r or w", t->tok[2]);
	if (!r)
		r = trec_u(t, 3, UINT64_MAX, &addr);
	if (!r)
		r = trec_u(t, 4, 15, &size);
	if (!r && size == 0)
		r = trec_fail(t, "size 0", NULL);
	if (r)
		return r;
	unsigned count = 0;
	char *s = t->tok[5];
	for (;;) {
		char *comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		if ((count + 1) * size > TRACE_IO_MAX)
			return trec_fail(t, "too many values", NULL);
		if (ttext_num(s, &v, NULL) || (size < 8 && v >> (8 * size)))
			return trec_fail(t, "bad value for the size", s);
		memset(data + count * size, 0, size);
		trace_put_le(data + count * size, (unsigned)size, v);
		count++;
		if (!comma)
			break;
		s = comma + 1;
	}
	uint8_t *p = tenc_rec(t->out, type, (uint8_t)cpu,
			      TRACE_IO_B(t->tok[2][0] == 'w', size),
			      (uint32_t)(8 + count * size));
	if (p) {
		trace_put64(p, addr);
		memcpy(p + 8, data, count * size);
	}
	return 0;
}

static int trec_named(struct trec *t, const char *s,
		      const char *(*name)(unsigned), unsigned max, uint64_t *v)
{
	for (unsigned i = 0; i <= max; i++)
		if (name(i) && strcmp(name(i), s) == 0) {
			*v = i;
			return 0;
		}
	return trec_fail(t, "unknown name", s);
}

static int trec_end(struct trec *t)
{
	uint64_t why, status, h[TRACE_MAX_DEVS];
	if (t->n < 3 || t->n > 3 + TRACE_MAX_DEVS)
		return trec_fail(t, "expected 'end REASON STATUS [HASH...]'",
				 NULL);
	int r = trec_named(t, t->tok[1], ttext_stop_name, TRACE_STOP_MAX, &why);
	if (!r)
		r = trec_u(t, 2, 255, &status);
	for (unsigned i = 3; !r && i < t->n; i++)
		r = trec_u(t, i, UINT64_MAX, &h[i - 3]);
	if (!r)
		tenc_end(t->out, (enum trace_stop)why, (uint8_t)status, h,
			 t->n - 3);
	return r;
}

/* TYPE A BLOB records: serial-rx/console-rx (A = taken), tap-rx/tap-tx
 * (A = net), mem (A = gpa). */
static int trec_num_blob(struct trec *t, uint8_t type)
{
	uint64_t a;
	uint32_t len;
	int r = trec_args(t, 2, "expected 'TYPE NUMBER BYTES'");
	if (!r)
		r = trec_u(t, 1, type == TRACE_MEM ? UINT64_MAX : UINT32_MAX,
			   &a);
	if (!r)
		r = trec_blob(t, 2, &len);
	if (r)
		return r;
	if (type == TRACE_MEM) {
		uint8_t *p = tenc_rec(t->out, type, 0, 0, 8 + len);
		if (p) {
			trace_put64(p, a);
			memcpy(p + 8, t->blob, len);
		}
	} else if (type == TRACE_SERIAL_RX || type == TRACE_CONSOLE_RX) {
		tenc_rx(t->out, type, (uint32_t)a, t->blob, len);
	} else {
		if (a > 255)
			return trec_fail(t, "net index over 255", NULL);
		tenc_blob(t->out, type, (uint8_t)a, t->blob, len);
	}
	return 0;
}

static int trec_other(struct trec *t, uint8_t type)
{
	uint64_t a, b;
	uint32_t len;
	bool neg;
	int r;
	switch (type) {
	case TRACE_CPU:
		r = trec_args(t, 2, "expected 'cpu CPU EVENT'");
		if (!r)
			r = trec_u(t, 1, 255, &a);
		if (!r)
			r = trec_named(t, t->tok[2], ttext_cpu_name,
				       TRACE_CPU_ERROR, &b);
		if (!r)
			tenc_cpu(t->out, (unsigned)a, (enum trace_cpu_event)b);
		return r;
	case TRACE_NET_RX:
		r = trec_args(t, 1, "expected 'net-rx NET'");
		if (!r)
			r = trec_u(t, 1, 255, &a);
		if (!r)
			tenc_net_rx(t->out, (unsigned)a);
		return r;
	case TRACE_RTC:
		r = trec_args(t, 1, "expected 'rtc SECONDS'");
		if (!r && ttext_num(t->tok[1], &a, &neg))
			r = trec_fail(t, "bad number", t->tok[1]);
		/* An int64_t: |INT64_MIN| = INT64_MAX + 1 only when negative
		 * (and negated in uint64_t, where it cannot overflow). */
		if (!r && a > (uint64_t)INT64_MAX + (neg ? 1 : 0))
			r = trec_fail(t, "seconds out of range", t->tok[1]);
		if (!r)
			tenc_rtc(t->out, neg ? (int64_t)(0 - a) : (int64_t)a);
		return r;
	case TRACE_IRQ:
		r = trec_args(t, 2, "expected 'irq GSI LEVEL'");
		if (!r)
			r = trec_u(t, 1, UINT16_MAX, &a);
		if (!r)
			r = trec_u(t, 2, 255, &b);
		if (!r)
			(void)tenc_rec(t->out, TRACE_IRQ, (uint8_t)b,
				       (uint16_t)a, 0);
		return r;
	default: /* a device type's input, serial-tx, console-tx */
		r = trec_args(t, 1, "expected 'TYPE BYTES'");
		if (!r)
			r = trec_blob(t, 1, &len);
		if (!r)
			tenc_blob(t->out, type, 0, t->blob, len);
		return r;
	}
}

/* vsock-host|vsock-in|vsock-out OP X Y [BYTES] */
static int trec_vsock(struct trec *t, uint8_t type)
{
	uint64_t x, y;
	uint32_t len = 0;
	bool neg = false;
	unsigned op = 1;
	if (t->n < 2)
		return trec_fail(t, "expected 'TYPE OP X Y [BYTES]'", NULL);
	while (op <= TRACE_VSOCK_OP_MAX &&
	       (!trace_vsock_op_name(type, op) ||
		strcmp(trace_vsock_op_name(type, op), t->tok[1])))
		op++;
	if (op > TRACE_VSOCK_OP_MAX)
		return trec_fail(t, "unknown vsock op", t->tok[1]);
	bool data = trace_vsock_has_data(type, op);
	int r = trec_args(t, data ? 4 : 3,
			  data ? "expected 'TYPE OP X Y BYTES'"
			       : "expected 'TYPE OP X Y'");
	if (!r)
		r = trec_u(t, 2, UINT32_MAX, &x);
	if (!r && (ttext_num(t->tok[3], &y, &neg) ||
		   y > (neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX)))
		r = trec_fail(t, "bad number", t->tok[3]);
	if (!r && data)
		r = trec_blob(t, 4, &len);
	if (!r && len > TRACE_VSOCK_DATA_MAX)
		r = trec_fail(t, "too many bytes", NULL);
	if (!r)
		tenc_vsock(t->out, type, op, (uint32_t)x,
			   neg ? (int32_t)(0 - y) : (int32_t)y, t->blob, len);
	return r;
}

/* raw TYPE A B BYTES: any record, for bad and unknown ones. */
static int trec_raw(struct trec *t)
{
	uint64_t type, a, b;
	uint32_t len;
	int r = trec_args(t, 4, "expected 'raw TYPE A B BYTES'");
	if (!r)
		r = trec_u(t, 1, 255, &type);
	if (!r)
		r = trec_u(t, 2, 255, &a);
	if (!r)
		r = trec_u(t, 3, UINT16_MAX, &b);
	if (!r)
		r = trec_blob(t, 4, &len);
	if (r)
		return r;
	uint8_t *p =
	    tenc_rec(t->out, (uint8_t)type, (uint8_t)a, (uint16_t)b, len);
	if (p)
		memcpy(p, t->blob, len);
	return r;
}

int ttext_rec(struct tenc *out, char **tok, unsigned n, uint8_t *blob,
	      char *why, size_t whylen)
{
	struct trec t = {.out = out,
			 .tok = tok,
			 .n = n,
			 .blob = blob,
			 .why = why,
			 .whylen = whylen};
	if (strcmp(tok[0], "raw") == 0)
		return trec_raw(&t);
	for (unsigned type = 0; type < 256; type++) {
		const char *name = trace_type_name((uint8_t)type);
		if (!name || strcmp(name, tok[0]) != 0)
			continue;
		switch (type) {
		case TRACE_MMIO:
		case TRACE_PIO:
			return trec_io(&t, (uint8_t)type);
		case TRACE_END:
			return trec_end(&t);
		case TRACE_VSOCK_HOST:
		case TRACE_VSOCK_IN:
		case TRACE_VSOCK_OUT:
			return trec_vsock(&t, (uint8_t)type);
		case TRACE_SERIAL_RX:
		case TRACE_CONSOLE_RX:
		case TRACE_TAP_RX:
		case TRACE_TAP_TX:
		case TRACE_MEM:
			return trec_num_blob(&t, (uint8_t)type);
		default:
			return trec_other(&t, (uint8_t)type);
		}
	}
	return trec_fail(&t, "unknown record", tok[0]);
}
