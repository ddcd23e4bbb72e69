/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console output (COM1 and the virtio console) to a host fd whose reader
 * may stall: a pipe nobody reads, a paused terminal, a FIFO.
 *
 * The writer runs on a vCPU or the I/O thread, so it never blocks without
 * bound: it waits for the fd in slices of CONOUT_SLICE_MS, gives up at
 * once when the VM is stopping (a stop request always wins), and after
 * `stall_ms` without progress declares the reader stalled. While stalled,
 * output is dropped and counted (no wait at all) until the fd takes bytes
 * again; then "N bytes dropped" is logged once through the guest limiter.
 * So a stalled reader costs the guest one wait of stall_ms, then nothing;
 * it never loses output to a reader that keeps up. A reader that went
 * away (EPIPE) or a failed write (a full disk) drops all further output,
 * logged once.
 */
#ifndef VMM_CONOUT_H
#define VMM_CONOUT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/log.h"

#define CONOUT_SLICE_MS 50
#define CONOUT_STALL_MS 2000 /* the default bound on one wait */
/* Bytes per write(2) after the fd polled writable: no more than a pipe
 * or a terminal then takes without blocking. */
#define CONOUT_CHUNK 256

struct conout {
	int fd;		  /* -1: discard */
	const char *name; /* for messages: "serial", "virtio-console" */
	unsigned stall_ms;
	bool (*stopping)(void *opaque); /* NULL: never */
	void *opaque;
	struct log_limit *log;
	atomic_bool stalled, broken;
	_Atomic uint64_t dropped; /* while stalled, since the last report */
	_Atomic uint64_t dropped_total;
};

/* Write to fd (borrowed; -1 discards everything), waiting at most
 * stall_ms per stall; `stopping` is polled between waits. */
void conout_init(struct conout *o, int fd, const char *name, unsigned stall_ms,
		 bool (*stopping)(void *opaque), void *opaque,
		 struct log_limit *log);

/* Write len bytes, or drop them as described above. Never fails: the
 * guest must not notice what the host does with its output. */
void conout_write(struct conout *o, const uint8_t *buf, size_t len);

#endif
