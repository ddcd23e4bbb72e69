/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command-line parsing into struct vm_config. Pure: no I/O, no globals,
 * no getopt, so it is unit-tested and fuzzed directly.
 */
#ifndef VMM_CLI_H
#define VMM_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

/* Fill *cfg from argv[1..argc). Options take "--opt VALUE" or
 * "--opt=VALUE". Returns 0 (cfg->help / cfg->version may be set, in which
 * case required options are not checked) or -EINVAL with a one-line
 * message in err naming the option and what is wrong with it. */
int cli_parse(int argc, char *const argv[], struct vm_config *cfg, char *err,
	      size_t errlen) VMM_WUR;

/* Defaults for every field (what cli_parse starts from). */
void cli_defaults(struct vm_config *cfg);

/* Print the --help text. */
void cli_usage(FILE *out);

#endif
