/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/iothread.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vmm/base/log.h"

#define IOTHREAD_BATCH 16
/* The thread's name (prctl PR_SET_NAME), as ps and top show it. */
#define IOTHREAD_NAME "vmm-io"

int iothread_init(struct iothread *t)
{
	memset(t, 0, sizeof(*t));
	t->epfd = t->stop_fd = t->pause_fd = -1;
	int r = pthread_mutex_init(&t->lock, NULL);
	if (r)
		return -r;
	if ((r = pthread_mutex_init(&t->pause_lock, NULL))) {
		pthread_mutex_destroy(&t->lock);
		return -r;
	}
	if ((r = pthread_cond_init(&t->pause_cond, NULL))) {
		pthread_mutex_destroy(&t->pause_lock);
		pthread_mutex_destroy(&t->lock);
		return -r;
	}
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->pause_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->epfd < 0 || t->stop_fd < 0 || t->pause_fd < 0) {
		r = -errno;
		iothread_destroy(t);
		return r;
	}
	/* data.ptr NULL marks the stop fd, &pause_fd the pause fd. */
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	struct epoll_event pev = {.events = EPOLLIN, .data.ptr = &t->pause_fd};
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->stop_fd, &ev) < 0 ||
	    epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->pause_fd, &pev) < 0) {
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
		r = epoll_ctl(t->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
		break;
	}
	pthread_mutex_unlock(&t->lock);
	return r;
}

/* The pause fd fired: park until resumed or stopped. True when the loop
 * must end (stopped while paused: no handler runs after that). */
static bool iothread_park(struct iothread *t)
{
	uint64_t v;
	ssize_t n = read(t->pause_fd, &v, sizeof(v));
	(void)n; /* already drained: still park if asked */
	pthread_mutex_lock(&t->pause_lock);
	if (t->pause_req && !t->stopping) {
		t->parked = true;
		pthread_cond_broadcast(&t->pause_cond);
		while (t->pause_req && !t->stopping)
			pthread_cond_wait(&t->pause_cond, &t->pause_lock);
		t->parked = false;
		pthread_cond_broadcast(&t->pause_cond);
	}
	bool stop = t->stopping;
	pthread_mutex_unlock(&t->pause_lock);
	return stop;
}

/* Serve events until stopped (true) or epoll fails (false). */
static bool iothread_serve(struct iothread *t)
{
	struct epoll_event evs[IOTHREAD_BATCH];
	for (;;) {
		int n = epoll_wait(t->epfd, evs, IOTHREAD_BATCH, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("I/O thread: epoll_wait: %s",
				  strerror(errno));
			return false;
		}
		for (int i = 0; i < n; i++) {
			struct iothread_entry *e = evs[i].data.ptr;
			if (!e)
				return true; /* stop requested */
			if (evs[i].data.ptr == (void *)&t->pause_fd) {
				if (iothread_park(t))
					return true;
				continue;
			}
			t->dispatched++;
			e->fn(e->opaque, evs[i].events);
		}
	}
}

static void *iothread_loop(void *arg)
{
	struct iothread *t = arg;

	/* Named as ps and top show it, before on_start (the sandbox's
	 * hook) loads this thread's filter, which has no prctl. */
	if (prctl(PR_SET_NAME, IOTHREAD_NAME, 0, 0, 0) < 0)
		log_debug("I/O thread: naming it: %s", strerror(errno));
	if (!t->on_start || !t->on_start(t->on_start_opaque))
		(void)iothread_serve(t);
	pthread_mutex_lock(&t->pause_lock);
	t->ended = true;
	pthread_cond_broadcast(&t->pause_cond);
	pthread_mutex_unlock(&t->pause_lock);
	return NULL;
}

int iothread_pause(struct iothread *t)
{
	if (!t->running)
		return -ESRCH;
	pthread_mutex_lock(&t->pause_lock);
	t->pause_req = true;
	uint64_t one = 1;
	ssize_t w = write(t->pause_fd, &one, sizeof(one));
	(void)w; /* cannot saturate: the loop drains it */
	while (!t->parked && !t->ended)
		pthread_cond_wait(&t->pause_cond, &t->pause_lock);
	bool ok = t->parked;
	if (!ok)
		t->pause_req = false;
	pthread_mutex_unlock(&t->pause_lock);
	return ok ? 0 : -ESRCH;
}

void iothread_resume(struct iothread *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->pause_lock);
	t->pause_req = false;
	pthread_cond_broadcast(&t->pause_cond);
	/* Wait for it to leave, so a pause right after parks it anew. */
	while (t->parked)
		pthread_cond_wait(&t->pause_cond, &t->pause_lock);
	pthread_mutex_unlock(&t->pause_lock);
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
	pthread_mutex_lock(&t->pause_lock);
	t->stopping = true;
	pthread_cond_broadcast(&t->pause_cond);
	pthread_mutex_unlock(&t->pause_lock);
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
	if (t->pause_fd >= 0)
		close(t->pause_fd);
	t->epfd = t->stop_fd = t->pause_fd = -1;
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->pause_cond);
	pthread_mutex_destroy(&t->pause_lock);
}
