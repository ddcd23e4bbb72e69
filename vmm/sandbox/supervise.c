/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/sandbox/supervise.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

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
	if (sfd < 0) {
		/* Cannot forward: still wait, so the status is right. */
		fprintf(stderr, "vmm: --jail: signal forwarding: %s\n",
			strerror(errno));
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
