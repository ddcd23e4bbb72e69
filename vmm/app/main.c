/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vmm binary: parse the command line, then run the VM it describes
 * (launch.h), or with --api-sock serve Firecracker's API and run the VM
 * the API configures (vmm/api/api_main.h), or replay a trace.
 *
 * Process-wide concerns live here and in launch.c, not in vmm_core: the
 * standard fds, the terminal mode and its restoration on any exit,
 * SIGPIPE, the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/accel.h"
#include "backends/replay/replay_accel.h"
#include "vmm/api/api_file.h"
#include "vmm/api/api_main.h"
#include "vmm/app/cli.h"
#include "vmm/app/launch.h"
#include "vmm/app/logfile.h"
#include "vmm/base/log.h"
#include "vmm/replay/replay.h"
#include "vmm/sandbox/sandbox.h"
#include "vmm/vm/vm.h"

/* fds 0-2 that are closed are opened on /dev/null before anything else is
 * opened: otherwise the first image or disk opened would become stdout or
 * stderr, and guest output or log lines would overwrite it. 0 or -errno. */
static int std_fds_open(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free fd: this one, as the lower ones are open. */
		int n =
		    open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
		if (n < 0)
			return -errno;
		if (n != fd) {
			close(n);
			return -EBADF;
		}
	}
	return 0;
}

/* --config-file FILE: the VM Firecracker's JSON file describes, booted
 * as the command line would boot it. */
static int main_config_file(const struct vm_config *cfg,
			    const struct accel_ops *accel, struct sandbox *sb)
{
	char err[512];
	struct api_config *ac = calloc(1, sizeof(*ac));
	if (!ac) {
		log_error("out of memory");
		return VM_STATUS_ERROR;
	}
	api_config_init(ac, cfg);
	int status = VM_STATUS_ERROR;
	if (api_file_load(ac, cfg->config_file, err, sizeof(err)))
		log_error("%s", err);
	else
		status = launch_run(&ac->cfg, accel, sb, NULL);
	free(ac);
	return status;
}

int main(int argc, char **argv)
{
	struct vm_config cfg;
	char err[512];

	if (std_fds_open() != 0)
		return VM_STATUS_ERROR; /* stderr may be closed: say nothing */
	if (cli_parse(argc, argv, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "vmm: %s\n", err);
		return VM_STATUS_USAGE;
	}
	if (cfg.help) {
		cli_usage(stdout);
		return VM_STATUS_OK;
	}
	if (cfg.version) {
		printf("vmm %s\n", VMM_VERSION);
		return VM_STATUS_OK;
	}
	log_set_level(cfg.log_level);
	if (cfg.log_path &&
	    logfile_redirect("--log-path", cfg.log_path, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		return VM_STATUS_USAGE;
	}
	if (cfg.boot_timer)
		log_info("--boot-timer: vmm has no boot-timer device yet; the "
			 "option has no effect");

	const struct accel_ops *accel = accel_find(cfg.accel);
	if (!accel) {
		fprintf(stderr,
			"vmm: --accel: unknown backend '%s' (this build has: "
			"%s)\n",
			cfg.accel, accel_names());
		return VM_STATUS_USAGE;
	}
	/* No guest CPU: the replay engine drives the devices from a trace. */
	if (accel == &replay_accel_ops)
		return replay_main(&cfg);

	/* The sandbox (docs/security.md): its first steps come before
	 * anything is opened. */
	struct sandbox sb;
	sandbox_init(&sb, &cfg.sandbox);
	if (sandbox_prepare(&sb, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return VM_STATUS_ERROR;
	}
	int status = cfg.api_sock      ? api_main(&cfg, accel, &sb)
		     : cfg.config_file ? main_config_file(&cfg, accel, &sb)
				       : launch_run(&cfg, accel, &sb, NULL);
	sandbox_destroy(&sb);
	return status;
}
