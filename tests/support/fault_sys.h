/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fault injection at the system call boundary, for tests: a seccomp
 * filter that makes chosen calls fail with a chosen errno, below any
 * library (libcap, glibc), so that the code under test meets the failure
 * exactly as the kernel would report it. Everything else passes.
 *
 * A filter cannot be removed: install it in a forked child. It needs
 * CAP_SYS_ADMIN (root) or no_new_privs; the sandbox tests run as root.
 */
#ifndef VMM_TESTS_FAULT_SYS_H
#define VMM_TESTS_FAULT_SYS_H

#include <stddef.h>
#include <stdint.h>

/* Call `nr` fails with `err` when each of its first `nargs` argument
 * checks holds: argument args[i].idx equals args[i].val, compared on
 * the low 32 bits (flags, commands, fds and ids: int arguments whose
 * upper register half the kernel does not look at either). */
struct fault_sys {
	long nr;
	int err;
	unsigned nargs; /* 0, 1 or 2 */
	struct {
		unsigned idx;
		uint64_t val;
	} args[2];
};

/* Initializers: any arguments, one argument, two arguments. */
#define FAULT(n, e)                                                            \
	{                                                                      \
		.nr = (n), .err = (e)                                          \
	}
#define FAULT1(n, e, i, v)                                                     \
	{                                                                      \
		.nr = (n), .err = (e), .nargs = 1, .args = { {(i), (v)} }      \
	}
#define FAULT2(n, e, i, v, j, w)                                               \
	{                                                                      \
		.nr = (n), .err = (e), .nargs = 2, .args = {                   \
			{(i), (v)},                                            \
			{(j), (w)}                                             \
		}                                                              \
	}

/* Load a filter on the calling thread (its later threads and children
 * inherit it) that makes each of the n calls in `f` fail as described.
 * 0, or -errno (-EINVAL for a bad entry). */
int fault_sys_install(const struct fault_sys *f, size_t n);

#endif
