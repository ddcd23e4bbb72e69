/* SPDX-License-Identifier: Apache-2.0 */
/* A running VM's statistics (vm.h, vm_metrics). */
#include "vmm/vm/vm_int.h"

void vm_metrics(struct vm *vm, vm_metric_fn *fn, void *opaque)
{
	for (unsigned i = 0; i < vm->ncpus; i++)
		fn(opaque, "vcpu", i, "exits",
		   __atomic_load_n(&vm->vcpus[i].exits, __ATOMIC_RELAXED));
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		struct vm_vdev *v = vm->vdevs[i];
		struct vdev_counter c[VDEV_COUNTERS_MAX];
		if (!v->type->counters)
			continue;
		virtio_mmio_lock(&v->mmio);
		unsigned n = v->type->counters(v->impl, c);
		virtio_mmio_unlock(&v->mmio);
		for (unsigned k = 0; k < n && k < VDEV_COUNTERS_MAX; k++)
			fn(opaque, v->type->name, v->index, c[k].name,
			   c[k].value);
	}
}

int vm_metrics_fd(const struct vm *vm)
{
	return vm->host.metrics_fd;
}

void vm_metrics_lose(struct vm *vm)
{
	atomic_fetch_add(&vm->metrics_lost, 1);
}

uint64_t vm_metrics_lost(const struct vm *vm)
{
	return atomic_load(&vm->metrics_lost);
}
