/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiling a thread class's allowlist (policy.h) into a classic BPF
 * seccomp program with libseccomp, and loading one on the calling thread.
 *
 * Programs are compiled up front, by the control thread while it may
 * still do anything; a vCPU or I/O thread then only loads its program
 * (one seccomp(2) call, which the control thread's filter allows), so it
 * needs neither libseccomp's allocations nor prctl.
 */
#ifndef VMM_SANDBOX_FILTER_H
#define VMM_SANDBOX_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <sys/types.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"
#include "vmm/vm/vm.h"

struct filter_prog {
	struct sock_filter *insns; /* malloc'd; NULL when not built */
	unsigned short len;
};

/* Compile the allowlist of class cls for mode (not OFF). A call not
 * allowed gets: ENFORCE SECCOMP_RET_TRAP (sigsys.h), LOG
 * SECCOMP_RET_LOG, ERRNO EPERM. Another architecture's calls kill the
 * process. `self` is the pid that tgkill may target (this process).
 * 0, or -errno with one line in err. */
int filter_build(enum vm_thread_class cls, enum sandbox_seccomp mode,
		 pid_t self, struct filter_prog *out, char *err,
		 size_t errlen) VMM_WUR;

/* Compile the --jail supervisor's allowlist (policy_supervisor_rules;
 * in test builds with the sanitizer rules and the control thread's,
 * which their runtimes need) for mode (not OFF), as filter_build does.
 * `self` is the supervisor's pid (tgkill: raise), `child` the jailed
 * vmm's (wait4 and kill). 0, or -errno with one line in err. */
int filter_build_supervisor(enum sandbox_seccomp mode, pid_t self, pid_t child,
			    struct filter_prog *out, char *err,
			    size_t errlen) VMM_WUR;

/* Compile the API thread's allowlist (policy_api_rules; in test builds
 * with the sanitizer rules of the control thread, which the runtimes
 * need) for mode (not OFF), as filter_build does. 0, or -errno with one
 * line in err. */
int filter_build_api(enum sandbox_seccomp mode, pid_t self,
		     struct filter_prog *out, char *err, size_t errlen) VMM_WUR;

/* Compile the vsock dialer's allowlist (policy_dialer_rules; in test
 * builds with the sanitizer rules of the control thread) for mode (not
 * OFF), as filter_build does. 0, or -errno with one line in err. */
int filter_build_dialer(enum sandbox_seccomp mode, pid_t self,
			struct filter_prog *out, char *err,
			size_t errlen) VMM_WUR;

/* Load p on the calling thread (and the threads it creates from now
 * on). no_new_privs must be set, or the caller must have
 * CAP_SYS_ADMIN. 0 or -errno. */
int filter_load(const struct filter_prog *p) VMM_WUR;

/* Free p's program. Safe on a zeroed or freed one. */
void filter_free(struct filter_prog *p);

#endif
