/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SIGSYS handler of --seccomp enforce. A filter's default action is
 * SECCOMP_RET_TRAP: the forbidden call does not run, the kernel sends
 * SIGSYS, and this handler prints one line naming the call (name,
 * number, first arguments) and the thread class, then makes the process
 * die of SIGSYS (see sigsys.c for how, even as pid 1 of a namespace).
 *
 * The thread class lives in a _Thread_local (the one piece of mutable
 * state outside struct vm; a signal handler has no other way to find
 * it): each thread names itself when it installs its filter.
 */
#ifndef VMM_SANDBOX_SIGSYS_H
#define VMM_SANDBOX_SIGSYS_H

#include <stddef.h>

#include "vmm/base/compiler.h"

/* The call the handler makes to die (see sigsys.c): it must be on
 * policy_never and in no rule at all. */
#define SIGSYS_DIE_CALL "kcmp"

/* Install the handler (process-wide). Call before the first filter is
 * loaded: afterwards rt_sigaction on SIGSYS is itself forbidden, so the
 * handler cannot be replaced. 0 or -errno. */
int sigsys_install(void) VMM_WUR;

/* Name the calling thread's class for the message ("control", "vcpu",
 * "io"; a string that lives forever). Threads that never call it are
 * "inherited": they run only a filter they inherited. */
void sigsys_set_class(const char *name);

/* The x86-64 system call `nr` by name ("ioctl"), or NULL when unknown.
 * Async-signal-safe (a table generated from <asm/unistd_64.h>). */
const char *sigsys_name(long nr);

/* The handler's message for call nr with its first three arguments, in
 * buf (cap bytes, NUL-terminated, truncated to fit). Returns the length.
 * Async-signal-safe. */
size_t sigsys_format(char *buf, size_t cap, long nr, const char *cls,
		     const unsigned long args[3]);

#endif
