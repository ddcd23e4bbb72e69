/* SPDX-License-Identifier: Apache-2.0 */
/* The rules the virtio device types ask for (policy.h). */
#include "vmm/sandbox/policy.h"

#include "devices/virtio/vdev_type.h"

size_t policy_device_rules(struct policy_rule out[POLICY_DEVICE_RULES_MAX])
{
	size_t n = 0;
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		for (unsigned i = 0; i < (*t)->nsyscalls; i++) {
			if (n == POLICY_DEVICE_RULES_MAX)
				return n;
			const struct vdev_syscall *s = &(*t)->syscalls[i];
			out[n++] = (struct policy_rule){
			    .sys = s->sys,
			    .classes = POLICY_V | POLICY_I,
			    .cmp = s->eq ? POLICY_EQ : POLICY_ANY,
			    .arg = s->arg,
			    .val = s->val,
			    .val_name = s->val_name,
			    .why = s->why,
			};
		}
	return n;
}
