/* SPDX-License-Identifier: Apache-2.0 */
/*
 * caps_drop_all step by step, in forked children (root only: skipped
 * otherwise): --gid replaces the supplementary groups with exactly the
 * one group and switches the real, effective and saved gids; --uid
 * alone empties them; ambient capabilities are cleared; a process that
 * holds no capability skips the bounding set (it could not drop it) and
 * still ends with no_new_privs. Each system call of the drop made to
 * fail (tests/support/fault_sys.h) fails it with its -errno and one line
 * naming the step; a setgroups that --uid alone may not make (EPERM) is
 * not an error. caps_left reads back what is left, and assumes the worst
 * when it cannot read; caps_describe puts it in words.
 *
 * The uid switch to 65534 itself is checked in test_sandbox_jail.c; the
 * children here keep uid 0 (or fail to leave it) so that, in coverage
 * builds, they can still write gcov's root-owned counter files.
 */
#include <errno.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/fault_sys.h"
#include "tests/support/test_util.h"
#include "vmm/sandbox/caps.h"

#define NOBODY 65534
#define ALL_LEFT                                                               \
	(CAPS_EFFECTIVE | CAPS_PERMITTED | CAPS_INHERITABLE | CAPS_AMBIENT |   \
	 CAPS_BOUNDING | CAPS_NO_NNP)

/* What a child saw, in memory shared with the test. */
struct seen {
	int rc;
	char err[256];
	unsigned left;	     /* caps_left() after the call */
	unsigned left_at[3]; /* test_caps_left: at each of its points */
	uid_t uid[3];
	gid_t gid[3];
	int ngroups;
	gid_t groups[8];
};

static struct seen *seen;

static int setup(void **state)
{
	(void)state;
	seen = tu_shared(sizeof(*seen));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(seen, sizeof(*seen));
	return 0;
}

/* Before the drop, in the child. */
enum prelude {
	PRE_NONE,
	PRE_GROUPS,  /* supplementary groups 4 and 27 */
	PRE_AMBIENT, /* CAP_NET_RAW inheritable and ambient */
	PRE_NO_CAPS, /* every capability set but the bounding one emptied */
};

static int prelude(enum prelude p)
{
	static const gid_t extra[] = {4, 27};
	switch (p) {
	case PRE_NONE:
		return 0;
	case PRE_GROUPS:
		return setgroups(2, extra);
	case PRE_AMBIENT: {
		cap_t c = cap_get_proc();
		cap_value_t raw = CAP_NET_RAW;
		int r = !c ||
			cap_set_flag(c, CAP_INHERITABLE, 1, &raw, CAP_SET) ||
			cap_set_proc(c);
		cap_free(c);
		return r ? -1
			 : prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
				 CAP_NET_RAW, 0, 0);
	}
	case PRE_NO_CAPS: {
		cap_t none = cap_init();
		int r = !none || cap_set_proc(none);
		cap_free(none);
		return r ? -1 : 0;
	}
	}
	return -1;
}

/* Fork; in the child: the prelude, then the faults (nf of them), then
 * caps_drop_all(cfg); what it saw goes to seen. */
static void run_drop(enum prelude pre, const struct fault_sys *f, size_t nf,
		     const struct sandbox_config *cfg)
{
	memset(seen, 0, sizeof(*seen));
	seen->rc = 1;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (prelude(pre) || (nf && fault_sys_install(f, nf)))
			tu_child_exit(2);
		seen->rc = caps_drop_all(cfg, seen->err, sizeof(seen->err));
		seen->left = caps_left();
		getresuid(&seen->uid[0], &seen->uid[1], &seen->uid[2]);
		getresgid(&seen->gid[0], &seen->gid[1], &seen->gid[2]);
		seen->ngroups = getgroups(8, seen->groups);
		tu_child_exit(0);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

static void expect_none_left(void)
{
	if (seen->left) {
		char what[96];
		caps_describe(seen->left, what, sizeof(what));
		fail_msg("capabilities left after the drop: %s", what);
	}
}

/* --gid N (with --uid 0): exactly group N, in every gid, nothing else. */
static void test_gid_switch(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	struct sandbox_config cfg = {
	    .set_gid = true, .gid = NOBODY, .set_uid = true, .uid = 0};
	run_drop(PRE_GROUPS, NULL, 0, &cfg);
	assert_int_equal(seen->rc, 0);
	expect_none_left();
	for (int i = 0; i < 3; i++) {
		assert_int_equal(seen->gid[i], NOBODY);
		assert_int_equal(seen->uid[i], 0);
	}
	assert_int_equal(seen->ngroups, 1);
	assert_int_equal(seen->groups[0], NOBODY);
}

/* --uid without --gid (the API can ask it): no supplementary group
 * stays, and a setgroups the process may not make is no error. */
static void test_uid_alone(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	struct sandbox_config cfg = {.set_uid = true, .uid = 0};
	run_drop(PRE_GROUPS, NULL, 0, &cfg);
	assert_int_equal(seen->rc, 0);
	assert_int_equal(seen->ngroups, 0);
	expect_none_left();

	const struct fault_sys eperm = FAULT(SYS_setgroups, EPERM);
	run_drop(PRE_GROUPS, &eperm, 1, &cfg);
	assert_int_equal(seen->rc, 0);
	assert_int_equal(seen->ngroups, 2); /* left as they were */
	expect_none_left();

	const struct fault_sys einval = FAULT(SYS_setgroups, EINVAL);
	run_drop(PRE_GROUPS, &einval, 1, &cfg);
	assert_int_equal(seen->rc, -EINVAL);
	assert_string_equal(seen->err, "--uid 0: setgroups: Invalid argument");
}

/* Ambient capabilities survive execve; the drop clears them. */
static void test_ambient_cleared(void **state)
{
	(void)state;
	if (getuid() != 0 || !CAP_AMBIENT_SUPPORTED())
		skip();
	struct sandbox_config cfg = {0};
	run_drop(PRE_AMBIENT, NULL, 0, &cfg);
	assert_int_equal(seen->rc, 0);
	expect_none_left();
}

/* Without any capability the bounding set cannot be emptied (that needs
 * CAP_SETPCAP): it is left, and the rest still happens. */
static void test_no_caps_keeps_bounding(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	struct sandbox_config cfg = {0};
	run_drop(PRE_NO_CAPS, NULL, 0, &cfg);
	assert_int_equal(seen->rc, 0);
	assert_int_equal(seen->left, CAPS_BOUNDING);
}

/* Each step's system call fails: its -errno, a line naming it. */
static void test_drop_faults(void **state)
{
	(void)state;
	/* uid: the --uid each case switches to, 0 where the switch comes
	 * before the failing step (so that, in coverage builds, the child
	 * can still write gcov's root-owned files). */
	static const struct {
		enum prelude pre;
		struct fault_sys f;
		unsigned uid;
		int rc;
		const char *msg;
	} cases[] = {
	    {PRE_NONE, FAULT1(SYS_prctl, EPERM, 0, PR_CAPBSET_DROP), NOBODY,
	     -EPERM,
	     "dropping capability 0 from the bounding set: Operation not "
	     "permitted"},
	    {PRE_AMBIENT,
	     FAULT2(SYS_prctl, EPERM, 0, PR_CAP_AMBIENT, 1,
		    PR_CAP_AMBIENT_CLEAR_ALL),
	     NOBODY, -EPERM,
	     "clearing the ambient capabilities: Operation not permitted"},
	    {PRE_NONE, FAULT(SYS_setgroups, EPERM), NOBODY, -EPERM,
	     "--gid 65534: setgroups: Operation not permitted"},
	    {PRE_NONE, FAULT(SYS_setresgid, EINVAL), NOBODY, -EINVAL,
	     "--gid 65534: setresgid: Invalid argument"},
	    {PRE_NONE, FAULT(SYS_setresuid, EAGAIN), NOBODY, -EAGAIN,
	     "--uid 65534: setresuid: Resource temporarily unavailable"},
	    {PRE_NONE, FAULT(SYS_capset, EPERM), 0, -EPERM,
	     "dropping the effective, permitted and inheritable "
	     "capabilities: Operation not permitted"},
	    {PRE_NONE, FAULT1(SYS_prctl, EINVAL, 0, PR_SET_NO_NEW_PRIVS), 0,
	     -EINVAL, "setting no_new_privs: Invalid argument"},
	};
	if (getuid() != 0)
		skip();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].pre == PRE_AMBIENT && !CAP_AMBIENT_SUPPORTED())
			continue;
		struct sandbox_config cfg = {.set_gid = true,
					     .gid = NOBODY,
					     .set_uid = true,
					     .uid = cases[i].uid};
		run_drop(cases[i].pre, &cases[i].f, 1, &cfg);
		if (seen->rc != cases[i].rc || strcmp(seen->err, cases[i].msg))
			fail_msg("case %zu: rc %d '%s', expected %d '%s'", i,
				 seen->rc, seen->err, cases[i].rc,
				 cases[i].msg);
	}
}

/* caps_left, read back from a root process before any drop, with an
 * ambient capability, and when capget fails (then it claims the three
 * per-thread sets, never "none"). */
static void test_caps_left(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	memset(seen, 0, sizeof(*seen));
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		seen->left_at[0] = caps_left();
		if (prelude(PRE_AMBIENT))
			tu_child_exit(2);
		seen->left_at[1] = caps_left();
		const struct fault_sys f = FAULT(SYS_capget, EPERM);
		if (fault_sys_install(&f, 1))
			tu_child_exit(2);
		seen->left_at[2] = caps_left();
		tu_child_exit(0);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
	unsigned root =
	    CAPS_EFFECTIVE | CAPS_PERMITTED | CAPS_BOUNDING | CAPS_NO_NNP;
	assert_int_equal(seen->left_at[0] & root, root);
	assert_int_equal(seen->left_at[0] & CAPS_AMBIENT, 0);
	if (CAP_AMBIENT_SUPPORTED())
		assert_int_equal(seen->left_at[1],
				 root | CAPS_INHERITABLE | CAPS_AMBIENT);
	assert_int_equal(seen->left_at[2] & (CAPS_EFFECTIVE | CAPS_PERMITTED |
					     CAPS_INHERITABLE),
			 CAPS_EFFECTIVE | CAPS_PERMITTED | CAPS_INHERITABLE);
}

static void test_caps_describe(void **state)
{
	(void)state;
	char buf[128];
	caps_describe(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	caps_describe(CAPS_BOUNDING | CAPS_NO_NNP, buf, sizeof(buf));
	assert_string_equal(buf, "bounding, no_new_privs unset");
	caps_describe(ALL_LEFT, buf, sizeof(buf));
	assert_string_equal(buf, "effective, permitted, inheritable, ambient, "
				 "bounding, no_new_privs unset");
	caps_describe(CAPS_AMBIENT, buf, sizeof(buf));
	assert_string_equal(buf, "ambient");
	/* Cut short, still a terminated prefix. */
	char small[14];
	caps_describe(ALL_LEFT, small, sizeof(small));
	assert_true(strlen(small) < sizeof(small));
	assert_memory_equal(small, "effective, pe", strlen(small));
	assert_true(strlen(small) >= strlen("effective"));
	/* No room at all: nothing written. */
	buf[0] = 'x';
	caps_describe(ALL_LEFT, buf, 0);
	assert_int_equal(buf[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gid_switch),
	    cmocka_unit_test(test_uid_alone),
	    cmocka_unit_test(test_ambient_cleared),
	    cmocka_unit_test(test_no_caps_keeps_bounding),
	    cmocka_unit_test(test_drop_faults),
	    cmocka_unit_test(test_caps_left),
	    cmocka_unit_test(test_caps_describe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
