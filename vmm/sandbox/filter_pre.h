/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM threads' seccomp programs compiled at build time
 * (gen/filter_gen.c runs filter_build for each thread class and for the
 * enforce and errno modes), so that vmm's start needs no libseccomp
 * compilation: about 1 ms of CPU on this project's hosts. The one
 * runtime value in them, the process's pid (POLICY_SELF rules), sits at
 * instructions the generator located by compiling each program twice,
 * with two different pids; filter_pre_build writes the pid there.
 * test_sandbox_filter_pre checks the result equals filter_build's.
 */
#ifndef VMM_SANDBOX_FILTER_PRE_H
#define VMM_SANDBOX_FILTER_PRE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmm/base/compiler.h"
#include "vmm/sandbox/filter.h"

/* One precompiled program (the generated table's rows). */
struct filter_pre {
	int cls;  /* enum vm_thread_class */
	int mode; /* enum sandbox_seccomp */
	const struct sock_filter *insns;
	unsigned short len;
	const uint16_t *pid_at; /* instructions whose k is the pid */
	unsigned short npid;
};

/* The generated table (filter_pre_table.c in the build tree). Empty
 * where the generator cannot run (a cross build). */
extern const struct filter_pre filter_pre_table[];
extern const size_t filter_pre_count;

/* The table's program for cls and mode, or NULL. */
const struct filter_pre *filter_pre_find(enum vm_thread_class cls,
					 enum sandbox_seccomp mode);

/* Whether `self` is, as a number, a constant of p other than its pid
 * (the generator's pid_at are in increasing order). */
bool filter_pre_collides(const struct filter_pre *p, pid_t self);

/* cls's program for mode with `self` as the pid, from the table, into
 * out (malloc'd, as filter_build's). 0; -ENOENT when the table has no
 * such program or the pid collides (filter_pre_collides), and the caller
 * then compiles it with filter_build; or -ENOMEM. */
int filter_pre_build(enum vm_thread_class cls, enum sandbox_seccomp mode,
		     pid_t self, struct filter_prog *out) VMM_WUR;

#endif
