/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp filters, per thread class, in forked children: forbidden
 * calls (execve, open of a new path, socket, ptrace, mmap and mprotect
 * with PROT_EXEC, a KVM ioctl of another class) die of SIGSYS with the
 * call, its number and the class named on stderr in enforce mode, and
 * fail with EPERM in errno mode; allowed calls still work. prctl only
 * names the calling thread, and only under the control filter. The
 * --jail supervisor's filter: kill and wait4 only for its child. The
 * API thread's filter: the same, and no ioctl or prctl. Also the SIGSYS
 * message itself, and a handler that cannot be installed.
 *
 * Coverage builds: a child killed under the control, supervisor or API
 * filter has written gcov's counters in its SIGSYS handler
 * (vmm/base/gcov.h); the others' filters do not allow gcov's calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/fault_sys.h"
#include "tests/support/test_util.h"
#include "vmm/kvm_ioctls.h"
#include "vmm/sandbox/filter.h"
#include "vmm/sandbox/policy.h"
#include "vmm/sandbox/sigsys.h"

/* What a child tries once its filter is in force. Returns the raw
 * result (-1 with errno on failure). */
enum call {
	CALL_EXECVE,
	CALL_OPEN,
	CALL_SOCKET,
	CALL_PTRACE,
	CALL_MMAP_EXEC,
	CALL_MPROTECT_EXEC,
	CALL_KVM_CREATE_VM, /* allowed only to the control thread */
	CALL_KVM_RUN,	    /* allowed to vCPU (and control) threads */
	CALL_WRITE,	    /* allowed everywhere */
	CALL_PRCTL_NAME,    /* allowed to the control thread only */
	CALL_PRCTL_OTHER,   /* any other prctl: never */
};

static const char *const call_names[] = {
    [CALL_EXECVE] = "execve",	    [CALL_OPEN] = "openat",
    [CALL_SOCKET] = "socket",	    [CALL_PTRACE] = "ptrace",
    [CALL_MMAP_EXEC] = "mmap",	    [CALL_MPROTECT_EXEC] = "mprotect",
    [CALL_KVM_CREATE_VM] = "ioctl", [CALL_KVM_RUN] = "ioctl",
    [CALL_WRITE] = "write",	    [CALL_PRCTL_NAME] = "prctl",
    [CALL_PRCTL_OTHER] = "prctl",
};

static long do_call(enum call c, int fd)
{
	static char *const argv[] = {"/bin/true", NULL};
	switch (c) {
	case CALL_EXECVE:
		return syscall(SYS_execve, "/bin/true", argv, argv + 1);
	case CALL_OPEN:
		return syscall(SYS_openat, AT_FDCWD, "/tmp/vmm-sandbox-new",
			       O_WRONLY | O_CREAT, 0600);
	case CALL_SOCKET:
		return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	case CALL_PTRACE:
		return syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	case CALL_MMAP_EXEC: {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? -1 : 0;
	}
	case CALL_MPROTECT_EXEC: {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -2; /* the allowed mmap failed: a test bug */
		return mprotect(p, 4096, PROT_READ | PROT_EXEC);
	}
	case CALL_KVM_CREATE_VM:
		return ioctl(fd, KVM_CREATE_VM, 0);
	case CALL_KVM_RUN:
		return ioctl(fd, KVM_RUN, 0);
	case CALL_WRITE:
		return write(fd, "x", 1);
	case CALL_PRCTL_NAME:
		return prctl(PR_SET_NAME, "vmm-test", 0, 0, 0);
	case CALL_PRCTL_OTHER:
		return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) < 0 ? -1 : 0;
	}
	return -2;
}

/* The child's exit codes. */
#define CHILD_EPERM  10 /* failed with EPERM */
#define CHILD_PASSED 11 /* the filter let it through */
#define CHILD_SETUP  12 /* building or loading the filter failed */

struct outcome {
	int status; /* waitpid status */
	char err[1024];
};

/* Fork; in the child load the filters of `classes` (in order, as a
 * thread created by a filtered thread stacks its own), or with `api`
 * the API thread's alone, for `mode` and make call c. */
static void run_filtered(bool api, const enum vm_thread_class *classes,
			 size_t n, enum sandbox_seccomp mode, enum call c,
			 struct outcome *out)
{
	int errfd, fdp[2];
	assert_int_equal(pipe(fdp), 0); /* a harmless fd for ioctl/write */
	pid_t pid = tu_fork_stderr(&errfd);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(CHILD_SETUP);
		if (mode == SANDBOX_SECCOMP_ENFORCE && sigsys_install())
			_exit(CHILD_SETUP);
		/* Compiled first: a loaded filter forbids compiling. */
		struct filter_prog p[2];
		char e[256];
		if (api &&
		    (filter_build_api(mode, getpid(), &p[0], e, sizeof(e)) ||
		     filter_load(&p[0])))
			_exit(CHILD_SETUP);
		if (api)
			sigsys_set_class(POLICY_API);
		for (size_t i = 0; !api && i < n && i < 2; i++)
			if (filter_build(classes[i], mode, getpid(), &p[i], e,
					 sizeof(e)))
				_exit(CHILD_SETUP);
		for (size_t i = 0; !api && i < n && i < 2; i++) {
			if (filter_load(&p[i]))
				_exit(CHILD_SETUP);
			sigsys_set_class(policy_class_name(classes[i]));
		}
		long r = do_call(c, fdp[1]);
		int code = r == -1 && errno == EPERM ? CHILD_EPERM
			   : r == -2		     ? CHILD_SETUP
						     : CHILD_PASSED;
		/* The API filter lets its thread end (exit), not the process
		 * (exit_group); the child has one thread either way. */
		if (api)
			syscall(SYS_exit, code);
		_exit(code);
	}
	close(fdp[0]);
	close(fdp[1]);
	tu_read_all(errfd, out->err, sizeof(out->err));
	assert_int_equal(waitpid(pid, &out->status, 0), pid);
}

static void run_child(const enum vm_thread_class *classes, size_t n,
		      enum sandbox_seccomp mode, enum call c,
		      struct outcome *out)
{
	run_filtered(false, classes, n, mode, c, out);
}

static void expect_sigsys(const struct outcome *o, const char *cls, enum call c)
{
	if (!WIFSIGNALED(o->status) || WTERMSIG(o->status) != SIGSYS)
		fail_msg(
		    "expected death by SIGSYS, got status 0x%x; stderr: %s",
		    o->status, o->err);
	char want[96];
	snprintf(want, sizeof(want), "the %s thread made a system call", cls);
	if (!strstr(o->err, want))
		fail_msg("stderr lacks '%s': %s", want, o->err);
	snprintf(want, sizeof(want), "allow: %s (", call_names[c]);
	if (!strstr(o->err, want))
		fail_msg("stderr lacks '%s': %s", want, o->err);
}

static void expect_exit(const struct outcome *o, int code)
{
	if (!WIFEXITED(o->status) || WEXITSTATUS(o->status) != code)
		fail_msg("expected exit %d, got status 0x%x; stderr: %s", code,
			 o->status, o->err);
}

static const enum call forbidden[] = {
    CALL_EXECVE,    CALL_OPEN,		CALL_SOCKET,	  CALL_PTRACE,
    CALL_MMAP_EXEC, CALL_MPROTECT_EXEC, CALL_PRCTL_OTHER,
};

static void forbidden_calls(enum vm_thread_class cls)
{
	for (size_t i = 0; i < ARRAY_SIZE(forbidden); i++) {
		struct outcome o;
		/* policy.c: in test builds (ASan, coverage) LeakSanitizer's
		 * check and gcov's counters at exit need these on the
		 * control thread. */
		if (policy_sanitizer_build() && cls == VM_THREAD_CONTROL &&
		    (forbidden[i] == CALL_OPEN || forbidden[i] == CALL_PTRACE ||
		     forbidden[i] == CALL_PRCTL_OTHER))
			continue;
		run_child(&cls, 1, SANDBOX_SECCOMP_ENFORCE, forbidden[i], &o);
		expect_sigsys(&o, policy_class_name(cls), forbidden[i]);
		run_child(&cls, 1, SANDBOX_SECCOMP_ERRNO, forbidden[i], &o);
		expect_exit(&o, CHILD_EPERM);
	}
	/* Allowed everywhere. */
	struct outcome o;
	run_child(&cls, 1, SANDBOX_SECCOMP_ENFORCE, CALL_WRITE, &o);
	expect_exit(&o, CHILD_PASSED);
	/* log mode lets a forbidden call run (the kernel logs it). */
	run_child(&cls, 1, SANDBOX_SECCOMP_LOG, CALL_SOCKET, &o);
	expect_exit(&o, CHILD_PASSED);
}

static void test_control_forbidden(void **s)
{
	(void)s;
	forbidden_calls(VM_THREAD_CONTROL);
}

static void test_vcpu_forbidden(void **s)
{
	(void)s;
	forbidden_calls(VM_THREAD_VCPU);
}

static void test_io_forbidden(void **s)
{
	(void)s;
	forbidden_calls(VM_THREAD_IO);
}

/* The API thread's filter (sandbox_api_thread): the same forbidden
 * calls, and no ioctl and no prctl at all (it names itself first). */
static void test_api_forbidden(void **s)
{
	(void)s;
	static const enum call more[] = {CALL_KVM_RUN, CALL_PRCTL_NAME};
	struct outcome o;
	for (size_t i = 0; i < ARRAY_SIZE(forbidden) + ARRAY_SIZE(more); i++) {
		enum call c = i < ARRAY_SIZE(forbidden)
				  ? forbidden[i]
				  : more[i - ARRAY_SIZE(forbidden)];
		/* Test builds add the control thread's runtime rules. */
		if (policy_sanitizer_build() &&
		    (c == CALL_OPEN || c == CALL_PTRACE ||
		     c == CALL_PRCTL_OTHER || c == CALL_PRCTL_NAME))
			continue;
		run_filtered(true, NULL, 0, SANDBOX_SECCOMP_ENFORCE, c, &o);
		expect_sigsys(&o, POLICY_API, c);
		run_filtered(true, NULL, 0, SANDBOX_SECCOMP_ERRNO, c, &o);
		expect_exit(&o, CHILD_EPERM);
	}
	run_filtered(true, NULL, 0, SANDBOX_SECCOMP_ENFORCE, CALL_WRITE, &o);
	expect_exit(&o, CHILD_PASSED);
}

/* ioctl by request number: KVM_RUN passes the vCPU filter (and fails
 * with ENOTTY on a pipe), KVM_CREATE_VM does not; the I/O thread may
 * make neither. */
static void test_ioctl_by_request(void **s)
{
	(void)s;
	struct outcome o;
	enum vm_thread_class v = VM_THREAD_VCPU, io = VM_THREAD_IO;
	run_child(&v, 1, SANDBOX_SECCOMP_ENFORCE, CALL_KVM_RUN, &o);
	expect_exit(&o, CHILD_PASSED);
	run_child(&v, 1, SANDBOX_SECCOMP_ENFORCE, CALL_KVM_CREATE_VM, &o);
	expect_sigsys(&o, "vcpu", CALL_KVM_CREATE_VM);
	if (!strstr(o.err, "0xae01"))
		fail_msg("the message lacks the request 0xae01: %s", o.err);
	run_child(&io, 1, SANDBOX_SECCOMP_ERRNO, CALL_KVM_RUN, &o);
	expect_exit(&o, CHILD_EPERM);
}

/* A vCPU thread created by the filtered control thread runs both
 * filters: the control filter allows KVM_CREATE_VM, its own does not. */
static void test_stacked_filters(void **s)
{
	(void)s;
	static const enum vm_thread_class both[] = {VM_THREAD_CONTROL,
						    VM_THREAD_VCPU};
	struct outcome o;
	run_child(both, 2, SANDBOX_SECCOMP_ENFORCE, CALL_KVM_CREATE_VM, &o);
	expect_sigsys(&o, "vcpu", CALL_KVM_CREATE_VM);
	run_child(both, 2, SANDBOX_SECCOMP_ENFORCE, CALL_KVM_RUN, &o);
	expect_exit(&o, CHILD_PASSED);
	run_child(both, 1, SANDBOX_SECCOMP_ENFORCE, CALL_KVM_CREATE_VM, &o);
	expect_exit(&o, CHILD_PASSED); /* ENOTTY: control may */
}

/* A new vCPU or I/O thread names itself under the control thread's
 * filter (prctl PR_SET_NAME), before its own, which has no prctl. */
static void test_prctl_name(void **s)
{
	(void)s;
	static const enum vm_thread_class cv[] = {VM_THREAD_CONTROL,
						  VM_THREAD_VCPU},
					  ci[] = {VM_THREAD_CONTROL,
						  VM_THREAD_IO};
	struct outcome o;
	run_child(cv, 1, SANDBOX_SECCOMP_ENFORCE, CALL_PRCTL_NAME, &o);
	expect_exit(&o, CHILD_PASSED);
	run_child(cv, 2, SANDBOX_SECCOMP_ENFORCE, CALL_PRCTL_NAME, &o);
	expect_sigsys(&o, "vcpu", CALL_PRCTL_NAME);
	run_child(ci, 2, SANDBOX_SECCOMP_ERRNO, CALL_PRCTL_NAME, &o);
	expect_exit(&o, CHILD_EPERM);
}

/* What the supervisor tries once its filter is in force. */
enum sup_call {
	SUP_KILL_CHILD, /* kill and reap the child: allowed */
	SUP_KILL_OTHER, /* signal another process */
	SUP_WAIT_ANY,	/* waitpid(-1): any child */
	SUP_OPEN,	/* a new file */
};

/* Fork a supervisor, which forks a child (dies with it), loads its
 * filter for mode and makes call c; then it kills and reaps the child. */
static void run_supervisor(enum sandbox_seccomp mode, enum sup_call c,
			   struct outcome *out)
{
	int errfd;
	pid_t pid = tu_fork_stderr(&errfd);
	if (pid == 0) {
		pid_t other = getppid(), self = getpid();
		pid_t child = fork();
		if (child < 0)
			_exit(CHILD_SETUP);
		if (child == 0) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
			    getppid() != self)
				_exit(0); /* the supervisor is gone already */
			for (;;)
				pause();
		}
		struct filter_prog p;
		char e[256];
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    (mode == SANDBOX_SECCOMP_ENFORCE && sigsys_install()) ||
		    filter_build_supervisor(mode, self, child, &p, e,
					    sizeof(e)) ||
		    filter_load(&p))
			_exit(CHILD_SETUP);
		sigsys_set_class(POLICY_SUPERVISOR);
		long r = 0;
		int ws = 0;
		switch (c) {
		case SUP_KILL_CHILD:
			r = kill(child, SIGTERM);
			break;
		case SUP_KILL_OTHER:
			r = kill(other, 0);
			break;
		case SUP_WAIT_ANY:
			r = waitpid(-1, &ws, WNOHANG);
			break;
		case SUP_OPEN:
			r = syscall(SYS_openat, AT_FDCWD, "/tmp/vmm-sup-new",
				    O_WRONLY | O_CREAT, 0600);
			break;
		}
		int e2 = errno;
		if (kill(child, SIGKILL) < 0 || waitpid(child, &ws, 0) != child)
			_exit(CHILD_SETUP);
		if (r == -1 && e2 == EPERM)
			_exit(CHILD_EPERM);
		_exit(CHILD_PASSED);
	}
	tu_read_all(errfd, out->err, sizeof(out->err));
	assert_int_equal(waitpid(pid, &out->status, 0), pid);
}

static void expect_supervisor_sigsys(const struct outcome *o, const char *call)
{
	if (!WIFSIGNALED(o->status) || WTERMSIG(o->status) != SIGSYS)
		fail_msg("expected death by SIGSYS, got status 0x%x; "
			 "stderr: %s",
			 o->status, o->err);
	char want[96];
	snprintf(want, sizeof(want),
		 "the " POLICY_SUPERVISOR " thread made a system call");
	if (!strstr(o->err, want))
		fail_msg("stderr lacks '%s': %s", want, o->err);
	snprintf(want, sizeof(want), "allow: %s (", call);
	if (!strstr(o->err, want))
		fail_msg("stderr lacks '%s': %s", want, o->err);
}

static void test_supervisor(void **s)
{
	(void)s;
	struct outcome o;
	run_supervisor(SANDBOX_SECCOMP_ENFORCE, SUP_KILL_CHILD, &o);
	expect_exit(&o, CHILD_PASSED);
	run_supervisor(SANDBOX_SECCOMP_ENFORCE, SUP_KILL_OTHER, &o);
	expect_supervisor_sigsys(&o, "kill");
	run_supervisor(SANDBOX_SECCOMP_ERRNO, SUP_KILL_OTHER, &o);
	expect_exit(&o, CHILD_EPERM);
	/* Test builds add the runtimes' rules (LSan's wait4 and openat). */
	if (policy_sanitizer_build())
		return;
	run_supervisor(SANDBOX_SECCOMP_ENFORCE, SUP_WAIT_ANY, &o);
	expect_supervisor_sigsys(&o, "wait4");
	run_supervisor(SANDBOX_SECCOMP_ENFORCE, SUP_OPEN, &o);
	expect_supervisor_sigsys(&o, "openat");
	run_supervisor(SANDBOX_SECCOMP_ERRNO, SUP_OPEN, &o);
	expect_exit(&o, CHILD_EPERM);
}

static void test_sigsys_message(void **s)
{
	(void)s;
	char buf[256];
	unsigned long args[3] = {3, 0xae80, 0};
	size_t n = sigsys_format(buf, sizeof(buf), SYS_ioctl, "vcpu", args);
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "the vcpu thread"));
	assert_non_null(strstr(buf, "ioctl (16) args 0x3, 0xae80, 0x0"));
	assert_true(buf[n - 1] == '\n');
	sigsys_format(buf, sizeof(buf), 99999, "io", args);
	assert_non_null(strstr(buf, "unknown (99999)"));
	assert_string_equal(sigsys_name(SYS_execve), "execve");
	assert_null(sigsys_name(-1));
	/* Truncated, still terminated. */
	n = sigsys_format(buf, 16, SYS_ioctl, "vcpu", args);
	assert_int_equal(n, 15);
	assert_int_equal(strlen(buf), 15);
	/* No room: nothing written. A number no table has, negative (a
	 * forged si_syscall): its sign kept. No class: "?". */
	buf[0] = 'x';
	assert_int_equal(sigsys_format(buf, 0, SYS_ioctl, "vcpu", args), 0);
	assert_int_equal(buf[0], 'x');
	sigsys_format(buf, sizeof(buf), -5, NULL, args);
	assert_non_null(strstr(buf, "the ? thread"));
	assert_non_null(strstr(buf, "allow: unknown (-5) args"));
	assert_null(sigsys_name(100000));
}

/* The handler cannot be installed: sigsys_install says so (-errno). */
static void test_sigsys_install_fails(void **s)
{
	(void)s;
	if (getuid() != 0)
		skip(); /* fault_sys_install needs CAP_SYS_ADMIN */
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const struct fault_sys f =
		    FAULT1(SYS_rt_sigaction, EINVAL, 0, SIGSYS);
		if (fault_sys_install(&f, 1))
			tu_child_exit(CHILD_SETUP);
		tu_child_exit(sigsys_install() == -EINVAL ? 0 : 1);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_control_forbidden),
	    cmocka_unit_test(test_vcpu_forbidden),
	    cmocka_unit_test(test_io_forbidden),
	    cmocka_unit_test(test_api_forbidden),
	    cmocka_unit_test(test_ioctl_by_request),
	    cmocka_unit_test(test_stacked_filters),
	    cmocka_unit_test(test_prctl_name),
	    cmocka_unit_test(test_supervisor),
	    cmocka_unit_test(test_sigsys_message),
	    cmocka_unit_test(test_sigsys_install_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
