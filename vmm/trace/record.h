/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recording a KVM run into a trace (vmm --accel kvm --record FILE;
 * docs/trace-format.md, "Recording").
 *
 * The recorder is the VM's tracer (vmm/vm/vm_tracer.h) and the observer of
 * device accesses to guest memory (gmem hooks). All device work goes
 * through one lock, so the trace is a total order: every vCPU exit, every
 * console input from the control thread, every tap frame and tap read on
 * the I/O thread. Each becomes one event record, preceded by the inputs
 * its devices took (guest memory read, the time, random bytes) and
 * followed by its effects (interrupts, output). Virtio notifications and
 * interrupts go through exits and set_irq_line (no eventfds), so device
 * work is synchronous.
 *
 * Lifecycle, around the VM (main.c): record_open (before vm_create: the
 * tracer, and each tap behind a trace port that the recorder feeds) ->
 * vm_create -> record_start (the header, the memory hooks, the taps) ->
 * vm_run -> record_finish (the end record, disk hashes, flush) ->
 * vm_destroy -> record_close. One boot per trace: a reset ends it.
 */
#ifndef VMM_TRACE_RECORD_H
#define VMM_TRACE_RECORD_H

#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/trace/trace.h"
#include "vmm/vm/config.h"
#include "vmm/vm/outfile.h"
#include "vmm/vm/vm.h"

struct recorder;

/* Open `path` with outfile_open against this run's files *ids (it is
 * emptied by record_start, once the VM is built) and prepare `host` for
 * recording: sets host->tracer, puts each tap behind a trace port
 * (host->net_ports: the device gets the port, with no offloads; the recorder
 * keeps the tap) and turns cfg->eventfd off. Hashes the disk images
 * (host->disk_fds). 0 and *out, or -errno with a one-line reason in err. */
int record_open(struct recorder **out, const char *path, struct vm_config *cfg,
		struct vm_host *host, struct file_ids *ids, char *err,
		size_t errlen) VMM_WUR;

/* After vm_create: write the header, hook guest memory, serve the taps on
 * the VM's I/O thread. 0 or -errno with a reason in err. */
int record_start(struct recorder *r, struct vm *vm, char *err,
		 size_t errlen) VMM_WUR;

/* After vm_run returned (no thread runs): the end record with the stop
 * reason, status and final disk hashes; everything flushed to the file.
 * 0 or -errno with a reason in err (a trace that could not be written
 * completely is reported here). */
int record_finish(struct recorder *r, struct vm *vm, char *err,
		  size_t errlen) VMM_WUR;

/* The trace's code for a VM stop reason (END records). */
enum trace_stop record_stop_code(enum vm_stop_reason why);

/* After vm_destroy: close the file and the taps, free the ports.
 * NULL is a no-op. */
void record_close(struct recorder *r);

#endif
