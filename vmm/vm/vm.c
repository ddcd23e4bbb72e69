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

enum {
	DEV_SERIAL = 1u << 0,
	DEV_I8042 = 1u << 1,
	DEV_RTC = 1u << 2,
};

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

/* On the control thread: queue the chord and deliver its first byte. */
static int vm_ctrl_alt_del(struct vm *vm, void *arg)
{
	(void)arg;
	int r = i8042_send_ctrl_alt_del(&vm->i8042);
	if (!r)
		i8042_kick(&vm->i8042);
	return r;
}

int vm_send_ctrl_alt_del(struct vm *vm)
{
	return vm_ctl_call(vm, vm_ctrl_alt_del, NULL);
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

static void vm_serial_tx(void *opaque, uint8_t byte)
{
	struct vm *vm = opaque;
	if (vm->host.tracer)
		vm->host.tracer->ops->serial_tx(vm->host.tracer->opaque, byte);
	conout_write(&vm->serial_out, &byte, 1);
}

/* Drive an ISA interrupt line for device `who` (traced first). */
static void vm_isa_irq(struct vm *vm, const char *who, uint32_t irq, int level)
{
	if (vm->host.tracer)
		vm->host.tracer->ops->irq(vm->host.tracer->opaque, irq, level);
	int r = vm->accel->set_irq_line(vm->avm, irq, level);
	if (r)
		log_limited(vm->host.guest_log, LOG_WARN,
			    "%s: setting IRQ %u to %d failed: %s", who, irq,
			    level, strerror(-r));
}

static void vm_serial_irq(void *opaque, int level)
{
	vm_isa_irq(opaque, "serial", LAYOUT_COM1_IRQ, level);
}

/* The keyboard's line is edge-triggered: one pulse per byte. */
static void vm_i8042_irq(void *opaque)
{
	vm_isa_irq(opaque, "i8042", LAYOUT_I8042_KBD_IRQ, 1);
	vm_isa_irq(opaque, "i8042", LAYOUT_I8042_KBD_IRQ, 0);
}

static void vm_serial_rx_space(void *opaque)
{
	struct vm *vm = opaque;
	uint64_t one = 1;
	ssize_t w = write(vm->wake_fd, &one, sizeof(one));
	(void)w; /* see vm_request_stop */
}

static void vm_i8042_reset(void *opaque)
{
	vm_request_stop(opaque, VM_STOP_RESET, VM_STATUS_RESET);
}

static int64_t vm_rtc_now(void *opaque)
{
	struct vm *vm = opaque;
	if (vm->host.tracer)
		return vm->host.tracer->ops->rtc_now(vm->host.tracer->opaque);
	return (int64_t)time(NULL);
}

static void vm_debug_exit(void *opaque, uint8_t value)
{
	vm_request_stop(opaque, VM_STOP_DEBUG_EXIT, value);
}

static void vm_acpi_poweroff(void *opaque)
{
	vm_request_stop(opaque, VM_STOP_POWEROFF, VM_STATUS_OK);
}

static void vm_acpi_reset(void *opaque)
{
	vm_request_stop(opaque, VM_STOP_RESET, VM_STATUS_RESET);
}

static void vm_pvpanic_panicked(void *opaque)
{
	log_info("the guest reported a kernel panic (pvpanic); stopping the "
		 "VM");
	vm_request_stop(opaque, VM_STOP_PANIC, VM_STATUS_PANIC);
}

static void vm_pvpanic_crash_loaded(void *opaque)
{
	(void)opaque;
	log_info("the guest panicked with a crash kernel loaded (pvpanic "
		 "CRASH_LOADED); it reboots on its own");
}

/* ---- construction ---- */

static int vm_setup_memory(struct vm *vm, char *err, size_t errlen)
{
	uint64_t bytes = vm->cfg->mem_mib << 20;
	uint64_t low = bytes < LAYOUT_MMIO_HOLE ? bytes : LAYOUT_MMIO_HOLE;
	unsigned flags = vm->cfg->mem_merge ? GM_MERGEABLE : 0;
	int fd = vm->host.ram_file ? vm->host.ram_file->fd : -1;
	int r = gm_add_ram_fd(&vm->mem, 0, low, flags, fd, 0);
	if (!r && bytes > low)
		r = gm_add_ram_fd(&vm->mem, LAYOUT_4G, bytes - low, flags, fd,
				  low);
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

static int vm_setup_devices(struct vm *vm, char *err, size_t errlen)
{
	struct serial_host sh = {.tx = vm_serial_tx,
				 .set_irq = vm_serial_irq,
				 .rx_space = vm_serial_rx_space,
				 .opaque = vm};
	struct i8042_host kh = {
	    .reset = vm_i8042_reset, .irq = vm_i8042_irq, .opaque = vm};
	struct rtc_host rh = {.now = vm_rtc_now, .opaque = vm};
	struct pvpanic_host ph = {.panicked = vm_pvpanic_panicked,
				  .crash_loaded = vm_pvpanic_crash_loaded,
				  .opaque = vm};
	int r;

	if ((r = serial_init(&vm->serial, &sh)))
		return errmsg(err, errlen, r, "serial: %s", strerror(-r));
	vm->devices_ready |= DEV_SERIAL;
	if ((r = i8042_init(&vm->i8042, &kh)))
		return errmsg(err, errlen, r, "i8042: %s", strerror(-r));
	vm->devices_ready |= DEV_I8042;
	if ((r = rtc_init(&vm->rtc, &rh)))
		return errmsg(err, errlen, r, "rtc: %s", strerror(-r));
	vm->devices_ready |= DEV_RTC;
	vm->debug_exit =
	    (struct debug_exit){.exit = vm_debug_exit, .opaque = vm};
	vm->acpi_pm = (struct acpi_pm){
	    .poweroff = vm_acpi_poweroff, .reset = vm_acpi_reset, .opaque = vm};
	pvpanic_init(&vm->pvpanic, &ph);

	const struct {
		uint64_t base, len;
		const struct bus_dev_ops *ops;
		void *dev;
		const char *name;
	} pio[] = {
	    {LAYOUT_COM1_PORT, SERIAL_NREGS, &serial_ops, &vm->serial,
	     "serial"},
	    {LAYOUT_I8042_DATA, I8042_RANGE_LEN, &i8042_ops, &vm->i8042,
	     "i8042"},
	    {LAYOUT_RTC_PORT, RTC_RANGE_LEN, &rtc_ops, &vm->rtc, "rtc"},
	    {LAYOUT_DEBUG_EXIT_PORT, DEBUG_EXIT_RANGE_LEN, &debug_exit_ops,
	     &vm->debug_exit, "debug-exit"},
	    /* Only the FADT points at it: absent (len 0) with --acpi off. */
	    {LAYOUT_ACPI_PM_PORT, vm->cfg->acpi ? ACPI_PM_RANGE_LEN : 0,
	     &acpi_pm_ops, &vm->acpi_pm, "acpi-pm"},
	    /* Linux finds it only through the DSDT's QEMU0001 device. */
	    {LAYOUT_PVPANIC_PORT, vm->cfg->acpi ? PVPANIC_RANGE_LEN : 0,
	     &pvpanic_ops, &vm->pvpanic, "pvpanic"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(pio); i++) {
		if (!pio[i].len)
			continue;
		r = bus_register(&vm->pio, pio[i].base, pio[i].len, pio[i].ops,
				 pio[i].dev, pio[i].name);
		if (r)
			return errmsg(err, errlen, r,
				      "registering %s at port 0x%" PRIx64
				      ": %s",
				      pio[i].name, pio[i].base, strerror(-r));
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
	if ((r = vm_setup_devices(vm, err, errlen)))
		return r;
	if ((r = vm_virtio_setup(vm, err, errlen)))
		return r;
	if ((r = vm_setup_vcpus(vm, err, errlen)))
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
	if (vm->devices_ready & DEV_SERIAL)
		serial_destroy(&vm->serial);
	if (vm->devices_ready & DEV_I8042)
		i8042_destroy(&vm->i8042);
	if (vm->devices_ready & DEV_RTC)
		rtc_destroy(&vm->rtc);
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
