/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The jail's steps and the capability drop, in forked children (root
 * only: skipped otherwise). After jail_spawn + jail_pivot + jail_limits +
 * caps_drop_all the child is pid 1, sees only DIR (read-only), has every
 * capability set empty as libcap reads them back, no_new_privs, the
 * asked uid and gid, RLIMIT_NOFILE, its own hostname, no environment, and
 * no stray fds. Each step's failure names the step. DIR must be an
 * empty directory. The supervisor's drop leaves no capability and keeps
 * only its real uid.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

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
	seen = mmap(NULL, sizeof(*seen), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(seen != MAP_FAILED);
	return 0;
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
	rmdir(dir);
	munmap(seen, sizeof(*seen));
	return 0;
}

/* In the jail (pid 1): the rest of the steps, then look around. */
static void jailed(const char *root, bool expect_fail)
{
	int r = jail_pivot(root, seen->err, sizeof(seen->err));
	if (!r)
		r = jail_limits(seen->err, sizeof(seen->err));
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

/* Fork a child that runs the steps in order (root = the jail's DIR).
 * Returns false when this host cannot make namespaces (skip). */
static bool run_jail(const char *root, bool expect_fail)
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
			_exit(2);
		pid_t child;
		int r = jail_spawn(&child, seen->err, sizeof(seen->err));
		if (r) {
			seen->step_rc = r;
			_exit(r == -EPERM ? 3 : 2);
		}
		if (child == 0)
			jailed(root, expect_fail);
		int ws;
		if (waitpid(child, &ws, 0) != child || !WIFEXITED(ws))
			_exit(2);
		_exit(WEXITSTATUS(ws));
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	if (WEXITSTATUS(ws) == 3)
		return false;
	assert_int_equal(WEXITSTATUS(ws), 0);
	return true;
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

static void test_netns_error(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(jail_join_netns("vmm-no-such-ns", err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "--netns vmm-no-such-ns: "
				 "/run/netns/vmm-no-such-ns: No such file or "
				 "directory");
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
 * effective and saved uids switched, the real uid kept. */
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
			_exit(1);
		_exit(caps_left() == 0 && getuid() == 0 ? 0 : 2);
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
	    cmocka_unit_test(test_netns_error),
	    cmocka_unit_test(test_caps_drop_default),
	    cmocka_unit_test(test_check_dir),
	    cmocka_unit_test(test_caps_drop_supervisor),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
