/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recorder's state, shared by record.c (events, tracer ops, file),
 * record_mem.c (guest memory shadow) and record_tap.c (tap ports).
 * Everything below `lock` is guarded by it.
 */
#ifndef VMM_TRACE_RECORD_INT_H
#define VMM_TRACE_RECORD_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/gmem.h"
#include "vmm/trace/trace_enc.h"
#include "vmm/trace/trace_port.h"
#include "vmm/vm/config.h"
#include "vmm/vm/net_tap.h"
#include "vmm/vm/vm.h"
#include "vmm/vm/vsock_uds.h"

/* The shadow: what the replay's guest memory holds, as far as devices
 * have read it. Pages written by a device through a pointer hold unknown
 * contents until a device reads them again (then the whole page goes into
 * the trace). */
struct rmem_region {
	uint64_t gpa, size;
	const uint8_t *hva; /* the real guest memory */
	uint8_t *shadow;    /* MAP_NORESERVE: only read pages cost memory */
	uint64_t *unknown;  /* one bit per page */
};

struct rmem {
	struct rmem_region r[GM_MAX_REGIONS];
	unsigned n;
	struct gm_hooks hooks;
	struct recorder *rec;
	uint64_t bytes, records, pages; /* what went into the trace */
	bool warned;
};

/* One tap behind a trace port: the device sends to and receives from
 * `port`; the recorder moves frames between it and the tap's port. */
struct rtap {
	struct recorder *rec;
	unsigned index;
	struct net_tap tap; /* the real tap (ops NULL until rtap_open) */
	struct tport port;  /* what the device gets */
	bool port_ready;    /* port initialised */
	int ready_fd;	    /* eventfd: readable while port has frames */
	bool signalled;	    /* ready_fd's state */
	struct vm_vdev *vdev;
	uint8_t *rx_frame; /* a frame read from the tap, not yet queued */
	size_t rx_len;
	bool rx_held;	     /* rx_frame waits for room in the port's queue */
	uint64_t tx_dropped; /* frames the tap refused */
};

/* The vsock's host side behind the recorder: the device gets `port`,
 * whose ops call the real unix-socket port (uds) and record what it
 * returned (vsock-in) and what the device did (vsock-out); the uds tells
 * the device what the host did through `sink`, which records each call
 * as a vsock-host event. */
struct rvsock {
	struct recorder *rec;
	struct vsock_port port; /* what the device gets */
	struct vsock_uds uds;	/* the real host side */
	bool uds_ready;
	struct vm_vdev *vdev;
	struct vsock_sink sink;		   /* the uds calls this */
	const struct vsock_sink *dev_sink; /* the device's, while serving */
};

struct recorder {
	pthread_mutex_t lock;
	int fd;
	struct tenc out; /* records not yet written to fd */
	struct tenc eff; /* effects of the event being recorded */
	atomic_bool in_event;
	struct vm *vm;
	struct vm_tracer tracer;
	struct rmem mem;
	struct rtap taps[CONFIG_MAX_NETS];
	unsigned ntaps;
	struct rvsock vsock;
	struct trace_header hdr; /* disks filled by record_open */
	int disk_fds[CONFIG_MAX_DISKS];
	unsigned ndisks;
	int werr; /* first write error, sticky */
	uint64_t events;
};

/* Guest memory (record_mem.c). */
int rmem_init(struct rmem *m, struct recorder *rec,
	      const struct guest_mem *gm) VMM_WUR;
void rmem_destroy(struct rmem *m);

/* Taps (record_tap.c). */
/* Before vm_create: take the tap *host_fd (the recorder closes it), give
 * the VM an eventfd to poll in its place, offloads 0 and the trace port
 * the device uses (*port). 0 or -errno (*host_fd is then unchanged). */
int rtap_open(struct rtap *t, struct recorder *rec, unsigned index,
	      int *host_fd, unsigned *offloads, struct net_port **port) VMM_WUR;
/* After vm_create: serve the tap on the VM's I/O thread for device v. 0
 * or -errno. */
int rtap_start(struct rtap *t, struct vm *vm, struct vm_vdev *v) VMM_WUR;
/* Under the lock, at the end of an event: frames the device sent become
 * TAP_TX effects in rec->eff and go to the tap. */
void rtap_drain_tx(struct rtap *t);
/* Under the lock, after an event: a held frame is queued if there is room
 * now (a TAP_RX event), the tap is read again, and the eventfd follows
 * the queue. */
void rtap_retry_rx(struct rtap *t);
/* Close the tap and free the port; after vm_destroy. */
void rtap_close(struct rtap *t);

/* The vsock (record_vsock.c). */
/* Before vm_create: a uds port over host->vsock_fd and its dialer, and
 * host->vsock_port set to the recording port. 0 or -errno. */
int rvsock_open(struct rvsock *t, struct recorder *rec,
		struct vm_host *host) VMM_WUR;
/* After vm_create: serve the uds on the VM's I/O thread for device v. 0
 * or -errno. */
int rvsock_start(struct rvsock *t, struct vm *vm, struct vm_vdev *v) VMM_WUR;
/* Close the uds's sockets; after vm_destroy. Safe if never opened. */
void rvsock_close(struct rvsock *t);

/* Events (record.c): record_begin takes the lock; record_commit writes
 * the effects after the event record the caller appended to rec->out,
 * retries held tap frames and flushes (several events may be committed
 * under one lock); record_release drops the lock; record_end is commit
 * and release. record_in_event: whether some thread holds the lock for
 * an event (so a device input or effect belongs in the trace). */
void record_begin(struct recorder *r);
void record_commit(struct recorder *r);
void record_release(struct recorder *r);
void record_end(struct recorder *r);
bool record_in_event(struct recorder *r);

#endif
