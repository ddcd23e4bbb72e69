/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of accelerator backends built into this binary. */
#include "backends/accel.h"

#include <string.h>

#include "backends/replay/replay_accel.h"
#include "vmm/base/compiler.h"

extern const struct accel_ops kvm_accel_ops;

static const struct accel_ops *const accel_table[] = {
	&kvm_accel_ops,
	&replay_accel_ops,
};

const struct accel_ops *accel_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(accel_table); i++)
		if (strcmp(accel_table[i]->name, name) == 0)
			return accel_table[i];
	return NULL;
}

const char *accel_names(void) { return "kvm, replay"; }
