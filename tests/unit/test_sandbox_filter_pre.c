/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The precompiled VM thread filters (vmm/sandbox/filter_pre.h): each is
 * the program filter_build compiles now, for this process's pid and for
 * others, byte for byte; a class or mode without one is -ENOENT.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/sandbox/filter.h"
#include "vmm/sandbox/filter_pre.h"

static void check_same(enum vm_thread_class cls, enum sandbox_seccomp mode,
		       pid_t pid)
{
	struct filter_prog pre, now;
	char err[256];
	int r = filter_pre_build(cls, mode, pid, &pre);
	if (r == -ENOENT) {
		/* Only for a pid that is another constant of the program. */
		const struct filter_pre *p = filter_pre_find(cls, mode);
		assert_non_null(p);
		assert_true(filter_pre_collides(p, pid));
		return;
	}
	assert_int_equal(r, 0);
	assert_int_equal(filter_build(cls, mode, pid, &now, err, sizeof(err)),
			 0);
	assert_int_equal(pre.len, now.len);
	assert_memory_equal(pre.insns, now.insns,
			    now.len * sizeof(struct sock_filter));
	filter_free(&pre);
	filter_free(&now);
}

static void test_same_as_compiled(void **state)
{
	(void)state;
	/* The table covers every VM thread class in both modes. */
	assert_int_equal(filter_pre_count, 6);
	const pid_t pids[] = {getpid(), 2, 1000, 4194304, 0x12345};
	for (int c = VM_THREAD_CONTROL; c <= VM_THREAD_IO; c++)
		for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
			check_same(c, SANDBOX_SECCOMP_ENFORCE, pids[i]);
			check_same(c, SANDBOX_SECCOMP_ERRNO, pids[i]);
		}
}

/* Each program holds the pid somewhere (tgkill to this process only). */
static void test_pid_placed(void **state)
{
	(void)state;
	for (size_t i = 0; i < filter_pre_count; i++)
		assert_true(filter_pre_table[i].npid > 0);
}

static void test_not_precompiled(void **state)
{
	(void)state;
	struct filter_prog p;
	/* pid 1 (a jail's namespace) is also a constant of every program:
	 * compiled at start, where libseccomp merges it as it will. */
	for (int c = VM_THREAD_CONTROL; c <= VM_THREAD_IO; c++)
		assert_int_equal(
		    filter_pre_build(c, SANDBOX_SECCOMP_ENFORCE, 1, &p),
		    -ENOENT);
	/* log mode checks the kernel first: always compiled at start. */
	assert_int_equal(
	    filter_pre_build(VM_THREAD_VCPU, SANDBOX_SECCOMP_LOG, 1, &p),
	    -ENOENT);
	assert_null(p.insns);
	assert_int_equal(
	    filter_pre_build(VM_THREAD_VCPU, SANDBOX_SECCOMP_OFF, 1, &p),
	    -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_compiled),
	    cmocka_unit_test(test_pid_placed),
	    cmocka_unit_test(test_not_precompiled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
