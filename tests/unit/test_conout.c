/* SPDX-License-Identifier: Apache-2.0 */
/* conout: a stalled reader costs one bounded wait, then drops (counted);
 * a stopping VM ends the wait; a reader that returns gets output again. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/vm/conout.h"

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A pipe whose buffer is full; p[0] read end, p[1] write end. */
static void full_pipe(int p[2])
{
	static const uint8_t junk[4096];
	assert_int_equal(pipe(p), 0);
	int fl = fcntl(p[1], F_GETFL);
	assert_int_equal(fcntl(p[1], F_SETFL, fl | O_NONBLOCK), 0);
	while (write(p[1], junk, sizeof(junk)) > 0)
		;
	/* Blocking again, as a console fd normally is. */
	assert_int_equal(fcntl(p[1], F_SETFL, fl), 0);
}

static void drain(int fd)
{
	uint8_t buf[4096];
	int fl = fcntl(fd, F_GETFL);
	assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	assert_int_equal(fcntl(fd, F_SETFL, fl), 0);
}

static void test_stall_is_bounded_then_drops(void **state)
{
	(void)state;
	int p[2];
	struct conout o;
	full_pipe(p);
	conout_init(&o, p[1], "test", 200, NULL, NULL, NULL);
	uint64_t t0 = now_ms();
	conout_write(&o, (const uint8_t *)"abc", 3);
	uint64_t t1 = now_ms();
	assert_true(t1 - t0 >= 200); /* one wait of stall_ms... */
	assert_true(atomic_load(&o.stalled));
	assert_int_equal(atomic_load(&o.dropped), 3);
	for (int i = 0; i < 1000; i++) /* ...then no wait at all */
		conout_write(&o, (const uint8_t *)"x", 1);
	/* A hang guard, not a timing verdict: 1000 waits would be 200 s. */
	assert_true(now_ms() - t1 < 20000);
	assert_int_equal(atomic_load(&o.dropped_total), 1003);

	/* The reader is back: output flows and the stall is over. */
	drain(p[0]);
	conout_write(&o, (const uint8_t *)"back", 4);
	assert_false(atomic_load(&o.stalled));
	assert_int_equal(atomic_load(&o.dropped), 0);
	uint8_t buf[8] = {0};
	assert_int_equal(read(p[0], buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "back", 4);
	close(p[0]);
	close(p[1]);
}

static bool always(void *opaque)
{
	(void)opaque;
	return true;
}

static void test_stop_ends_the_wait(void **state)
{
	(void)state;
	int p[2];
	struct conout o;
	full_pipe(p);
	/* A stall bound of an hour: only the stop check can end the wait. */
	conout_init(&o, p[1], "test", 3600u * 1000, always, NULL, NULL);
	conout_write(&o, (const uint8_t *)"abc", 3);
	assert_int_equal(atomic_load(&o.dropped), 3);
	assert_false(atomic_load(&o.stalled));
	close(p[0]);
	close(p[1]);
}

static void test_reader_gone_and_discard(void **state)
{
	(void)state;
	int p[2];
	struct conout o;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	conout_init(&o, p[1], "test", 200, NULL, NULL, NULL);
	conout_write(&o, (const uint8_t *)"abc", 3); /* EPIPE (SIGPIPE off) */
	assert_true(atomic_load(&o.broken));
	conout_write(&o, (const uint8_t *)"abc", 3);
	close(p[1]);
	conout_init(&o, -1, "test", 200, NULL, NULL, NULL);
	conout_write(&o, (const uint8_t *)"abc", 3);
	assert_int_equal(atomic_load(&o.dropped_total), 0);
}

static void test_large_write_arrives_whole(void **state)
{
	(void)state;
	int p[2];
	struct conout o;
	uint8_t big[3000], got[3000];
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	assert_int_equal(pipe(p), 0);
	conout_init(&o, p[1], "test", 200, NULL, NULL, NULL);
	conout_write(&o, big, sizeof(big)); /* in CONOUT_CHUNK pieces */
	size_t n = 0;
	while (n < sizeof(got)) {
		ssize_t r = read(p[0], got + n, sizeof(got) - n);
		assert_true(r > 0);
		n += (size_t)r;
	}
	assert_memory_equal(big, got, sizeof(big));
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stall_is_bounded_then_drops),
	    cmocka_unit_test(test_stop_ends_the_wait),
	    cmocka_unit_test(test_reader_gone_and_discard),
	    cmocka_unit_test(test_large_write_arrives_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
