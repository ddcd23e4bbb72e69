/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/sandbox/dialer.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/sandbox/filter.h"
#include "vmm/vm/vsock_dial.h"

#define DIALER_FD   3 /* its end of the pair, in the child */
#define DIALER_NAME "vmm-dialer"

/* In the child: keep fd as DIALER_FD and 0-2, close the rest. */
static int dialer_fds(int fd)
{
	if (fd != DIALER_FD && dup2(fd, DIALER_FD) < 0)
		return -1;
	return (int)syscall(SYS_close_range, DIALER_FD + 1, ~0u, 0);
}

/* The child, from fork to _exit: no allocation (the parent may have
 * threads), the filter compiled by the parent. */
static void __attribute__((noreturn))
dialer_child(const char *path, const struct filter_prog *prog, pid_t parent,
	     int fd)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent ||
	    dialer_fds(fd) < 0)
		_exit(1);
	prctl(PR_SET_NAME, DIALER_NAME);
	if (prog->insns &&
	    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || filter_load(prog)))
		_exit(1);
	vsock_dial_serve(DIALER_FD, path);
	_exit(0);
}

int dialer_start(const struct vm_config *cfg, struct vm_host *h, char *err,
		 size_t errlen)
{
	/* A vsock's guest connections; the API's PATCH /drives. */
	if (!cfg->vsock.on && !cfg->api_sock)
		return 0;
	/* The child's pid is not known yet: its filter's tgkill rule (the
	 * sanitizer runtimes') names this process, which it never signals. */
	pid_t parent = getpid();
	struct filter_prog prog = {0};
	char why[256];
	if (cfg->sandbox.seccomp != SANDBOX_SECCOMP_OFF &&
	    filter_build_dialer(cfg->sandbox.seccomp, parent, &prog, why,
				sizeof(why)))
		return errmsg(err, errlen, -EINVAL, "vsock dialer: %s", why);
	int sv[2];
	int r = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
	pid_t pid = r < 0 ? -1 : fork();
	if (pid == 0) {
		close(sv[0]);
		dialer_child(cfg->vsock.on ? cfg->vsock.uds_path : NULL, &prog,
			     parent, sv[1]);
	}
	int e = pid < 0 ? -errno : 0;
	filter_free(&prog);
	if (r >= 0)
		close(sv[1]);
	if (e) {
		if (r >= 0)
			close(sv[0]);
		return errmsg(err, errlen, e, "vsock dialer: %s", strerror(-e));
	}
	h->vsock_dial_fd = sv[0];
	return 0;
}
