/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Privileges: switching to --uid/--gid, dropping every capability, and
 * no_new_privs (libcap). Capabilities are per thread: call these while
 * the process has one thread, so that every later thread inherits the
 * result.
 */
#ifndef VMM_SANDBOX_CAPS_H
#define VMM_SANDBOX_CAPS_H

#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

/* Bits of caps_left(). */
#define CAPS_EFFECTIVE	 (1u << 0)
#define CAPS_PERMITTED	 (1u << 1)
#define CAPS_INHERITABLE (1u << 2)
#define CAPS_AMBIENT	 (1u << 3)
#define CAPS_BOUNDING	 (1u << 4)
#define CAPS_NO_NNP	 (1u << 5) /* no_new_privs is not set */

/* In this order: empty the bounding set (needs CAP_SETPCAP; a process
 * without any capability skips it, as it cannot drop them and can never
 * use them: no_new_privs and the filters forbid execve), clear the
 * ambient set, switch groups/gid/uid as cfg asks (setgroups, setresgid,
 * setresuid), empty the effective, permitted and inheritable sets, set
 * no_new_privs. 0, or -errno with one line in err naming the step. */
int caps_drop_all(const struct sandbox_config *cfg, char *err,
		  size_t errlen) VMM_WUR;

/* caps_drop_all for the --jail supervisor (supervise.h), with one
 * difference: --uid N sets only its effective and saved uids to N and
 * leaves the real uid as it was. The supervisor must be able to signal
 * the jailed vmm both before and after the child switches to N, and
 * kill(2) needs the sender's real or effective uid to match the
 * target's (CAP_KILL is dropped): the real uid matches before, the
 * effective uid after. 0, or -errno with one line in err. */
int caps_drop_supervisor(const struct sandbox_config *cfg, char *err,
			 size_t errlen) VMM_WUR;

/* Read the calling thread's state back: the CAPS_* bits of what is not
 * empty (0: every set empty and no_new_privs set). */
unsigned caps_left(void);

/* caps_left() in words, e.g. "none" or "bounding, no_new_privs unset". */
void caps_describe(unsigned left, char *buf, size_t cap);

#endif
