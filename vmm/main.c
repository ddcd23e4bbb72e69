/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vmm binary: parse the command line, read the images, set up the
 * console, and run the VM (again, after a reset with --on-reset restart).
 *
 * Process-wide concerns live here, not in vmm_core: the terminal mode and
 * its restoration on any exit, SIGPIPE, the exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "backends/accel.h"
#include "vmm/cli.h"
#include "vmm/host.h"
#include "vmm/log.h"
#include "vmm/vm.h"

/* The terminal as we found it; restored on every exit path, including
 * fatal signals. Process state of the binary only. */
static struct termios saved_tty;
static volatile sig_atomic_t tty_raw;

static void tty_restore(void)
{
	if (tty_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
		tty_raw = 0;
	}
}

static void tty_fatal_signal(int sig)
{
	tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Raw input for the guest; output processing kept so "\n" still starts a
 * new line, as QEMU does. */
static void tty_make_raw(void)
{
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return;
	struct termios t = saved_tty;
	cfmakeraw(&t);
	t.c_oflag = saved_tty.c_oflag;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return;
	tty_raw = 1;
	atexit(tty_restore);
	/* vm_run turns SIGINT/SIGTERM/SIGHUP into a clean stop while a VM
	 * runs; outside it (while a VM is built) they end the process, and
	 * the terminal must come back first. */
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE,  SIGILL, SIGABRT,
				    SIGQUIT, SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		signal(fatal[i], tty_fatal_signal);
}

int main(int argc, char **argv)
{
	struct vm_config cfg;
	char err[512];

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

	const struct accel_ops *accel = accel_find(cfg.accel);
	if (!accel) {
		fprintf(stderr,
			"vmm: --accel: unknown backend '%s' (this build has: "
			"%s)\n",
			cfg.accel, accel_names());
		return VM_STATUS_USAGE;
	}

	struct vm_host host;
	if (host_open(&cfg, &host, err, sizeof(err)) != 0) {
		fprintf(stderr, "vmm: %s\n", err);
		return VM_STATUS_ERROR;
	}
	/* A closed console reader must not kill the VMM: writes then fail
	 * with EPIPE and serial output is dropped. */
	signal(SIGPIPE, SIG_IGN);

	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm) {
		fprintf(stderr, "vmm: out of memory\n");
		host_close(&host);
		return VM_STATUS_ERROR;
	}
	if (host.console_escape)
		tty_make_raw();

	int status;
	for (;;) {
		if (vm_create(vm, &cfg, accel, &host, err, sizeof(err)) != 0) {
			if (err[0])
				log_error("%s", err);
			vm_destroy(vm);
			status = VM_STATUS_ERROR;
			break;
		}
		status = vm_run(vm);
		enum vm_stop_reason why = vm_stop_reason(vm);
		vm_destroy(vm);
		if (why == VM_STOP_RESET && cfg.on_reset == RESET_RESTART) {
			log_info("guest reset; restarting (--on-reset restart)");
			continue;
		}
		break;
	}
	tty_restore();
	free(vm);
	host_close(&host);
	return status;
}
