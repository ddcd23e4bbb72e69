/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The deterministic replay backend: it rebuilds the machine a trace
 * describes (vmm/trace/trace.h, docs/trace-format.md) without a CPU and
 * feeds the recorded events to the real device models, on one thread, in
 * trace order, through the same vcpu_handle_exit path a KVM exit takes.
 * No wall clock, no threads, no randomness: two replays of one trace do
 * exactly the same thing.
 *
 * Strict (the default): every read result, interrupt, device output and
 * host input is compared with the trace, and the first difference stops
 * the replay with a message naming the record (its index, what the trace
 * expected, what the replay found). A trace that breaks the format stops
 * it with an error instead.
 *
 * Lenient (REPLAY_LENIENT, for fuzz harnesses): nothing is compared and no
 * input is rejected. The header is clamped to a small machine (disks are
 * zeroed images of at most 1 MiB unless given), MMIO and PIO addresses
 * land on a device (trace_norm.h), sizes are made 1, 2, 4 or 8, guest
 * addresses are taken modulo RAM, lengths are clamped, unknown records
 * are skipped. Each call builds and destroys its own machine: no state
 * survives a call.
 */
#ifndef VMM_REPLAY_H
#define VMM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

#define REPLAY_LENIENT 0x1u

/* vmm's exit status when a replay diverges from its trace. */
#define REPLAY_STATUS_DIVERGED 5

struct replay_opts {
	unsigned flags;	    /* REPLAY_LENIENT */
	int serial_out_fd;  /* COM1 output, or -1 to discard */
	int console_out_fd; /* virtio-console output, or -1 */
	/* The disk images, in the trace's order, as they were when the
	 * recording began. Read, never written: the replay writes to a
	 * private copy in memory. A disk with no fd here (-1, or past
	 * ndisk_fds) is a zeroed image of the recorded size, which strict
	 * mode allows only when the trace has no hash for it. */
	const int *disk_fds;
	unsigned ndisk_fds;
};

struct replay_result {
	uint64_t records; /* records read */
	uint64_t events;  /* events dispatched */
	uint64_t exits;	  /* of which MMIO and PIO exits */
	bool diverged;
	uint64_t index;	      /* the record that diverged or was bad */
	char msg[512];	      /* why (divergence or error), one line */
	uint8_t stop, status; /* the END record's stop reason and status */
};

/* Replay the trace buf[0, len). 0: the replay matched the trace (always,
 * when lenient, unless the host failed). 1: it diverged (res->diverged,
 * res->index, res->msg). -errno: a bad trace or a host failure, with
 * res->msg. */
int replay_run_buffer(const uint8_t *buf, size_t len,
		      const struct replay_opts *o,
		      struct replay_result *res) VMM_WUR;

/* The vmm binary with --accel replay: read cfg->trace, open the --disk
 * images, replay, report. Returns the exit status: 0 exact, 1 error,
 * REPLAY_STATUS_DIVERGED. */
int replay_main(const struct vm_config *cfg);

#endif
