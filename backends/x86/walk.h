/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest linear-to-physical translation as the CPU does it for a data
 * access or an instruction fetch, for the instructions vmm completes
 * (complete.h): no paging (CR0.PG clear), or 4-level long-mode paging
 * with 4 KiB, 2 MiB and 1 GiB pages. The permission checks are the CPU's
 * (present, R/W with CR0.WP, U/S, NX with EFER.NXE, SMAP with RFLAGS.AC);
 * accessed and dirty bits are set as the CPU sets them. A fault comes back
 * with the #PF error code the CPU would push. Other paging modes (32-bit,
 * PAE, 5-level) and page tables outside guest RAM are not walked.
 */
#ifndef VMM_BACKENDS_X86_WALK_H
#define VMM_BACKENDS_X86_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "backends/accel.h"
#include "vmm/base/compiler.h"

/* Guest-physical memory as the walker and the completer see it. */
struct walk_mem {
	/* Host address of guest-physical [gpa, gpa + len) when it is all in
	 * one RAM region, else NULL. */
	uint8_t *(*ptr)(void *opaque, uint64_t gpa, uint64_t len);
	void *opaque;
};

enum walk_access { WALK_READ, WALK_WRITE, WALK_FETCH };

/* #PF error code bits. */
#define WALK_PF_P 1u     /* a protection violation (else not present) */
#define WALK_PF_W 2u     /* a write */
#define WALK_PF_U 4u     /* a user-mode access */
#define WALK_PF_RSVD 8u  /* a reserved bit set */
#define WALK_PF_I 16u    /* an instruction fetch */

/* Translate linear address lin for access `acc`; `user` is true for an
 * access at CPL 3 (an implicit supervisor access passes false and
 * implicit true). 0 and *gpa; -EFAULT with *pf_error set when the CPU
 * raises #PF; -ENOTSUP for a paging mode not walked or a table outside
 * RAM. */
int walk_translate(const struct accel_sregs *s, uint64_t rflags,
		   const struct walk_mem *mem, uint64_t lin,
		   enum walk_access acc, bool user, bool implicit,
		   uint64_t *gpa, uint32_t *pf_error) VMM_WUR;

#endif
