/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The jail's steps and the capability drop, in forked children (root
 * only: skipped otherwise). After jail_spawn + jail_pivot + jail_limits +
 * caps_drop_all the child is pid 1, sees only DIR (read-only), has every
 * capability set empty as libcap reads them back, no_new_privs, the
 * asked uid and gid, RLIMIT_NOFILE, its own hostname, no environment, and
 * no stray fds. Each step's failure names the step: a missing DIR, and
 * each system call of jail_spawn, jail_pivot, jail_limits,
 * jail_check_dir and jail_close_fds made to fail (tests/support/
 * fault_sys.h). DIR must be an empty directory. --netns joins the named
 * namespace, and refuses a bad name or a file that is not one. The
 * supervisor's drop leaves no capability and keeps only its real uid.
 *
 * Coverage builds: the children write gcov's counters before they end
 * (tu_child_exit), and the jailed one before it drops root; the jail's
 * root then holds the build tree bound at its own path (gcov_bind), or
 * what ran in the jail would count as never run.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/fault_sys.h"
#include "tests/support/test_util.h"
#include "vmm/base/gcov.h"
#include "vmm/sandbox/caps.h"
#include "vmm/sandbox/jail.h"

#define NOBODY 65534

/* What the jailed child saw, in memory shared with the test. */
struct seen {
	int step_rc;	    /* first failing step's rc, or 0 */
	char err[256];	    /* its message */
	int pid;	    /* getpid() in the jail */
	int marker;	    /* access("/marker") == 0 */
	int etc_errno;	    /* errno of access("/etc/passwd") */
	int dir_errno;	    /* errno of access(DIR) by its host path */
	int mkdir_errno;    /* errno of mkdir("/new") */
	int stray_errno;    /* errno of fcntl(stray fd) */
	unsigned caps_left; /* caps_left() after the drop */
	unsigned uid, gid;
	unsigned long nofile;
	char host[64];
	int has_env; /* getenv("VMM_JAIL_TEST") != NULL */
	/* run_spawn: jail_spawn in the process that called it, and in the
	 * child it forked (1: never got there); the caller's stderr. */
	int parent_rc, child_rc;
	char parent_err[256], child_err[256];
	char log[512];
};

static char dir[64];
static struct seen *seen;

static int setup(void **state)
{
	(void)state;
	if (getuid() != 0)
		return 0;
	snprintf(dir, sizeof(dir), "/tmp/vmm-jail-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0); /* searchable by NOBODY */
	char marker[96];
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	int fd = open(marker, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);
	seen = tu_shared(sizeof(*seen));
	return 0;
}

/* Remove the empty directories gcov_bind made under dir, deepest
 * first. */
static void gcov_unbind(void)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s%s", dir, VMM_BINARY_DIR);
	if (n < 0 || (size_t)n >= sizeof(p))
		return;
	size_t root = strlen(dir);
	while (strlen(p) > root) {
		rmdir(p);
		*strrchr(p, '/') = '\0';
	}
}

static int teardown(void **state)
{
	(void)state;
	if (getuid() != 0)
		return 0;
	char p[96];
	snprintf(p, sizeof(p), "%s/marker", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/proc", dir); /* sanitizer builds */
	rmdir(p);
	gcov_unbind();
	rmdir(dir);
	munmap(seen, sizeof(*seen));
	return 0;
}

/* Coverage builds, in the jailed child's own mount namespace before
 * jail_pivot: the build tree (its .gcda files) bound on ROOT + its own
 * path, read-write, so that gcov reaches it from the jail (jail_pivot's
 * recursive bind of ROOT takes it along; its read-only remount is of
 * ROOT's mount alone). Mounts are made private first: nothing shows on
 * the host. Best effort: without it only the counters are lost. */
static void gcov_bind(const char *root)
{
#if defined(VMM_COVERAGE_BUILD)
	char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s%s", root, VMM_BINARY_DIR);
	if (n < 0 || (size_t)n >= sizeof(p) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return;
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
	mount(VMM_BINARY_DIR, p, NULL, MS_BIND, NULL);
#else
	(void)root;
#endif
}

/* In the jail (pid 1): the rest of the steps, with `faults` in force,
 * then look around. */
static void jailed(const char *root, bool expect_fail,
		   const struct fault_sys *faults, size_t nfaults)
{
	gcov_bind(root);
	int r = nfaults ? fault_sys_install(faults, nfaults) : 0;
	if (r) {
		snprintf(seen->err, sizeof(seen->err), "fault_sys_install: %s",
			 strerror(-r));
		seen->step_rc = r;
		tu_child_exit(2);
	}
	r = jail_pivot(root, seen->err, sizeof(seen->err));
	if (!r)
		r = jail_limits(seen->err, sizeof(seen->err));
	/* Root still, and the tree in view: later, as NOBODY, gcov could
	 * not write its root-owned files. */
	gcov_write_last();
	struct sandbox_config cfg = {
	    .set_uid = true, .uid = NOBODY, .set_gid = true, .gid = NOBODY};
	if (!r)
		r = caps_drop_all(&cfg, seen->err, sizeof(seen->err));
	seen->step_rc = r;
	if (r || expect_fail)
		_exit(0);
	seen->pid = getpid();
	seen->marker = access("/marker", F_OK) == 0;
	seen->etc_errno = access("/etc/passwd", F_OK) ? errno : 0;
	seen->dir_errno = access(dir, F_OK) ? errno : 0;
	seen->mkdir_errno = mkdir("/new", 0755) ? errno : 0;
	seen->stray_errno = fcntl(STDERR_FILENO + 1, F_GETFD) < 0 ? errno : 0;
	seen->caps_left = caps_left();
	seen->uid = getuid();
	seen->gid = getgid();
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	seen->nofile = rl.rlim_cur;
	gethostname(seen->host, sizeof(seen->host) - 1);
	seen->has_env = getenv("VMM_JAIL_TEST") != NULL;
	_exit(0);
}

/* Fork a child that runs the steps in order (root = the jail's DIR),
 * the jailed ones with `faults` in force. Returns false when this host
 * cannot make namespaces (skip). */
static bool run_jail_faults(const char *root, bool expect_fail,
			    const struct fault_sys *faults, size_t nfaults)
{
	memset(seen, 0, sizeof(*seen));
	seen->step_rc = -1;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("VMM_JAIL_TEST", "1", 1);
		int stray[2];
		if (pipe(stray) < 0 ||
		    jail_close_fds(STDERR_FILENO + 1, seen->err,
				   sizeof(seen->err)))
			tu_child_exit(2);
		pid_t child;
		int r = jail_spawn(&child, seen->err, sizeof(seen->err));
		if (r) {
			seen->step_rc = r;
			tu_child_exit(r == -EPERM ? 3 : 2);
		}
		if (child == 0)
			jailed(root, expect_fail, faults, nfaults);
		int ws;
		if (waitpid(child, &ws, 0) != child || !WIFEXITED(ws))
			tu_child_exit(2);
		tu_child_exit(WEXITSTATUS(ws));
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	if (WEXITSTATUS(ws) == 3)
		return false;
	assert_int_equal(WEXITSTATUS(ws), 0);
	return true;
}

static bool run_jail(const char *root, bool expect_fail)
{
	return run_jail_faults(root, expect_fail, NULL, 0);
}

static void test_jail_steps(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	if (!run_jail(dir, false))
		skip();
	if (seen->step_rc)
		fail_msg("a jail step failed: %s", seen->err);
	assert_int_equal(seen->pid, 1);
	assert_true(seen->marker);
	assert_int_equal(seen->etc_errno, ENOENT);
	assert_int_equal(seen->dir_errno, ENOENT);
	assert_true(seen->mkdir_errno == EROFS || seen->mkdir_errno == EACCES);
	assert_int_equal(seen->stray_errno, EBADF);
	if (seen->caps_left) {
		char what[96];
		caps_describe(seen->caps_left, what, sizeof(what));
		fail_msg("capabilities left after the drop: %s", what);
	}
	assert_int_equal(seen->uid, NOBODY);
	assert_int_equal(seen->gid, NOBODY);
	assert_int_equal(seen->nofile, JAIL_NOFILE);
	assert_string_equal(seen->host, "vmm");
	assert_false(seen->has_env);
}

static void test_jail_errors_name_the_step(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	if (!run_jail("/nonexistent-vmm-jail", true))
		skip();
	assert_int_equal(seen->step_rc, -ENOENT);
	assert_string_equal(seen->err,
			    "--jail /nonexistent-vmm-jail: bind-mounting it on "
			    "itself: No such file or directory");
}

/* mount(2)'s flags (its fourth argument) of jail_pivot's steps. */
#define PRIVATE_FLAGS (MS_REC | MS_PRIVATE)
#define BIND_FLAGS    (MS_BIND | MS_REC)
#define RDONLY_FLAGS                                                           \
	(MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Each step of jail_pivot and jail_limits made to fail: its -errno, and
 * its message (a %s: DIR). */
static void test_jail_step_faults(void **state)
{
	(void)state;
	static const struct {
		struct fault_sys f[2];
		int rc;
		const char *msg;
	} cases[] = {
	    {{FAULT1(SYS_mount, EPERM, 3, PRIVATE_FLAGS)},
	     -EPERM,
	     "--jail %s: making mounts private: Operation not permitted"},
	    {{FAULT1(SYS_mount, EACCES, 3, BIND_FLAGS)},
	     -EACCES,
	     "--jail %s: bind-mounting it on itself: Permission denied"},
	    {{FAULT(SYS_chdir, EACCES)},
	     -EACCES,
	     "--jail %s: chdir: Permission denied"},
	    {{FAULT(SYS_pivot_root, EINVAL)},
	     -EINVAL,
	     "--jail %s: pivot_root: Invalid argument"},
	    {{FAULT(SYS_umount2, EBUSY)},
	     -EBUSY,
	     "--jail %s: detaching the old root: Device or resource busy"},
	    {{FAULT1(SYS_mount, EPERM, 3, RDONLY_FLAGS)},
	     -EPERM,
	     "--jail %s: remounting it read-only: Operation not permitted"},
	    {{FAULT(SYS_sethostname, EPERM)},
	     -EPERM,
	     "--jail: sethostname: Operation not permitted"},
	    {{FAULT1(SYS_prlimit64, EPERM, 1, RLIMIT_NOFILE),
	      FAULT1(SYS_setrlimit, EPERM, 0, RLIMIT_NOFILE)},
	     -EPERM,
	     "--jail: setrlimit RLIMIT_NOFILE 1024: Operation not permitted"},
	};
	if (getuid() != 0)
		skip();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = cases[i].f[1].nr ? 2 : 1;
		if (!run_jail_faults(dir, true, cases[i].f, n))
			skip();
		char want[160];
		snprintf(want, sizeof(want), cases[i].msg, dir);
		if (seen->step_rc != cases[i].rc || strcmp(seen->err, want))
			fail_msg("case %zu: rc %d '%s', expected %d '%s'", i,
				 seen->step_rc, seen->err, cases[i].rc, want);
	}
}

/* A child with `f` in force calls jail_spawn; what each side got goes
 * to seen (parent_*, child_*; log: the caller's stderr). */
static void run_spawn(const struct fault_sys *f, size_t n)
{
	memset(seen, 0, sizeof(*seen));
	seen->parent_rc = seen->child_rc = 1;
	int errfd;
	pid_t pid = tu_fork_stderr(&errfd);
	if (pid == 0) {
		if (fault_sys_install(f, n))
			tu_child_exit(2);
		pid_t child = -1;
		char err[sizeof(seen->err)] = "";
		int r = jail_spawn(&child, err, sizeof(err));
		if (child == 0) { /* the new pid namespace's pid 1 */
			seen->child_rc = r;
			memcpy(seen->child_err, err, sizeof(err));
			tu_child_exit(0);
		}
		seen->parent_rc = r;
		memcpy(seen->parent_err, err, sizeof(err));
		if (child > 0)
			waitpid(child, NULL, 0);
		tu_child_exit(0);
	}
	tu_read_all(errfd, seen->log, sizeof(seen->log));
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

/* jail_spawn's system calls made to fail, in the caller and in the
 * child: each names its step, and a failure to return to the caller's
 * own pid namespace is a warning only. */
static void test_jail_spawn_faults(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	const struct fault_sys newpid_eperm[] = {
	    FAULT1(SYS_unshare, EPERM, 0, CLONE_NEWPID)};
	run_spawn(newpid_eperm, 1);
	assert_int_equal(seen->parent_rc, -EPERM);
	assert_string_equal(seen->parent_err,
			    "--jail: unshare (pid namespace): Operation not "
			    "permitted (the jail needs root)");
	assert_int_equal(seen->child_rc, 1); /* no child */

	const struct fault_sys newpid_einval[] = {
	    FAULT1(SYS_unshare, EINVAL, 0, CLONE_NEWPID)};
	run_spawn(newpid_einval, 1);
	assert_int_equal(seen->parent_rc, -EINVAL);
	assert_string_equal(
	    seen->parent_err,
	    "--jail: unshare (pid namespace): Invalid argument");

	const struct fault_sys no_fork[] = {FAULT(SYS_clone, EAGAIN),
					    FAULT(SYS_clone3, ENOSYS)};
	run_spawn(no_fork, 2);
	assert_int_equal(seen->parent_rc, -EAGAIN);
	assert_string_equal(seen->parent_err,
			    "--jail: fork: Resource temporarily unavailable");
	assert_int_equal(seen->child_rc, 1);

	const struct fault_sys no_way_back[] = {
	    FAULT1(SYS_setns, EPERM, 1, CLONE_NEWPID)};
	run_spawn(no_way_back, 1);
	assert_int_equal(seen->parent_rc, 0);
	assert_int_equal(seen->child_rc, 0);
	if (!strstr(seen->log, "vmm: --jail: back to our own pid namespace: "
			       "Operation not permitted"))
		fail_msg("no warning on stderr: '%s'", seen->log);

	const struct fault_sys no_deathsig[] = {
	    FAULT1(SYS_prctl, EPERM, 0, PR_SET_PDEATHSIG)};
	run_spawn(no_deathsig, 1);
	assert_int_equal(seen->parent_rc, 0);
	assert_int_equal(seen->child_rc, -EPERM);
	assert_string_equal(seen->child_err, "--jail: PR_SET_PDEATHSIG: "
					     "Operation not permitted");

	const struct fault_sys no_ns[] = {FAULT1(
	    SYS_unshare, EPERM, 0, CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS)};
	run_spawn(no_ns, 1);
	assert_int_equal(seen->parent_rc, 0);
	assert_int_equal(seen->child_rc, -EPERM);
	assert_string_equal(seen->child_err,
			    "--jail: unshare (mount, ipc, uts namespaces): "
			    "Operation not permitted (the jail needs root)");
}

/* In a child with `f` in force: jail_check_dir(dir) or, with dir NULL,
 * jail_close_fds(3); its rc and message in seen. */
static void run_prepare_step(const char *d, const struct fault_sys *f)
{
	memset(seen, 0, sizeof(*seen));
	seen->step_rc = 1;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (fault_sys_install(f, 1))
			tu_child_exit(2);
		seen->step_rc =
		    d ? jail_check_dir(d, seen->err, sizeof(seen->err))
		      : jail_close_fds(STDERR_FILENO + 1, seen->err,
				       sizeof(seen->err));
		tu_child_exit(0);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

static void test_prepare_faults(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	const struct fault_sys no_readdir = FAULT(SYS_getdents64, EIO);
	run_prepare_step(dir, &no_readdir);
	char want[160];
	snprintf(want, sizeof(want),
		 "--jail %s: reading it: Input/output error", dir);
	assert_int_equal(seen->step_rc, -EIO);
	assert_string_equal(seen->err, want);
	const struct fault_sys no_close = FAULT(SYS_close_range, EINVAL);
	run_prepare_step(NULL, &no_close);
	assert_int_equal(seen->step_rc, -EINVAL);
	assert_string_equal(seen->err,
			    "--jail: closing inherited fds: Invalid argument");
}

static void test_netns_error(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(jail_join_netns("vmm-no-such-ns", err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "--netns vmm-no-such-ns: "
				 "/run/netns/vmm-no-such-ns: No such file or "
				 "directory");
	/* A name is one path component, and fits in one. */
	assert_int_equal(jail_join_netns("../../etc", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "--netns ../../etc: bad name");
	char longname[NAME_MAX + 2], longerr[NAME_MAX + 64];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(jail_join_netns(longname, longerr, sizeof(longerr)),
			 -EINVAL);
	assert_non_null(strstr(longerr, "n: bad name"));
}

/* Inode of this thread's network namespace, or 0. */
static ino_t netns_ino(void)
{
	struct stat st;
	return stat("/proc/self/ns/net", &st) == 0 ? st.st_ino : 0;
}

/* What the --netns child saw. */
struct netns_seen {
	int join_rc, notns_rc, eperm_rc;
	ino_t before, other, after;
	char notns_err[256], eperm_err[256];
};

/* In a child: a private /run (tmpfs) whose netns/vmm-test is bound to
 * this namespace, as `ip netns add` binds a new one; then, from another
 * network namespace, --netns vmm-test comes back. A plain file there is
 * no namespace: setns refuses it. */
static void netns_child(struct netns_seen *s)
{
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") < 0 ||
	    mkdir("/run/netns", 0755) < 0)
		tu_child_exit(3);
	int fd = open("/run/netns/vmm-test", O_WRONLY | O_CREAT, 0644);
	int fd2 = open("/run/netns/vmm-notns", O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || fd2 < 0 ||
	    mount("/proc/self/ns/net", "/run/netns/vmm-test", NULL, MS_BIND,
		  NULL) < 0)
		tu_child_exit(3);
	close(fd);
	close(fd2);
	s->before = netns_ino();
	if (unshare(CLONE_NEWNET) < 0)
		tu_child_exit(3);
	s->other = netns_ino();
	char err[256];
	s->join_rc = jail_join_netns("vmm-test", err, sizeof(err));
	s->after = netns_ino();
	s->notns_rc =
	    jail_join_netns("vmm-notns", s->notns_err, sizeof(s->notns_err));
	const struct fault_sys f = FAULT1(SYS_setns, EPERM, 1, CLONE_NEWNET);
	if (fault_sys_install(&f, 1))
		tu_child_exit(3);
	s->eperm_rc =
	    jail_join_netns("vmm-test", s->eperm_err, sizeof(s->eperm_err));
	tu_child_exit(0);
}

static void test_netns_join(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	struct netns_seen *s = tu_shared(sizeof(*s));
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		netns_child(s);
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
	assert_int_equal(s->join_rc, 0);
	assert_true(s->before != 0 && s->other != s->before);
	assert_true(s->after == s->before);
	assert_int_equal(s->notns_rc, -EINVAL);
	assert_string_equal(s->notns_err,
			    "--netns vmm-notns: setns: Invalid argument");
	assert_int_equal(s->eperm_rc, -EPERM);
	assert_string_equal(s->eperm_err,
			    "--netns vmm-test: setns: Operation not permitted "
			    "(joining needs root)");
	munmap(s, sizeof(*s));
}

static void test_check_dir(void **state)
{
	(void)state;
	char empty[] = "/tmp/vmm-jail-empty-XXXXXX", err[256];
	assert_non_null(mkdtemp(empty));
	assert_int_equal(jail_check_dir(empty, err, sizeof(err)), 0);
	char p[96];
	snprintf(p, sizeof(p), "%s/etc", empty);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(jail_check_dir(empty, err, sizeof(err)), -ENOTEMPTY);
	char want[160];
	snprintf(want, sizeof(want),
		 "--jail %s: directory is not empty (it holds 'etc'; the "
		 "jail's root must be an empty directory)",
		 empty);
	assert_string_equal(err, want);
	/* A hidden file counts too. */
	assert_int_equal(rmdir(p), 0);
	snprintf(p, sizeof(p), "%s/.x", empty);
	int fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(jail_check_dir(empty, err, sizeof(err)), -ENOTEMPTY);
	/* A file is not a directory. */
	assert_int_equal(jail_check_dir(p, err, sizeof(err)), -ENOTDIR);
	snprintf(want, sizeof(want), "--jail %s: Not a directory", p);
	assert_string_equal(err, want);
	unlink(p);
	rmdir(empty);
	assert_int_equal(
	    jail_check_dir("/nonexistent-vmm-jail", err, sizeof(err)), -ENOENT);
	assert_string_equal(
	    err, "--jail /nonexistent-vmm-jail: No such file or directory");
	assert_int_equal(jail_check_dir("/", err, sizeof(err)), -ENOTEMPTY);
}

/* The supervisor's drop: no capability, no_new_privs, the group and the
 * effective and saved uids switched, the real uid kept. (Its counters
 * are lost: as uid NOBODY it cannot write gcov's files.) */
static void test_caps_drop_supervisor(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sandbox_config cfg = {.set_uid = true,
					     .uid = NOBODY,
					     .set_gid = true,
					     .gid = NOBODY};
		char err[256];
		if (caps_drop_supervisor(&cfg, err, sizeof(err)))
			_exit(1);
		uid_t r, e, sv;
		gid_t gr, ge, gs;
		if (getresuid(&r, &e, &sv) < 0 || getresgid(&gr, &ge, &gs) < 0)
			_exit(2);
		if (caps_left() != 0)
			_exit(3);
		if (r != 0 || e != NOBODY || sv != NOBODY)
			_exit(4);
		if (gr != NOBODY || ge != NOBODY || gs != NOBODY)
			_exit(5);
		_exit(0);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

/* Without the jail, as the binary does by default: everything dropped,
 * read back. */
static void test_caps_drop_default(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sandbox_config cfg = {0};
		char err[256];
		if (caps_drop_all(&cfg, err, sizeof(err)))
			tu_child_exit(1);
		tu_child_exit(caps_left() == 0 && getuid() == 0 ? 0 : 2);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jail_steps),
	    cmocka_unit_test(test_jail_errors_name_the_step),
	    cmocka_unit_test(test_jail_step_faults),
	    cmocka_unit_test(test_jail_spawn_faults),
	    cmocka_unit_test(test_prepare_faults),
	    cmocka_unit_test(test_netns_error),
	    cmocka_unit_test(test_netns_join),
	    cmocka_unit_test(test_caps_drop_default),
	    cmocka_unit_test(test_check_dir),
	    cmocka_unit_test(test_caps_drop_supervisor),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
