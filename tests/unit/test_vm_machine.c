/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machines a VM is built as (vmm/vm/vm_machine.h), both on any host,
 * built by vm_create on the replay accelerator: where each puts RAM, its
 * platform devices and its virtio slots, what it answers to Ctrl-Alt-Del,
 * and that a kernel boots only on the host's own.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backends/replay/replay_accel.h"
#include "devices/virtio/rng.h"
#include "vmm/platform/arm64/memmap.h"
#include "vmm/vm/config.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vm_machine.h"

struct fix {
	struct vm_config cfg;
	struct vm_host host;
	struct vm *vm;
	char err[256];
};

static void host_init(struct vm_host *h)
{
	memset(h, 0, sizeof(*h));
	h->serial_out_fd = h->serial_in_fd = h->console_out_fd = -1;
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		h->disk_fds[i] = -1;
	for (unsigned i = 0; i < CONFIG_MAX_NETS; i++)
		h->tap_fds[i] = -1;
	h->metrics_fd = h->vsock_fd = h->vsock_dial_fd = -1;
}

/* vm_create of `kind` with 2 vCPUs, 64 MiB and an rng. */
static int build(struct fix *f, enum vm_machine_kind kind)
{
	config_defaults(&f->cfg);
	f->cfg.accel = "replay";
	f->cfg.machine = kind;
	f->cfg.mem_mib = 64;
	f->cfg.cpus = 2;
	f->cfg.eventfd = false;
	f->cfg.serial = SERIAL_NONE;
	assert_int_equal(config_dev_add(&f->cfg, &virtio_rng_type), 0);
	host_init(&f->host);
	f->vm = vm_alloc();
	assert_non_null(f->vm);
	return vm_create(f->vm, &f->cfg, &replay_accel_ops, &f->host, f->err,
			 sizeof(f->err));
}

static void teardown_vm(struct fix *f)
{
	vm_destroy(f->vm);
	vm_free(f->vm);
}

static const char *at(struct bus *b, uint64_t addr)
{
	const struct bus_range *r = bus_find(b, addr);
	return r ? r->name : "(nothing)";
}

static void test_arm64(void **state)
{
	(void)state;
	struct fix f;
	assert_int_equal(build(&f, VM_MACHINE_ARM64), 0);
	assert_ptr_equal(f.vm->machine, &vm_machine_arm64);
	assert_int_equal(f.vm->mem.nregions, 1);
	assert_int_equal(f.vm->mem.regions[0].gpa, ARM64_RAM_BASE);
	assert_int_equal(f.vm->mem.regions[0].size, 64u << 20);
	assert_string_equal(at(&f.vm->mmio, ARM64_UART_BASE), "serial");
	assert_string_equal(at(&f.vm->mmio, ARM64_RTC_BASE + 0xfe0), "pl031");
	assert_string_equal(at(&f.vm->mmio, ARM64_DEBUG_EXIT_BASE),
			    "debug-exit");
	assert_null(bus_find(&f.vm->pio, 0x3f8)); /* no port I/O at all */
	assert_int_equal(f.vm->nvdevs, 1);
	assert_int_equal(f.vm->vdevs[0]->base, ARM64_VIRTIO_BASE);
	assert_int_equal(f.vm->vdevs[0]->irq, ARM64_VIRTIO_SPI);
	assert_int_equal(f.vm->machine->ctrl_alt_del(f.vm), -ENOTSUP);
	uint64_t base;
	uint32_t irq;
	assert_int_equal(vm_machine_arm64.virtio_slot(3, &base, &irq), 0);
	assert_int_equal(base, ARM64_VIRTIO_BASE + 3 * ARM64_VIRTIO_STRIDE);
	assert_int_equal(irq, ARM64_VIRTIO_SPI + 3);
	assert_int_equal(
	    vm_machine_arm64.virtio_slot(VM_MAX_VDEVS, &base, &irq), -ENOSPC);
	teardown_vm(&f);
}

static void test_x86(void **state)
{
	(void)state;
	struct fix f;
	assert_int_equal(build(&f, VM_MACHINE_X86), 0);
	assert_ptr_equal(f.vm->machine, &vm_machine_x86);
	assert_int_equal(f.vm->mem.regions[0].gpa, 0);
	assert_string_equal(at(&f.vm->pio, 0x3f8), "serial");
	assert_string_equal(at(&f.vm->pio, 0x60), "i8042");
	assert_null(bus_find(&f.vm->mmio, ARM64_UART_BASE));
	assert_int_equal(f.vm->vdevs[0]->base, 0xd0000000u);
	assert_int_equal(f.vm->vdevs[0]->irq, 5);
	teardown_vm(&f);
}

/* The arm64 machine's RAM is whole 2 MiB blocks (the DTB's alignment). */
static void test_arm64_odd_ram(void **state)
{
	(void)state;
	struct fix f;
	config_defaults(&f.cfg);
	f.cfg.machine = VM_MACHINE_ARM64;
	f.cfg.mem_mib = 65;
	host_init(&f.host);
	f.vm = vm_alloc();
	assert_non_null(f.vm);
	assert_int_equal(vm_create(f.vm, &f.cfg, &replay_accel_ops, &f.host,
				   f.err, sizeof(f.err)),
			 -EINVAL);
	assert_string_equal(f.err, "--mem 65 MiB: the arm64 machine's RAM is "
				   "a multiple of 2 MiB");
	teardown_vm(&f);
}

/* A kernel boots only on the host's machine; an unknown kind is none. */
static void test_refusals(void **state)
{
	(void)state;
	struct fix f;
	static const uint8_t kernel[64];
	enum vm_machine_kind other = VM_MACHINE_HOST == VM_MACHINE_X86
					 ? VM_MACHINE_ARM64
					 : VM_MACHINE_X86;
	config_defaults(&f.cfg);
	f.cfg.machine = other;
	host_init(&f.host);
	f.host.kernel = kernel;
	f.host.kernel_len = sizeof(kernel);
	f.vm = vm_alloc();
	assert_non_null(f.vm);
	assert_int_equal(vm_create(f.vm, &f.cfg, &replay_accel_ops, &f.host,
				   f.err, sizeof(f.err)),
			 -ENOTSUP);
	assert_non_null(strstr(f.err, "boots kernels only on"));
	teardown_vm(&f);
	assert_null(vm_machine_of((enum vm_machine_kind)0));
	assert_null(vm_machine_of((enum vm_machine_kind)3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arm64),
	    cmocka_unit_test(test_x86),
	    cmocka_unit_test(test_arm64_odd_ram),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
