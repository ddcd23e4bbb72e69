/* SPDX-License-Identifier: Apache-2.0 */
/* Pausing a running VM (vm_pause.h): vCPUs park at their pause point,
 * the I/O thread between handlers. */
#include "vmm/vm/vm_pause.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vmm/base/log.h"
#include "vmm/vm/vm_int.h"

int vm_pause_init(struct vm_pause *p)
{
	memset(p, 0, sizeof(*p));
	int r = pthread_mutex_init(&p->lock, NULL);
	if (r)
		return -r;
	if ((r = pthread_cond_init(&p->cond, NULL))) {
		pthread_mutex_destroy(&p->lock);
		return -r;
	}
	p->ready = true;
	return 0;
}

void vm_pause_destroy(struct vm_pause *p)
{
	if (!p->ready)
		return;
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	p->ready = false;
}

static bool vm_pause_stopping(struct vm *vm)
{
	return vm_stop_reason(vm) != VM_STOP_NONE;
}

void vm_pause_wake(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	if (!p->ready)
		return;
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

int vm_pause(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	pthread_mutex_lock(&p->lock);
	if (p->requested) {
		pthread_mutex_unlock(&p->lock);
		return -EALREADY;
	}
	p->requested = true;
	pthread_mutex_unlock(&p->lock);
	/* A vCPU in vcpu_run returns ACCEL_EXIT_INTR; one between two runs
	 * finds `requested` at its pause point (a kick sent then makes its
	 * next run return at once). */
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (vm->vcpus[i].started)
			vm->accel->vcpu_kick(vm->vcpus[i].accel);
	pthread_mutex_lock(&p->lock);
	while (p->parked < p->live && !vm_pause_stopping(vm))
		pthread_cond_wait(&p->cond, &p->lock);
	bool stopped = vm_pause_stopping(vm);
	if (!stopped && vm->io_ready && !iothread_pause(&vm->io))
		p->io_paused = true;
	pthread_mutex_unlock(&p->lock);
	if (stopped || vm_pause_stopping(vm)) {
		vm_resume(vm);
		return -ECANCELED;
	}
	log_debug("VM paused: %u vCPU threads parked%s", p->parked,
		  p->io_paused ? ", the I/O thread too" : "");
	return 0;
}

void vm_resume(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	pthread_mutex_lock(&p->lock);
	if (p->io_paused) {
		iothread_resume(&vm->io);
		p->io_paused = false;
	}
	p->requested = false;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	/* The control loop may have work that waited for the resume (the
	 * queue notifications after a restore). */
	uint64_t one = 1;
	ssize_t w =
	    vm->wake_fd >= 0 ? write(vm->wake_fd, &one, sizeof(one)) : 0;
	(void)w; /* a full counter: the loop is awake already */
}

void vm_pause_late(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	/* Under the lock: a resume cannot come between the check and the
	 * I/O thread's pause. */
	pthread_mutex_lock(&p->lock);
	if (p->requested && !p->io_paused && vm->io_ready &&
	    !iothread_pause(&vm->io))
		p->io_paused = true;
	pthread_mutex_unlock(&p->lock);
}

bool vm_paused(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	pthread_mutex_lock(&p->lock);
	bool r = p->requested;
	pthread_mutex_unlock(&p->lock);
	return r;
}

bool vm_pause_settled(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	pthread_mutex_lock(&p->lock);
	bool r = p->requested && p->parked == p->live &&
		 (p->io_paused || !vm->io_ready || !vm->io.running);
	pthread_mutex_unlock(&p->lock);
	return r;
}

int vm_pause_on_each_vcpu(struct vm *vm, vm_vcpu_fn fn, void *opaque)
{
	struct vm_pause *p = &vm->pause;
	unsigned started = 0;
	for (unsigned i = 0; i < vm->ncpus; i++)
		started += vm->vcpus[i].started;
	pthread_mutex_lock(&p->lock);
	if (!p->requested) {
		pthread_mutex_unlock(&p->lock);
		return -EINVAL;
	}
	/* A vCPU thread just started may not have entered its loop yet: it
	 * parks at its first pause point; wait for it, so it gets the work
	 * (one that parked after the work was posted would skip it). */
	while ((p->live < started || p->parked < p->live) &&
	       !vm_pause_stopping(vm))
		pthread_cond_wait(&p->cond, &p->lock);
	if (vm_pause_stopping(vm)) {
		pthread_mutex_unlock(&p->lock);
		return -ECANCELED;
	}
	p->work = fn;
	p->work_opaque = opaque;
	p->work_done = 0;
	p->work_err = 0;
	p->work_gen++;
	pthread_cond_broadcast(&p->cond);
	while (p->work_done < p->parked && !vm_pause_stopping(vm))
		pthread_cond_wait(&p->cond, &p->lock);
	int r = vm_pause_stopping(vm) ? -ECANCELED : p->work_err;
	p->work = NULL;
	pthread_mutex_unlock(&p->lock);
	/* A vCPU without a thread (the VM built, not run): no thread of its
	 * own can run the work, so the caller's does. */
	for (unsigned i = 0; !r && i < vm->ncpus; i++)
		if (!vm->vcpus[i].started)
			r = fn(&vm->vcpus[i], opaque);
	return r;
}

void vm_pause_vcpu_enter(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	pthread_mutex_lock(&p->lock);
	p->live++;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void vm_pause_vcpu_leave(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	pthread_mutex_lock(&p->lock);
	p->live--;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void vm_pause_point(struct vcpu *c)
{
	struct vm *vm = c->vm;
	struct vm_pause *p = &vm->pause;
	pthread_mutex_lock(&p->lock);
	if (!p->requested) {
		pthread_mutex_unlock(&p->lock);
		return;
	}
	p->parked++;
	pthread_cond_broadcast(&p->cond);
	uint64_t seen = p->work_gen;
	while (p->requested && !vm_pause_stopping(vm)) {
		if (p->work && p->work_gen != seen) {
			seen = p->work_gen;
			/* The work runs unlocked: it may take long (a state
			 * save), and the other vCPUs run theirs meanwhile. */
			vm_vcpu_fn fn = p->work;
			void *opaque = p->work_opaque;
			pthread_mutex_unlock(&p->lock);
			int r = fn(c, opaque);
			pthread_mutex_lock(&p->lock);
			if (r && !p->work_err)
				p->work_err = r;
			p->work_done++;
			pthread_cond_broadcast(&p->cond);
			continue;
		}
		pthread_cond_wait(&p->cond, &p->lock);
	}
	p->parked--;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}
