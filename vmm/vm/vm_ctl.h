/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Work for the control thread: another thread (the API's) asks vm_run's
 * loop to run a function and waits for its result. For what only the
 * control thread may do once sandboxed (its filter allows the VM
 * creation calls: fstat, fcntl, recvmsg from the dialer; and interrupt
 * lines), such as a drive's new image or Ctrl-Alt-Del on the keyboard.
 * One call at a time; others wait their turn.
 */
#ifndef VMM_VM_CTL_H
#define VMM_VM_CTL_H

#include <pthread.h>
#include <stdbool.h>

#include "vmm/base/compiler.h"

struct vm;

typedef int (*vm_ctl_fn)(struct vm *vm, void *arg);

struct vm_ctl {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool ready;   /* lock and cond initialised */
	bool closed;  /* vm_run's loop has ended: calls are refused */
	vm_ctl_fn fn; /* the call waiting to run, or NULL */
	void *arg;
	int r;
	bool done;
};

/* Initialise / free (vm_create, vm_destroy; destroy is safe on a zeroed
 * struct). */
int vm_ctl_init(struct vm_ctl *c) VMM_WUR;
void vm_ctl_destroy(struct vm_ctl *c);

/* Run fn(vm, arg) on the control thread and return its result. Calls
 * made before vm_run's loop starts wait for it; -ECANCELED once the loop
 * has ended (the VM stopped). Not from the control thread, a vCPU or the
 * I/O thread. */
int vm_ctl_call(struct vm *vm, vm_ctl_fn fn, void *arg) VMM_WUR;

/* vm_run's loop: run the waiting call, if any. */
void vm_ctl_serve(struct vm *vm);

/* vm_run's loop has ended: fail the waiting call and later ones with
 * -ECANCELED. */
void vm_ctl_close(struct vm *vm);

#endif
