/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kvm.accel_state: a running guest's vCPU and VM state, saved through the
 * accelerator interface (accel_ops.vcpu_save / vm_save) and restored into
 * a fresh VM on a copy of its memory, which then continues as if nothing
 * happened.
 *
 * The guest (64-bit, set up by cpu_boot_setup) writes an MSR
 * (KERNEL_GS_BASE) and CR8 (the LAPIC's TPR), then counts i = 1..20: each
 * round it adds i into r12 and writes i to port 0x80 and r12 (the running
 * sum) to port 0x81. At the end it reports the MSR (ports 0x82, low then
 * high), CR8 (0x83) and stops with a write to 0x84. The test runs it to
 * round SAVE_AT in VM A, saves, copies the memory, destroys VM A, restores
 * into VM B, and checks that VM B gives exactly rounds SAVE_AT+1..20 with
 * the right sums (the registers came along) and then the MSR and CR8
 * values (MSRs and the LAPIC).
 * The FPU cannot be shown from inside the guest here: where the host
 * emulates guest code it cannot run SSE or x87 instructions at CPL 0. So
 * the test writes a pattern into xmm1 of the saved xsave area before the
 * restore and checks that a save of VM C, restored from it and not run,
 * gives back every vCPU section byte for byte (the pattern included).
 * Also: a truncated, a corrupted and another backend's blob are refused
 * with -EINVAL.
 * Exit: 0 pass, 1 fail, 77 skipped (no usable /dev/kvm).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/accel.h"
#include "ktest.h"
#include "vmm/base/gmem.h"
#include "vmm/base/layout.h"
#include "vmm/platform/x86/cpu_boot.h"

#define MEM_SIZE (4u << 20)
#define ROUNDS	 20
#define SAVE_AT	 7
#define MSR_VAL	 0x00007f1122334455ull /* canonical, or wrmsr #GPs */
#define CR8_VAL	 3
#define BLOB_MAX (256u << 10)

static const uint8_t guest_code[] = {
    0xb9, 0x02, 0x01, 0x00, 0xc0,    /* mov ecx, 0xc0000102 */
    0xb8, 0x55, 0x44, 0x33, 0x22,    /* mov eax, 0x22334455 */
    0xba, 0x11, 0x7f, 0x00, 0x00,    /* mov edx, 0x00007f11 */
    0x0f, 0x30,			     /* wrmsr */
    0xb8, CR8_VAL, 0x00, 0x00, 0x00, /* mov eax, CR8_VAL */
    0x44, 0x0f, 0x22, 0xc0,	     /* mov cr8, rax */
    0x45, 0x31, 0xe4,		     /* xor r12d, r12d */
    0x31, 0xdb,			     /* xor ebx, ebx */
    /* loop: */
    0x48, 0xff, 0xc3,		  /* inc rbx */
    0x49, 0x01, 0xdc,		  /* add r12, rbx */
    0x89, 0xd8,			  /* mov eax, ebx */
    0xe7, 0x80,			  /* out 0x80, eax */
    0x4c, 0x89, 0xe0,		  /* mov rax, r12 */
    0xe7, 0x81,			  /* out 0x81, eax */
    0x48, 0x83, 0xfb, ROUNDS,	  /* cmp rbx, ROUNDS */
    0x75, 0x100 - 21,		  /* jne loop */
    0xb9, 0x02, 0x01, 0x00, 0xc0, /* mov ecx, 0xc0000102 */
    0x0f, 0x32,			  /* rdmsr */
    0xe7, 0x82,			  /* out 0x82, eax */
    0x89, 0xd0,			  /* mov eax, edx */
    0xe7, 0x82,			  /* out 0x82, eax */
    0x44, 0x0f, 0x20, 0xc0,	  /* mov rax, cr8 */
    0xe7, 0x83,			  /* out 0x83, eax */
    0xe7, 0x84,			  /* out 0x84, eax */
    0xeb, 0xfe,			  /* jmp $ */
};

static int failures;
#define CHECK(cond, ...) KT_CHECK(&failures, cond, __VA_ARGS__)

struct machine {
	const struct accel_ops *a;
	struct accel_vm *vm;
	struct accel_vcpu *cpu;
	struct guest_mem gm;
};

/* A VM with MEM_SIZE of RAM and one vCPU. 0 or -errno. */
static int machine_new(const struct accel_ops *a, struct machine *m)
{
	memset(m, 0, sizeof(*m));
	m->a = a;
	gm_init(&m->gm);
	struct accel_vm_config cfg = {.ncpus = 1};
	int r = gm_add_ram(&m->gm, 0, MEM_SIZE, 0);
	if (!r)
		r = a->vm_create(&cfg, &m->vm);
	if (!r)
		r = a->map_memory(m->vm, 0, 0, MEM_SIZE,
				  gm_ptr(&m->gm, 0, MEM_SIZE));
	if (!r)
		r = a->vcpu_create(m->vm, 0, &m->cpu);
	if (!r)
		r = a->vcpu_thread_init(m->cpu);
	return r;
}

static void machine_free(struct machine *m)
{
	if (m->cpu)
		m->a->vcpu_destroy(m->cpu);
	if (m->vm)
		m->a->vm_destroy(m->vm);
	gm_destroy(&m->gm);
}

/* Run until the next write to port 0x80..0x84: its port and value in
 * *port, *val. 0, or -1 (a backend error or another exit). */
static int next_out(struct machine *m, unsigned *port, uint32_t *val)
{
	struct accel_exit e;
	for (int spins = 0; spins < 1000; spins++) {
		if (m->a->vcpu_run(m->cpu, &e))
			return -1;
		if (e.reason == ACCEL_EXIT_INTR)
			continue;
		if (e.reason != ACCEL_EXIT_PIO || !e.io.write ||
		    e.io.size != 4 || e.io.addr < 0x80 || e.io.addr > 0x84) {
			struct accel_regs g;
			struct accel_sregs sg;
			if (!m->a->get_regs(m->cpu, &g) &&
			    !m->a->get_sregs(m->cpu, &sg))
				printf("rip %#llx cr0 %#llx cr4 %#llx efer "
				       "%#llx\n",
				       (unsigned long long)g.rip,
				       (unsigned long long)sg.cr0,
				       (unsigned long long)sg.cr4,
				       (unsigned long long)sg.efer);
			printf("unexpected exit %d at port %#llx%s%s\n",
			       e.reason, (unsigned long long)e.io.addr,
			       e.reason == ACCEL_EXIT_INTERNAL_ERROR ? ":\n"
								     : "",
			       e.reason == ACCEL_EXIT_INTERNAL_ERROR ? e.detail
								     : "");
			return -1;
		}
		*port = (unsigned)e.io.addr;
		memcpy(val, e.io.data, 4);
		return 0;
	}
	return -1;
}

/* Expect round i's two writes. */
static void expect_round(struct machine *m, uint32_t i)
{
	unsigned port = 0;
	uint32_t v = 0;
	CHECK(!next_out(m, &port, &v) && port == 0x80 && v == i,
	      "round %u: port %#x value %u", i, port, v);
	CHECK(!next_out(m, &port, &v) && port == 0x81 && v == i * (i + 1) / 2,
	      "round %u: sum: port %#x value %u, expected %u", i, port, v,
	      i * (i + 1) / 2);
}

/* Expect the final MSR, CR8 and end writes. */
static void expect_end(struct machine *m)
{
	unsigned port = 0;
	uint32_t lo = 0, hi = 0, cr8 = 0, end = 0;
	CHECK(!next_out(m, &port, &lo) && port == 0x82, "MSR low: port %#x",
	      port);
	CHECK(!next_out(m, &port, &hi) && port == 0x82, "MSR high: port %#x",
	      port);
	CHECK(((uint64_t)hi << 32 | lo) == MSR_VAL,
	      "KERNEL_GS_BASE %#x%08x after restore", hi, lo);
	CHECK(!next_out(m, &port, &cr8) && port == 0x83 && cr8 == CR8_VAL,
	      "CR8: port %#x value %u", port, cr8);
	CHECK(!next_out(m, &port, &end) && port == 0x84, "end: port %#x", port);
}

/* Where sub-section `tag` of the vCPU section ("KVCP", after the VM's
 * section) starts in blob (its header) and its total length; false if it
 * is not there. */
static bool find_vcpu_section(const uint8_t *blob, size_t n, const char *tag,
			      size_t *off, size_t *len)
{
	struct st_reader r, sub;
	uint16_t ver;
	st_reader_init(&r, blob, n);
	st_section_skip(&r); /* the VM's */
	st_section_open(&r, "KVCP", 1, &ver, &sub);
	char t[ST_TAG_LEN];
	while (st_ok(&sub) && st_section_peek(&sub, t)) {
		size_t start = (size_t)(sub.buf + sub.pos - blob);
		size_t before = st_remaining(&sub);
		bool hit = !memcmp(t, tag, ST_TAG_LEN);
		st_section_skip(&sub);
		if (hit && st_ok(&sub)) {
			*off = start;
			*len = before - st_remaining(&sub);
			return true;
		}
	}
	return false;
}

/* Restore blob into a fresh VM and save it again at once into out (cap
 * BLOB_MAX): the new blob's length, or -1. */
static long restore_save(const struct accel_ops *a, const uint8_t *blob,
			 size_t n, uint8_t *out)
{
	struct machine m;
	long len = -1;
	struct st_reader rd;
	struct st_writer w;
	st_reader_init(&rd, blob, n);
	st_writer_init(&w, out, BLOB_MAX);
	if (!machine_new(a, &m) && !a->vm_restore(m.vm, &rd) &&
	    !a->vcpu_restore(m.cpu, &rd) && !st_reader_end(&rd) &&
	    !a->vm_save(m.vm, &w) && !a->vcpu_save(m.cpu, &w))
		len = st_writer_end(&w);
	machine_free(&m);
	return len;
}

/* Put a pattern into xmm1 of the blob's xsave area (the legacy region:
 * xmm0 at byte 160; the header's XSTATE_BV at 512); true if the section
 * was found. */
static bool patch_xmm1(uint8_t *blob, size_t n)
{
	size_t off, len;
	if (!find_vcpu_section(blob, n, "XSAV", &off, &len) ||
	    len < ST_HDR_LEN + 4 + 512)
		return false;
	uint8_t *area = blob + off + ST_HDR_LEN + 4;
	for (unsigned i = 0; i < 16; i++)
		area[160 + 16 + i] = (uint8_t)(0xa5 ^ i);
	area[512] |= 2; /* XSTATE_BV: SSE state present, or it reads as 0 */
	return true;
}

/* Every vCPU section but the MSRs (the TSC moves) must be the same in
 * both blobs. */
static void compare_vcpu(const uint8_t *a, size_t na, const uint8_t *b,
			 size_t nb)
{
	static const char *const tags[] = {"TSCK", "MPST", "REGS",
					   "SREG", "XSAV", "XCRS",
					   "DBGR", "LAPI", "EVNT"};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t oa, la, ob, lb;
		bool fa = find_vcpu_section(a, na, tags[i], &oa, &la);
		bool fb = find_vcpu_section(b, nb, tags[i], &ob, &lb);
		CHECK(fa && fb && la == lb && !memcmp(a + oa, b + ob, la),
		      "section %s differs after restore and save", tags[i]);
	}
}

/* A restore of n bytes of blob into a fresh VM; what vm_restore and
 * vcpu_restore return (the first error). */
static int try_restore(const struct accel_ops *a, const uint8_t *blob, size_t n)
{
	struct machine m;
	int r = machine_new(a, &m);
	if (!r) {
		struct st_reader rd;
		st_reader_init(&rd, blob, n);
		r = a->vm_restore(m.vm, &rd);
		if (!r)
			r = a->vcpu_restore(m.cpu, &rd);
		if (!r && st_reader_end(&rd))
			r = -EINVAL;
	}
	machine_free(&m);
	return r;
}

static void test_malformed(const struct accel_ops *a, uint8_t *blob, size_t n)
{
	CHECK(try_restore(a, blob, n / 2) == -EINVAL, "half a blob accepted");
	CHECK(try_restore(a, blob, n - 1) == -EINVAL, "a short blob accepted");
	blob[0] ^= 0x20; /* the VM section's tag */
	CHECK(try_restore(a, blob, n) == -EINVAL, "a wrong tag accepted");
	blob[0] ^= 0x20;
	const struct accel_ops *rp = accel_find("replay");
	if (rp)
		CHECK(try_restore(rp, blob, n) == -EINVAL,
		      "the replay backend took KVM's state");
}

int main(void)
{
	kt_need_kvm();
	const struct accel_ops *a = accel_find("kvm");
	if (!a)
		return 1;
	struct machine m;
	struct accel_regs regs;
	struct accel_sregs sregs;
	struct boot_plan plan = {.mode = BOOT_MODE_LINUX64,
				 .entry = LAYOUT_HIMEM,
				 .boot_info = LAYOUT_ZERO_PAGE};
	if (machine_new(a, &m) ||
	    gm_write(&m.gm, LAYOUT_HIMEM, guest_code, sizeof(guest_code)) ||
	    cpu_boot_setup(&m.gm, &plan, &regs, &sregs) ||
	    a->set_sregs(m.cpu, &sregs) || a->set_regs(m.cpu, &regs)) {
		printf("FAIL: cannot set up VM A\n");
		return 1;
	}
	for (uint32_t i = 1; i <= SAVE_AT; i++)
		expect_round(&m, i);

	uint8_t *blob = malloc(BLOB_MAX), *copy = malloc(MEM_SIZE);
	if (!blob || !copy)
		return 1;
	struct st_writer w;
	st_writer_init(&w, blob, BLOB_MAX);
	CHECK(a->vm_save(m.vm, &w) == 0, "vm_save");
	CHECK(a->vcpu_save(m.cpu, &w) == 0, "vcpu_save");
	long n = st_writer_end(&w);
	CHECK(n > 0, "state of %ld bytes", n);
	memcpy(copy, gm_ptr(&m.gm, 0, MEM_SIZE), MEM_SIZE);
	machine_free(&m);
	if (failures)
		return 1;
	printf("saved after round %d: %ld bytes of VM and vCPU state\n",
	       SAVE_AT, n);

	CHECK(patch_xmm1(blob, (size_t)n), "no xsave area in the state");
	uint8_t *again = malloc(BLOB_MAX);
	long n2 = again ? restore_save(a, blob, (size_t)n, again) : -1;
	CHECK(n2 > 0, "VM C: restore, then save");
	if (n2 > 0)
		compare_vcpu(blob, (size_t)n, again, (size_t)n2);
	free(again);

	CHECK(machine_new(a, &m) == 0, "VM B");
	memcpy(gm_ptr(&m.gm, 0, MEM_SIZE), copy, MEM_SIZE);
	struct st_reader rd;
	st_reader_init(&rd, blob, (size_t)n);
	CHECK(a->vm_restore(m.vm, &rd) == 0, "vm_restore");
	CHECK(a->vcpu_restore(m.cpu, &rd) == 0, "vcpu_restore");
	CHECK(st_reader_end(&rd) == 0, "the whole blob taken");
	if (!failures) {
		for (uint32_t i = SAVE_AT + 1; i <= ROUNDS; i++)
			expect_round(&m, i);
		expect_end(&m);
	}
	machine_free(&m);

	test_malformed(a, blob, (size_t)n);
	free(blob);
	free(copy);
	if (failures) {
		printf("FAIL: %d checks\n", failures);
		return 1;
	}
	printf("PASS: VM B continued from round %d to %d with the saved "
	       "registers, MSR and LAPIC state; VM C gave back every vCPU "
	       "section, the FPU's included\n",
	       SAVE_AT + 1, ROUNDS);
	return 0;
}
