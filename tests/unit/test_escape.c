/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the Ctrl-A console escape (vmm/vm/escape.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/vm/escape.h"

#define CA ESCAPE_CHAR
#define CANARY 0xa5
#define MAXN 64

/* Filter `in` with a 2n-byte output area followed by canaries, and check
 * the filter stayed inside it. */
static size_t run(struct escape *e, const uint8_t *in, size_t n,
		  uint8_t *out, bool *quit)
{
	uint8_t area[2 * MAXN + 16];

	assert_true(n <= MAXN);
	memset(area, CANARY, sizeof(area));
	*quit = !*quit; /* must be set either way */
	size_t o = escape_filter(e, in, n, area, quit);
	assert_true(o <= 2 * n);
	for (size_t i = 2 * n; i < sizeof(area); i++)
		assert_int_equal(area[i], CANARY);
	memcpy(out, area, o);
	return o;
}

static void test_plain(void **state)
{
	(void)state;
	struct escape e = {0};
	uint8_t out[2 * MAXN];
	bool quit = true;
	static const uint8_t in[] = "hello\r\n\x00\x02\xff x X";

	size_t o = run(&e, in, sizeof(in), out, &quit);
	assert_false(quit);
	assert_int_equal(o, sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	assert_false(e.armed);

	/* Empty input. */
	quit = true;
	assert_int_equal(escape_filter(&e, in, 0, out, &quit), 0);
	assert_false(quit);
}

static void test_quit(void **state)
{
	(void)state;
	uint8_t out[2 * MAXN];
	bool quit = false;

	static const uint8_t lower[] = {'a', 'b', CA, 'x', 'c', 'd'};
	struct escape e = {0};
	size_t o = run(&e, lower, sizeof(lower), out, &quit);
	assert_true(quit);
	assert_int_equal(o, 2);
	assert_memory_equal(out, "ab", 2);

	static const uint8_t upper[] = {CA, 'X', 'z'};
	struct escape e2 = {0};
	quit = false;
	o = run(&e2, upper, sizeof(upper), out, &quit);
	assert_true(quit);
	assert_int_equal(o, 0);

	/* At the very end of the buffer. */
	static const uint8_t end[] = {'q', CA, 'x'};
	struct escape e3 = {0};
	o = run(&e3, end, sizeof(end), out, &quit);
	assert_true(quit);
	assert_int_equal(o, 1);
	assert_int_equal(out[0], 'q');
}

static void test_double_escape(void **state)
{
	(void)state;
	struct escape e = {0};
	uint8_t out[2 * MAXN];
	bool quit = false;

	static const uint8_t in[] = {'a', CA, CA, 'b'};
	size_t o = run(&e, in, sizeof(in), out, &quit);
	assert_false(quit);
	assert_int_equal(o, 3);
	assert_memory_equal(out, ((uint8_t[]){'a', CA, 'b'}), 3);
	assert_false(e.armed);

	/* Ctrl-A Ctrl-A x: the x is an ordinary byte. */
	static const uint8_t in2[] = {CA, CA, 'x'};
	o = run(&e, in2, sizeof(in2), out, &quit);
	assert_false(quit);
	assert_int_equal(o, 2);
	assert_memory_equal(out, ((uint8_t[]){CA, 'x'}), 2);

	/* Three Ctrl-A then x: one Ctrl-A sent, then quit. */
	static const uint8_t in3[] = {CA, CA, CA, 'x', 'y'};
	o = run(&e, in3, sizeof(in3), out, &quit);
	assert_true(quit);
	assert_int_equal(o, 1);
	assert_int_equal(out[0], CA);
}

static void test_escape_other(void **state)
{
	(void)state;
	struct escape e = {0};
	uint8_t out[2 * MAXN];
	bool quit = false;

	/* Every byte other than Ctrl-A, x and X after Ctrl-A: both sent. */
	for (unsigned b = 0; b < 256; b++) {
		if (b == CA || b == 'x' || b == 'X')
			continue;
		uint8_t in[] = {CA, (uint8_t)b, 'z'};
		size_t o = run(&e, in, sizeof(in), out, &quit);
		assert_false(quit);
		assert_int_equal(o, 3);
		assert_int_equal(out[0], CA);
		assert_int_equal(out[1], b);
		assert_int_equal(out[2], 'z');
		assert_false(e.armed);
	}
}

static void test_state_across_calls(void **state)
{
	(void)state;
	struct escape e = {0};
	uint8_t out[2 * MAXN];
	bool quit = false;

	/* Ctrl-A at the end of one buffer is held back... */
	static const uint8_t a[] = {'a', CA};
	size_t o = run(&e, a, sizeof(a), out, &quit);
	assert_false(quit);
	assert_int_equal(o, 1);
	assert_int_equal(out[0], 'a');
	assert_true(e.armed);

	/* ...and x at the start of the next quits. */
	static const uint8_t x[] = {'x', 'b'};
	o = run(&e, x, sizeof(x), out, &quit);
	assert_true(quit);
	assert_int_equal(o, 0);
	assert_false(e.armed);

	/* Held Ctrl-A followed by another byte: both, from a 1-byte input
	 * (more output than input). */
	struct escape e2 = {0};
	static const uint8_t ca[] = {CA};
	o = run(&e2, ca, 1, out, &quit);
	assert_int_equal(o, 0);
	assert_false(quit);
	static const uint8_t q[] = {'q'};
	o = run(&e2, q, 1, out, &quit);
	assert_false(quit);
	assert_int_equal(o, 2);
	assert_memory_equal(out, ((uint8_t[]){CA, 'q'}), 2);

	/* Held Ctrl-A, then Ctrl-A: one Ctrl-A. */
	o = run(&e2, ca, 1, out, &quit);
	assert_int_equal(o, 0);
	o = run(&e2, ca, 1, out, &quit);
	assert_int_equal(o, 1);
	assert_int_equal(out[0], CA);
	assert_false(e2.armed);

	/* An empty call does not disarm. */
	o = run(&e2, ca, 1, out, &quit);
	o = run(&e2, ca, 0, out, &quit);
	assert_int_equal(o, 0);
	assert_true(e2.armed);
	o = run(&e2, (const uint8_t *)"X", 1, out, &quit);
	assert_true(quit);
	assert_int_equal(o, 0);
}

/* Simple deterministic PRNG (xorshift). */
static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Filtering a stream in pieces gives the same bytes as filtering it whole
 * (state carries across calls), and never overruns 2n. */
static void test_split_equivalence(void **state)
{
	(void)state;
	static const uint8_t alphabet[] = {CA, CA, 'x', 'X', 'a', 0};
	uint32_t seed = 12345;

	for (unsigned iter = 0; iter < 5000; iter++) {
		uint8_t in[MAXN], whole[2 * MAXN], parts[4 * MAXN];
		size_t n = rng(&seed) % MAXN + 1;
		for (size_t i = 0; i < n; i++)
			in[i] = alphabet[rng(&seed) % sizeof(alphabet)];

		struct escape e1 = {0};
		bool q1 = false;
		size_t o1 = run(&e1, in, n, whole, &q1);

		struct escape e2 = {0};
		bool q2 = false;
		size_t o2 = 0, pos = 0;
		while (pos < n && !q2) {
			size_t k = rng(&seed) % 4; /* 0..3, including empty */
			if (k > n - pos)
				k = n - pos;
			o2 += run(&e2, in + pos, k, parts + o2, &q2);
			pos += k;
		}
		assert_int_equal(q1, q2);
		assert_int_equal(o1, o2);
		assert_memory_equal(whole, parts, o1);
		if (!q1)
			assert_int_equal(e1.armed, e2.armed);

		/* Output is the input with escapes removed: never a byte
		 * that was not there, and never more Ctrl-A than input. */
		size_t in_ca = 0, out_ca = 0;
		for (size_t i = 0; i < n; i++)
			in_ca += in[i] == CA;
		for (size_t i = 0; i < o1; i++)
			out_ca += whole[i] == CA;
		assert_true(out_ca <= in_ca);
		assert_true(o1 <= n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_quit),
	    cmocka_unit_test(test_double_escape),
	    cmocka_unit_test(test_escape_other),
	    cmocka_unit_test(test_state_across_calls),
	    cmocka_unit_test(test_split_equivalence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
