/* SPDX-License-Identifier: Apache-2.0 */
/* The I/O thread: handlers run for armed fds only, mod re-arms, stop joins;
 * a paused loop runs no handler until resumed, and stops when paused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/vm/iothread.h"

struct counter {
	int fd;
	atomic_int calls;
};

static void count_fn(void *opaque, uint32_t events)
{
	struct counter *c = opaque;
	uint64_t v;
	assert_true(events & EPOLLIN);
	if (read(c->fd, &v, sizeof(v)) == sizeof(v))
		atomic_fetch_add(&c->calls, (int)v);
}

static void kick(int fd, uint64_t n)
{
	assert_int_equal(write(fd, &n, sizeof(n)), sizeof(n));
}

/* Wait up to 5 s for *calls to reach want. */
static int wait_calls(atomic_int *calls, int want)
{
	for (int i = 0; i < 5000 && atomic_load(calls) < want; i++) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	return atomic_load(calls);
}

static void test_dispatch_and_mod(void **state)
{
	(void)state;
	struct iothread t;
	assert_int_equal(iothread_init(&t), 0);
	struct counter a = {.fd = eventfd(0, EFD_NONBLOCK)};
	struct counter b = {.fd = eventfd(0, EFD_NONBLOCK)};
	assert_int_equal(iothread_add(&t, a.fd, EPOLLIN, count_fn, &a), 0);
	/* b starts disarmed: its events wait until iothread_mod arms it. */
	assert_int_equal(iothread_add(&t, b.fd, 0, count_fn, &b), 0);
	assert_int_equal(iothread_start(&t), 0);

	kick(a.fd, 3);
	kick(b.fd, 5);
	assert_int_equal(wait_calls(&a.calls, 3), 3);
	struct timespec settle = {0, 50000000};
	nanosleep(&settle, NULL);
	assert_int_equal(atomic_load(&b.calls), 0);

	assert_int_equal(iothread_mod(&t, b.fd, EPOLLIN), 0);
	assert_int_equal(wait_calls(&b.calls, 5), 5);
	assert_int_equal(iothread_mod(&t, 12345, EPOLLIN), -ENOENT);

	iothread_stop(&t);
	/* Stopped: nothing runs any more. */
	kick(a.fd, 1);
	nanosleep(&settle, NULL);
	assert_int_equal(atomic_load(&a.calls), 3);
	iothread_stop(&t); /* idempotent */
	iothread_destroy(&t);
	close(a.fd);
	close(b.fd);
}

static void noop_fn(void *opaque, uint32_t events)
{
	(void)opaque, (void)events;
}

static void test_capacity(void **state)
{
	(void)state;
	struct iothread t;
	int fds[IOTHREAD_MAX_FDS + 1];
	assert_int_equal(iothread_init(&t), 0);
	for (int i = 0; i < IOTHREAD_MAX_FDS; i++) {
		fds[i] = eventfd(0, 0);
		assert_int_equal(iothread_add(&t, fds[i], EPOLLIN, noop_fn, NULL),
				 0);
	}
	fds[IOTHREAD_MAX_FDS] = eventfd(0, 0);
	assert_int_equal(
	    iothread_add(&t, fds[IOTHREAD_MAX_FDS], EPOLLIN, noop_fn, NULL),
	    -ENOSPC);
	/* A bad fd is refused by epoll and not counted. */
	struct iothread u;
	assert_int_equal(iothread_init(&u), 0);
	assert_int_equal(iothread_add(&u, -1, EPOLLIN, noop_fn, NULL), -EBADF);
	assert_int_equal(u.n, 0);
	iothread_destroy(&u);
	iothread_destroy(&t); /* never started: destroy alone is fine */
	for (int i = 0; i <= IOTHREAD_MAX_FDS; i++)
		close(fds[i]);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000};
	nanosleep(&ts, NULL);
}

static void test_pause_resume(void **state)
{
	(void)state;
	struct iothread t;
	assert_int_equal(iothread_init(&t), 0);
	assert_int_equal(iothread_pause(&t), -ESRCH); /* not started */
	struct counter a = {.fd = eventfd(0, EFD_NONBLOCK)};
	assert_int_equal(iothread_add(&t, a.fd, EPOLLIN, count_fn, &a), 0);
	assert_int_equal(iothread_start(&t), 0);
	kick(a.fd, 1);
	assert_int_equal(wait_calls(&a.calls, 1), 1);

	for (int round = 0; round < 3; round++) {
		int before = atomic_load(&a.calls);
		assert_int_equal(iothread_pause(&t), 0);
		kick(a.fd, 2);
		sleep_ms(100);
		assert_int_equal(atomic_load(&a.calls), before);
		iothread_resume(&t);
		assert_int_equal(wait_calls(&a.calls, before + 2), before + 2);
	}
	iothread_resume(&t); /* not paused: nothing happens */

	/* Stopped while paused: the join returns, no handler ran. */
	int before = atomic_load(&a.calls);
	assert_int_equal(iothread_pause(&t), 0);
	kick(a.fd, 1);
	iothread_stop(&t);
	assert_int_equal(atomic_load(&a.calls), before);
	assert_int_equal(iothread_pause(&t), -ESRCH);
	iothread_destroy(&t);
	close(a.fd);
}

/* A loop that ended by itself (its start hook refused) cannot be paused:
 * iothread_pause must not wait for it. */
static int refuse_start(void *opaque)
{
	(void)opaque;
	return -EPERM;
}

static void test_pause_ended(void **state)
{
	(void)state;
	struct iothread t;
	assert_int_equal(iothread_init(&t), 0);
	t.on_start = refuse_start;
	assert_int_equal(iothread_start(&t), 0);
	assert_int_equal(iothread_pause(&t), -ESRCH);
	iothread_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch_and_mod),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_pause_resume),
		cmocka_unit_test(test_pause_ended),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
