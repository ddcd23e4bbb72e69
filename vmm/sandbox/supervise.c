/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/sandbox/supervise.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/sandbox/filter.h"
#include "vmm/sandbox/policy.h"
#include "vmm/sandbox/sigsys.h"
#include "vmm/vm/config.h"

/* no_new_privs, the SIGSYS handler, the supervisor's filter. 0, or
 * -errno with one line in err. */
static int supervise_lockdown(pid_t child, char *err, size_t errlen)
{
	/* Already set by caps_drop_supervisor; once more costs nothing
	 * and makes the filter loadable whoever calls. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errmsg(err, errlen, -errno, "setting no_new_privs: %s",
			      strerror(errno));
	struct filter_prog p;
	int r = filter_build_supervisor(SANDBOX_SECCOMP_ENFORCE, getpid(),
					child, &p, err, errlen);
	if (r)
		return r;
	if ((r = sigsys_install())) {
		errmsg(err, errlen, r, "seccomp: SIGSYS handler: %s",
		       strerror(-r));
	} else {
		sigsys_set_class(POLICY_SUPERVISOR);
		if ((r = filter_load(&p)))
			errmsg(err, errlen, r,
			       "seccomp: loading the " POLICY_SUPERVISOR
			       " filter: %s",
			       strerror(-r));
	}
	filter_free(&p); /* a small block: free makes no system call */
	return r;
}

/* The child is of no use without its supervisor: end it, and reap it so
 * that no orphan VM is left running. */
static void supervise_abandon(pid_t child)
{
	kill(child, SIGKILL);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The child's status, if it has ended: 1 and *status, else 0. */
static int supervise_reap(pid_t child, int *status)
{
	int ws;
	pid_t p;
	do
		p = waitpid(child, &ws, WNOHANG);
	while (p < 0 && errno == EINTR);
	if (p < 0) {
		fprintf(stderr, "vmm: --jail: waiting for the jailed vmm: %s\n",
			strerror(errno));
		*status = 1;
		return 1;
	}
	if (p == 0)
		return 0;
	if (WIFSIGNALED(ws)) {
		int sig = WTERMSIG(ws);
		fprintf(stderr,
			"vmm: --jail: the jailed vmm was killed by "
			"signal %d (%s)\n",
			sig, strsignal(sig));
		*status = 128 + sig;
	} else {
		*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 1;
	}
	return 1;
}

int supervise_child(pid_t child)
{
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGCHLD);
	int status = 1;
	int sfd = -1;
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) == 0)
		sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	int e = errno;
	char err[256];
	if (supervise_lockdown(child, err, sizeof(err))) {
		fprintf(stderr, "vmm: --jail: the supervisor: %s\n", err);
		if (sfd >= 0)
			close(sfd);
		supervise_abandon(child);
		return 1;
	}
	if (sfd < 0) {
		/* Cannot forward: still wait, so the status is right. */
		fprintf(stderr, "vmm: --jail: signal forwarding: %s\n",
			strerror(e));
		int ws = 0;
		pid_t p;
		while ((p = waitpid(child, &ws, 0)) < 0 && errno == EINTR)
			;
		if (p != child)
			return 1;
		return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	}
	/* SIGCHLD may have come before the signalfd existed: look first. */
	while (!supervise_reap(child, &status)) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si)) {
			if (n < 0 && errno == EINTR)
				continue;
			/* Cannot read signals any more: just wait. */
			int ws = 0;
			if (waitpid(child, &ws, 0) == child)
				status = WIFEXITED(ws) ? WEXITSTATUS(ws)
						       : 128 + WTERMSIG(ws);
			break;
		}
		if (si.ssi_signo != SIGCHLD)
			kill(child, (int)si.ssi_signo);
	}
	close(sfd);
	return status;
}
