/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds of the whole-VM state harness (fuzz_vm_state.c); see seedgen.h.
 * Each is a real VMST section saved (vm_pause, vm_state_save) from a VM
 * built on the replay backend as the harness builds it, its vCPUs given
 * registers first, after its machine byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/replay/replay_accel.h"
#include "fuzz/seedgen.h"
#include "fuzz/vmstfx.h"
#include "vmm/replay/replay.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vm_state.h"

static void vmst_die(const char *what)
{
	fprintf(stderr, "seedgen: vm_state: %s\n", what);
	exit(1);
}

static void vmst_seed(const char *name, uint8_t m)
{
	struct vm_config cfg;
	struct vm_host host;
	struct vm *vm = calloc(1, sizeof(*vm));
	static uint8_t buf[64 << 10];
	char err[256];

	if (!vm)
		vmst_die("calloc");
	vmstfx_machine(m, &cfg, &host);
	if (vm_create(vm, &cfg, &replay_accel_ops, &host, err, sizeof(err)))
		vmst_die(err);
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct accel_regs r = {.rip = 0x100000 + i,
				       .rsp = 0x8ff0,
				       .rflags = 2,
				       .rax = 0x1234 * (i + 1)};
		if (replay_accel_ops.set_regs(vm->vcpus[i].accel, &r))
			vmst_die("set_regs");
	}
	struct st_writer w;
	st_writer_init(&w, buf, sizeof(buf));
	if (vm_pause(vm) || vm_state_save(vm, &w))
		vmst_die(name);
	long n = st_writer_end(&w);
	struct sb s = {0};
	sb_u8(&s, m);
	sb_put(&s, buf, (size_t)n);
	seed("vm_state", name, &s);
	sb_free(&s);
	vm_resume(vm);
	vm_destroy(vm);
	free(vm);
}

void seeds_vm_state(void)
{
	vmst_seed("1cpu", 0);
	vmst_seed("2cpus-acpi", 1 | 2);
	vmst_seed("rng-console", 4 | 8);
	vmst_seed("2cpus-acpi-rng-console", 1 | 2 | 4 | 8);
}
