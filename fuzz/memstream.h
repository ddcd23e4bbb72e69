/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-memory stream port (devices/vsock_port.h) for the vsock harnesses:
 * each handle has a small input the harness fills, a send budget (room),
 * an end-of-stream and an error switch. The port checks how the device
 * uses it (FUZZ_CHECK): every op on a handle the port opened (connect, or
 * memstream_host_open for a host connection), accepted only once on a
 * host connection, close exactly once.
 */
#ifndef VMM_FUZZ_MEMSTREAM_H
#define VMM_FUZZ_MEMSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/vsock_port.h"

#define MEMSTREAM_IN 512

struct memstream_conn {
	bool open, pending; /* pending: host-initiated, not yet accepted */
	uint8_t in[MEMSTREAM_IN];
	size_t in_len, in_pos;
	size_t room; /* bytes send still takes */
	bool eof;
	int err; /* > 0: recv and send fail with -err */
};

struct memstream {
	struct vsock_port port;
	struct memstream_conn c[VSOCK_PORT_MAX_CONNS];
	int connect_err; /* < 0: connect fails with it */
	uint64_t sent;
};

void memstream_init(struct memstream *m);

/* Open handle h for a host connection (before virtio_vsock_host_connect):
 * false when it is open already. */
bool memstream_host_open(struct memstream *m, int h);

/* Close h without the device (its host_connect refused it). */
void memstream_drop(struct memstream *m, int h);

/* Append up to n bytes to h's input (cut to what fits). */
void memstream_feed(struct memstream *m, int h, const uint8_t *p, size_t n);

#endif
