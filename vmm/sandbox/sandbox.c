/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/sandbox/sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "vmm/base/errmsg.h"
#include "vmm/base/gcov.h"
#include "vmm/base/log.h"
#include "vmm/sandbox/caps.h"
#include "vmm/sandbox/filter.h"
#include "vmm/sandbox/filter_pre.h"
#include "vmm/sandbox/jail.h"
#include "vmm/sandbox/policy.h"
#include "vmm/sandbox/sigsys.h"

static const char *const sandbox_modes[] = {
    [SANDBOX_SECCOMP_ENFORCE] = "enforce",
    [SANDBOX_SECCOMP_LOG] = "log",
    [SANDBOX_SECCOMP_ERRNO] = "errno",
    [SANDBOX_SECCOMP_OFF] = "off",
};

void sandbox_init(struct sandbox *sb, const struct sandbox_config *cfg)
{
	memset(sb, 0, sizeof(*sb));
	sb->cfg = cfg;
}

int sandbox_prepare(struct sandbox *sb, char *err, size_t errlen)
{
	int r = 0;
	/* glibc loads the time zone (opens /etc/localtime) the first time
	 * any time conversion runs, gmtime_r included: the RTC's, on a vCPU
	 * thread, under a filter without openat. Load it now. */
	tzset();
	if (sb->cfg->seccomp == SANDBOX_SECCOMP_OFF)
		log_warn("warning: --seccomp off: no system call filters; a "
			 "guest that takes over a device model can make any "
			 "call the kernel lets vmm make (for debugging only)");
	/* Before anything is opened or created: DIR becomes the jailed
	 * vmm's root, and must hold nothing. */
	if (sb->cfg->jail && !(r = jail_check_dir(sb->cfg->jail, err, errlen)))
		r = jail_close_fds(STDERR_FILENO + 1, err, errlen);
	if (!r && sb->cfg->netns)
		r = jail_join_netns(sb->cfg->netns, err, errlen);
	return r;
}

/* Sanitizer builds only: LeakSanitizer's check at exit ptraces the
 * process from a helper task, which the supervisor's mixed uids (real 0,
 * effective --uid) forbid without CAP_SYS_PTRACE. Check the supervisor
 * now instead, while it still may; the exit check then does not run. */
static void sandbox_supervisor_leak_check(void)
{
#if defined(__SANITIZE_ADDRESS__)
	__lsan_do_leak_check();
#endif
}

int sandbox_jail(struct sandbox *sb, pid_t *child, char *err, size_t errlen)
{
	*child = 0;
	if (!sb->cfg->jail)
		return 0;
	int r = jail_spawn(child, err, errlen);
	if (r)
		return r;
	if (*child > 0) {
		/* The supervisor: every capability goes now, while it still
		 * knows --uid and --gid; supervise_child adds its filter. */
		sandbox_supervisor_leak_check();
		r = caps_drop_supervisor(sb->cfg, err, errlen);
		if (r) {
			kill(*child, SIGKILL);
			while (waitpid(*child, NULL, 0) < 0 && errno == EINTR)
				;
			*child = 0;
		}
		return r;
	}
	/* pid 1 of the new namespace: a signal it has no handler for is
	 * dropped unless blocked. Keep the ones vm_run turns into a stop
	 * blocked for good, so one that the parent forwards between two
	 * VMs (a restart) waits for the next vm_run. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	/* Coverage builds: the jail hides the build tree's .gcda files. */
	gcov_write_last();
	r = jail_pivot(sb->cfg->jail, err, errlen);
	if (!r)
		r = jail_limits(err, errlen);
	return r;
}

int sandbox_lockdown(struct sandbox *sb, char *err, size_t errlen)
{
	int r = caps_drop_all(sb->cfg, err, errlen);
	if (r)
		return r;
	sb->caps_left = caps_left();
	sb->uid = (unsigned)getuid();
	sb->gid = (unsigned)getgid();
	sb->pid = (int)getpid();
	enum sandbox_seccomp mode = sb->cfg->seccomp;
	sigsys_set_class(policy_class_name(VM_THREAD_CONTROL));
	if (mode == SANDBOX_SECCOMP_OFF) {
		sb->locked = true;
		return 0;
	}
	for (int c = VM_THREAD_CONTROL; c <= VM_THREAD_IO; c++) {
		/* Compiled at build time where it could be (filter_pre.h). */
		r = filter_pre_build((enum vm_thread_class)c, mode, sb->pid,
				     &sb->prog[c]);
		if (r == -ENOENT)
			r = filter_build((enum vm_thread_class)c, mode, sb->pid,
					 &sb->prog[c], err, errlen);
		else if (r)
			r = errmsg(err, errlen, r, "seccomp: %s", strerror(-r));
		if (r)
			return r;
	}
	if (mode == SANDBOX_SECCOMP_ENFORCE && (r = sigsys_install()))
		return errmsg(err, errlen, r, "seccomp: SIGSYS handler: %s",
			      strerror(-r));
	if ((r = filter_load(&sb->prog[VM_THREAD_CONTROL])))
		return errmsg(err, errlen, r,
			      "seccomp: loading the control filter: %s",
			      strerror(-r));
	sb->locked = true;
	return 0;
}

int sandbox_thread_hook(void *opaque, enum vm_thread_class cls)
{
	struct sandbox *sb = opaque;
	const char *name = policy_class_name(cls);
	sigsys_set_class(name);
	if (!sb->locked || sb->cfg->seccomp == SANDBOX_SECCOMP_OFF)
		return 0;
	int r = filter_load(&sb->prog[cls]);
	if (r)
		log_error("seccomp: loading the %s filter: %s", name,
			  strerror(-r));
	return r;
}

int sandbox_api_prepare(struct sandbox *sb, char *err, size_t errlen)
{
	enum sandbox_seccomp mode = sb->cfg->seccomp;
	if (mode == SANDBOX_SECCOMP_OFF)
		return 0;
	int r = filter_build_api(mode, getpid(), &sb->api, err, errlen);
	if (!r && mode == SANDBOX_SECCOMP_ENFORCE && (r = sigsys_install()))
		return errmsg(err, errlen, r, "seccomp: SIGSYS handler: %s",
			      strerror(-r));
	return r;
}

int sandbox_api_thread(struct sandbox *sb, char *err, size_t errlen)
{
	prctl(PR_SET_NAME, "vmm-api");
	sigsys_set_class(POLICY_API);
	/* Nothing to switch to: only this thread's privileges go. */
	const struct sandbox_config none = {.seccomp = sb->cfg->seccomp};
	int r = caps_drop_all(&none, err, errlen);
	if (r || sb->cfg->seccomp == SANDBOX_SECCOMP_OFF)
		return r;
	if ((r = filter_load(&sb->api)))
		return errmsg(err, errlen, r,
			      "seccomp: loading the api filter: %s",
			      strerror(-r));
	return 0;
}

void sandbox_describe(const struct sandbox *sb, char *buf, size_t cap)
{
	char caps[96];
	caps_describe(sb->caps_left, caps, sizeof(caps));
	snprintf(buf, cap,
		 "sandbox: seccomp %s, capabilities left: %s, uid %u, gid %u, "
		 "pid %d%s%s",
		 sandbox_modes[sb->cfg->seccomp], caps, sb->uid, sb->gid,
		 sb->pid, sb->cfg->jail ? ", jail " : "",
		 sb->cfg->jail ? sb->cfg->jail : "");
}

void sandbox_destroy(struct sandbox *sb)
{
	for (unsigned c = 0; c < ARRAY_SIZE(sb->prog); c++)
		filter_free(&sb->prog[c]);
	filter_free(&sb->api);
}
