/* SPDX-License-Identifier: Apache-2.0 */
/* The command line's --restore (vmm/app/cli.c's table). */
#ifndef VMM_APP_CLI_RESTORE_H
#define VMM_APP_CLI_RESTORE_H

#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

/* --restore STATE,mem=MEM into cfg->restore (once). 0, or -EINVAL with
 * one line in err. */
int cli_restore(struct vm_config *cfg, const char *v, char *err,
		size_t errlen) VMM_WUR;

/* After parsing, with --restore: what it cannot be combined with (the
 * options that define the machine, which the snapshot does; --record,
 * --on-reset restart, the API's options). 0, or -EINVAL with one line. */
int cli_restore_check(const struct vm_config *cfg, char *err,
		      size_t errlen) VMM_WUR;

#define CLI_RESTORE_OPTS                                                       \
	{                                                                      \
		"restore", true, cli_restore                                   \
	}

#define CLI_RESTORE_USAGE                                                      \
	"  --restore STATE,mem=MEM\n"                                          \
	"                        resume a snapshot (the API's PUT\n"           \
	"                        /snapshot/create): the machine from its\n"    \
	"                        state file, guest RAM mapped from MEM;\n"     \
	"                        --disk, --net and --vsock give its devices\n" \
	"                        again (default: the paths it names)\n"        \
	"                        (docs/snapshot.md)\n"

#endif
