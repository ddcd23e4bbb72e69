/* SPDX-License-Identifier: Apache-2.0 */
/* cpuid_build and cpuid_find against a fake supported table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/base/compiler.h"
#include "vmm/platform/x86/cpuid.h"

#define IDX CPUID_FLAG_INDEXED
#define HTT (1u << 28)
#define HV (1u << 31)

/* Roughly what KVM_GET_SUPPORTED_CPUID gives, without the hypervisor
 * leaves; leaf 1 starts with host-looking APIC id/count and HTT set. */
static const struct cpuid_entry base[] = {
	{ 0x0, 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 },
	{ 0x1, 0, 0, 0x000906ea, 0x07100800, 0x7ffafbff, 0xbfebfbff },
	{ 0x4, 0, IDX, 0x1c004121, 0x01c0003f, 0x3f, 0 },
	{ 0x4, 1, IDX, 0x1c004122, 0x01c0003f, 0x3f, 0 },
	{ 0xa, 0, 0, 0x07300404, 0, 0, 0x603 },
	{ 0xb, 0, IDX, 1, 2, 0x100, 7 },
	{ 0xb, 1, IDX, 4, 16, 0x201, 7 },
	{ 0xb, 2, IDX, 0, 0, 2, 7 },
	{ 0x80000000, 0, 0, 0x80000008, 0, 0, 0 },
};

static const uint32_t kvm_sig[3] = { 0x4b4d564b, 0x564b4d56, 0x4d };

static void check_sig(const struct cpuid_entry *e)
{
	assert_non_null(e);
	uint32_t sig[3] = { e->ebx, e->ecx, e->edx };
	char s[12];
	memcpy(s, sig, sizeof(s));
	assert_memory_equal(s, "KVMKVMKVM\0\0\0", 12);
	assert_memory_equal(sig, kvm_sig, sizeof(sig));
}

static void build_ok(unsigned vcpu, unsigned ncpus, struct cpuid_entry *out,
		     unsigned cap, unsigned *n)
{
	assert_int_equal(cpuid_build(base, ARRAY_SIZE(base), vcpu, ncpus, out,
				     cap, n),
			 0);
}

static void test_leaf1(void **state)
{
	(void)state;
	struct cpuid_entry out[16];
	unsigned n;
	for (unsigned vcpu = 0; vcpu < 4; vcpu++) {
		build_ok(vcpu, 4, out, ARRAY_SIZE(out), &n);
		const struct cpuid_entry *e = cpuid_find(out, n, 1, 0);
		assert_non_null(e);
		assert_int_equal(e->ebx >> 24, vcpu);
		assert_int_equal((e->ebx >> 16) & 0xff, 4);
		assert_int_equal(e->ebx & 0xffff, 0x0800); /* kept */
		assert_true(e->edx & HTT);
		assert_true(e->ecx & HV);
		assert_int_equal(e->eax, 0x000906ea);
		assert_int_equal(e->ecx & ~HV, 0x7ffafbff);
	}
	/* One CPU: no HTT, even though the host table had it. */
	build_ok(0, 1, out, ARRAY_SIZE(out), &n);
	const struct cpuid_entry *e = cpuid_find(out, n, 1, 0);
	assert_non_null(e);
	assert_false(e->edx & HTT);
	assert_int_equal(e->edx, 0xbfebfbff & ~HTT);
	assert_int_equal(e->ebx >> 16, 0x0001);
	assert_true(e->ecx & HV);
}

static void test_topology_and_pmu(void **state)
{
	(void)state;
	struct cpuid_entry out[16];
	unsigned n;
	build_ok(3, 8, out, ARRAY_SIZE(out), &n);
	for (uint32_t sub = 0; sub < 3; sub++) {
		const struct cpuid_entry *e = cpuid_find(out, n, 0xb, sub);
		assert_non_null(e);
		assert_int_equal(e->index, sub);
		assert_int_equal(e->edx, 3);
		assert_int_equal(e->ecx, base[5 + sub].ecx); /* others kept */
		assert_int_equal(e->ebx, base[5 + sub].ebx);
	}
	const struct cpuid_entry *pmu = cpuid_find(out, n, 0xa, 0);
	assert_non_null(pmu);
	assert_int_equal(pmu->eax | pmu->ebx | pmu->ecx | pmu->edx, 0);
	/* Other leaves pass through unchanged. */
	for (unsigned i = 0; i < ARRAY_SIZE(base); i++) {
		uint32_t f = base[i].function;
		if (f == 1 || f == 0xa || f == 0xb)
			continue;
		assert_memory_equal(&out[i], &base[i], sizeof(base[i]));
	}
}

static void test_topology_v2(void **state)
{
	(void)state;
	const struct cpuid_entry in[] = {
		{ 0x1f, 0, IDX, 1, 2, 0x100, 9 },
		{ 0x1f, 1, IDX, 4, 4, 0x201, 9 },
	};
	struct cpuid_entry out[4];
	unsigned n;
	assert_int_equal(cpuid_build(in, ARRAY_SIZE(in), 5, 6, out,
				     ARRAY_SIZE(out), &n),
			 0);
	assert_int_equal(n, 3);
	for (uint32_t sub = 0; sub < 2; sub++) {
		const struct cpuid_entry *e = cpuid_find(out, n, 0x1f, sub);
		assert_non_null(e);
		assert_int_equal(e->edx, 5);
		assert_int_equal(e->ecx, in[sub].ecx);
	}
}

static void test_hv_leaf_appended(void **state)
{
	(void)state;
	struct cpuid_entry out[ARRAY_SIZE(base) + 1];
	unsigned n = 0;
	build_ok(0, 2, out, ARRAY_SIZE(out), &n);
	assert_int_equal(n, ARRAY_SIZE(base) + 1);
	const struct cpuid_entry *e = cpuid_find(out, n, 0x40000000, 0);
	assert_ptr_equal(e, &out[n - 1]);
	check_sig(e);
	assert_int_equal(e->eax, 0x40000001);
	assert_int_equal(e->flags, 0);

	/* No room for it. */
	assert_int_equal(cpuid_build(base, ARRAY_SIZE(base), 0, 2, out,
				     ARRAY_SIZE(base), &n),
			 -ENOSPC);
}

static void test_hv_leaf_replaced(void **state)
{
	(void)state;
	struct cpuid_entry in[ARRAY_SIZE(base) + 2];
	memcpy(in, base, sizeof(base));
	in[ARRAY_SIZE(base)] = (struct cpuid_entry){
		.function = 0x40000000, .eax = 0x40000000,
		.ebx = 0x11111111, .ecx = 0x22222222, .edx = 0x33333333,
	};
	in[ARRAY_SIZE(base) + 1] = (struct cpuid_entry){
		.function = 0x40000001, .eax = 0x01007afb, .edx = 1,
	};
	struct cpuid_entry out[ARRAY_SIZE(in)];
	unsigned n = 0;
	/* Exactly enough room: nothing is appended. */
	assert_int_equal(cpuid_build(in, ARRAY_SIZE(in), 1, 2, out,
				     ARRAY_SIZE(out), &n),
			 0);
	assert_int_equal(n, ARRAY_SIZE(in));
	const struct cpuid_entry *e = cpuid_find(out, n, 0x40000000, 0);
	assert_ptr_equal(e, &out[ARRAY_SIZE(base)]);
	check_sig(e);
	assert_int_equal(e->eax, 0x40000001);
	/* The features leaf passes through. */
	e = cpuid_find(out, n, 0x40000001, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, 0x01007afb);
	assert_int_equal(e->edx, 1);

	/* A higher hypervisor leaf in the table raises the max. */
	in[ARRAY_SIZE(base) + 1].function = 0x40000010;
	assert_int_equal(cpuid_build(in, ARRAY_SIZE(in), 1, 2, out,
				     ARRAY_SIZE(out), &n),
			 0);
	e = cpuid_find(out, n, 0x40000000, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, 0x40000010);
}

static void test_errors(void **state)
{
	(void)state;
	struct cpuid_entry out[16];
	unsigned n = 1234;
	assert_int_equal(cpuid_build(base, ARRAY_SIZE(base), 0, 0, out,
				     ARRAY_SIZE(out), &n),
			 -EINVAL);
	assert_int_equal(cpuid_build(base, ARRAY_SIZE(base), 2, 2, out,
				     ARRAY_SIZE(out), &n),
			 -EINVAL);
	assert_int_equal(cpuid_build(base, ARRAY_SIZE(base), 0, 256, out,
				     ARRAY_SIZE(out), &n),
			 -EINVAL);
	assert_int_equal(cpuid_build(base, ARRAY_SIZE(base), 0, 1, out,
				     ARRAY_SIZE(base) - 1, &n),
			 -ENOSPC);
	assert_int_equal(n, 1234);
	/* The largest valid topology. */
	assert_int_equal(cpuid_build(base, ARRAY_SIZE(base), 254, 255, out,
				     ARRAY_SIZE(out), &n),
			 0);
	const struct cpuid_entry *e = cpuid_find(out, n, 1, 0);
	assert_non_null(e);
	assert_int_equal(e->ebx >> 16, 0xfeff);
}

static void test_find(void **state)
{
	(void)state;
	/* Non-indexed: any index matches. */
	const struct cpuid_entry *e = cpuid_find(base, ARRAY_SIZE(base), 1, 7);
	assert_ptr_equal(e, &base[1]);
	e = cpuid_find(base, ARRAY_SIZE(base), 0x80000000, 0);
	assert_ptr_equal(e, &base[8]);
	/* Indexed: only the exact index. */
	assert_ptr_equal(cpuid_find(base, ARRAY_SIZE(base), 4, 0), &base[2]);
	assert_ptr_equal(cpuid_find(base, ARRAY_SIZE(base), 4, 1), &base[3]);
	assert_null(cpuid_find(base, ARRAY_SIZE(base), 4, 2));
	assert_ptr_equal(cpuid_find(base, ARRAY_SIZE(base), 0xb, 2), &base[7]);
	/* Missing function, empty table. */
	assert_null(cpuid_find(base, ARRAY_SIZE(base), 0x7, 0));
	assert_null(cpuid_find(base, 0, 1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf1),
		cmocka_unit_test(test_topology_and_pmu),
		cmocka_unit_test(test_topology_v2),
		cmocka_unit_test(test_hv_leaf_appended),
		cmocka_unit_test(test_hv_leaf_replaced),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
