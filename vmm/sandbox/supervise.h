/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parent side of --jail: the jailed vmm is the first child in a new
 * pid namespace (pid 1 there); the process that started it stays outside,
 * forwards SIGINT, SIGTERM and SIGHUP to it, and ends with its status.
 */
#ifndef VMM_SANDBOX_SUPERVISE_H
#define VMM_SANDBOX_SUPERVISE_H

#include <sys/types.h>

/* Wait for `child`, forwarding SIGINT, SIGTERM and SIGHUP to it (they
 * are blocked in the caller and read from a signalfd: no handler, no
 * global state). Returns the child's exit status, 128+N if signal N
 * killed it (with one line on stderr), or 1 if waiting failed. */
int supervise_child(pid_t child);

#endif
