/* SPDX-License-Identifier: Apache-2.0 */
/* log_limited: a burst passes, the rest is counted and summarised. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/base/log.h"

/* Run fn with stderr in a temporary file; return what it printed. */
static char *capture(void (*fn)(void))
{
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	FILE *f = tmpfile();
	assert_non_null(f);
	dup2(fileno(f), STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	long n = ftell(f);
	char *buf = calloc(1, (size_t)n + 1);
	rewind(f);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static unsigned lines_with(const char *s, const char *needle)
{
	unsigned n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void burst_of_100(void)
{
	struct log_limit l;
	assert_int_equal(log_limit_init(&l, 5, 60000), 0);
	for (int i = 0; i < 100; i++)
		log_limited(&l, LOG_WARN, "broken %d", i);
	assert_int_equal(l.suppressed_total, 95);
	log_limit_destroy(&l); /* prints the summary */
}

static void test_burst_then_summary(void **state)
{
	(void)state;
	log_set_level(LOG_WARN);
	char *out = capture(burst_of_100);
	assert_int_equal(lines_with(out, "vmm: broken "), 5);
	assert_non_null(strstr(out, "vmm: broken 4\n"));
	assert_null(strstr(out, "broken 5\n"));
	assert_non_null(strstr(out, "95 guest-triggered message(s) suppressed"));
	free(out);
}

static void refill(void)
{
	struct log_limit l;
	assert_int_equal(log_limit_init(&l, 1, 20), 0);
	log_limited(&l, LOG_WARN, "first");
	log_limited(&l, LOG_WARN, "held back");
	usleep(50 * 1000); /* 2+ periods: one token (the bucket holds 1) */
	log_limited(&l, LOG_WARN, "after the wait");
	log_limited(&l, LOG_WARN, "held back");
	assert_int_equal(l.suppressed_total, 2);
	log_limit_destroy(&l);
}

static void test_refill_and_summary_before_next(void **state)
{
	(void)state;
	log_set_level(LOG_WARN);
	char *out = capture(refill);
	/* The summary of the first held-back line comes before the next
	 * line printed. */
	const char *s = strstr(out, "1 guest-triggered message(s) suppressed");
	const char *a = strstr(out, "after the wait");
	assert_non_null(s);
	assert_non_null(a);
	assert_true(s < a);
	assert_int_equal(lines_with(out, "held back"), 0);
	free(out);
}

static void quiet(void)
{
	struct log_limit l;
	assert_int_equal(log_limit_init(&l, 1, 60000), 0);
	for (int i = 0; i < 10; i++)
		log_limited(&l, LOG_INFO, "info %d", i);
	log_limited(NULL, LOG_WARN, "no limiter");
	log_limited(NULL, LOG_WARN, "no limiter");
	assert_int_equal(l.suppressed_total, 0); /* below the level */
	log_limit_destroy(&l);
}

static void test_level_and_null(void **state)
{
	(void)state;
	log_set_level(LOG_WARN);
	char *out = capture(quiet);
	assert_int_equal(lines_with(out, "info"), 0);
	assert_int_equal(lines_with(out, "no limiter"), 2);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst_then_summary),
	    cmocka_unit_test(test_refill_and_summary_before_next),
	    cmocka_unit_test(test_level_and_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
