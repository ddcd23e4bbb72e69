/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net driver (VIRTIO 1.2 section 5.1): queue 0 receiveq, queue 1
 * transmitq, features VIRTIO_F_VERSION_1 and VIRTIO_NET_F_MAC only (no
 * offloads, no mergeable buffers), so every packet is preceded by a
 * zeroed 12-byte struct virtio_net_hdr_v1 and receive buffers are 1536
 * bytes (>= 1526, spec 5.1.6.3.1). Failures exit through vio_fail().
 *
 * vnet_run: print `testguest: virtio-net: mac <mac>` (from the config
 * space; 02:00:00:00:00:02 if VIRTIO_NET_F_MAC is not offered). Unless
 * `skip`: post receive buffers, send an ARP request who-has 192.0.2.1
 * tell 192.0.2.2 (RFC 5737 TEST-NET-1), wait for the reply, print
 * `testguest: virtio-net: arp reply from <mac>`, send an ICMP echo
 * request to 192.0.2.1 and wait for the matching reply (IPv4 and ICMP
 * checksums computed and checked in software), print
 * `testguest: virtio-net: ping ok`. ARP requests for 192.0.2.2 are
 * answered meanwhile. Each request is sent up to 3 times. With `skip`:
 * `testguest: virtio-net: skipped`.
 */
#ifndef TG_VNET_H
#define TG_VNET_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio.h"

void vnet_run(struct vio_dev *d, bool skip);

/* tg.netbench (vbench.h): after vnet_run(d, false), send `count` UDP
 * frames of `size` bytes (60 .. 1514) to 192.0.2.1 as fast as the
 * transmit queue takes them. */
void vnet_bench(struct vio_dev *d, uint64_t count, unsigned size);

#endif
