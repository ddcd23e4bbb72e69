/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A frame port (devices/net_port.h) over a tap fd from tap_open
 * (vmm/vm/tap.h): send is one writev, recv one readv, set_offloads one
 * TUNSETOFFLOAD (the syscalls vmm/sandbox/policy.c allows the vCPU and
 * I/O threads). The fd is non-blocking, so a full or empty tap is -EAGAIN.
 * want_rx is passed to the owner, which polls the fd (the VM's I/O
 * thread, vmm/vm/vm_virtio.c; the recorder, vmm/trace/record_tap.c). The
 * port owns nothing but the wrapper: the fd is neither duplicated nor
 * closed.
 */
#ifndef VMM_NET_TAP_H
#define VMM_NET_TAP_H

#include <stdbool.h>

#include "devices/net_port.h"
#include "vmm/base/compiler.h"

struct net_tap {
	struct net_port port; /* what the device gets */
	int fd;
	void (*want)(void *opaque, bool want);
	void *opaque;
};

/* A port over `fd` that accepts `offloads` (TUN_F_* bits tap_open found);
 * its want_rx calls want(opaque, ...), which must not call back into the
 * device. 0 or -EINVAL (fd < 0, no want). */
int net_tap_init(struct net_tap *t, int fd, unsigned offloads,
		 void (*want)(void *opaque, bool want), void *opaque) VMM_WUR;

#endif
