/* SPDX-License-Identifier: Apache-2.0 */
#include "backends/x86/complete.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "backends/x86/insn.h"

#define CR0_MP (1ull << 1)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define EFER_LMA (1ull << 10)
#define RFLAGS_CF (1ull << 0)
#define RFLAGS_PF (1ull << 2)
#define RFLAGS_AF (1ull << 4)
#define RFLAGS_ZF (1ull << 6)
#define RFLAGS_SF (1ull << 7)
#define RFLAGS_OF (1ull << 11)
#define RFLAGS_AC (1ull << 18)
#define FSW_ES (1u << 7)

#define VEC_BP 3
#define VEC_UD 6
#define VEC_NM 7
#define VEC_NP 11
#define VEC_SS 12
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MF 16

/* One instruction being completed. */
struct cx {
	struct complete_cpu *cpu;
	const struct walk_mem *mem;
	struct complete_result *res;
	struct insn in;
	enum insn_mode mode;
	unsigned cpl;
};

static int cx_unsupported(struct cx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int cx_unsupported(struct cx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->res->why, sizeof(c->res->why), fmt, ap);
	va_end(ap);
	return -ENOTSUP;
}

/* A fault: RIP stays on the instruction. */
static int cx_fault(struct cx *c, uint8_t vector, bool has_error,
		    uint32_t error)
{
	c->res->ev = (struct complete_event){.type = COMPLETE_EV_EXCEPTION,
					     .vector = vector,
					     .has_error = has_error,
					     .error = error};
	return 0;
}

static void cx_retire(struct cx *c)
{
	c->cpu->regs.rip += c->in.len;
	if (c->mode != INSN_MODE_64)
		c->cpu->regs.rip &= 0xffffffffull;
}

/* Register n (the encoding's order: rax rcx rdx rbx rsp rbp rsi rdi
 * r8..r15). */
static uint64_t *cx_reg(struct cx *c, unsigned n)
{
	struct accel_regs *r = &c->cpu->regs;
	uint64_t *const regs[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx,
				    &r->rsp, &r->rbp, &r->rsi, &r->rdi,
				    &r->r8,  &r->r9,  &r->r10, &r->r11,
				    &r->r12, &r->r13, &r->r14, &r->r15};
	return regs[n & 15];
}

static enum insn_mode cx_mode(const struct accel_sregs *s)
{
	if ((s->efer & EFER_LMA) && s->cs.l)
		return INSN_MODE_64;
	return s->cs.db ? INSN_MODE_32 : INSN_MODE_16;
}

static bool cx_canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* Host address of [lin, lin + len), which lies in one page, for access
 * acc. 0 and *p; -EFAULT with a #PF (error code, CR2) queued; -ENOTSUP
 * with why. */
static int cx_map_linear(struct cx *c, uint64_t lin, size_t len,
			 enum walk_access acc, uint8_t **p)
{
	uint64_t gpa;
	uint32_t pfe;
	int r = walk_translate(&c->cpu->sregs, c->cpu->regs.rflags, c->mem,
			       lin, acc, c->cpl == 3, false, &gpa, &pfe);
	if (r == -EFAULT) {
		cx_fault(c, VEC_PF, true, pfe);
		c->res->ev.set_cr2 = true;
		c->res->ev.cr2 = lin;
		return -EFAULT;
	}
	if (r)
		return cx_unsupported(c, "paging mode or page tables not "
					 "walked");
	*p = c->mem->ptr(c->mem->opaque, gpa, len);
	if (!*p)
		return cx_unsupported(c, "operand at 0x%llx is not in guest "
					 "RAM",
				      (unsigned long long)gpa);
	return 0;
}

/* Read len bytes at linear lin (may cross pages). 0; -EFAULT with a
 * #PF queued; -ENOTSUP with why. */
static int cx_read_linear(struct cx *c, uint64_t lin, void *buf, size_t len,
			  enum walk_access acc)
{
	uint8_t *out = buf;
	while (len) {
		size_t chunk = 4096 - (lin & 4095);
		if (chunk > len)
			chunk = len;
		uint8_t *p;
		int r = cx_map_linear(c, lin, chunk, acc, &p);
		if (r)
			return r;
		memcpy(out, p, chunk);
		out += chunk;
		lin += chunk;
		len -= chunk;
	}
	return 0;
}

/* The linear address of the ModRM memory operand (64-bit mode only).
 * 0 and *lin; -EFAULT with #GP(0) / #SS(0) queued; -ENOTSUP. */
static int cx_operand(struct cx *c, uint64_t *lin)
{
	const struct insn *in = &c->in;
	if (c->mode != INSN_MODE_64)
		return cx_unsupported(c, "a memory operand outside 64-bit "
					 "mode");
	uint64_t ea = (uint64_t)in->disp;
	if (in->rip_rel)
		ea += c->cpu->regs.rip + in->len;
	if (in->base != INSN_NO_REG)
		ea += *cx_reg(c, in->base);
	if (in->index != INSN_NO_REG)
		ea += *cx_reg(c, in->index) * in->scale;
	if (in->adsz == 4)
		ea &= 0xffffffffull;
	int seg = in->seg;
	bool stack = seg == INSN_SEG_SS ||
		     (seg == INSN_SEG_NONE && in->base != INSN_NO_REG &&
		      ((in->base & 7) == 4 || (in->base & 7) == 5) &&
		      !in->rip_rel);
	if (seg == INSN_SEG_FS)
		ea += c->cpu->sregs.fs.base;
	else if (seg == INSN_SEG_GS)
		ea += c->cpu->sregs.gs.base;
	if (!cx_canonical(ea)) {
		cx_fault(c, stack ? VEC_SS : VEC_GP, true, 0);
		return -EFAULT;
	}
	*lin = ea;
	return 0;
}

static int cx_fwait(struct cx *c)
{
	const struct complete_cpu *cpu = c->cpu;
	c->res->kind = COMPLETE_FWAIT;
	if ((cpu->sregs.cr0 & CR0_TS) && (cpu->sregs.cr0 & CR0_MP))
		return cx_fault(c, VEC_NM, false, 0);
	if (cpu->fsw & FSW_ES) {
		if (!(cpu->sregs.cr0 & CR0_NE))
			return cx_unsupported(c, "fwait with an x87 exception "
						 "pending and CR0.NE clear "
						 "(FERR#)");
		return cx_fault(c, VEC_MF, false, 0);
	}
	cx_retire(c);
	return 0;
}

static int cx_clac_stac(struct cx *c, bool set)
{
	c->res->kind = set ? COMPLETE_STAC : COMPLETE_CLAC;
	if (c->in.rep || c->in.repne || c->in.opsize)
		return cx_unsupported(c, "0f 01 %02x with a 66/f2/f3 prefix",
				      c->in.modrm);
	if (c->in.lock || !c->cpu->has_smap || c->cpl > 0)
		return cx_fault(c, VEC_UD, false, 0);
	if (set)
		c->cpu->regs.rflags |= RFLAGS_AC;
	else
		c->cpu->regs.rflags &= ~RFLAGS_AC;
	cx_retire(c);
	return 0;
}

static int cx_popcnt(struct cx *c)
{
	const struct insn *in = &c->in;
	c->res->kind = COMPLETE_POPCNT;
	if (!in->rep || in->repne)
		return cx_unsupported(c, "0f b8 without f3 (jmpe)");
	if (in->lock || !c->cpu->has_popcnt)
		return cx_fault(c, VEC_UD, false, 0);
	uint64_t src = 0;
	if (in->mod == 3) {
		src = *cx_reg(c, in->rm);
	} else {
		uint64_t lin = 0;
		int r = cx_operand(c, &lin);
		if (!r)
			r = cx_read_linear(c, lin, &src, in->opsz, WALK_READ);
		if (r)
			return r == -EFAULT ? 0 : r;
	}
	if (in->opsz < 8)
		src &= (1ull << (8 * in->opsz)) - 1;
	uint64_t n = (uint64_t)__builtin_popcountll(src);
	uint64_t *dst = cx_reg(c, in->reg);
	if (in->opsz == 2)
		*dst = (*dst & ~0xffffull) | n;
	else
		*dst = n; /* 32-bit results zero-extend */
	uint64_t *fl = &c->cpu->regs.rflags;
	*fl &= ~(RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF |
		 RFLAGS_OF);
	if (!src)
		*fl |= RFLAGS_ZF;
	cx_retire(c);
	return 0;
}

/* int3 / int n: the gate checks of a software interrupt in 64-bit mode,
 * then delivery as an interrupt with RIP after the instruction. */
static int cx_soft_int(struct cx *c, uint8_t vector)
{
	c->res->kind = vector == VEC_BP && c->in.op == 0xcc ? COMPLETE_INT3
							    : COMPLETE_INTN;
	if (c->in.lock)
		return cx_fault(c, VEC_UD, false, 0);
	if (c->mode != INSN_MODE_64)
		return cx_unsupported(c, "a software interrupt outside 64-bit "
					 "mode");
	const struct accel_dtable *idt = &c->cpu->sregs.idt;
	uint32_t err = (uint32_t)vector * 8 + 2; /* IDT, external clear */
	if ((uint32_t)vector * 16 + 15 > idt->limit)
		return cx_fault(c, VEC_GP, true, err);
	uint8_t gate[16];
	unsigned cpl = c->cpl;
	c->cpl = 0; /* the IDT read is an implicit supervisor access */
	int r = cx_read_linear(c, idt->base + (uint64_t)vector * 16, gate,
			       sizeof(gate), WALK_READ);
	c->cpl = cpl;
	if (r)
		return r == -EFAULT ? 0 : r;
	unsigned type = gate[5] & 0xf, dpl = (gate[5] >> 5) & 3;
	if (type != 0xe && type != 0xf)
		return cx_fault(c, VEC_GP, true, err);
	if (c->cpl > dpl)
		return cx_fault(c, VEC_GP, true, err);
	if (!(gate[5] & 0x80))
		return cx_fault(c, VEC_NP, true, err);
	cx_retire(c);
	c->res->ev = (struct complete_event){.type = COMPLETE_EV_INTERRUPT,
					     .vector = vector};
	return 0;
}

/* lock cmpxchg8b / cmpxchg16b on host memory p; true when equal. */
static bool cx_host_cmpxchg(void *p, bool wide, uint64_t *lo, uint64_t *hi,
			    uint64_t nlo, uint64_t nhi)
{
#if defined(__x86_64__)
	bool eq;
	if (wide) {
		__asm__ volatile("lock cmpxchg16b %1"
				 : "=@ccz"(eq), "+m"(*(volatile uint64_t(*)[2])p),
				   "+a"(*lo), "+d"(*hi)
				 : "b"(nlo), "c"(nhi)
				 : "memory");
	} else {
		uint32_t a = (uint32_t)*lo, d = (uint32_t)*hi;
		__asm__ volatile("lock cmpxchg8b %1"
				 : "=@ccz"(eq), "+m"(*(volatile uint64_t *)p),
				   "+a"(a), "+d"(d)
				 : "b"((uint32_t)nlo), "c"((uint32_t)nhi)
				 : "memory");
		*lo = a;
		*hi = d;
	}
	return eq;
#else
	(void)p, (void)wide, (void)lo, (void)hi, (void)nlo, (void)nhi;
	return false;
#endif
}

static int cx_cmpxchg(struct cx *c)
{
	const struct insn *in = &c->in;
	bool wide = in->rex & 8;
	size_t size = wide ? 16 : 8;
	c->res->kind = wide ? COMPLETE_CMPXCHG16B : COMPLETE_CMPXCHG8B;
#if !defined(__x86_64__)
	return cx_unsupported(c, "cmpxchg%zub on a host that is not x86-64",
			      size);
#endif
	if ((in->reg & 7) != 1)
		return cx_unsupported(c, "0f c7 /%u", in->reg & 7);
	if (in->rep || in->repne)
		return cx_unsupported(c, "0f c7 /1 with an f2/f3 prefix");
	if (in->mod == 3 || (wide && !c->cpu->has_cx16))
		return cx_fault(c, VEC_UD, false, 0);
	uint64_t lin = 0;
	int r = cx_operand(c, &lin);
	if (r)
		return r == -EFAULT ? 0 : r;
	if (wide && (lin & 15))
		return cx_fault(c, VEC_GP, true, 0);
	if ((lin & 4095) + size > 4096)
		return cx_unsupported(c, "cmpxchg8b operand at 0x%llx crosses "
					 "a page",
				      (unsigned long long)lin);
	uint8_t *p;
	if ((r = cx_map_linear(c, lin, size, WALK_WRITE, &p)))
		return r == -EFAULT ? 0 : r;
	struct accel_regs *g = &c->cpu->regs;
	uint64_t lo = wide ? g->rax : (uint32_t)g->rax;
	uint64_t hi = wide ? g->rdx : (uint32_t)g->rdx;
	bool eq = cx_host_cmpxchg(p, wide, &lo, &hi, g->rbx, g->rcx);
	if (eq) {
		g->rflags |= RFLAGS_ZF;
	} else {
		g->rflags &= ~RFLAGS_ZF;
		g->rax = lo; /* 32-bit halves zero-extend */
		g->rdx = hi;
	}
	cx_retire(c);
	return 0;
}

/* Decode, fetching more bytes through the page tables when needed. */
static int cx_decode(struct cx *c, const uint8_t *bytes, size_t n)
{
	uint8_t buf[INSN_MAX_LEN];
	if (n > INSN_MAX_LEN)
		n = INSN_MAX_LEN;
	if (n)
		memcpy(buf, bytes, n);
	int r = insn_decode(&c->in, buf, n, c->mode);
	while (r == -EAGAIN && n < INSN_MAX_LEN) {
		const struct accel_sregs *s = &c->cpu->sregs;
		uint64_t lin = c->cpu->regs.rip + n +
			       (c->mode == INSN_MODE_64 ? 0 : s->cs.base);
		if (c->mode != INSN_MODE_64)
			lin &= 0xffffffffull;
		if (cx_read_linear(c, lin, buf + n, 1, WALK_FETCH))
			return cx_unsupported(c, "instruction bytes past the "
						 "%zu given cannot be fetched",
					      n);
		n++;
		r = insn_decode(&c->in, buf, n, c->mode);
	}
	if (r == -ENOTSUP || r == -EAGAIN)
		return cx_unsupported(c, "not an instruction vmm completes");
	if (r)
		return cx_unsupported(c, "invalid instruction (over 15 bytes)");
	return 0;
}

int complete_insn(struct complete_cpu *cpu, const uint8_t *bytes, size_t n,
		  const struct walk_mem *mem, struct complete_result *res)
{
	struct complete_cpu saved = *cpu;
	struct cx c = {.cpu = cpu, .mem = mem, .res = res};
	memset(res, 0, sizeof(*res));
	res->kind = COMPLETE_NKINDS;
	c.mode = cx_mode(&cpu->sregs);
	c.cpl = cpu->sregs.ss.dpl & 3;
	int r = cx_decode(&c, bytes, n);
	res->len = c.in.len;
	if (!r) {
		const struct insn *in = &c.in;
		if (in->map == INSN_MAP_1 && in->op == 0x9b)
			r = cx_fwait(&c);
		else if (in->map == INSN_MAP_1 && in->op == 0xcc)
			r = cx_soft_int(&c, VEC_BP);
		else if (in->map == INSN_MAP_1 && in->op == 0xcd)
			r = cx_soft_int(&c, (uint8_t)in->imm);
		else if (in->op == 0x01 && (in->modrm == 0xca || in->modrm == 0xcb))
			r = cx_clac_stac(&c, in->modrm == 0xcb);
		else if (in->op == 0xb8)
			r = cx_popcnt(&c);
		else if (in->op == 0xc7)
			r = cx_cmpxchg(&c);
		else
			r = cx_unsupported(&c, "not an instruction vmm "
					       "completes");
	}
	if (r)
		*cpu = saved; /* nothing half done (guest memory: only the
			       * A/D bits a walk set, as the CPU would) */
	return r;
}

const char *complete_kind_name(enum complete_kind k)
{
	static const char *const names[COMPLETE_NKINDS] = {
	    "fwait", "clac", "stac", "popcnt", "int3", "int n", "cmpxchg8b",
	    "cmpxchg16b"};
	return k < COMPLETE_NKINDS ? names[k] : "?";
}
