/* SPDX-License-Identifier: Apache-2.0 */
/* A whole VM's state but its RAM (vm_state.h). */
#include "vmm/vm/vm_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/base/log.h"
#include "vmm/vm/vcpu.h"
#include "vmm/vm/vm_int.h"

#define VMST_TAG     "VMST"
#define VMST_VERSION 1
/* Room for one vCPU's state (KVM: about 8 KiB with a 4 KiB xsave area;
 * XSAVE2 areas with AMX reach 11 KiB). */
#define VMST_VCPU_MAX (64u << 10)

/* Per-vCPU buffers filled on the vCPUs' threads. */
struct vmst_vcpus {
	uint8_t *buf[CONFIG_MAX_CPUS];
	long len[CONFIG_MAX_CPUS];
};

static int vmst_save_vcpu(struct vcpu *c, void *opaque)
{
	struct vmst_vcpus *v = opaque;
	struct st_writer w;
	st_writer_init(&w, v->buf[c->index], VMST_VCPU_MAX);
	int r = c->vm->accel->vcpu_save(c->accel, &w);
	v->len[c->index] = r ? r : st_writer_end(&w);
	return r ? r : v->len[c->index] < 0 ? (int)v->len[c->index] : 0;
}

static void vmst_save_devices(struct vm *vm, struct st_writer *w)
{
	serial_save(&vm->serial, w);
	i8042_save(&vm->i8042, w);
	rtc_save(&vm->rtc, w);
	debug_exit_save(&vm->debug_exit, w);
	if (vm->cfg->acpi) {
		acpi_pm_save(&vm->acpi_pm, w);
		pvpanic_save(&vm->pvpanic, w);
	}
	st_put_u32(w, vm->nvdevs);
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		struct vm_vdev *v = vm->vdevs[i];
		v->type->save(v->impl, w);
	}
}

int vm_state_save(struct vm *vm, struct st_writer *w)
{
	const struct accel_ops *a = vm->accel;
	if (!vm_paused(vm))
		return -EINVAL;
	if (!a->vm_save || !a->vcpu_save) {
		log_error("saving the VM: the %s backend cannot", a->name);
		return -EOPNOTSUPP;
	}
	int r = 0;
	struct vmst_vcpus v;
	memset(&v, 0, sizeof(v));
	for (unsigned i = 0; i < vm->ncpus && !r; i++)
		if (!(v.buf[i] = malloc(VMST_VCPU_MAX)))
			r = -ENOMEM;
	for (unsigned i = 0; i < vm->ncpus; i++)
		v.len[i] = -EIO; /* until its thread reports */
	if (!r)
		r = vm_pause_on_each_vcpu(vm, vmst_save_vcpu, &v);
	for (unsigned i = 0; i < vm->ncpus && !r; i++)
		if (v.len[i] <= 0) {
			log_error("saving the VM: vCPU %u gave no state", i);
			r = -EIO;
		}
	if (!r) {
		size_t mark = st_section_begin(w, VMST_TAG, VMST_VERSION);
		st_put_u32(w, vm->ncpus);
		st_put_bool(w, vm->cfg->acpi);
		r = a->vm_save(vm->avm, w);
		for (unsigned i = 0; i < vm->ncpus && !r; i++)
			st_put_bytes(w, v.buf[i], (size_t)v.len[i]);
		if (!r)
			vmst_save_devices(vm, w);
		st_section_end(w, mark);
		long n = st_writer_end(w);
		if (!r && n < 0)
			r = (int)n;
	}
	for (unsigned i = 0; i < vm->ncpus; i++)
		free(v.buf[i]);
	return r;
}

/* The devices' sections, in save order. */
static int vmst_restore_devices(struct vm *vm, struct st_reader *r)
{
	int e = serial_restore(&vm->serial, r);
	if (!e)
		e = i8042_restore(&vm->i8042, r);
	if (!e)
		e = rtc_restore(&vm->rtc, r);
	if (!e)
		e = debug_exit_restore(&vm->debug_exit, r);
	if (!e && vm->cfg->acpi)
		e = acpi_pm_restore(&vm->acpi_pm, r);
	if (!e && vm->cfg->acpi)
		e = pvpanic_restore(&vm->pvpanic, r);
	if (!e && st_get_u32(r) != vm->nvdevs)
		e = -EINVAL;
	for (unsigned i = 0; !e && i < vm->nvdevs; i++) {
		struct vm_vdev *v = vm->vdevs[i];
		e = v->type->restore(v->impl, r);
	}
	return e ? e : st_ok(r) ? 0 : -EINVAL;
}

int vm_state_restore(struct vm *vm, struct st_reader *rd)
{
	const struct accel_ops *a = vm->accel;
	if (!a->vm_restore || !a->vcpu_restore) {
		log_error("restoring the VM: the %s backend cannot", a->name);
		return -EOPNOTSUPP;
	}
	uint16_t ver;
	struct st_reader sub;
	st_section_open(rd, VMST_TAG, VMST_VERSION, &ver, &sub);
	if (st_get_u32(&sub) != vm->ncpus ||
	    st_get_bool(&sub) != vm->cfg->acpi || !st_ok(&sub)) {
		log_error("restoring the VM: the state is not for this "
			  "machine (vCPU count or ACPI differ, or it is "
			  "malformed)");
		return -EINVAL;
	}
	int r = a->vm_restore(vm->avm, &sub);
	for (unsigned i = 0; i < vm->ncpus && !r; i++)
		r = a->vcpu_restore(vm->vcpus[i].accel, &sub);
	if (!r)
		r = vmst_restore_devices(vm, &sub);
	st_section_close(rd, &sub);
	if (!r && !st_ok(rd))
		r = -EINVAL;
	if (r)
		log_error("restoring the VM: %s", strerror(-r));
	return r;
}

void vm_state_kick_queues_later(struct vm *vm)
{
	atomic_store(&vm->kick_pending, true);
}

void vm_state_kick_due(struct vm *vm)
{
	if (!atomic_load(&vm->kick_pending) || vm_paused(vm))
		return;
	atomic_store(&vm->kick_pending, false);
	for (unsigned i = 0; i < vm->nvdevs; i++)
		virtio_mmio_kick_all(&vm->vdevs[i]->mmio);
}
