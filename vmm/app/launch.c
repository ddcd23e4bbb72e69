/* SPDX-License-Identifier: Apache-2.0 */
/*
 * launch_run (launch.h): main.c's path from the host files to the last
 * VM, shared by the command line and the API. Process-wide concerns of
 * the binary live here: the terminal mode and its restoration on any
 * exit, SIGPIPE.
 */
#include "vmm/app/launch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/api/api_metrics.h"
#include "vmm/app/restart.h"
#include "vmm/base/clock.h"
#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"
#include "vmm/sandbox/dialer.h"
#include "vmm/sandbox/supervise.h"
#include "vmm/trace/record.h"
#include "vmm/vm/host.h"
#include "vmm/vm/snap_load.h"
#include "vmm/vm/vm_pause.h"
#include "vmm/vm/vm_state.h"

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

/* Installed with SA_RESETHAND: the disposition is already the default
 * one here, so no thread needs rt_sigaction under its seccomp filter. */
static void tty_fatal_signal(int sig)
{
	tty_restore();
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
	struct sigaction sa = {.sa_handler = tty_fatal_signal,
			       .sa_flags = SA_RESETHAND};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
}

/* --jail, the parent: the child owns the VM's fds now; keep the
 * terminal, forward signals, and end with the child's status. */
static int launch_supervise(pid_t child, const struct accel_ops *accel,
			    struct vm_host *host)
{
	bool raw = host->console_escape;
	if (accel->sys_close)
		accel->sys_close(host->accel_sys);
	host_close(host);
	if (raw)
		tty_make_raw();
	int status = supervise_child(child);
	tty_restore();
	return status;
}

/* vm_host.tick: the periodic metrics line (and, called once more after
 * vm_run, the last one). A line the file does not take is counted in the
 * next one's lost_metrics and logged (rate-limited: a stalled reader
 * would repeat it). */
static void launch_metrics_tick(void *opaque, struct vm *vm)
{
	struct log_limit *lim = opaque;
	char fault[256];
	if (api_metrics_flush(vm, "metrics", fault, sizeof(fault)))
		log_limited(lim, LOG_WARN, "%s", fault);
}

/* A failure before the first vm_run: logged, and told to the hooks. */
static void launch_failed(const struct launch_hooks *hooks, const char *err)
{
	if (err[0])
		log_error("%s", err);
	if (hooks && hooks->started)
		hooks->started(hooks->opaque, NULL, -EIO, err);
}

/* A failure in the VM loop: before the first vm_run, as launch_failed;
 * after it (a restart), logged only. */
static void launch_fail_in_loop(const struct launch_hooks *hooks, bool ran,
				const char *err)
{
	if (!ran)
		launch_failed(hooks, err);
	else if (err[0])
		log_error("%s", err);
}

static int launch_host(struct vm_config *cfg, const struct accel_ops *accel,
		       struct sandbox *sb, const struct launch_hooks *hooks,
		       struct vm_host *host, struct file_ids *ids,
		       struct snap_load *snap);

/* --restore, after vm_create: the snapshot's state into the new VM (its
 * RAM is mapped already), paused if asked. The state file is not needed
 * after. 0, or -errno with one line in err. */
static int launch_restore(const struct vm_config *cfg, struct vm *vm,
			  struct snap_load *snap, char *err, size_t errlen)
{
	if (!cfg->restore.on)
		return 0;
	if (!snap->buf)
		return errmsg(err, errlen, -EINVAL,
			      "--restore %s: restored once already (a restored "
			      "VM cannot be booted again)",
			      cfg->restore.state);
	struct st_reader r = snap->vmst;
	int e = vm_state_restore(vm, &r);
	snap_load_close(snap);
	if (!e)
		vm_state_kick_queues_later(vm);
	if (e)
		return errmsg(err, errlen, e,
			      "--restore %s: the VM state does not restore "
			      "on this host (%s; see the log above)",
			      cfg->restore.state, strerror(-e));
	log_info("restored %s (guest RAM from %s)%s", cfg->restore.state,
		 cfg->restore.mem, cfg->restore.paused ? ", paused" : "");
	/* Paused: its vCPUs park before their first instruction. */
	if (cfg->restore.paused && (e = vm_pause(vm)))
		return errmsg(err, errlen, e, "pausing the restored VM: %s",
			      strerror(-e));
	return 0;
}

int launch_run(struct vm_config *cfg, const struct accel_ops *accel,
	       struct sandbox *sb, const struct launch_hooks *hooks)
{
	char err[512];
	/* The sandbox's steps (docs/security.md) come before and after the
	 * host files are opened, and after the first VM is built. */
	struct vm_host host;
	struct file_ids ids;
	/* --restore: the snapshot's machine, before anything is opened. */
	struct snap_load snap = {.ram.fd = -1};
	if (cfg->restore.on && cfg->on_reset == RESET_RESTART) {
		launch_failed(hooks, "a restored snapshot cannot restart on a "
				     "guest reset (--on-reset restart): it "
				     "has no kernel to boot again");
		return VM_STATUS_ERROR;
	}
	if (cfg->restore.on &&
	    snap_load_open(cfg, &snap, err, sizeof(err)) != 0) {
		launch_failed(hooks, err);
		return VM_STATUS_ERROR;
	}
	if (host_open(cfg, &host, &ids, err, sizeof(err)) != 0) {
		launch_failed(hooks, err);
		snap_load_close(&snap);
		return VM_STATUS_ERROR;
	}
	if (cfg->restore.on)
		host.ram_file = &snap.ram;
	int status = launch_host(cfg, accel, sb, hooks, &host, &ids, &snap);
	snap_load_close(&snap);
	return status;
}

/* launch_run once the host files are open: the recorder, the jail, and
 * the VM loop. */
static int launch_host(struct vm_config *cfg, const struct accel_ops *accel,
		       struct sandbox *sb, const struct launch_hooks *hooks,
		       struct vm_host *host, struct file_ids *ids,
		       struct snap_load *snap)
{
	char err[512];
	/* Before the jail and the filters: it connects for the vsock. */
	if (dialer_start(cfg, host, err, sizeof(err)) != 0) {
		launch_failed(hooks, err);
		host_close(host);
		return VM_STATUS_ERROR;
	}
	/* One limiter for guest-triggered messages, shared by restarts. */
	struct log_limit guest_log;
	if (log_limit_init(&guest_log, LOG_LIMIT_BURST, LOG_LIMIT_PERIOD_MS)) {
		launch_failed(hooks, "out of memory");
		host_close(host);
		return VM_STATUS_ERROR;
	}
	host->guest_log = &guest_log;
	if (host->metrics_fd >= 0) {
		host->tick = launch_metrics_tick;
		host->tick_opaque = &guest_log;
		host->tick_ms = cfg->metrics_interval_s * 1000u;
	}
	/* --record: the trace file, and the taps behind the recorder. */
	struct recorder *rec = NULL;
	if (cfg->record && record_open(&rec, cfg->record, cfg, host, ids, err,
				       sizeof(err)) != 0) {
		launch_failed(hooks, err);
		record_close(rec);
		host_close(host);
		return VM_STATUS_ERROR;
	}
	/* /dev/kvm once for the process: a restart under the filters, or
	 * in the jail, opens nothing. */
	if (accel->sys_open && accel->sys_open(&host->accel_sys) != 0) {
		launch_failed(hooks, ""); /* the backend said why */
		host_close(host);
		return VM_STATUS_ERROR;
	}
	pid_t child;
	if (sandbox_jail(sb, &child, err, sizeof(err)) != 0) {
		launch_failed(hooks, err);
		if (accel->sys_close)
			accel->sys_close(host->accel_sys);
		host_close(host);
		return VM_STATUS_ERROR;
	}
	if (child > 0)
		return launch_supervise(child, accel, host);
	host->thread_hook = sandbox_thread_hook;
	host->thread_hook_opaque = sb;
	/* A closed console reader must not kill the VMM: writes then fail
	 * with EPIPE and serial output is dropped. */
	signal(SIGPIPE, SIG_IGN);

	struct vm *vm = vm_alloc();
	if (!vm) {
		launch_failed(hooks, "out of memory");
		host_close(host);
		return VM_STATUS_ERROR;
	}
	/* Jailed, the parent owns the terminal. */
	if (host->console_escape && !cfg->sandbox.jail)
		tty_make_raw();

	struct restart_policy restarts;
	restart_init(&restarts, cfg->restart_max);
	int status;
	bool ran = false; /* a vm_run has started */
	for (;;) {
		err[0] = '\0';
		if (vm_create(vm, cfg, accel, host, err, sizeof(err)) != 0 ||
		    launch_restore(cfg, vm, snap, err, sizeof(err)) != 0) {
			launch_fail_in_loop(hooks, ran, err);
			vm_destroy(vm);
			status = VM_STATUS_ERROR;
			break;
		}
		/* Every check has passed: the outputs may be emptied now
		 * (outfile.h), once, before the sandbox forbids it. */
		if (!sb->locked &&
		    host_commit_outputs(host, err, sizeof(err))) {
			launch_fail_in_loop(hooks, ran, err);
			vm_destroy(vm);
			status = VM_STATUS_ERROR;
			break;
		}
		/* The images are in guest RAM now. Only a restart reloads
		 * them; otherwise their copies (a vmlinux is tens of MiB)
		 * would stay resident for the whole run. */
		if (cfg->on_reset != RESET_RESTART)
			host_drop_images(host);
		if (rec && record_start(rec, vm, err, sizeof(err)) != 0) {
			launch_fail_in_loop(hooks, ran, err);
			vm_destroy(vm);
			status = VM_STATUS_ERROR;
			break;
		}
		if (!sb->locked) {
			/* Everything open, first VM built, and no thread
			 * but this one (and the API's, sandboxed already). */
			if (sandbox_lockdown(sb, err, sizeof(err)) != 0) {
				launch_fail_in_loop(hooks, ran, err);
				vm_destroy(vm);
				status = VM_STATUS_ERROR;
				break;
			}
			char what[256];
			sandbox_describe(sb, what, sizeof(what));
			log_info("%s", what);
		}
		if (hooks && hooks->started)
			hooks->started(hooks->opaque, vm, 0, "");
		ran = true;
		uint64_t t0 = clock_mono_ms();
		status = vm_run(vm);
		/* The last metrics line: nothing counted is lost on stop. */
		if (host->tick)
			host->tick(host->tick_opaque, vm);
		if (hooks && hooks->stopped)
			hooks->stopped(hooks->opaque, vm);
		if (rec && record_finish(rec, vm, err, sizeof(err)) != 0) {
			log_error("%s", err);
			status = VM_STATUS_ERROR;
		}
		enum vm_stop_reason why = vm_stop_reason(vm);
		int sig = vm_signal_seen(vm);
		/* PATCH /drives may have replaced images: those are what a
		 * restart boots and host_close closes. */
		for (unsigned k = 0; k < cfg->ndisks; k++)
			host->disk_fds[k] = vm_disk_fd(vm, k);
		vm_destroy(vm);
		if (why == VM_STOP_RESET && cfg->on_reset == RESET_RESTART) {
			if (sig) {
				/* The user's stop outranks the guest's reset.
				 */
				status = 128 + sig;
				break;
			}
			long wait =
			    restart_next(&restarts, clock_mono_ms() - t0);
			if (wait < 0) {
				log_error(
				    "the guest reset %u times in a row, each "
				    "within %d s of booting; giving up "
				    "(--restart-max %u)",
				    restarts.rapid,
				    CONFIG_RESTART_QUICK_MS / 1000,
				    cfg->restart_max);
				status = VM_STATUS_RESET;
				break;
			}
			log_info(
			    "guest reset; restarting in %ld ms (--on-reset "
			    "restart)",
			    wait);
			/* SIGINT/SIGTERM are not blocked here: they end vmm
			 * during the wait, as while a VM is built. */
			if (wait)
				poll(NULL, 0, (int)wait);
			continue;
		}
		break;
	}
	log_limit_destroy(&guest_log);
	tty_restore();
	vm_free(vm);
	record_close(rec);
	if (accel->sys_close)
		accel->sys_close(host->accel_sys);
	host_close(host);
	return status;
}
