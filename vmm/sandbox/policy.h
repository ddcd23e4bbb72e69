/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp allowlists, as data: which system calls each kind of thread
 * may make, with which arguments, and why. policy.c is the one place they
 * are written down (docs/security.md describes them, and a test keeps the
 * two in step); filter.c compiles them into BPF.
 *
 * Thread classes (enum vm_thread_class): the control thread (main, and
 * vm_run's loop), each vCPU thread, and the device I/O thread. Filters
 * are inherited by threads and stack, and the control thread creates the
 * vCPU and I/O threads (again on every --on-reset restart), so the
 * control thread's allowlist is every rule: its own, plus the vCPU and
 * I/O threads' (a thread that then adds its own filter can make only the
 * calls both allow, that is its own).
 *
 * A table of its own is the API thread's (--api-sock), which starts
 * before the lockdown and inherits nothing (policy_api_rules).
 *
 * A fourth table is for another process: the supervisor, the parent that
 * --jail leaves outside the namespaces (supervise.h). It only waits for
 * the jailed vmm, forwards signals to it and restores the terminal, and
 * its allowlist is just that.
 */
#ifndef VMM_SANDBOX_POLICY_H
#define VMM_SANDBOX_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/vm/vm.h"

/* Which threads a rule is written for: a mask of bits 1 << class. */
#define POLICY_C (1u << VM_THREAD_CONTROL)
#define POLICY_V (1u << VM_THREAD_VCPU)
#define POLICY_I (1u << VM_THREAD_IO)
/* The supervisor's rules (policy_supervisor_rules) and only those. */
#define POLICY_S (1u << 3)

/* The API thread's rules (policy_api_rules) and only those. */
#define POLICY_A (1u << 4)

/* The supervisor's name in messages and tables. */
#define POLICY_SUPERVISOR "supervisor"
/* The vsock dialer's rules (policy_dialer_rules) and only those. */
#define POLICY_D (1u << 5)
/* The dialer's name in messages and tables. */
#define POLICY_DIALER "dialer"

/* The API thread's class name (messages, tables, the thread's name). */
#define POLICY_API "api"

/* How a rule looks at one argument (a 64-bit register). Comparisons of
 * int-sized arguments (ioctl requests, commands, signals, pids) use the
 * low 32 bits only: the kernel ignores the rest, so must the filter. */
enum policy_cmp {
	POLICY_ANY,	/* any arguments */
	POLICY_EQ,	/* (arg & 0xffffffff) == val */
	POLICY_NOBITS,	/* (arg & val) == 0: none of these flags */
	POLICY_ALLBITS, /* (arg & val) == val: all of these flags */
	POLICY_SELF,	/* (arg & 0xffffffff) == this process's pid */
	POLICY_CHILD,	/* (arg & 0xffffffff) == the jailed vmm's pid (the
			 * supervisor's rules only) */
	POLICY_ENOSYS,	/* not allowed: fails with ENOSYS (so that glibc
			 * falls back to a call the filter can check) */
};

struct policy_rule {
	const char *sys;  /* the system call, as libseccomp names it */
	unsigned classes; /* POLICY_C | POLICY_V | POLICY_I, or POLICY_S */
	enum policy_cmp cmp;
	unsigned arg;	      /* which argument (0-5) cmp looks at */
	uint64_t val;	      /* the value or flags compared */
	const char *val_name; /* val as written in the source ("KVM_RUN") */
	const char *why;      /* one line */
};

/* The normal policy: every rule, in the order policy.c lists them. */
const struct policy_rule *policy_rules(size_t *n);

/* The rules added in sanitizer builds only: the ASan and LSan
 * runtimes' own calls, kept apart so that the normal policy is not
 * weakened. Listed in every build (for the docs and the lint). */
const struct policy_rule *policy_sanitizer_rules(size_t *n);

/* The supervisor's allowlist: a process of one thread that waits,
 * forwards signals and restores the terminal. */
const struct policy_rule *policy_supervisor_rules(size_t *n);

/* The API thread's allowlist (--api-sock): a thread that starts before
 * the lockdown, so that its filter stacks on no other and the control
 * thread's has none of its rows. It accepts connections on the
 * listening socket it was given, reads requests and writes responses,
 * and pauses the VM through the vm_pause locks. */
const struct policy_rule *policy_api_rules(size_t *n);

/* The vsock dialer's allowlist (vmm/sandbox/dialer.h): a process of one
 * thread that reads a port, connects a unix socket to PATH_PORT and sends
 * it back. The only rules with socket and connect: policy_never's
 * network entries hold for vmm, and the dialer is not vmm. */
const struct policy_rule *policy_dialer_rules(size_t *n);

/* The rules the virtio device types ask for (vdev_type.syscalls in
 * devices/virtio/vdev_type.h): each of their calls, with any arguments, on
 * the vCPU and I/O threads (which do device work), with the type's reason.
 * Fills out, in table order, and returns the count (at most the max: the
 * lint test fails a table that would need more). A device declares what
 * it needs in its own file, and the filters add it. */
#define POLICY_DEVICE_RULES_MAX 32
size_t policy_device_rules(struct policy_rule out[POLICY_DEVICE_RULES_MAX]);

/* Is this a test build, AddressSanitizer or coverage (the sanitizer
 * rules loaded)? */
bool policy_sanitizer_build(void);

/* Does rule r apply to threads of class cls? (Every rule applies to the
 * control thread.) */
bool policy_applies(const struct policy_rule *r, enum vm_thread_class cls);

/* "control", "vcpu", "io". */
const char *policy_class_name(enum vm_thread_class cls);

/* A system call that no allowlist may contain (the lint test's list:
 * code execution, other processes, the kernel's own state, new files
 * and sockets), except, for the few with `except` other than POLICY_ANY,
 * in exactly one form: a rule with that cmp on argument `arg` against
 * `val` (prctl only to name the calling thread, kill only from the
 * supervisor to the jailed vmm). */
struct policy_never_entry {
	const char *sys;
	enum policy_cmp except; /* POLICY_ANY: no form is allowed */
	unsigned arg;
	uint64_t val;
	const char *val_name; /* val as written in the source */
};

/* The list; the last entry's sys is NULL. */
extern const struct policy_never_entry policy_never[];

/* The entry of policy_never that rule r breaks (r allows its call in a
 * form other than the entry's exception), or NULL. */
const struct policy_never_entry *
policy_never_broken(const struct policy_rule *r);

#endif
