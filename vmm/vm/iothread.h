/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The I/O thread: one epoll loop that serves host-side file descriptors
 * (queue-notify eventfds, taps, ...) so that device work happens off the
 * vCPU threads. Handlers run on the I/O thread, one at a time.
 */
#ifndef VMM_IOTHREAD_H
#define VMM_IOTHREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

#define IOTHREAD_MAX_FDS 64

/* Called on the I/O thread with the epoll events that fired. */
typedef void (*iothread_fn)(void *opaque, uint32_t events);

struct iothread_entry {
	int fd;
	iothread_fn fn;
	void *opaque;
};

struct iothread {
	int epfd;
	int stop_fd;  /* eventfd that ends the loop */
	int pause_fd; /* eventfd that parks it (iothread_pause) */
	pthread_t thread;
	bool running;
	/* Optional, set before iothread_start: called first on the new
	 * thread, before any handler; non-zero ends the loop at once (the
	 * hook reports why). */
	int (*on_start)(void *opaque);
	void *on_start_opaque;
	pthread_mutex_t lock; /* guards entries[] and n */
	/* Pausing: under pause_lock; the loop parks on pause_cond. */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	bool pause_req, parked, ended, stopping;
	struct iothread_entry entries[IOTHREAD_MAX_FDS];
	unsigned n;
	uint64_t dispatched;
};

/* An idle I/O thread (not started). 0 or -errno. */
int iothread_init(struct iothread *t) VMM_WUR;

/* Serve `fd` for `events` (EPOLLIN, ...; 0 registers it disarmed) with
 * fn(opaque, events). Any time, from any thread. 0, -ENOSPC or -errno. */
int iothread_add(struct iothread *t, int fd, uint32_t events, iothread_fn fn,
		 void *opaque) VMM_WUR;

/* Change the events `fd` is served for (0 disarms it). 0 or -errno. */
int iothread_mod(struct iothread *t, int fd, uint32_t events) VMM_WUR;

/* Start the loop on a new thread, with every signal blocked there (the
 * control thread owns signals). 0 or -errno. */
int iothread_start(struct iothread *t) VMM_WUR;

/* Park the loop between two handlers and return once it is parked: no
 * handler runs until iothread_resume. Not from a handler. 0, or -ESRCH
 * when the loop is not running (never started, or ended). */
int iothread_pause(struct iothread *t) VMM_WUR;

/* Let a paused loop go on. No-op when not paused. */
void iothread_resume(struct iothread *t);

/* End the loop (a paused one too) and join the thread; no handler runs
 * after it returns. No-op if not started. */
void iothread_stop(struct iothread *t);

/* Close the epoll and stop fds (not the served fds). */
void iothread_destroy(struct iothread *t);

#endif
