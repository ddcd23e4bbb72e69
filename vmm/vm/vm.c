/* SPDX-License-Identifier: Apache-2.0 */
/* VM construction and teardown: memory, buses, devices, vCPUs. */
#include "vmm/base/errmsg.h"
#include "vmm/vm/vm_int.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vmm/base/log.h"
#include "vmm/vm/vm_boot.h"
#include "vmm/vm/vm_machine.h"

/* The stop word packs the reason (bits 8..15) and the status (bits 0..7)
 * so the first request wins with a single compare-and-swap. */
void vm_request_stop(struct vm *vm, enum vm_stop_reason why, int status)
{
	int none = 0;
	int word = ((int)why << 8) | (status & 0xff);
	if (!atomic_compare_exchange_strong(&vm->stop, &none, word))
		return;
	vm_pause_wake(vm); /* a paused VM stops too */
	if (vm->wake_fd >= 0) {
		uint64_t one = 1;
		ssize_t w = write(vm->wake_fd, &one, sizeof(one));
		(void)w; /* an eventfd write only fails when it is saturated */
	}
}

/* On the control thread: the machine's chord. */
static int vm_ctrl_alt_del(struct vm *vm, void *arg)
{
	(void)arg;
	return vm->machine->ctrl_alt_del(vm);
}

int vm_send_ctrl_alt_del(struct vm *vm)
{
	return vm_ctl_call(vm, vm_ctrl_alt_del, NULL);
}

const struct vm_machine *vm_machine_of(enum vm_machine_kind kind)
{
	switch (kind) {
	case VM_MACHINE_X86:
		return &vm_machine_x86;
	case VM_MACHINE_ARM64:
		return &vm_machine_arm64;
	}
	return NULL;
}

enum vm_stop_reason vm_stop_reason(struct vm *vm)
{
	return (enum vm_stop_reason)(atomic_load(&vm->stop) >> 8);
}

int vm_stop_status(struct vm *vm)
{
	return atomic_load(&vm->stop) & 0xff;
}

int vm_signal_seen(struct vm *vm)
{
	return atomic_load(&vm->signal_seen);
}

size_t vm_console_input(struct vm *vm, const uint8_t *buf, size_t len,
			bool *to_virtio)
{
	bool virt = vm->console_vdev != NULL;
	if (to_virtio)
		*to_virtio = virt;
	if (virt)
		return vm_virtio_console_input(vm, buf, len);
	return serial_rx_push(&vm->serial, buf,
			      len > UINT_MAX ? UINT_MAX : (unsigned)len);
}

/* ---- device host callbacks ---- */

static bool vm_stopping(void *opaque)
{
	return vm_stop_reason(opaque) != VM_STOP_NONE;
}

void vm_cb_serial_tx(void *opaque, uint8_t byte)
{
	struct vm *vm = opaque;
	if (vm->host.tracer)
		vm->host.tracer->ops->serial_tx(vm->host.tracer->opaque, byte);
	conout_write(&vm->serial_out, &byte, 1);
}

void vm_set_line(struct vm *vm, const char *who, uint32_t irq, int level)
{
	if (vm->host.tracer)
		vm->host.tracer->ops->irq(vm->host.tracer->opaque, irq, level);
	int r = vm->accel->set_irq_line(vm->avm, irq, level);
	if (r)
		log_limited(vm->host.guest_log, LOG_WARN,
			    "%s: setting IRQ %u to %d failed: %s", who, irq,
			    level, strerror(-r));
}

void vm_cb_serial_rx_space(void *opaque)
{
	struct vm *vm = opaque;
	uint64_t one = 1;
	ssize_t w = write(vm->wake_fd, &one, sizeof(one));
	(void)w; /* see vm_request_stop */
}

int64_t vm_cb_now(void *opaque)
{
	struct vm *vm = opaque;
	if (vm->host.tracer)
		return vm->host.tracer->ops->rtc_now(vm->host.tracer->opaque);
	return (int64_t)time(NULL);
}

void vm_cb_debug_exit(void *opaque, uint8_t value)
{
	vm_request_stop(opaque, VM_STOP_DEBUG_EXIT, value);
}

int vm_bus_add(struct vm *vm, struct bus *bus, const struct vm_dev_range *d,
	       size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (!d[i].len)
			continue;
		int r = bus_register(bus, d[i].base, d[i].len, d[i].ops,
				     d[i].dev, d[i].name);
		if (r)
			return errmsg(err, errlen, r,
				      "registering %s at %s0x%" PRIx64 ": %s",
				      d[i].name, bus == &vm->pio ? "port " : "",
				      d[i].base, strerror(-r));
	}
	return 0;
}

/* ---- construction ---- */

/* Guest RAM where the machine lays it out (from vm->host.ram_file when
 * set, the ranges one after the other in it), mapped into the
 * accelerator. */
static int vm_setup_memory(struct vm *vm, char *err, size_t errlen)
{
	struct vm_ram_range ram[VM_MACHINE_MAX_RAM];
	unsigned n = 0;
	int r = vm->machine->ram(vm->cfg, ram, &n, err, errlen);
	if (r)
		return r;
	unsigned flags = vm->cfg->mem_merge ? GM_MERGEABLE : 0;
	int fd = vm->host.ram_file ? vm->host.ram_file->fd : -1;
	uint64_t off = 0;
	for (unsigned i = 0; i < n && !r; i++) {
		r = gm_add_ram_fd(&vm->mem, ram[i].gpa, ram[i].size, flags, fd,
				  off);
		off += ram[i].size;
	}
	if (r)
		return errmsg(err, errlen, r,
			      "cannot %s %" PRIu64 " MiB of guest RAM: %s",
			      fd >= 0 ? "map the memory file's" : "allocate",
			      vm->cfg->mem_mib, strerror(-r));
	for (unsigned i = 0; i < vm->mem.nregions; i++) {
		const struct gm_region *g = &vm->mem.regions[i];
		r = vm->accel->map_memory(vm->avm, i, g->gpa, g->size, g->hva);
		if (r)
			return errmsg(err, errlen, r, "%s", "");
	}
	return 0;
}

static int vm_setup_vcpus(struct vm *vm, char *err, size_t errlen)
{
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *c = &vm->vcpus[i];
		c->vm = vm;
		c->index = i;
		int r = vm->accel->vcpu_create(vm->avm, i, &c->accel);
		if (r)
			return errmsg(err, errlen, r, "%s", "");
	}
	return 0;
}

int vm_create(struct vm *vm, const struct vm_config *cfg,
	      const struct accel_ops *accel, const struct vm_host *host,
	      char *err, size_t errlen)
{
	memset(vm, 0, offsetof(struct vm, vcpus));
	memset(vm->vcpus, 0,
	       sizeof(vm->vcpus[0]) *
		   (cfg->cpus < CONFIG_MAX_CPUS ? cfg->cpus : CONFIG_MAX_CPUS));
	vm->cmdline[0] = '\0';
	vm->cfg = cfg;
	vm->accel = accel;
	vm->host = *host;
	vm->ncpus = cfg->cpus;
	vm->wake_fd = -1;
	gm_init(&vm->mem);
	atomic_init(&vm->stop, 0);
	atomic_init(&vm->signal_seen, 0);
	conout_init(&vm->serial_out, host->serial_out_fd, "serial",
		    CONOUT_STALL_MS, vm_stopping, vm, host->guest_log);
	conout_init(&vm->console_out, host->console_out_fd, "virtio-console",
		    CONOUT_STALL_MS, vm_stopping, vm, host->guest_log);
	if (errlen)
		err[0] = '\0';
	int r;

	vm->machine = vm_machine_of(cfg->machine);
	if (!vm->machine)
		return errmsg(err, errlen, -EINVAL, "unknown machine %d",
			      (int)cfg->machine);
	if (host->kernel && cfg->machine != VM_MACHINE_HOST)
		return errmsg(err, errlen, -ENOTSUP,
			      "the %s machine boots kernels only on %s hosts",
			      vm->machine->name, vm->machine->name);
	if (vm->ncpus == 0 || vm->ncpus > CONFIG_MAX_CPUS)
		return errmsg(err, errlen, -EINVAL, "bad vCPU count %u",
			      vm->ncpus);
	if ((r = vm_pause_init(&vm->pause)))
		return errmsg(err, errlen, r, "pause state: %s", strerror(-r));
	if ((r = vm_ctl_init(&vm->ctl)))
		return errmsg(err, errlen, r, "control calls: %s",
			      strerror(-r));
	vm->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->wake_fd < 0)
		return errmsg(err, errlen, -errno, "eventfd: %s",
			      strerror(errno));
	if ((r = bus_init(&vm->mmio, "mmio")))
		return errmsg(err, errlen, r, "bus: %s", strerror(-r));
	if ((r = bus_init(&vm->pio, "pio"))) {
		bus_destroy(&vm->mmio);
		return errmsg(err, errlen, r, "bus: %s", strerror(-r));
	}
	vm->buses_ready = true;

	struct accel_vm_config ac = {.ncpus = vm->ncpus,
				     .sys = host->accel_sys};
	if ((r = accel->vm_create(&ac, &vm->avm)))
		return errmsg(err, errlen, r, "%s", "");
	if ((r = vm_setup_memory(vm, err, errlen)))
		return r;
	/* The vCPUs before the devices: an aarch64 vGIC starts once every
	 * vCPU exists, and KVM takes no irqfd before it has. */
	if ((r = vm_setup_vcpus(vm, err, errlen)))
		return r;
	if ((r = vm->machine->devices(vm, err, errlen)))
		return r;
	if ((r = vm_virtio_setup(vm, err, errlen)))
		return r;
	/* No kernel: the replay backend drives the devices itself. */
	return host->kernel ? vm_boot_load(vm, err, errlen) : 0;
}

/* What a stalled console reader cost (conout.h), once per VM. */
static void vm_report_dropped(const struct conout *o)
{
	uint64_t n = atomic_load(&o->dropped_total);
	if (n)
		log_warn("%s output: %llu byte(s) dropped in all while the "
			 "reader stalled",
			 o->name, (unsigned long long)n);
}

void vm_destroy(struct vm *vm)
{
	vm_report_dropped(&vm->serial_out);
	vm_report_dropped(&vm->console_out);
	vm_virtio_destroy(vm);
	for (unsigned i = 0; i < vm->ncpus && i < CONFIG_MAX_CPUS; i++) {
		if (vm->vcpus[i].accel)
			vm->accel->vcpu_destroy(vm->vcpus[i].accel);
		vm->vcpus[i].accel = NULL;
	}
	if (vm->avm)
		vm->accel->vm_destroy(vm->avm);
	vm->avm = NULL;
	if (vm->machine)
		vm->machine->destroy(vm);
	vm->devices_ready = 0;
	if (vm->buses_ready) {
		bus_destroy(&vm->mmio);
		bus_destroy(&vm->pio);
		vm->buses_ready = false;
	}
	gm_destroy(&vm->mem);
	if (vm->wake_fd >= 0)
		close(vm->wake_fd);
	vm->wake_fd = -1;
	vm_pause_destroy(&vm->pause);
	vm_ctl_destroy(&vm->ctl);
}
