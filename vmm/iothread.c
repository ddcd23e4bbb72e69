/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/iothread.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vmm/log.h"

#define IOTHREAD_BATCH 16
/* The thread's name (prctl PR_SET_NAME), as ps and top show it. */
#define IOTHREAD_NAME "vmm-io"

int iothread_init(struct iothread *t)
{
	memset(t, 0, sizeof(*t));
	t->epfd = t->stop_fd = -1;
	int r = pthread_mutex_init(&t->lock, NULL);
	if (r)
		return -r;
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->epfd < 0 || t->stop_fd < 0) {
		r = -errno;
		iothread_destroy(t);
		return r;
	}
	/* data.ptr NULL marks the stop fd. */
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->stop_fd, &ev) < 0) {
		r = -errno;
		iothread_destroy(t);
		return r;
	}
	return 0;
}

int iothread_add(struct iothread *t, int fd, uint32_t events, iothread_fn fn,
		 void *opaque)
{
	pthread_mutex_lock(&t->lock);
	if (t->n == IOTHREAD_MAX_FDS) {
		pthread_mutex_unlock(&t->lock);
		return -ENOSPC;
	}
	struct iothread_entry *e = &t->entries[t->n];
	*e = (struct iothread_entry){.fd = fd, .fn = fn, .opaque = opaque};
	struct epoll_event ev = {.events = events, .data.ptr = e};
	int r = epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
	if (!r)
		t->n++;
	pthread_mutex_unlock(&t->lock);
	return r;
}

int iothread_mod(struct iothread *t, int fd, uint32_t events)
{
	int r = -ENOENT;
	pthread_mutex_lock(&t->lock);
	for (unsigned i = 0; i < t->n; i++) {
		if (t->entries[i].fd != fd)
			continue;
		struct epoll_event ev = {.events = events,
					 .data.ptr = &t->entries[i]};
		r = epoll_ctl(t->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno
								   : 0;
		break;
	}
	pthread_mutex_unlock(&t->lock);
	return r;
}

static void *iothread_loop(void *arg)
{
	struct iothread *t = arg;
	struct epoll_event evs[IOTHREAD_BATCH];

	/* Named as ps and top show it, before on_start (the sandbox's
	 * hook) loads this thread's filter, which has no prctl. */
	if (prctl(PR_SET_NAME, IOTHREAD_NAME, 0, 0, 0) < 0)
		log_debug("I/O thread: naming it: %s", strerror(errno));
	if (t->on_start && t->on_start(t->on_start_opaque))
		return NULL;
	for (;;) {
		int n = epoll_wait(t->epfd, evs, IOTHREAD_BATCH, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("I/O thread: epoll_wait: %s", strerror(errno));
			return NULL;
		}
		for (int i = 0; i < n; i++) {
			struct iothread_entry *e = evs[i].data.ptr;
			if (!e)
				return NULL; /* stop requested */
			t->dispatched++;
			e->fn(e->opaque, evs[i].events);
		}
	}
}

int iothread_start(struct iothread *t)
{
	sigset_t all, old;
	sigfillset(&all);
	/* Except SIGSYS: a seccomp trap must reach the sandbox's handler,
	 * which names the call (a blocked one kills without a word). */
	sigdelset(&all, SIGSYS);
	int r = pthread_sigmask(SIG_BLOCK, &all, &old);
	if (r)
		return -r;
	r = pthread_create(&t->thread, NULL, iothread_loop, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		return -r;
	t->running = true;
	return 0;
}

void iothread_stop(struct iothread *t)
{
	if (!t->running)
		return;
	uint64_t one = 1;
	ssize_t w = write(t->stop_fd, &one, sizeof(one));
	(void)w; /* a fresh eventfd cannot be saturated */
	pthread_join(t->thread, NULL);
	t->running = false;
}

void iothread_destroy(struct iothread *t)
{
	iothread_stop(t);
	if (t->epfd >= 0)
		close(t->epfd);
	if (t->stop_fd >= 0)
		close(t->stop_fd);
	t->epfd = t->stop_fd = -1;
	pthread_mutex_destroy(&t->lock);
}
