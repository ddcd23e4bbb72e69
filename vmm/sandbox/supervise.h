/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parent side of --jail: the jailed vmm is the first child in a new
 * pid namespace (pid 1 there); the process that started it stays outside,
 * forwards SIGINT, SIGTERM and SIGHUP to it, and ends with its status.
 *
 * It needs almost nothing, and keeps almost nothing: sandbox_jail has
 * already dropped its capabilities and switched its ids
 * (caps_drop_supervisor), and supervise_child loads its own seccomp
 * filter (policy.c's supervisor table) before it waits.
 */
#ifndef VMM_SANDBOX_SUPERVISE_H
#define VMM_SANDBOX_SUPERVISE_H

#include <sys/types.h>

/* Block SIGINT, SIGTERM, SIGHUP and SIGCHLD and read them from a
 * signalfd (no handler, no global state); set no_new_privs, install the
 * SIGSYS handler and load the supervisor's filter, always enforced
 * (whatever --seccomp says: a call it does not allow is named on stderr
 * and kills the supervisor); then wait for `child`, forwarding those
 * signals to it. From then on the caller may only restore the terminal
 * and exit. Returns the child's exit status, 128+N if signal N killed it
 * (with one line on stderr), or 1 if waiting failed, or if the filter
 * could not be loaded (one line on stderr; the child is killed and
 * reaped first). */
int supervise_child(pid_t child);

#endif
