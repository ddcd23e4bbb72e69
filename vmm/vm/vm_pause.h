/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pausing a running VM: every vCPU thread parks between two vcpu_run
 * calls and the I/O thread between two handlers, so that nothing touches
 * guest memory, the devices or the accelerator's vCPUs until the VM is
 * resumed. While paused, work can be run on each vCPU's own thread (the
 * accelerator's register and state ops must run there). The basis of
 * snapshots and of the control plane's Paused state.
 *
 * A stop request (vm_request_stop) ends a pause at once: parked threads
 * wake and leave, and a vm_pause waiting for them returns -ECANCELED.
 * vCPU threads that start while the VM is paused park before their first
 * vcpu_run. None of these may be called from a vCPU or I/O thread.
 */
#ifndef VMM_VM_PAUSE_H
#define VMM_VM_PAUSE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

struct vm;
struct vcpu;

/* Work for each parked vCPU, on its own thread: 0 or -errno. */
typedef int (*vm_vcpu_fn)(struct vcpu *c, void *opaque);

struct vm_pause {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool ready;	   /* lock and cond initialised */
	bool requested;	   /* vCPUs must park */
	unsigned live;	   /* vCPU threads inside their run loop */
	unsigned parked;   /* of those, parked */
	uint64_t work_gen; /* bumped for each vm_pause_on_each_vcpu */
	vm_vcpu_fn work;
	void *work_opaque;
	unsigned work_done; /* vCPUs that ran the current work */
	int work_err;	    /* its first error */
	bool io_paused;	    /* the I/O thread is paused too */
};

/* Initialise / free the pause state of a VM (vm_create, vm_destroy). */
int vm_pause_init(struct vm_pause *p) VMM_WUR;
void vm_pause_destroy(struct vm_pause *p);

/* Park every running vCPU and pause the I/O thread; returns once they
 * are. 0; -EALREADY when paused already; -ECANCELED when the VM stopped
 * meanwhile (it is then not paused). */
int vm_pause(struct vm *vm) VMM_WUR;

/* vm_run, once the I/O thread runs: a VM paused before vm_run (a
 * snapshot restored paused: vm_pause found no thread to park) gets its
 * I/O thread paused too. No-op otherwise. */
void vm_pause_late(struct vm *vm);

/* Let the vCPUs and the I/O thread run again. No-op when not paused. */
void vm_resume(struct vm *vm);

/* Whether the VM is paused. */
bool vm_paused(struct vm *vm);

/* Whether it is paused and nothing of it runs: the vCPUs parked and the
 * I/O thread parked too, or not running (what a snapshot needs). */
bool vm_pause_settled(struct vm *vm);

/* On a paused VM, run fn(c, opaque) on every parked vCPU's thread and
 * wait for all of them; for a vCPU whose thread never started (a VM not
 * yet run), on the calling thread. 0, the first -errno fn returned, -EINVAL
 * when the VM is not paused, or -ECANCELED when it stopped meanwhile. */
int vm_pause_on_each_vcpu(struct vm *vm, vm_vcpu_fn fn, void *opaque) VMM_WUR;

/* For the vCPU thread (vcpu.c): entering and leaving its run loop, and
 * the pause point before each vcpu_run (parks while paused, running the
 * work it is given there). */
void vm_pause_vcpu_enter(struct vm *vm);
void vm_pause_vcpu_leave(struct vm *vm);
void vm_pause_point(struct vcpu *c);

/* For vm_request_stop: wake every parked thread and waiter. */
void vm_pause_wake(struct vm *vm);

#endif
