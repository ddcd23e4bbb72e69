/* SPDX-License-Identifier: Apache-2.0 */
#include "backends/x86/insn.h"

#include <errno.h>
#include <string.h>

/* What follows an opcode of the table: a ModRM byte, and an immediate
 * of imm bytes. */
struct insn_form {
	uint8_t map, op;
	bool modrm;
	uint8_t imm;
};

static const struct insn_form insn_forms[] = {
    {INSN_MAP_1, 0x9b, false, 0},  /* fwait */
    {INSN_MAP_1, 0xcc, false, 0},  /* int3 */
    {INSN_MAP_1, 0xcd, false, 1},  /* int imm8 */
    {INSN_MAP_0F, 0x01, true, 0},  /* group 7: clac, stac */
    {INSN_MAP_0F, 0xb8, true, 0},  /* popcnt (F3) */
    {INSN_MAP_0F, 0xc7, true, 0},  /* group 9: cmpxchg8b/16b */
};

static const struct insn_form *insn_form(uint8_t map, uint8_t op)
{
	for (size_t i = 0; i < sizeof(insn_forms) / sizeof(insn_forms[0]); i++)
		if (insn_forms[i].map == map && insn_forms[i].op == op)
			return &insn_forms[i];
	return NULL;
}

/* A cursor over b[0..n) that reports a need for more bytes. */
struct insn_cur {
	const uint8_t *b;
	size_t n, at;
};

static int insn_take(struct insn_cur *c, size_t len, uint64_t *v)
{
	if (c->at + len > INSN_MAX_LEN)
		return -EINVAL;
	if (c->at + len > c->n)
		return -EAGAIN;
	uint64_t x = 0;
	for (size_t i = 0; i < len; i++)
		x |= (uint64_t)c->b[c->at + i] << (8 * i);
	c->at += len;
	*v = x;
	return 0;
}

static int insn_prefixes(struct insn *in, struct insn_cur *c,
			 enum insn_mode mode)
{
	static const int segs[] = {[0x26] = INSN_SEG_ES + 1, [0x2e] = INSN_SEG_CS + 1,
				   [0x36] = INSN_SEG_SS + 1, [0x3e] = INSN_SEG_DS + 1,
				   [0x64] = INSN_SEG_FS + 1, [0x65] = INSN_SEG_GS + 1};
	for (;;) {
		uint64_t p;
		int r = insn_take(c, 1, &p);
		if (r)
			return r;
		if (p == 0xf0 || p == 0xf2 || p == 0xf3 || p == 0x66 ||
		    p == 0x67 || (p < sizeof(segs) / sizeof(segs[0]) && segs[p])) {
			in->lock |= p == 0xf0;
			/* The last of F2 / F3 counts. */
			if (p == 0xf2 || p == 0xf3) {
				in->repne = p == 0xf2;
				in->rep = p == 0xf3;
			}
			in->opsize |= p == 0x66;
			in->adsize |= p == 0x67;
			if (p < sizeof(segs) / sizeof(segs[0]) && segs[p])
				in->seg = segs[p] - 1;
			in->rex = 0; /* a REX before a legacy prefix is void */
			continue;
		}
		if (mode == INSN_MODE_64 && p >= 0x40 && p <= 0x4f) {
			in->rex = (uint8_t)p;
			continue;
		}
		c->at--; /* the opcode */
		return 0;
	}
}

/* ModRM, SIB and displacement (32- or 64-bit addressing). */
static int insn_modrm(struct insn *in, struct insn_cur *c, enum insn_mode mode)
{
	uint64_t v;
	int r = insn_take(c, 1, &v);
	if (r)
		return r;
	uint8_t rex_r = (in->rex >> 2) & 1, rex_x = (in->rex >> 1) & 1,
		rex_b = in->rex & 1;
	in->has_modrm = true;
	in->modrm = (uint8_t)v;
	in->mod = (uint8_t)(v >> 6);
	in->reg = (uint8_t)(((v >> 3) & 7) | (rex_r << 3));
	uint8_t rm = v & 7;
	in->rm = (uint8_t)(rm | (rex_b << 3));
	in->base = in->index = INSN_NO_REG;
	if (in->mod == 3)
		return 0;
	if (in->adsz == 2)
		return -ENOTSUP;
	size_t disp_len = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
	if (rm == 4) {
		if ((r = insn_take(c, 1, &v)))
			return r;
		in->scale = (uint8_t)(1u << (v >> 6));
		uint8_t idx = (uint8_t)(((v >> 3) & 7) | (rex_x << 3));
		in->index = idx == 4 ? INSN_NO_REG : idx;
		uint8_t base = v & 7;
		if (base == 5 && in->mod == 0)
			disp_len = 4;
		else
			in->base = (uint8_t)(base | (rex_b << 3));
	} else if (rm == 5 && in->mod == 0) {
		disp_len = 4;
		in->rip_rel = mode == INSN_MODE_64;
	} else {
		in->base = in->rm;
	}
	if (disp_len) {
		if ((r = insn_take(c, disp_len, &v)))
			return r;
		in->disp = disp_len == 1 ? (int8_t)v : (int32_t)v;
	}
	return 0;
}

int insn_decode(struct insn *in, const uint8_t *b, size_t n,
		enum insn_mode mode)
{
	struct insn_cur c = {.b = b, .n = n};
	memset(in, 0, sizeof(*in));
	in->seg = INSN_SEG_NONE;
	int r = insn_prefixes(in, &c, mode);
	if (r)
		return r;
	uint64_t op;
	if ((r = insn_take(&c, 1, &op)))
		return r;
	in->map = INSN_MAP_1;
	if (op == 0x0f) {
		in->map = INSN_MAP_0F;
		if ((r = insn_take(&c, 1, &op)))
			return r;
	} else if (op == 0xc4 || op == 0xc5 || op == 0x62) {
		return -ENOTSUP; /* VEX / EVEX (or LES/LDS/BOUND) */
	}
	in->op = (uint8_t)op;
	const struct insn_form *f = insn_form(in->map, in->op);
	if (!f)
		return -ENOTSUP;
	bool def64 = mode == INSN_MODE_64;
	in->opsz = (in->rex & 8)  ? 8
		   : mode == INSN_MODE_16 ? (in->opsize ? 4 : 2)
					  : (in->opsize ? 2 : 4);
	in->adsz = def64 ? (in->adsize ? 4 : 8)
		   : mode == INSN_MODE_32 ? (in->adsize ? 2 : 4)
					  : (in->adsize ? 4 : 2);
	if (f->modrm && (r = insn_modrm(in, &c, mode)))
		return r;
	if (f->imm) {
		if ((r = insn_take(&c, f->imm, &in->imm)))
			return r;
		in->imm_len = f->imm;
	}
	in->len = (uint8_t)c.at;
	return 0;
}
