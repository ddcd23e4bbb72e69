/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-memory frame port (devices/net_port.h) for harnesses and their
 * seed generator: frames offered with memport_offer wait in a small queue
 * for the device's recv; sends are taken (checked: at least the virtio-net
 * header, at most the largest frame) and dropped; offloads may be set only
 * within what the port offers (FUZZ_CHECK).
 */
#ifndef VMM_FUZZ_MEMPORT_H
#define VMM_FUZZ_MEMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/net_port.h"

#define MEMPORT_FRAMES 4
#define MEMPORT_FRAME  256

struct memport {
	struct net_port port;
	uint8_t rx[MEMPORT_FRAMES][MEMPORT_FRAME];
	size_t rx_len[MEMPORT_FRAMES];
	unsigned head, count; /* the queue of offered frames */
	bool want;	      /* the device's last want_rx */
	unsigned cur;	      /* the offloads set */
};

/* An empty port accepting the offloads `tun` (TUN_F_* bits). */
void memport_init(struct memport *m, unsigned tun);

/* Queue len bytes (at most MEMPORT_FRAME: cut) as one frame; dropped when
 * the queue is full, as a tap drops. */
void memport_offer(struct memport *m, const uint8_t *p, size_t len);

#endif
