/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vm_run: start the vCPUs and serve the control loop on the calling
 * thread: signals, the stop request, and console input for COM1.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "vmm/base/clock.h"
#include "vmm/base/log.h"
#include "vmm/vm/escape.h"
#include "vmm/vm/vm_state.h"
#include "vmm/vm/vcpu.h"
#include "vmm/vm/vm_int.h"

#define RUN_INBUF 256

/* Console input read from the host but not yet taken by the UART. */
struct run_input {
	struct escape esc;
	uint8_t buf[2 * RUN_INBUF];
	size_t off, len;
	bool eof;
};

/* Read what the host typed and hand it to the UART as space allows. */
static void run_read_input(struct vm *vm, struct run_input *in)
{
	uint8_t raw[RUN_INBUF];
	ssize_t n = read(vm->host.serial_in_fd, raw, sizeof(raw));
	if (n < 0) {
		if (errno != EINTR && errno != EAGAIN) {
			log_warn("console input: %s; ignoring it from now on",
				 strerror(errno));
			in->eof = true;
		}
		return;
	}
	if (n == 0) {
		in->eof = true;
		return;
	}
	bool quit = false;
	if (vm->host.console_escape) {
		in->len =
		    escape_filter(&in->esc, raw, (size_t)n, in->buf, &quit);
	} else {
		memcpy(in->buf, raw, (size_t)n);
		in->len = (size_t)n;
	}
	in->off = 0;
	if (quit)
		vm_request_stop(vm, VM_STOP_QUIT, VM_STATUS_OK);
}

/* Input goes to the virtio console when there is one, else to COM1. */
static void run_push_input(struct vm *vm, struct run_input *in)
{
	if (in->off == in->len)
		return;
	if (vm->host.tracer)
		in->off += vm->host.tracer->ops->console_input(
		    vm->host.tracer->opaque, in->buf + in->off,
		    in->len - in->off);
	else
		in->off += vm_console_input(vm, in->buf + in->off,
					    in->len - in->off, NULL);
}

static void run_drain_eventfd(int fd)
{
	uint64_t v;
	ssize_t n = read(fd, &v, sizeof(v));
	(void)n; /* EAGAIN when already drained is fine */
}

/* Read one pending signal, if any: it stops the VM, and is remembered even
 * when another stop (a guest reset) already won, so that the caller does
 * not restart a VM the user asked to end. Returns false when none. */
static bool run_signal(struct vm *vm, int sfd)
{
	struct signalfd_siginfo si;
	if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return false;
	log_info("signal %u received; stopping the VM", si.ssi_signo);
	atomic_store(&vm->signal_seen, (int)si.ssi_signo);
	vm_request_stop(vm, VM_STOP_SIGNAL, 128 + (int)si.ssi_signo);
	return true;
}

/* The poll timeout until the host's next tick (-1: none), and the tick
 * itself when it is due (the next one a period later). */
static int run_tick(struct vm *vm, uint64_t *next)
{
	if (!vm->host.tick || !vm->host.tick_ms)
		return -1;
	uint64_t now = clock_mono_ms();
	if (!*next)
		*next = now + vm->host.tick_ms;
	if (now >= *next) {
		vm->host.tick(vm->host.tick_opaque, vm);
		*next = now + vm->host.tick_ms;
	}
	return (int)(*next - now);
}

static void run_loop(struct vm *vm, int sfd)
{
	struct run_input in = {.eof = vm->host.serial_in_fd < 0};
	uint64_t next_tick = 0;

	while (vm_stop_reason(vm) == VM_STOP_NONE) {
		/* After a restore: the queues' lost notifications. */
		vm_state_kick_due(vm);
		struct pollfd p[3] = {
		    {.fd = vm->wake_fd, .events = POLLIN},
		    {.fd = sfd, .events = POLLIN},
		    {.fd = -1, .events = POLLIN},
		};
		/* Read more input only when the last read is all taken:
		 * the UART's FIFO is the only buffer, so nothing is lost
		 * and a guest that never reads costs no CPU. */
		if (!in.eof && in.off == in.len)
			p[2].fd = vm->host.serial_in_fd;
		int timeout = run_tick(vm, &next_tick);
		if (vm_stop_reason(vm) != VM_STOP_NONE)
			break;
		if (poll(p, 3, timeout) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
			break;
		}
		if (p[1].revents & POLLIN)
			run_signal(vm, sfd);
		if (p[0].revents & POLLIN)
			run_drain_eventfd(vm->wake_fd);
		vm_ctl_serve(vm);
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			run_read_input(vm, &in);
		run_push_input(vm, &in);
	}
}

/* The I/O thread's first act: the host's thread hook (its sandbox). */
static int run_io_started(void *opaque)
{
	struct vm *vm = opaque;
	int r = vm->host.thread_hook(vm->host.thread_hook_opaque, VM_THREAD_IO);
	if (r)
		vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
	return r;
}

int vm_run(struct vm *vm)
{
	sigset_t sigs, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	int r = pthread_sigmask(SIG_BLOCK, &sigs, &old);
	bool masked = r == 0;
	int sfd = masked ? signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK) : -1;
	if (sfd < 0) {
		log_error("signal setup: %s", strerror(masked ? errno : r));
		vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
	}

	if (vm->host.thread_hook) {
		vm->io.on_start = run_io_started;
		vm->io.on_start_opaque = vm;
	}
	if (sfd >= 0 && (r = vm_virtio_start(vm))) {
		log_error("starting the I/O thread: %s", strerror(-r));
		vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
	} else if (sfd >= 0) {
		vm_pause_late(vm);
	}
	for (unsigned i = 0;
	     i < vm->ncpus && vm_stop_reason(vm) == VM_STOP_NONE; i++) {
		r = vcpu_start(&vm->vcpus[i]);
		if (r) {
			log_error("starting vCPU %u: %s", i, strerror(-r));
			vm_request_stop(vm, VM_STOP_ERROR, VM_STATUS_ERROR);
			break;
		}
	}
	if (sfd >= 0)
		run_loop(vm, sfd);
	vm_ctl_close(vm);

	for (unsigned i = 0; i < vm->ncpus; i++)
		vcpu_stop(&vm->vcpus[i]);
	vm_virtio_stop(vm);
	/* Signals that came in while the VM stopped still count. */
	while (sfd >= 0 && run_signal(vm, sfd))
		;
	if (sfd >= 0)
		close(sfd);
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	return vm_stop_status(vm);
}
