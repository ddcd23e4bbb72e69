/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/sandbox/jail.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"

#define JAIL_NETNS_DIR "/run/netns/"
#define JAIL_HOSTNAME  "vmm"

/* Is entry `name` of DIR (fd) something the jail itself left there? */
static bool jail_own_entry(int fd, const char *name)
{
#if defined(__SANITIZE_ADDRESS__)
	/* jail_pivot's /proc mount point, empty outside the jail. */
	struct stat st;
	return strcmp(name, "proc") == 0 &&
	       fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode) && st.st_nlink == 2;
#else
	(void)fd;
	(void)name;
	return false;
#endif
}

int jail_check_dir(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errmsg(err, errlen, -errno, "--jail %s: %s", dir,
			      strerror(errno));
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return errmsg(err, errlen, -e, "--jail %s: %s", dir,
			      strerror(e));
	}
	int r = 0;
	while (!r) {
		errno = 0;
		const struct dirent *de = readdir(d);
		if (!de) {
			if (errno)
				r = errmsg(err, errlen, -errno,
					   "--jail %s: reading it: %s", dir,
					   strerror(errno));
			break;
		}
		const char *n = de->d_name;
		if (strcmp(n, ".") && strcmp(n, "..") && !jail_own_entry(fd, n))
			r = errmsg(
			    err, errlen, -ENOTEMPTY,
			    "--jail %s: directory is not empty (it holds "
			    "'%.64s'; the jail's root must be an empty "
			    "directory)",
			    dir, n);
	}
	closedir(d);
	return r;
}

int jail_close_fds(int first, char *err, size_t errlen)
{
	if (close_range((unsigned)first, ~0U, 0) == 0)
		return 0;
	return errmsg(err, errlen, -errno, "--jail: closing inherited fds: %s",
		      strerror(errno));
}

int jail_join_netns(const char *name, char *err, size_t errlen)
{
	char path[sizeof(JAIL_NETNS_DIR) + NAME_MAX];
	int n = snprintf(path, sizeof(path), JAIL_NETNS_DIR "%s", name);
	if (n < 0 || (size_t)n >= sizeof(path) || strchr(name, '/'))
		return errmsg(err, errlen, -EINVAL, "--netns %s: bad name",
			      name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errmsg(err, errlen, -errno, "--netns %s: %s: %s", name,
			      path, strerror(errno));
	int r = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	if (r)
		return errmsg(err, errlen, r, "--netns %s: setns: %s%s", name,
			      strerror(-r),
			      r == -EPERM ? " (joining needs root)" : "");
	return 0;
}

static int jail_unshare_error(const char *what, int e, char *err, size_t errlen)
{
	return errmsg(err, errlen, -e, "--jail: unshare (%s): %s%s", what,
		      strerror(e), e == EPERM ? " (the jail needs root)" : "");
}

int jail_spawn(pid_t *child, char *err, size_t errlen)
{
	/* The caller's own pid namespace, for its later children (such as
	 * LeakSanitizer's helper at exit): once pid 1 of the new one exits,
	 * that one takes no more processes. */
	int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (unshare(CLONE_NEWPID) < 0) {
		int e = errno;
		if (own >= 0)
			close(own);
		return jail_unshare_error("pid namespace", e, err, errlen);
	}
	pid_t p = fork();
	int e = errno;
	if (p != 0 && own >= 0 && setns(own, CLONE_NEWPID) < 0)
		log_warn("--jail: back to our own pid namespace: %s",
			 strerror(errno));
	if (own >= 0)
		close(own);
	if (p < 0)
		return errmsg(err, errlen, -e, "--jail: fork: %s", strerror(e));
	*child = p;
	/* A VM outlives no supervisor: if the parent dies (a SIGKILL, a
	 * crash), the kernel kills the jailed vmm, whose pid namespace then
	 * ends. SIGKILL, since pid 1 of a namespace ignores signals it has
	 * no handler for. (The parent is outside the child's pid namespace,
	 * so the child cannot check that it is still there: a parent killed
	 * in the instant before this call is not covered.) */
	if (p == 0 && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return errmsg(err, errlen, -errno, "--jail: PR_SET_PDEATHSIG: %s",
			      strerror(errno));
	if (p == 0 && unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
		return jail_unshare_error("mount, ipc, uts namespaces", errno,
					  err, errlen);
	return 0;
}

/* One mount(2) step; names it on failure. */
static int jail_mount(const char *dir, const char *step, const char *src,
		      const char *dst, unsigned long flags, char *err,
		      size_t errlen)
{
	if (mount(src, dst, NULL, flags, NULL) == 0)
		return 0;
	return errmsg(err, errlen, -errno, "--jail %s: %s: %s", dir, step,
		      strerror(errno));
}

int jail_pivot(const char *dir, char *err, size_t errlen)
{
	int r = jail_mount(dir, "making mounts private", NULL, "/",
			   MS_REC | MS_PRIVATE, err, errlen);
	if (!r)
		r = jail_mount(dir, "bind-mounting it on itself", dir, dir,
			       MS_BIND | MS_REC, err, errlen);
	if (r)
		return r;
	if (chdir(dir) < 0)
		return errmsg(err, errlen, -errno, "--jail %s: chdir: %s", dir,
			      strerror(errno));
	/* pivot_root(".", "."): the old root ends up stacked on the new
	 * one at "/", and is detached next. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return errmsg(err, errlen, -errno, "--jail %s: pivot_root: %s",
			      dir, strerror(errno));
	if (umount2(".", MNT_DETACH) < 0)
		return errmsg(err, errlen, -errno,
			      "--jail %s: detaching the old root: %s", dir,
			      strerror(errno));
	if (chdir("/") < 0)
		return errmsg(err, errlen, -errno, "--jail %s: chdir /: %s",
			      dir, strerror(errno));
#if defined(__SANITIZE_ADDRESS__)
	/* Sanitizer builds only: LeakSanitizer's check at exit reads
	 * /proc/1/task. A proc of the new pid namespace shows only the
	 * jail; DIR/proc is created if missing. */
	if ((mkdir("/proc", 0555) < 0 && errno != EEXIST) ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return errmsg(err, errlen, -errno,
			      "--jail %s: mounting /proc (sanitizer build): %s",
			      dir, strerror(errno));
#endif
	return jail_mount(dir, "remounting it read-only", NULL, "/",
			  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
			      MS_NODEV | MS_NOEXEC,
			  err, errlen);
}

int jail_limits(char *err, size_t errlen)
{
	if (sethostname(JAIL_HOSTNAME, strlen(JAIL_HOSTNAME)) < 0)
		return errmsg(err, errlen, -errno, "--jail: sethostname: %s",
			      strerror(errno));
	struct rlimit nofile = {.rlim_cur = JAIL_NOFILE,
				.rlim_max = JAIL_NOFILE};
	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0)
		return errmsg(err, errlen, -errno,
			      "--jail: setrlimit RLIMIT_NOFILE %d: %s",
			      JAIL_NOFILE, strerror(errno));
	if (clearenv() != 0)
		return errmsg(err, errlen, -ENOMEM,
			      "--jail: clearing the environment failed");
	return 0;
}
