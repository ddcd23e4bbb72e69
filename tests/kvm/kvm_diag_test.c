/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kvm.backend_diag: the diagnostic of a vCPU that cannot continue
 * (backends/kvm/kvm_diag.c), on a real vCPU put in chosen states: the
 * mode named from CR0, EFER and CS (real, 16-bit and 32-bit protected);
 * the instruction bytes read from guest memory at CS.base + RIP, through
 * KVM's translation, from the slot that holds them (not the first), cut
 * at the page's end, or "unavailable" where no slot is (the reset
 * vector); or taken from KVM's emulation-failure exit, at most 15; KVM's
 * data words, at most 16; and "(registers unavailable)" for a vCPU whose
 * registers cannot be read. kvm_run is filled here as KVM fills it on
 * such an exit. Exit: 0 pass, 1 fail, 77 skipped (no usable /dev/kvm).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "backends/kvm/kvm_internal.h"
#include "ktest.h"

static int failures;
#define CHECK(cond, ...) KT_CHECK(&failures, cond, __VA_ARGS__)

#define LOW_SIZE  0x10000u  /* slot 0: guest [0, 64 KiB) */
#define HIGH_GPA  0x100000u /* slot 1: one page at 1 MiB */
#define HIGH_SIZE 0x1000u

struct machine {
	struct accel_vm *vm;
	struct accel_vcpu *cpu;
	uint8_t *low, *high;
};

static int machine_new(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	struct accel_vm_config cfg = {.ncpus = 1};
	m->low = mmap(NULL, LOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m->high = mmap(NULL, HIGH_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->low == MAP_FAILED || m->high == MAP_FAILED)
		return -1;
	int r = kvm_vm_create(&cfg, &m->vm);
	if (!r)
		r = kvm_vm_map_memory(m->vm, 0, 0, LOW_SIZE, m->low);
	if (!r)
		r = kvm_vm_map_memory(m->vm, 1, HIGH_GPA, HIGH_SIZE, m->high);
	if (!r)
		r = kvm_vcpu_create(m->vm, 0, &m->cpu);
	return r;
}

static void machine_free(struct machine *m)
{
	if (m->cpu)
		kvm_vcpu_destroy(m->cpu);
	if (m->vm)
		kvm_vm_destroy(m->vm);
	munmap(m->low, LOW_SIZE);
	munmap(m->high, HIGH_SIZE);
}

/* Real mode with CS base `base` (selector base / 16), RIP = rip; or with
 * pm, protected mode without paging, CS base `base`, a 32-bit (db) or
 * 16-bit segment. 0 or -1. */
static int set_cs(struct machine *m, bool pm, bool db, uint64_t base,
		  uint64_t rip)
{
	struct accel_sregs s;
	struct accel_regs r;
	if (kvm_vcpu_get_sregs(m->cpu, &s) || kvm_vcpu_get_regs(m->cpu, &r))
		return -1;
	s.cr0 = pm ? (s.cr0 | 1) : (s.cr0 & ~1ull);
	s.cs.base = base;
	s.cs.selector = pm ? 0x8 : (uint16_t)(base >> 4);
	s.cs.db = db;
	s.cs.l = 0;
	s.efer = 0;
	r.rip = rip;
	return kvm_vcpu_set_sregs(m->cpu, &s) || kvm_vcpu_set_regs(m->cpu, &r);
}

/* kvm_diag_describe's text for the vCPU as it is now. */
static const char *describe(struct accel_vcpu *v, struct accel_exit *e)
{
	memset(e, 0, sizeof(*e));
	kvm_diag_describe(v, "test exit", e);
	return e->detail;
}

#define HAS(text, want)                                                        \
	CHECK(strstr((text), (want)) != NULL, "lacks '%s' in:\n%s", (want),    \
	      (text))

static void test_modes_and_bytes(struct machine *m)
{
	static const uint8_t code[16] = {0x0f, 0x0b, 0x90, 0x91, 0x92, 0x93,
					 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
					 0x9a, 0x9b, 0x9c, 0x9d};
	struct accel_exit e;
	/* The reset vector (0xfffffff0) is in no slot. */
	const char *t = describe(m->cpu, &e);
	HAS(t, "vCPU 0: test exit\n");
	HAS(t, "real mode");
	HAS(t, "instruction bytes at RIP (guest memory): unavailable\n");

	memcpy(m->low + 0x1010, code, sizeof(code));
	CHECK(set_cs(m, false, false, 0x1000, 0x10) == 0, "set real mode");
	t = describe(m->cpu, &e);
	HAS(t, "RIP 0000000000000010  CS 0100 base 1000  real mode\n");
	/* 15 bytes at most: an x86 instruction's longest. */
	HAS(t, "(guest memory): 0f 0b 90 91 92 93 94 95 96 97 98 99 9a 9b "
	       "9c\n");

	/* Three bytes before the page ends: those three only. */
	memcpy(m->low + 0x1ffd, code, 3);
	CHECK(set_cs(m, false, false, 0x1000, 0xffd) == 0, "set RIP");
	t = describe(m->cpu, &e);
	HAS(t, "(guest memory): 0f 0b 90\n");

	/* In the second slot (CS 0xffff: base 0xffff0). */
	memcpy(m->high + 0x10, code + 4, 4);
	CHECK(set_cs(m, false, false, 0xffff0, 0x20) == 0, "set CS ffff");
	t = describe(m->cpu, &e);
	HAS(t, "(guest memory): 92 93 94 95 00");

	CHECK(set_cs(m, true, false, 0x1000, 0x10) == 0, "set 16-bit pm");
	t = describe(m->cpu, &e);
	HAS(t, "16-bit protected mode");
	HAS(t, "(guest memory): 0f 0b 90");
	CHECK(set_cs(m, true, true, 0x1000, 0x10) == 0, "set 32-bit pm");
	t = describe(m->cpu, &e);
	HAS(t, "32-bit protected mode");
	HAS(t, "  RAX ");
	HAS(t, "  RFLAGS ");
}

/* The exit as KVM reports an emulation failure with the instruction's
 * bytes: those are shown, at most 15, and its data words. */
static void test_kvm_bytes(struct machine *m)
{
	struct kvm_run *run = m->cpu->cpu.run;
	bool had = m->vm->emul_insn_bytes;
	m->vm->emul_insn_bytes = true; /* KVM_CAP_EXIT_ON_EMULATION_FAILURE */
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.ndata = 3;
	run->emulation_failure.flags =
	    KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	run->emulation_failure.insn_size = 20; /* more than it can hold */
	for (unsigned i = 0; i < sizeof(run->emulation_failure.insn_bytes); i++)
		run->emulation_failure.insn_bytes[i] = (uint8_t)(0xa0 + i);
	struct accel_exit e;
	const char *t = describe(m->cpu, &e);
	HAS(t, "instruction bytes at RIP (KVM): a0 a1 a2 a3 a4 a5 a6 a7 a8 "
	       "a9 aa ab ac ad ae\n");
	HAS(t, "  KVM data: 1 ");

	/* Without the flag: guest memory again. */
	run->emulation_failure.flags = 0;
	t = describe(m->cpu, &e);
	HAS(t, "instruction bytes at RIP (guest memory)");

	/* Another internal error with more data than the struct holds:
	 * its 16 words. */
	run->internal.suberror = KVM_INTERNAL_ERROR_SIMUL_EX;
	run->internal.ndata = 100;
	for (unsigned i = 0; i < 16; i++)
		run->internal.data[i] = 0x100 + i;
	t = describe(m->cpu, &e);
	HAS(t, "  KVM data: 100 101 102 103 104 105 106 107 108 109 10a 10b "
	       "10c 10d 10e 10f\n");
	run->exit_reason = KVM_EXIT_HLT;
	m->vm->emul_insn_bytes = had;
}

/* A vCPU whose registers cannot be read: what happened, and only that. */
static void test_no_registers(struct machine *m)
{
	struct accel_vcpu gone = {
	    .vm = m->vm, .index = 7, .cpu = {.fd = -1, .run = m->cpu->cpu.run}};
	struct accel_exit e;
	const char *t = describe(&gone, &e);
	CHECK(strcmp(t, "vCPU 7: test exit\n  (registers unavailable)\n") == 0,
	      "got:\n%s", t);
}

int main(void)
{
	kt_need_kvm();
	struct machine m;
	if (machine_new(&m)) {
		printf("FAIL: setting up the VM\n");
		return 1;
	}
	test_modes_and_bytes(&m);
	test_kvm_bytes(&m);
	test_no_registers(&m);
	machine_free(&m);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
