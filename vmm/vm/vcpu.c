/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/vcpu.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "vmm/base/log.h"
#include "vmm/vm/vm_int.h"

bool vcpu_handle_exit(struct vcpu *c, struct accel_exit *exit)
{
	struct vm *vm = c->vm;

	__atomic_fetch_add(&c->exits, 1, __ATOMIC_RELAXED); /* metrics */
	switch (exit->reason) {
	case ACCEL_EXIT_PIO:
		/* String I/O repeats the access once per element. */
		for (uint32_t i = 0; i < exit->io.count; i++) {
			uint8_t *d = exit->io.data + (size_t)i * exit->io.size;
			if (exit->io.write)
				bus_write_bytes(&vm->pio, exit->io.addr, d,
						exit->io.size);
			else
				bus_read_bytes(&vm->pio, exit->io.addr, d,
					       exit->io.size);
		}
		return true;
	case ACCEL_EXIT_MMIO:
		if (exit->io.write)
			bus_write_bytes(&vm->mmio, exit->io.addr, exit->io.data,
					exit->io.size);
		else
			bus_read_bytes(&vm->mmio, exit->io.addr, exit->io.data,
				       exit->io.size);
		return true;
	case ACCEL_EXIT_HLT:
	case ACCEL_EXIT_INTR:
		return true;
	case ACCEL_EXIT_SHUTDOWN:
		log_info("vCPU %u: triple fault; treating it as a reset",
			 c->index);
		vm_request_stop(vm, VM_STOP_RESET, VM_STATUS_RESET);
		return false;
	case ACCEL_EXIT_RESET:
		vm_request_stop(vm, VM_STOP_RESET, VM_STATUS_RESET);
		return false;
	case ACCEL_EXIT_POWEROFF:
		vm_request_stop(vm, VM_STOP_POWEROFF, VM_STATUS_OK);
		return false;
	case ACCEL_EXIT_INTERNAL_ERROR:
		log_error("the guest stopped on an error vmm cannot recover "
			  "from:\n%s",
			  exit->detail);
		vm_request_stop(vm, VM_STOP_CRASH, VM_STATUS_CRASH);
		return false;
	}
	log_error("vCPU %u: unknown exit reason %d", c->index, exit->reason);
	vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
	return false;
}

/* Name the calling thread "vmm-vcpuN", as ps, top and /proc show it.
 * First thing on the new thread, under the control thread's filter,
 * which allows prctl(PR_SET_NAME) and no other prctl. Cosmetic: a
 * failure is only logged. */
static void vcpu_name_thread(unsigned index)
{
	char name[16]; /* TASK_COMM_LEN */
	snprintf(name, sizeof(name), "vmm-vcpu%u", index);
	if (prctl(PR_SET_NAME, name, 0, 0, 0) < 0)
		log_debug("vCPU %u: naming the thread: %s", index,
			  strerror(errno));
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *c = arg;
	struct vm *vm = c->vm;

	vcpu_name_thread(c->index);
	int r = vm->accel->vcpu_thread_init(c->accel);
	if (r) {
		log_error("vCPU %u: thread setup failed: %s", c->index,
			  strerror(-r));
		vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
		return NULL;
	}
	/* Before the first KVM_RUN: from here on the guest drives us. */
	if (vm->host.thread_hook &&
	    vm->host.thread_hook(vm->host.thread_hook_opaque, VM_THREAD_VCPU)) {
		vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
		return NULL;
	}
	vm_pause_vcpu_enter(vm);
	while (vm_stop_reason(vm) == VM_STOP_NONE) {
		vm_pause_point(c); /* parks while the VM is paused */
		r = vm->accel->vcpu_run(c->accel, &c->exit);
		if (r) {
			vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
			break;
		}
		/* A tracer (record) handles the exit itself, in order. */
		const struct vm_tracer *t = vm->host.tracer;
		if (!(t ? t->ops->exit(t->opaque, c, &c->exit)
			: vcpu_handle_exit(c, &c->exit)))
			break;
	}
	vm_pause_vcpu_leave(vm);
	return NULL;
}

int vcpu_start(struct vcpu *c)
{
	int r = pthread_create(&c->thread, NULL, vcpu_thread, c);
	if (r)
		return -r;
	c->started = true;
	return 0;
}

void vcpu_stop(struct vcpu *c)
{
	if (!c->started)
		return;
	c->vm->accel->vcpu_kick(c->accel);
	pthread_join(c->thread, NULL);
	c->started = false;
}
