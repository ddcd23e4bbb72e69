/* SPDX-License-Identifier: Apache-2.0 */
#include "backends/x86/walk.h"

#include <errno.h>

#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define RFLAGS_AC (1ull << 18)

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
/* Bits 51:M are reserved; this walker assumes M = 52 (the most). */

struct walk_ctx {
	const struct accel_sregs *s;
	uint64_t rflags;
	enum walk_access acc;
	bool user, implicit;
};

/* The error code of a fault found at some level. */
static uint32_t walk_error(const struct walk_ctx *w, bool present)
{
	uint32_t e = present ? WALK_PF_P : 0;
	if (w->acc == WALK_WRITE)
		e |= WALK_PF_W;
	if (w->user)
		e |= WALK_PF_U;
	if (w->acc == WALK_FETCH &&
	    ((w->s->efer & EFER_NXE) || (w->s->cr4 & CR4_SMEP)))
		e |= WALK_PF_I;
	return e;
}

/* The permission checks on the combined rights of all levels. */
static bool walk_allowed(const struct walk_ctx *w, bool rw, bool us, bool nx)
{
	const struct accel_sregs *s = w->s;
	if (w->acc == WALK_WRITE && !rw && (w->user || (s->cr0 & CR0_WP)))
		return false;
	if (w->user && !us)
		return false;
	if (w->acc == WALK_FETCH) {
		if (nx && (s->efer & EFER_NXE))
			return false;
		if (!w->user && us && (s->cr4 & CR4_SMEP))
			return false;
	} else if (!w->user && us && (s->cr4 & CR4_SMAP) &&
		   (w->implicit || !(w->rflags & RFLAGS_AC))) {
		return false;
	}
	return true;
}

int walk_translate(const struct accel_sregs *s, uint64_t rflags,
		   const struct walk_mem *mem, uint64_t lin,
		   enum walk_access acc, bool user, bool implicit,
		   uint64_t *gpa, uint32_t *pf_error)
{
	struct walk_ctx w = {s, rflags, acc, user, implicit};
	if (!(s->cr0 & CR0_PG)) {
		*gpa = lin & 0xffffffffull;
		return 0;
	}
	if (!(s->efer & EFER_LMA) || !(s->cr4 & CR4_PAE) ||
	    (s->cr4 & CR4_LA57))
		return -ENOTSUP;
	uint64_t table = s->cr3 & PTE_ADDR;
	uint64_t *ents[4];
	bool rw = true, us = true, nx = false;
	unsigned level;
	for (level = 0; level < 4; level++) {
		unsigned shift = 39 - 9 * level;
		uint64_t *e = (uint64_t *)mem->ptr(
		    mem->opaque, table + ((lin >> shift) & 511) * 8, 8);
		if (!e)
			return -ENOTSUP;
		ents[level] = e;
		uint64_t v = __atomic_load_n(e, __ATOMIC_ACQUIRE);
		if (!(v & PTE_P)) {
			*pf_error = walk_error(&w, false);
			return -EFAULT;
		}
		rw &= !!(v & PTE_RW);
		us &= !!(v & PTE_US);
		nx |= !!(v & PTE_NX);
		bool leaf = level == 3 || (level > 0 && (v & PTE_PS));
		if (level == 0 && (v & PTE_PS)) {
			*pf_error = walk_error(&w, true) | WALK_PF_RSVD;
			return -EFAULT;
		}
		if (leaf) {
			uint64_t off_mask = (1ull << shift) - 1;
			uint64_t frame = v & PTE_ADDR & ~off_mask;
			if ((v & PTE_ADDR & off_mask & ~0x1000ull) &&
			    level < 3) {
				/* Large-page frame bits below the page size
				 * (bit 12 is PAT) must be clear. */
				*pf_error = walk_error(&w, true) | WALK_PF_RSVD;
				return -EFAULT;
			}
			if (!walk_allowed(&w, rw, us, nx)) {
				*pf_error = walk_error(&w, true);
				return -EFAULT;
			}
			for (unsigned i = 0; i <= level; i++)
				__atomic_fetch_or(ents[i], PTE_A,
						  __ATOMIC_ACQ_REL);
			if (acc == WALK_WRITE)
				__atomic_fetch_or(ents[level], PTE_D,
						  __ATOMIC_ACQ_REL);
			*gpa = frame | (lin & off_mask);
			return 0;
		}
		table = v & PTE_ADDR;
	}
	return -ENOTSUP; /* not reached: level 3 is a leaf */
}
