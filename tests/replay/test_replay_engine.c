/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the replay engine's library API (backends/replay/
 * replay.h), the one fuzz harnesses use: strict results, lenient mode
 * taking any bytes, and determinism.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/base/log.h"
#include "vmm/replay/replay.h"
#include "vmm/trace/trace_text.h"
#include "vmm/vm/file.h"

/* A deterministic xorshift; the seed lives in the caller. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void from_text(const char *text, struct tenc *e)
{
	char err[256];
	tenc_init(e);
	if (ttext_parse(text, strlen(text), e, err, sizeof(err)))
		fail_msg("%s", err);
}

static void load_trace(const char *name, struct tenc *e)
{
	char path[4096], err[256];
	uint8_t *text;
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", REPLAY_TRACES_DIR, name);
	if (file_read_all(path, 64 << 20, &text, &len, err, sizeof(err)))
		fail_msg("%s", err);
	tenc_init(e);
	if (ttext_parse((const char *)text, len, e, err, sizeof(err)))
		fail_msg("%s", err);
	free(text);
}

/* Replay buf with COM1 into a memfd; returns the result, the output in
 * out (caller frees). */
static int run(const uint8_t *buf, size_t len, unsigned flags,
	       struct replay_result *res, char **out, size_t *outlen)
{
	int fd = memfd_create("com1", MFD_CLOEXEC);
	assert_true(fd >= 0);
	struct replay_opts o = {
	    .flags = flags, .serial_out_fd = fd, .console_out_fd = -1};
	int r = replay_run_buffer(buf, len, &o, res);
	off_t n = lseek(fd, 0, SEEK_END);
	*out = malloc((size_t)n + 1);
	assert_int_equal(pread(fd, *out, (size_t)n, 0), n);
	*outlen = (size_t)n;
	close(fd);
	return r;
}

static void test_strict_results(void **state)
{
	(void)state;
	struct tenc e;
	struct replay_result res;
	char *out;
	size_t n;
	from_text("vmm-trace 1\nmachine x86_64 mem=16 cpus=1\n"
		  "pio 0 w 0x3f8 1 0x41\nserial-tx \"A\"\n"
		  "pio 0 r 0x3fd 1 0x60\nend poweroff 0\n",
		  &e);
	/* The devices never asked for a power-off: the end diverges. */
	assert_int_equal(run(e.p, e.len, 0, &res, &out, &n), 1);
	assert_true(res.diverged);
	assert_int_equal(res.index, 3); /* the end record */
	assert_int_equal(res.exits, 2);
	assert_int_equal(n, 1);
	assert_memory_equal(out, "A", 1);
	free(out);
	tenc_free(&e);

	from_text("vmm-trace 1\nmachine x86_64 mem=16 cpus=1\n"
		  "pio 0 r 0x3fd 1 0x61\nend signal 130\n",
		  &e);
	assert_int_equal(run(e.p, e.len, 0, &res, &out, &n), 1);
	assert_int_equal(res.index, 0);
	assert_non_null(strstr(res.msg, "expected 0x61, found 0x60"));
	free(out);
	/* Lenient: no comparison, no divergence. */
	assert_int_equal(run(e.p, e.len, REPLAY_LENIENT, &res, &out, &n), 0);
	assert_false(res.diverged);
	assert_int_equal(res.stop, 5);
	assert_int_equal(res.status, 130);
	free(out);
	tenc_free(&e);
	/* A bad trace is an error, not a divergence. */
	from_text("vmm-trace 1\nmachine x86_64 mem=16 cpus=1\n"
		  "pio 0 r 0x3fd 1 0x60\nend signal 130\n",
		  &e);
	assert_int_equal(run(e.p, e.len, 0, &res, &out, &n), 0);
	free(out);
	assert_int_equal(run(e.p, e.len - 1, 0, &res, &out, &n), -EINVAL);
	assert_false(res.diverged);
	assert_non_null(strstr(res.msg, "truncated"));
	free(out);
	tenc_free(&e);
}

/* A recorded trace replays exactly, strict and lenient alike, and a
 * second replay writes the same bytes. */
static void test_recorded_deterministic(void **state)
{
	(void)state;
	struct tenc e;
	struct replay_result a, b;
	char *oa, *ob;
	size_t na, nb;
	load_trace("recorded_serial_echo.txt", &e);
	assert_int_equal(run(e.p, e.len, 0, &a, &oa, &na), 0);
	assert_int_equal(run(e.p, e.len, 0, &b, &ob, &nb), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(oa, ob, na);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_non_null(strstr(oa, "testguest: PASS"));
	free(ob);
	assert_int_equal(run(e.p, e.len, REPLAY_LENIENT, &b, &ob, &nb), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(oa, ob, na);
	free(oa);
	free(ob);
	tenc_free(&e);
}

/* Lenient mode takes anything: random bytes, random bytes after a valid
 * header, and a recorded trace with random bit flips. Each run twice:
 * the same result both times. */
static void test_lenient_anything(void **state)
{
	(void)state;
	struct tenc rec, hdr;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	load_trace("recorded_all_devices.txt", &rec);
	from_text("vmm-trace 1\nmachine x86_64 mem=16 cpus=2\n"
		  "dev blk size=4096\ndev net\ndev rng\ndev console\n",
		  &hdr);
	size_t cap = rec.len + 8192;
	uint8_t *buf = malloc(cap);
	for (unsigned i = 0; i < 600; i++) {
		size_t len;
		unsigned kind = i % 3;
		if (kind == 0) {
			len = rnd(&seed) % 4096;
			for (size_t k = 0; k < len; k++)
				buf[k] = (uint8_t)rnd(&seed);
		} else if (kind == 1) {
			memcpy(buf, hdr.p, hdr.len);
			len = hdr.len + rnd(&seed) % 4096;
			for (size_t k = hdr.len; k < len; k++)
				buf[k] =
				    (uint8_t)(rnd(&seed) % 5 ? rnd(&seed) : 0);
		} else {
			memcpy(buf, rec.p, rec.len);
			len = rec.len - rnd(&seed) % 64;
			for (unsigned k = 0; k < 1 + i % 16; k++)
				buf[rnd(&seed) % len] ^=
				    (uint8_t)(1u << (rnd(&seed) % 8));
		}
		struct replay_result a, b;
		char *oa, *ob;
		size_t na, nb;
		assert_int_equal(run(buf, len, REPLAY_LENIENT, &a, &oa, &na),
				 0);
		assert_int_equal(run(buf, len, REPLAY_LENIENT, &b, &ob, &nb),
				 0);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_int_equal(na, nb);
		assert_memory_equal(oa, ob, na);
		free(oa);
		free(ob);
	}
	free(buf);
	tenc_free(&rec);
	tenc_free(&hdr);
}

int main(void)
{
	log_set_level(LOG_NONE);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strict_results),
	    cmocka_unit_test(test_recorded_deterministic),
	    cmocka_unit_test(test_lenient_anything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
