/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/vm_ctl.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vm/vm_int.h"

int vm_ctl_init(struct vm_ctl *c)
{
	memset(c, 0, sizeof(*c));
	int r = pthread_mutex_init(&c->lock, NULL);
	if (r)
		return -r;
	if ((r = pthread_cond_init(&c->cond, NULL))) {
		pthread_mutex_destroy(&c->lock);
		return -r;
	}
	c->ready = true;
	return 0;
}

void vm_ctl_destroy(struct vm_ctl *c)
{
	if (!c->ready)
		return;
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	c->ready = false;
}

int vm_ctl_call(struct vm *vm, vm_ctl_fn fn, void *arg)
{
	struct vm_ctl *c = &vm->ctl;
	pthread_mutex_lock(&c->lock);
	while (c->fn && !c->closed) /* another call's turn */
		pthread_cond_wait(&c->cond, &c->lock);
	if (c->closed) {
		pthread_mutex_unlock(&c->lock);
		return -ECANCELED;
	}
	c->fn = fn;
	c->arg = arg;
	c->done = false;
	uint64_t one = 1;
	ssize_t w = write(vm->wake_fd, &one, sizeof(one));
	(void)w; /* an eventfd write only fails when it is saturated */
	while (!c->done)
		pthread_cond_wait(&c->cond, &c->lock);
	int r = c->r;
	c->fn = NULL;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return r;
}

void vm_ctl_serve(struct vm *vm)
{
	struct vm_ctl *c = &vm->ctl;
	pthread_mutex_lock(&c->lock);
	if (c->fn && !c->done) {
		/* Unlocked while it runs: it may take the VM's other locks. */
		vm_ctl_fn fn = c->fn;
		void *arg = c->arg;
		pthread_mutex_unlock(&c->lock);
		int r = fn(vm, arg);
		pthread_mutex_lock(&c->lock);
		c->r = r;
		c->done = true;
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
}

void vm_ctl_close(struct vm *vm)
{
	struct vm_ctl *c = &vm->ctl;
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	if (c->fn && !c->done) {
		c->r = -ECANCELED;
		c->done = true;
	}
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}
