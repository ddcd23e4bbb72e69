/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The replay engine's state, shared by replay_run.c (the record loop and
 * the events), replay_check.c (inputs and effects: the tracer ops and the
 * comparisons) and replay_vm.c (the machine from the header).
 */
#ifndef VMM_REPLAY_INT_H
#define VMM_REPLAY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/replay/replay.h"
#include "vmm/trace/trace_dec.h"
#include "devices/vsock_port.h"
#include "vmm/trace/trace_port.h"
#include "vmm/vm/vm.h"

#define REPLAY_LENIENT_QMAX 1024 /* queued inputs kept when lenient */

/* One effect the devices produced; bytes in replay.effdata[off, +len). */
struct replay_eff {
	uint8_t type, a;
	uint16_t b;
	size_t off, len;
};

struct replay {
	const struct replay_opts *o;
	struct replay_result *res;
	bool lenient;
	bool stopped; /* diverged or failed: the loop ends */
	int err;      /* what a failure returns: -EINVAL, or -ENOMEM */

	/* The machine. */
	struct trace_header hdr;
	struct vm_config cfg;
	struct vm_host host;
	struct vm *vm;
	bool vm_ready;
	struct vm_tracer tracer;
	int disk_fds[CONFIG_MAX_DISKS]; /* private copies (memfd) */
	unsigned ndisks;
	/* Each net's frame port: recorded frames in, sent frames out. */
	struct tport net_port[CONFIG_MAX_NETS];
	struct vm_vdev *net_vdev[CONFIG_MAX_NETS];
	unsigned nnets;	 /* ports initialised */
	unsigned tx_net; /* the net replay_event_end is collecting */
	/* The vsock's stream port: recorded results in, calls out. */
	struct replay_vsock {
		struct vsock_port port;
		struct replay *rp;
	} vsock;
	struct vm_vdev *vsock_vdev; /* NULL: the trace's machine has none */

	/* Inputs (RTC, device input records) waiting for the next event. */
	struct trace_rec *inq;
	size_t inq_len, inq_cap;
	size_t in_next[16]; /* first unconsumed of each input type (0x1_) */

	/* Effects of the current event, and how far the trace matched. */
	bool in_event;
	uint64_t event_index;
	struct replay_eff *eff;
	size_t neff, eff_cap, eff_pos, eff_byte;
	uint8_t *effdata;
	size_t efflen, effcap;

	struct accel_exit exit; /* the exit being replayed */
	uint8_t iobuf[TRACE_IO_MAX];
	uint8_t scratch[TRACE_IO_MAX];
};

/* replay_run.c */
/* Stop with a divergence at record `index` (the first one is kept). */
void replay_diverge(struct replay *rp, uint64_t index, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Stop with a bad-trace error at record `index` (-EINVAL). */
void replay_bad(struct replay *rp, uint64_t index, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Stop because the host ran out of memory (-ENOMEM). */
void replay_oom(struct replay *rp);

/* replay_vm.c */
int replay_vm_build(struct replay *rp) VMM_WUR;
void replay_vm_destroy(struct replay *rp);
/* The disk overlay hashes, for the END check. */
int replay_vm_disk_hash(struct replay *rp, unsigned i, uint64_t *h) VMM_WUR;

/* replay_check.c */
extern const struct vm_tracer_ops replay_tracer_ops;
/* Start an event (record index): forget the last one's effects. */
void replay_event_begin(struct replay *rp, uint64_t index);
/* After the dispatch: collect the frames sent, check the inputs were
 * used. */
void replay_event_end(struct replay *rp);
/* Queue an input record (RTC, a device type's). */
void replay_input_queue(struct replay *rp, const struct trace_rec *r);
/* Match an effect record against what the event produced. */
void replay_effect_match(struct replay *rp, const struct trace_rec *r);
/* A non-effect record follows: everything the event produced must have
 * been matched. */
void replay_effects_done(struct replay *rp, const struct trace_rec *next);
void replay_check_free(struct replay *rp);
/* Add an effect the devices produced in the current event (ignored
 * outside one, and when lenient); stream: bytes extend the last effect
 * when it has the same type and a and is the last one added. */
void replay_eff_add(struct replay *rp, uint8_t type, uint8_t a, uint16_t b,
		    const void *data, size_t len, bool stream);
/* The next unconsumed input record of `type` queued for this event,
 * marked consumed; NULL when there is none. */
const struct trace_rec *replay_input_take(struct replay *rp, uint8_t type);

/* Bytes for messages: "text\x01..." (N bytes), at most 24 shown. */
void replay_bytes_desc(char *buf, size_t cap, const uint8_t *data, size_t len);

/* replay_vsock.c */
/* The port the vsock device of the replayed machine gets. */
void replay_vsock_init(struct replay *rp);
/* Dispatch a vsock-host event to the device. */
void replay_vsock_event(struct replay *rp, const struct trace_rec *r);
/* A vsock record for messages ("vsock-out data on handle 0 (5 bytes)"). */
void replay_vsock_desc(char *buf, size_t cap, const struct trace_rec *r);

#endif
