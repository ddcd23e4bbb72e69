/* SPDX-License-Identifier: Apache-2.0 */
/*
 * supervise_child, the --jail parent, in a forked supervisor whose child
 * stands in for the jailed vmm: it ends with the child's exit status, or
 * 128+N (and one line) when signal N killed it; it forwards SIGHUP,
 * SIGINT and SIGTERM; a pid that is not its child is an error (1).
 * When its lockdown fails (no_new_privs, the SIGSYS handler, the filter:
 * made to fail with tests/support/fault_sys.h) it says why, kills and
 * reaps the child, and returns 1. Without a signalfd, or when reading it
 * fails, it still waits and returns the child's status.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/seccomp.h>

#include "tests/support/fault_sys.h"
#include "tests/support/test_util.h"
#include "vmm/sandbox/supervise.h"

/* What the stand-in for the jailed vmm does. */
enum stand_in {
	CHILD_NONE,    /* no child: supervise the test process instead */
	CHILD_EXIT7,   /* exit(7) at once */
	CHILD_SIGUSR1, /* killed by SIGUSR1 at once */
	CHILD_SIGNALS, /* note SIGHUP and SIGINT; exit 43 on SIGTERM and 5
			  on SIGUSR2 */
	CHILD_FOREVER, /* wait to be killed */
};

struct shared {
	int rc;		/* supervise_child's return */
	int gone_errno; /* errno of kill(child, 0) after it: ESRCH */
	pid_t child;
	int ready;	/* the child's handlers are in place */
	unsigned got;	/* signals the child received, 1 << signo */
	char err[2048]; /* the supervisor's stderr */
};

static struct shared *sh;

static int setup(void **state)
{
	(void)state;
	sh = tu_shared(sizeof(*sh));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(sh, sizeof(*sh));
	return 0;
}

static void child_note(int sig)
{
	__atomic_or_fetch(&sh->got, 1u << sig, __ATOMIC_SEQ_CST);
	if (sig == SIGTERM)
		_exit(43);
	if (sig == SIGUSR2)
		_exit(5);
}

/* The stand-in; dies with its supervisor. Test code only: its counters
 * are of no interest, plain _exit. */
static _Noreturn void child_main(enum stand_in what)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (what == CHILD_EXIT7)
		_exit(7);
	if (what == CHILD_SIGUSR1) {
		signal(SIGUSR1, SIG_DFL);
		raise(SIGUSR1);
		_exit(99);
	}
	if (what == CHILD_SIGNALS) {
		struct sigaction sa = {.sa_handler = child_note};
		sigemptyset(&sa.sa_mask);
		int sigs[] = {SIGHUP, SIGINT, SIGTERM, SIGUSR2};
		for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
			sigaction(sigs[i], &sa, NULL);
	}
	/* Whatever mask the test runs with: these must arrive. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	__atomic_store_n(&sh->ready, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
}

/* Fork the supervisor: it forks the stand-in, loads `f`, and calls
 * supervise_child. Returns its pid (the stand-in's is sh->child), and in
 * *errfd the read end of its stderr. */
static pid_t start(enum stand_in what, const struct fault_sys *f, size_t nf,
		   int *errfd)
{
	memset(sh, 0, sizeof(*sh));
	sh->rc = -1000;
	pid_t sup = tu_fork_stderr(errfd);
	if (sup == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pid_t c = getppid(); /* not a child of ours */
		if (what != CHILD_NONE) {
			c = fork();
			if (c < 0)
				tu_child_exit(2);
			if (c == 0)
				child_main(what);
			sh->child = c;
		}
		if (nf && fault_sys_install(f, nf))
			tu_child_exit(2);
		sh->rc = supervise_child(c);
		sh->gone_errno =
		    what != CHILD_NONE && kill(c, 0) < 0 ? errno : 0;
		fflush(stderr);
		tu_child_exit(0);
	}
	return sup;
}

/* Wait for the supervisor; its stderr into sh->err. */
static void finish(pid_t sup, int fd)
{
	int ws;
	assert_int_equal(waitpid(sup, &ws, 0), sup);
	tu_read_all(fd, sh->err, sizeof(sh->err));
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		fail_msg("the supervisor ended with status 0x%x; stderr: %s",
			 ws, sh->err);
}

/* Until the stand-in is ready and the supervisor's own filter is on
 * top of `before` others (its loop has begun): 10 s at most. */
static void wait_supervising(pid_t sup, int before)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)sup);
	for (int i = 0; i < 1000; i++) {
		int filters = -1;
		FILE *f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			sscanf(line, "Seccomp_filters: %d", &filters);
		if (f)
			fclose(f);
		if (filters > before &&
		    __atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST))
			return;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	fail_msg("the supervisor never got to its loop");
}

/* Until the stand-in has received signal sig: 10 s at most. */
static void wait_got(int sig)
{
	for (int i = 0; i < 1000; i++) {
		if (__atomic_load_n(&sh->got, __ATOMIC_SEQ_CST) & (1u << sig))
			return;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	fail_msg("signal %d was not forwarded", sig);
}

/* start + finish for a stand-in that needs nothing from the test. */
static void run(enum stand_in what, const struct fault_sys *f, size_t nf)
{
	int fd;
	pid_t sup = start(what, f, nf, &fd);
	finish(sup, fd);
}

static void test_exit_status(void **state)
{
	(void)state;
	run(CHILD_EXIT7, NULL, 0);
	assert_int_equal(sh->rc, 7);
	assert_int_equal(sh->gone_errno, ESRCH); /* reaped */
	assert_string_equal(sh->err, "");
}

static void test_killed_by_signal(void **state)
{
	(void)state;
	run(CHILD_SIGUSR1, NULL, 0);
	assert_int_equal(sh->rc, 128 + SIGUSR1);
	char want[128];
	snprintf(want, sizeof(want),
		 "vmm: --jail: the jailed vmm was killed by signal %d (%s)\n",
		 SIGUSR1, strsignal(SIGUSR1));
	assert_string_equal(sh->err, want);
}

/* SIGHUP, SIGINT and SIGTERM sent to the supervisor reach the child,
 * whose status (43, from its SIGTERM handler) is the supervisor's. */
static void test_forwards_signals(void **state)
{
	(void)state;
	int fd;
	pid_t sup = start(CHILD_SIGNALS, NULL, 0, &fd);
	wait_supervising(sup, 0);
	assert_int_equal(kill(sup, SIGHUP), 0);
	wait_got(SIGHUP);
	assert_int_equal(kill(sup, SIGINT), 0);
	wait_got(SIGINT);
	assert_int_equal(kill(sup, SIGTERM), 0);
	finish(sup, fd);
	assert_int_equal(sh->rc, 43);
	assert_true(sh->got & (1u << SIGTERM));
}

static void test_not_a_child(void **state)
{
	(void)state;
	run(CHILD_NONE, NULL, 0);
	assert_int_equal(sh->rc, 1);
	assert_string_equal(sh->err, "vmm: --jail: waiting for the jailed vmm: "
				     "No child processes\n");
}

/* The lockdown fails: one line, the child killed and reaped, 1. */
static void test_lockdown_faults(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	static const struct {
		struct fault_sys f;
		const char *msg;
	} cases[] = {
	    {FAULT1(SYS_prctl, EINVAL, 0, PR_SET_NO_NEW_PRIVS),
	     "vmm: --jail: the supervisor: setting no_new_privs: Invalid "
	     "argument\n"},
	    {FAULT1(SYS_rt_sigaction, EINVAL, 0, SIGSYS),
	     "vmm: --jail: the supervisor: seccomp: SIGSYS handler: Invalid "
	     "argument\n"},
	    {FAULT1(SYS_seccomp, EACCES, 0, SECCOMP_SET_MODE_FILTER),
	     "vmm: --jail: the supervisor: seccomp: loading the supervisor "
	     "filter: Permission denied\n"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		run(CHILD_FOREVER, &cases[i].f, 1);
		assert_int_equal(sh->rc, 1);
		assert_int_equal(sh->gone_errno, ESRCH);
		assert_string_equal(sh->err, cases[i].msg);
	}
}

/* No signalfd: it says so, and still returns the child's status. */
static void test_no_signalfd(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	const struct fault_sys f = FAULT(SYS_signalfd4, EMFILE);
	const char *msg =
	    "vmm: --jail: signal forwarding: Too many open files\n";
	run(CHILD_EXIT7, &f, 1);
	assert_int_equal(sh->rc, 7);
	assert_string_equal(sh->err, msg);
	run(CHILD_SIGUSR1, &f, 1);
	assert_int_equal(sh->rc, 128 + SIGUSR1);
	run(CHILD_NONE, &f, 1);
	assert_int_equal(sh->rc, 1);
	assert_string_equal(sh->err, msg);
}

/* Reading the signalfd fails: it waits for the child instead, whose
 * status it returns, and forwards nothing more: a SIGTERM to it does not
 * reach the child (which would exit 43); the test then ends the child
 * itself with SIGUSR2 (5). */
static void test_signalfd_read_fails(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	const struct fault_sys f =
	    FAULT1(SYS_read, EIO, 2, sizeof(struct signalfd_siginfo));
	int fd;
	pid_t sup = start(CHILD_SIGNALS, &f, 1, &fd);
	wait_supervising(sup, 1);
	assert_int_equal(kill(sup, SIGTERM), 0);
	struct timespec ts = {0, 300 * 1000 * 1000};
	nanosleep(&ts, NULL);
	assert_int_equal(kill(sh->child, SIGUSR2), 0);
	finish(sup, fd);
	assert_int_equal(sh->rc, 5);
	assert_string_equal(sh->err, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit_status),
	    cmocka_unit_test(test_killed_by_signal),
	    cmocka_unit_test(test_forwards_signals),
	    cmocka_unit_test(test_not_a_child),
	    cmocka_unit_test(test_lockdown_faults),
	    cmocka_unit_test(test_no_signalfd),
	    cmocka_unit_test(test_signalfd_read_fails),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
