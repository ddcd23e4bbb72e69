/* SPDX-License-Identifier: Apache-2.0 */
/* The narrow VM interface (vm.h): what the layers above may see. */
#include "vmm/vm/vm_int.h"

#include <stdlib.h>

struct vm *vm_alloc(void)
{
	return calloc(1, sizeof(struct vm));
}

void vm_free(struct vm *vm)
{
	free(vm);
}

struct guest_mem *vm_mem(struct vm *vm)
{
	return &vm->mem;
}

unsigned vm_ncpus(const struct vm *vm)
{
	return vm->ncpus;
}

struct vcpu *vm_vcpu(struct vm *vm, unsigned i)
{
	return i < vm->ncpus ? &vm->vcpus[i] : NULL;
}

unsigned vm_vdev_count(const struct vm *vm)
{
	return vm->nvdevs;
}

struct vm_vdev *vm_vdev_at(struct vm *vm, unsigned i)
{
	return i < vm->nvdevs ? vm->vdevs[i] : NULL;
}

bool vm_has_virtio_console(const struct vm *vm)
{
	return vm->console_vdev != NULL;
}

size_t vm_serial_input(struct vm *vm, const uint8_t *buf, size_t len)
{
	return serial_rx_push(&vm->serial, buf, len);
}

struct iothread *vm_iothread(struct vm *vm)
{
	return &vm->io;
}

const struct bus *vm_bus(const struct vm *vm, bool mmio)
{
	return mmio ? &vm->mmio : &vm->pio;
}
