/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/api/api_main.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <jansson.h>

#include "vmm/api/api_file.h"
#include "vmm/api/api_server.h"
#include "vmm/api/api_sock.h"
#include "vmm/app/launch.h"
#include "vmm/app/logfile.h"
#include "vmm/base/log.h"
#include "vmm/vm/vm_pause.h"
#include "vmm/vm/vm_snapshot.h"

/* What the API thread and the control thread share, under lock. */
struct api_main {
	struct api_state st; /* the API thread's only */
	struct api_server srv;
	struct sandbox *sb;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int wake_fd; /* eventfd: an InstanceStart for the control thread */
	/* InstanceStart: the API thread's request and its result. */
	struct vm_config boot; /* a copy of the pending config to boot */
	bool start_asked, start_done;
	/* InstanceStarts asked so far: which request an answer is for (the
	 * client may ask again as soon as it has one). */
	unsigned start_seq;
	int start_r;
	char start_fault[API_FAULT_MAX];
	struct vm *vm; /* the running VM, or NULL */
	bool from_file; /* --config-file: booted at once, no second try */
};

/* api_ops.start, on the API thread: hand the config to the control
 * thread and wait until the VM runs or failed to. */
static int api_main_start(void *opaque, const struct api_config *ac,
			  char *fault, size_t cap)
{
	struct api_main *m = opaque;
	pthread_mutex_lock(&m->lock);
	m->boot = ac->cfg;
	m->start_asked = true;
	m->start_done = false;
	m->start_seq++;
	uint64_t one = 1;
	if (write(m->wake_fd, &one, sizeof(one)) != sizeof(one)) {
		m->start_asked = false;
		pthread_mutex_unlock(&m->lock);
		snprintf(fault, cap, "InstanceStart: %s", strerror(errno));
		return -EIO;
	}
	while (!m->start_done)
		pthread_cond_wait(&m->cond, &m->lock);
	int r = m->start_r;
	snprintf(fault, cap, "%s: %s",
		 ac->cfg.restore.on ? "snapshot/load" : "InstanceStart",
		 m->start_fault);
	pthread_mutex_unlock(&m->lock);
	return r;
}

/* Under m->lock: the running VM, once a boot under way (the config
 * file's, which the API reports Running from the start) is over, so that
 * requests on the VM see it running or failed, never half built; or NULL
 * with "WHAT: the microVM is not running" in fault (what NULL: no
 * prefix). */
static struct vm *api_main_vm(struct api_main *m, const char *what, char *fault,
			      size_t cap)
{
	while (m->start_asked && !m->start_done)
		pthread_cond_wait(&m->cond, &m->lock);
	if (!m->vm)
		snprintf(fault, cap, "%s%sthe microVM is not running",
			 what ? what : "", what ? ": " : "");
	return m->vm;
}

/* api_ops.pause, on the API thread. */
static int api_main_pause(void *opaque, bool pause, char *fault, size_t cap)
{
	struct api_main *m = opaque;
	int r = 0;
	pthread_mutex_lock(&m->lock);
	struct vm *vm = api_main_vm(m, "vm", fault, cap);
	if (!vm) {
		r = -ESRCH;
	} else if (pause) {
		r = vm_pause(vm);
		if (r == -EALREADY)
			r = 0; /* Firecracker: pausing a paused VM is fine */
		else if (r)
			snprintf(fault, cap, "vm: pause: %s",
				 r == -ECANCELED ? "the microVM stopped"
						 : strerror(-r));
	} else {
		vm_resume(vm);
	}
	pthread_mutex_unlock(&m->lock);
	return r;
}

/* api_ops.ctrl_alt_del, on the API thread. */
static int api_main_ctrl_alt_del(void *opaque, char *fault, size_t cap)
{
	struct api_main *m = opaque;
	pthread_mutex_lock(&m->lock);
	struct vm *vm = api_main_vm(m, "SendCtrlAltDel", fault, cap);
	int r = vm ? vm_send_ctrl_alt_del(vm) : -ESRCH;
	if (vm && r)
		snprintf(fault, cap, "SendCtrlAltDel: %s",
			 r == -ENOSPC ? "the i8042 keyboard's buffer is full "
					"(the guest does not read its keyboard)"
			 : r == -ENOTSUP   ? "this machine has no keyboard "
					     "(aarch64: the guest powers off "
					     "through PSCI)"
			 : r == -ECANCELED ? "the microVM stopped"
					   : strerror(-r));
	pthread_mutex_unlock(&m->lock);
	return r;
}

/* api_ops.patch_drive, on the API thread: the control thread does the
 * work (vm_drive_replace). */
static int api_main_patch_drive(void *opaque, unsigned index, const char *path,
				char *fault, size_t cap)
{
	struct api_main *m = opaque;
	pthread_mutex_lock(&m->lock);
	struct vm *vm = api_main_vm(m, NULL, fault, cap);
	int r = vm ? vm_drive_replace(vm, index, path, fault, cap) : -ESRCH;
	pthread_mutex_unlock(&m->lock);
	if (!r)
		log_info("api: drive %u now on %s", index, path);
	return r;
}

/* api_ops.snapshot_create, on the API thread: the control thread saves
 * the paused VM (vm_snapshot_create). */
static int api_main_snapshot_create(void *opaque, const char *state_path,
				    const char *mem_path, char *fault,
				    size_t cap)
{
	struct api_main *m = opaque;
	pthread_mutex_lock(&m->lock);
	struct vm *vm = api_main_vm(m, NULL, fault, cap);
	int r = vm ? vm_snapshot_create(vm, state_path, mem_path, fault, cap)
		   : -ESRCH;
	pthread_mutex_unlock(&m->lock);
	if (!r)
		log_info("api: snapshot taken: %s, %s", state_path, mem_path);
	return r;
}

/* api_ops.flush_metrics, on the API thread: one line, written whole or
 * not at all (a FIFO whose reader stalls gets EAGAIN: the line is lost,
 * the VM is not held up). */
static int api_main_flush_metrics(void *opaque, char *fault, size_t cap)
{
	struct api_main *m = opaque;
	pthread_mutex_lock(&m->lock);
	struct vm *vm = api_main_vm(m, "FlushMetrics", fault, cap);
	int r = vm ? api_metrics_flush(vm, "FlushMetrics", fault, cap) : -ESRCH;
	pthread_mutex_unlock(&m->lock);
	return r;
}

/* Under m->lock: answer the InstanceStart under way, if not yet. */
static void api_main_answer(struct api_main *m, int r, const char *err)
{
	if (m->start_asked && !m->start_done) {
		m->start_r = r;
		snprintf(m->start_fault, sizeof(m->start_fault), "%s",
			 r ? (err[0] ? err
				     : "the VM did not start (see the "
				       "log)")
			   : "");
		m->start_done = true;
		pthread_cond_broadcast(&m->cond);
	}
}

/* launch_hooks.started, on the control thread. */
static void api_main_started(void *opaque, struct vm *vm, int r,
			     const char *err)
{
	struct api_main *m = opaque;
	pthread_mutex_lock(&m->lock);
	m->vm = vm;
	api_main_answer(m, r, err);
	pthread_mutex_unlock(&m->lock);
}

/* On the control thread, once request `seq` is over (its VM, if any,
 * gone): answer it with r and err if nothing has (launch_run's hooks
 * answer first), and end it; a request asked since is left to the next
 * round, untouched. Whether request seq booted. */
static bool api_main_done(struct api_main *m, unsigned seq, int r,
			  const char *err)
{
	pthread_mutex_lock(&m->lock);
	m->vm = NULL;
	if (m->start_seq == seq) {
		api_main_answer(m, r, err);
		m->start_asked = false;
	}
	bool booted = m->start_r == 0;
	pthread_mutex_unlock(&m->lock);
	return booted;
}

/* launch_hooks.stopped, on the control thread. */
static void api_main_stopped(void *opaque, struct vm *vm)
{
	struct api_main *m = opaque;
	(void)vm;
	pthread_mutex_lock(&m->lock);
	m->vm = NULL;
	pthread_mutex_unlock(&m->lock);
}

/* The API thread's start: its sandbox, before the first request. */
static int api_main_thread_init(void *opaque)
{
	struct api_main *m = opaque;
	char err[256];
	int r = sandbox_api_thread(m->sb, err, sizeof(err));
	if (r)
		log_error("%s", err);
	return r;
}

/* Wait for an InstanceStart (0) or a stop signal (its number). */
static int api_main_wait(struct api_main *m, int sig_fd)
{
	struct pollfd p[2] = {{.fd = sig_fd, .events = POLLIN},
			      {.fd = m->wake_fd, .events = POLLIN}};
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				return (int)si.ssi_signo;
		}
		if (p[1].revents & POLLIN) {
			uint64_t v;
			if (read(m->wake_fd, &v, sizeof(v)) == sizeof(v))
				return 0;
		}
	}
}

/* --config-file with --api-sock: the file is the pending configuration,
 * booted at once as if an InstanceStart came (Firecracker's behaviour);
 * the API then serves the running VM. 0, or -errno (logged). Before the
 * API thread starts. */
static int api_main_boot_file(struct api_main *m, const char *path)
{
	char err[512];
	pthread_mutex_lock(&m->lock);
	int r = api_file_load(&m->st.pending, path, err, sizeof(err));
	if (!r) {
		m->boot = m->st.pending.cfg;
		m->st.vm_state = API_RUNNING;
		m->start_asked = true;
		m->start_done = false;
		m->start_seq++;
		m->from_file = true;
		uint64_t one = 1;
		if (write(m->wake_fd, &one, sizeof(one)) != sizeof(one)) {
			r = -errno;
			snprintf(err, sizeof(err), "--config-file: %s",
				 strerror(errno));
		}
	}
	pthread_mutex_unlock(&m->lock);
	if (r)
		log_error("%s", err);
	return r;
}

/* InstanceStart: the pending logger settings (api_logger.h), log_path
 * first (a path that cannot be opened changes nothing). 0, or -errno
 * with one line in err. Before the sandbox is locked down. */
static int api_main_logger(const struct vm_config *cfg, char *err,
			   size_t errlen)
{
	if (cfg->log_path) {
		int r = logfile_redirect("logger: log_path", cfg->log_path, err,
					 errlen);
		if (r)
			return r;
	}
	log_set_level(cfg->log_level);
	log_set_show_level(cfg->log_show_level);
	return 0;
}

/* After the API is up: wait, boot, run. The exit status. */
static int api_main_serve(struct api_main *m, const struct accel_ops *accel,
			  int sig_fd)
{
	const struct launch_hooks hooks = {.started = api_main_started,
					   .stopped = api_main_stopped,
					   .opaque = m};
	for (;;) {
		int sig = api_main_wait(m, sig_fd);
		if (sig > 0)
			return 128 + sig;
		if (sig < 0) {
			log_error("api: waiting for InstanceStart: %s",
				  strerror(-sig));
			return VM_STATUS_ERROR;
		}
		pthread_mutex_lock(&m->lock);
		struct vm_config cfg = m->boot;
		unsigned seq = m->start_seq;
		pthread_mutex_unlock(&m->lock);
		/* PUT /logger: where the log goes from this boot on. */
		char lerr[API_FAULT_MAX];
		int lr = api_main_logger(&cfg, lerr, sizeof(lerr));
		if (lr) {
			log_error("%s", lerr);
			api_main_done(m, seq, lr, lerr);
			if (m->from_file)
				return VM_STATUS_ERROR;
			continue;
		}
		/* launch_run's own signal handling takes over while a VM
		 * runs (vm_run's signalfd). */
		int status = launch_run(&cfg, accel, m->sb, &hooks);
		/* Every path of launch_run reports to the hooks; this is
		 * in case one did not. */
		bool booted =
		    api_main_done(m, seq, -EIO, "the VM did not start");
		/* A boot that failed before the sandbox was locked down
		 * (a missing kernel, a bad disk) can be fixed and retried,
		 * as Firecracker allows; after that, vmm exits. */
		if (booted || m->sb->locked || m->from_file)
			return status;
	}
}

int api_main(const struct vm_config *cfg, const struct accel_ops *accel,
	     struct sandbox *sb)
{
	struct api_main *m = calloc(1, sizeof(*m));
	char err[512];
	int fd, status = VM_STATUS_ERROR;
	if (!m) {
		log_error("out of memory");
		return VM_STATUS_ERROR;
	}
	m->sb = sb;
	m->wake_fd = -1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	const struct api_ops ops = {.start = api_main_start,
				    .pause = api_main_pause,
				    .flush_metrics = api_main_flush_metrics,
				    .ctrl_alt_del = api_main_ctrl_alt_del,
				    .patch_drive = api_main_patch_drive,
				    .snapshot_create = api_main_snapshot_create,
				    .opaque = m};
	api_route_init(&m->st, cfg, cfg->id, &ops);
	/* jansson seeds its hash function from /dev/urandom at its first
	 * object: here, not on the API thread, whose filter has no open. */
	json_object_seed(0);
	/* INT/TERM/HUP blocked before the API thread exists, so that it
	 * inherits the mask and they come to the control thread. */
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	signal(SIGPIPE, SIG_IGN);
	int sig_fd = signalfd(-1, &stop, SFD_CLOEXEC);
	m->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (sig_fd < 0 || m->wake_fd < 0) {
		log_error("api: %s", strerror(errno));
		goto out;
	}
	/* The file, before the API thread exists (its state is that
	 * thread's once it runs). */
	if (cfg->config_file && api_main_boot_file(m, cfg->config_file))
		goto out;
	if (api_sock_open(cfg->api_sock, &fd, err, sizeof(err)) ||
	    sandbox_api_prepare(sb, err, sizeof(err)) ||
	    api_server_start(&m->srv, fd, &m->st, api_main_thread_init, m, err,
			     sizeof(err))) {
		log_error("%s", err);
		goto out;
	}
	log_info("api: listening on %s", cfg->api_sock);
	status = api_main_serve(m, accel, sig_fd);
	api_server_stop(&m->srv);
out:
	if (sig_fd >= 0)
		close(sig_fd);
	if (m->wake_fd >= 0)
		close(m->wake_fd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
	free(m);
	return status;
}
