/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/app/restart.h"

#include "vmm/vm/config.h"

void restart_init(struct restart_policy *p, unsigned max)
{
	p->max = max;
	p->rapid = 0;
}

long restart_next(struct restart_policy *p, uint64_t ran_ms)
{
	if (ran_ms >= CONFIG_RESTART_QUICK_MS) {
		p->rapid = 0;
		return 0;
	}
	if (p->rapid < UINT32_MAX)
		p->rapid++;
	if (p->rapid > p->max)
		return -1;
	long delay = 0;
	for (unsigned i = 1; i < p->rapid; i++) {
		delay = delay ? delay * 2 : CONFIG_RESTART_DELAY_MS;
		if (delay >= CONFIG_RESTART_MAX_DELAY_MS)
			return CONFIG_RESTART_MAX_DELAY_MS;
	}
	return delay;
}
