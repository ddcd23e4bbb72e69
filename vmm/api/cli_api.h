/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API's command-line options (docs/api.md), parsed into struct
 * vm_config by vmm/app/cli.c: --api-sock PATH, --config-file, --no-api
 * and the other process flags Firecracker's clients pass (--id, --level,
 * --log-path, --metrics-path, --boot-timer). Pure parsing (vmm_core).
 */
#ifndef VMM_API_CLI_API_H
#define VMM_API_CLI_API_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

/* Firecracker's default instance id. */
#define CLI_API_DEFAULT_ID "anonymous-instance"
/* sun_path holds 108 bytes with the NUL. */
#define CLI_API_SOCK_MAX 107

/* --api-sock PATH: 1 to CLI_API_SOCK_MAX bytes. 0, or -EINVAL with one
 * line in err. */
int cli_api_sock(struct vm_config *cfg, const char *v, char *err,
		 size_t errlen);

/* --id ID: 1 to 64 of A-Z, a-z, 0-9 and '-', as Firecracker's. */
int cli_api_id(struct vm_config *cfg, const char *v, char *err, size_t errlen);

/* --config-file FILE: a non-empty path. 0, or -EINVAL with one line. */
int cli_api_config_file(struct vm_config *cfg, const char *v, char *err,
			size_t errlen);

/* --no-api (takes no value): only with --config-file, as Firecracker. */
int cli_api_no_api(struct vm_config *cfg, const char *v, char *err,
		   size_t errlen);

/* A Firecracker log level name, any case (Off, Error, Warning, Info,
 * Debug, Trace; Trace is vmm's debug), into *out: whether it is one. */
bool cli_api_level_name(const char *name, enum log_level *out);

/* --level: such a name, as --log sets the level. */
int cli_api_level(struct vm_config *cfg, const char *v, char *err,
		  size_t errlen);

/* --log-path FILE, --metrics-path FILE: non-empty paths (opened later:
 * the log by main, the metrics file with the VM's other outputs). */
int cli_api_log_path(struct vm_config *cfg, const char *v, char *err,
		     size_t errlen);
int cli_api_metrics_path(struct vm_config *cfg, const char *v, char *err,
			 size_t errlen);

/* --metrics-interval S: a metrics line every S seconds (1 .. 3600;
 * default 60, Firecracker's period). */
int cli_api_metrics_interval(struct vm_config *cfg, const char *v, char *err,
			     size_t errlen);

/* --boot-timer (no value): accepted for Firecracker's clients; vmm has no
 * boot-timer device yet, and main says so at start-up. */
int cli_api_boot_timer(struct vm_config *cfg, const char *v, char *err,
		       size_t errlen);

/* With --api-sock or --config-file, after every option: the API or the
 * file configures the VM, so --kernel, --initrd, --disk, --net and
 * --record are refused, and so are --jail, --uid and --gid (not
 * supported with the API yet); --no-api needs --config-file, and the
 * two ways of configuring do not mix yet (--config-file with
 * --api-sock). 0, or -EINVAL with one line in err. */
int cli_api_check(const struct vm_config *cfg, char *err,
		  size_t errlen) VMM_WUR;

#define CLI_API_OPTS                                                           \
	{"api-sock", true, cli_api_sock}, {"id", true, cli_api_id},            \
	    {"config-file", true, cli_api_config_file},                        \
	    {"no-api", false, cli_api_no_api}, {"level", true, cli_api_level}, \
	    {"log-path", true, cli_api_log_path},                              \
	    {"metrics-path", true, cli_api_metrics_path},                      \
	    {"metrics-interval", true, cli_api_metrics_interval},              \
	{                                                                      \
		"boot-timer", false, cli_api_boot_timer                        \
	}

#define CLI_API_USAGE                                                          \
	"  --api-sock PATH       serve Firecracker's HTTP API on a unix\n"     \
	"                        socket and boot what it configures\n"         \
	"                        (docs/api.md)\n"                              \
	"  --id ID               the API's instance id (default\n"             \
	"                        " CLI_API_DEFAULT_ID ")\n"                    \
	"  --config-file FILE    boot the VM Firecracker's JSON "              \
	"configuration\n"                                                      \
	"                        file describes, at once (docs/api.md)\n"      \
	"  --no-api              with --config-file: no API socket\n"          \
	"  --level LEVEL         Firecracker's name for --log: Off, Error,\n"  \
	"                        Warning, Info, Debug or Trace\n"              \
	"  --log-path FILE       write the log to FILE (or a FIFO with a\n"    \
	"                        reader) instead of stderr; never blocks\n"    \
	"  --metrics-path FILE   with the API: where FlushMetrics writes\n"    \
	"                        (as PUT /metrics)\n"                          \
	"  --metrics-interval S  a metrics line every S seconds (default\n"    \
	"                        60) and one when the VM stops\n"              \
	"  --boot-timer          accepted for Firecracker's clients; no\n"     \
	"                        effect yet\n"

#endif
