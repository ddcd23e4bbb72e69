/* SPDX-License-Identifier: Apache-2.0 */
/* Precompiled VM thread filters (filter_pre.h). */
#include "vmm/sandbox/filter_pre.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool filter_pre_collides(const struct filter_pre *p, pid_t self)
{
	for (unsigned i = 0, k = 0; i < p->len; i++) {
		if (k < p->npid && p->pid_at[k] == i) {
			k++;
			continue;
		}
		if (p->insns[i].k == (uint32_t)self)
			return true;
	}
	return false;
}

const struct filter_pre *filter_pre_find(enum vm_thread_class cls,
					 enum sandbox_seccomp mode)
{
	for (size_t i = 0; i < filter_pre_count; i++)
		if (filter_pre_table[i].cls == (int)cls &&
		    filter_pre_table[i].mode == (int)mode)
			return &filter_pre_table[i];
	return NULL;
}

int filter_pre_build(enum vm_thread_class cls, enum sandbox_seccomp mode,
		     pid_t self, struct filter_prog *out)
{
	memset(out, 0, sizeof(*out));
	const struct filter_pre *p = filter_pre_find(cls, mode);
	/* A pid that is also another constant of the program (pid 1 in a
	 * --jail's namespace) lets libseccomp merge comparisons
	 * differently: compile that one at start instead. */
	if (!p || filter_pre_collides(p, self))
		return -ENOENT;
	size_t bytes = (size_t)p->len * sizeof(struct sock_filter);
	if (!(out->insns = malloc(bytes)))
		return -ENOMEM;
	memcpy(out->insns, p->insns, bytes);
	for (unsigned k = 0; k < p->npid; k++)
		out->insns[p->pid_at[k]].k = (uint32_t)self;
	out->len = p->len;
	return 0;
}
