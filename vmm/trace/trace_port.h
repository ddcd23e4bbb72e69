/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The frame port (devices/net_port.h) virtio-net gets in a traced run, the
 * same for the recorder (vmm/trace/record_tap.c, over the real tap) and
 * the replay (backends/replay/, over the trace), so the device behaves
 * alike in both:
 *  - receive: a FIFO of whole frames. The owner queues a frame as one
 *    tap-rx event (tport_push_rx); the device takes it in its own later
 *    event (net-rx, or a receiveq notification) with recv, which cuts a
 *    frame longer than the buffers given and returns the bytes stored
 *    (0 for an empty frame: end of file to the device) or -EAGAIN when
 *    the queue is empty. At most TPORT_RX_MAX bytes wait (each frame
 *    counts TPORT_OVERHEAD more).
 *  - send: the frame is copied into a pending list (tap-tx effects the
 *    owner takes with tport_take_tx at the end of the event), or -EAGAIN
 *    once TPORT_TX_MAX bytes are pending, or -EMSGSIZE beyond
 *    TRACE_FRAME_MAX. Whether a send fits depends only on the event's
 *    earlier sends, so a replay sees the same -EAGAIN as the recording.
 *  - want_rx goes to the owner's callback (NULL: ignored);
 *    set_offloads takes any subset of the offloads given at init.
 * Not thread-safe: the owner's lock (the recorder's) or thread (the
 * replay's) orders everything.
 */
#ifndef VMM_TRACE_TRACE_PORT_H
#define VMM_TRACE_TRACE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/net_port.h"
#include "vmm/base/compiler.h"

#define TPORT_RX_MAX   (16u << 20)
#define TPORT_TX_MAX   (32u << 20)
#define TPORT_OVERHEAD 64u

struct tport_frame;

struct tport {
	struct net_port port; /* what the device gets */
	struct tport_frame *rx_head, *rx_tail, *tx_head, *tx_tail;
	size_t rx_bytes, tx_bytes; /* with TPORT_OVERHEAD per frame */
	void (*want)(void *opaque, bool want);
	void *opaque;
};

/* An empty port accepting `offloads` (TUN_F_* bits); want (may be NULL)
 * gets the device's want_rx calls. */
void tport_init(struct tport *t, unsigned offloads,
		void (*want)(void *opaque, bool want), void *opaque);
/* Free the queued frames. */
void tport_destroy(struct tport *t);

/* Queue a copy of frame[0, len) for the device's recv. 0, -ENOBUFS (the
 * queue is full: nothing queued, try again after the device read) or
 * -ENOMEM. */
int tport_push_rx(struct tport *t, const void *frame, size_t len) VMM_WUR;
/* Whether recv would find a frame. */
bool tport_rx_ready(const struct tport *t);

/* Hand each frame the device sent since the last call, oldest first, to
 * fn, and forget it. Returns the number of frames. */
size_t tport_take_tx(struct tport *t,
		     void (*fn)(void *opaque, const uint8_t *frame, size_t len),
		     void *opaque);

#endif
