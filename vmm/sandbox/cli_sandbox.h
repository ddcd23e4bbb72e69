/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sandbox's command-line options, parsed into cfg->sandbox. Pure
 * parsing (part of vmm_core, like vmm/app/cli.c, which calls these from its
 * option table): no I/O, nothing is checked on the host here.
 *
 * Each returns 0, or -EINVAL with one line in err naming the option.
 */
#ifndef VMM_SANDBOX_CLI_SANDBOX_H
#define VMM_SANDBOX_CLI_SANDBOX_H

#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

/* --seccomp enforce|log|errno|off */
int cli_sandbox_seccomp(struct vm_config *c, const char *v, char *e,
			size_t n) VMM_WUR;
/* --jail DIR (non-empty) */
int cli_sandbox_jail(struct vm_config *c, const char *v, char *e,
		     size_t n) VMM_WUR;
/* --netns NAME (a file name under /run/netns: no '/', not . or ..) */
int cli_sandbox_netns(struct vm_config *c, const char *v, char *e,
		      size_t n) VMM_WUR;
/* --uid N, --gid N (decimal, 0 to 4294967294) */
int cli_sandbox_uid(struct vm_config *c, const char *v, char *e,
		    size_t n) VMM_WUR;
int cli_sandbox_gid(struct vm_config *c, const char *v, char *e,
		    size_t n) VMM_WUR;

/* After every option is parsed: the options that only make sense
 * together. --uid needs --gid and --gid needs --uid: alone, either
 * would leave vmm running with the other id still 0 (root's group, or
 * root itself), silently. */
int cli_sandbox_check(const struct vm_config *c, char *e, size_t n) VMM_WUR;

/* clang-format off */
/* The entries of vmm/app/cli.c's option table for these options. */
#define CLI_SANDBOX_OPTS                                                      \
	{"seccomp", true, cli_sandbox_seccomp},                               \
	{"jail", true, cli_sandbox_jail},                                     \
	{"netns", true, cli_sandbox_netns},                                   \
	{"uid", true, cli_sandbox_uid},                                       \
	{"gid", true, cli_sandbox_gid}

/* The --help lines for these options. */
#define CLI_SANDBOX_USAGE                                                     \
	"  --seccomp MODE        per-thread syscall filters: enforce\n"       \
	"                        (default: a forbidden call is named on\n"    \
	"                        stderr and kills vmm), log (allowed, the\n"  \
	"                        kernel logs it), errno (fails with EPERM),\n"\
	"                        off\n"                                       \
	"  --jail DIR            run in new mount, pid, ipc and uts\n"        \
	"                        namespaces with DIR (read-only) as root;\n"  \
	"                        needs root. Images, disks, taps and\n"       \
	"                        /dev/kvm are opened before, by path\n"       \
	"  --netns NAME          join the network namespace /run/netns/NAME\n"\
	"                        before opening the taps\n"                   \
	"  --uid N, --gid N      switch to this user and group before\n"      \
	"                        dropping every capability (always done);\n"\
	"                        give both or neither\n"
/* clang-format on */

#endif
