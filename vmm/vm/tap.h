/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host side of a network interface: an existing Linux tap device,
 * opened for virtio-net (devices/virtio/net.h). No guest data here.
 *
 * The VMM never creates interfaces. TUNSETIFF on a name that does not
 * exist would create a new tap when the caller has CAP_NET_ADMIN, so
 * tap_open first checks that the interface exists (if_nametoindex), then
 * attaches, then checks that the interface index did not change meanwhile
 * (a tap deleted and re-created under the same name is refused too, so a
 * tap this call created is never kept). TUNSETIFF itself refuses a name
 * that is not a tap (a tun, a veth, lo: -EINVAL) or a single-queue tap
 * that another file already has open (-EBUSY).
 *
 * Every frame read from or written to the fd is preceded by a 12-byte
 * struct virtio_net_hdr_v1 in little-endian (TUNSETVNETLE), exactly the
 * header virtio 1.x puts in front of each packet, so virtio-net passes it
 * through. The tap validates what it is given (GSO fields, lengths).
 */
#ifndef VMM_TAP_H
#define VMM_TAP_H

#include <stddef.h>

#include "vmm/base/compiler.h"

/* Open the existing tap interface `name` (IFF_TAP | IFF_NO_PI |
 * IFF_VNET_HDR on /dev/net/tun, O_RDWR | O_NONBLOCK | O_CLOEXEC), set the
 * vnet header to 12 bytes, little-endian, and probe which offloads it
 * accepts (TUNSETOFFLOAD with TUN_F_CSUM, then CSUM + TSO4, CSUM + TSO6),
 * leaving them at 0. 0 and *fd, *offloads (TUN_F_* bits), or -errno with
 * a one-line reason in err, e.g. -ENODEV "tap0: no such tap device (create
 * it with ip tuntap add)". */
int tap_open(const char *name, int *fd, unsigned *offloads, char *err,
	     size_t errlen) VMM_WUR;

/* Apply the offloads the guest accepted (TUN_F_* bits, TUNSETOFFLOAD):
 * which partially checksummed or GSO frames the tap may hand us. 0 or
 * -errno. */
int tap_set_offloads(int fd, unsigned tun_flags) VMM_WUR;

#endif
