/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for whole-file reads (vmm/vm/file.c). */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/test_util.h"
#include "vmm/vm/file.h"

static char err[256];

/* file_read_all with *buf and *len pre-set to junk so that resetting them on
 * error is checked. */
static int read_all(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	static uint8_t junk;
	*buf = &junk;
	*len = 12345;
	memset(err, 0, sizeof(err));
	return file_read_all(path, max, buf, len, err, sizeof(err));
}

static void assert_failed(int rc, uint8_t *buf, size_t len)
{
	assert_true(rc < 0);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_true(err[0] != '\0');
}

static void test_reads_exactly(void **state)
{
	(void)state;
	char path[256];
	uint8_t data[1000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + 7);
	data[10] = 0; /* binary, with NULs */
	tu_write_temp(data, sizeof(data), path, sizeof(path));

	uint8_t *buf;
	size_t len;
	assert_int_equal(read_all(path, 1 << 20, &buf, &len), 0);
	assert_non_null(buf);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	free(buf);

	/* max equal to the size is allowed. */
	assert_int_equal(read_all(path, sizeof(data), &buf, &len), 0);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	free(buf);

	/* One byte over: -EFBIG. */
	int rc = read_all(path, sizeof(data) - 1, &buf, &len);
	assert_int_equal(rc, -EFBIG);
	assert_failed(rc, buf, len);
	rc = read_all(path, 1, &buf, &len);
	assert_int_equal(rc, -EFBIG);
	assert_failed(rc, buf, len);
	unlink(path);
}

static void test_one_byte_and_large(void **state)
{
	(void)state;
	char path[256];
	uint8_t *buf;
	size_t len;

	tu_write_temp("Z", 1, path, sizeof(path));
	assert_int_equal(read_all(path, 1, &buf, &len), 0);
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], 'Z');
	free(buf);
	unlink(path);

	/* Bigger than any single read is likely to return. */
	size_t big = (4u << 20) + 13;
	uint8_t *data = malloc(big);
	assert_non_null(data);
	for (size_t i = 0; i < big; i++)
		data[i] = (uint8_t)(i ^ (i >> 8) ^ (i >> 16));
	tu_write_temp(data, big, path, sizeof(path));
	assert_int_equal(read_all(path, big, &buf, &len), 0);
	assert_int_equal(len, big);
	assert_memory_equal(buf, data, big);
	free(buf);
	assert_int_equal(read_all(path, big - 1, &buf, &len), -EFBIG);
	assert_null(buf);
	/* The message gives the size and the limit. */
	char want[64];
	snprintf(want, sizeof(want), "%zu", big);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%zu", big - 1);
	assert_non_null(strstr(err, want));
	free(data);
	unlink(path);
}

static void test_missing(void **state)
{
	(void)state;
	char path[256];
	uint8_t *buf;
	size_t len;

	/* A name that existed a moment ago and does not now. */
	tu_write_temp("x", 1, path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	int rc = read_all(path, 1 << 20, &buf, &len);
	assert_int_equal(rc, -ENOENT);
	assert_failed(rc, buf, len);
	assert_non_null(strstr(err, "No such file"));

	/* A missing directory component. */
	strcat(path, "/sub");
	rc = read_all(path, 1 << 20, &buf, &len);
	assert_true(rc == -ENOENT || rc == -ENOTDIR);
	assert_failed(rc, buf, len);
}

static void test_directory(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t len;
	const char *dir = getenv("TMPDIR");

	int rc = read_all(dir ? dir : "/tmp", 1 << 20, &buf, &len);
	assert_int_equal(rc, -EISDIR);
	assert_failed(rc, buf, len);
	assert_non_null(strstr(err, "directory"));

	rc = read_all("/", 1 << 20, &buf, &len);
	assert_int_equal(rc, -EISDIR);
	assert_failed(rc, buf, len);
}

static void test_empty(void **state)
{
	(void)state;
	char path[256];
	uint8_t *buf;
	size_t len;

	tu_write_temp("", 0, path, sizeof(path));
	int rc = read_all(path, 1 << 20, &buf, &len);
	assert_failed(rc, buf, len);
	assert_non_null(strstr(err, "empty"));
	/* Even with max 0. */
	rc = read_all(path, 0, &buf, &len);
	assert_failed(rc, buf, len);
	unlink(path);
}

static void test_not_regular(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t len;

	/* /dev/null is a character device: not a regular file, and it must
	 * not be read as an empty file either. */
	int rc = read_all("/dev/null", 1 << 20, &buf, &len);
	assert_failed(rc, buf, len);
	assert_non_null(strstr(err, "not a regular file"));

	/* /dev/zero would never end if it were read. */
	rc = read_all("/dev/zero", 1 << 20, &buf, &len);
	assert_failed(rc, buf, len);
	assert_non_null(strstr(err, "not a regular file"));
}

static void test_fifo_does_not_block(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t len;
	char dir[256], path[300];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/vmm-test-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);

	/* A FIFO with no writer: open(O_RDONLY) without O_NONBLOCK would
	 * wait forever. The alarm turns a hang into a failure. */
	alarm(10);
	int rc = read_all(path, 1 << 20, &buf, &len);
	alarm(0);
	assert_failed(rc, buf, len);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(path);
	rmdir(dir);
}

static unsigned count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	unsigned n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void test_no_fd_leak(void **state)
{
	(void)state;
	char path[256], empty[256];
	uint8_t *buf;
	size_t len;

	tu_write_temp("abc", 3, path, sizeof(path));
	tu_write_temp("", 0, empty, sizeof(empty));
	unsigned before = count_fds();
	for (int i = 0; i < 50; i++) {
		assert_int_equal(read_all(path, 100, &buf, &len), 0);
		free(buf);
		assert_int_equal(read_all(path, 2, &buf, &len), -EFBIG);
		assert_true(read_all(empty, 100, &buf, &len) < 0);
		assert_true(read_all("/dev/null", 100, &buf, &len) < 0);
		assert_true(read_all("/", 100, &buf, &len) < 0);
	}
	assert_int_equal(count_fds(), before);
	unlink(path);
	unlink(empty);
}

static void test_small_err_buffer(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t len;
	char small[6];

	memset(small, 'Z', sizeof(small));
	int rc = file_read_all("/dev/null", 100, &buf, &len, small, 4);
	assert_true(rc < 0);
	assert_int_equal(strlen(small), 3);
	assert_int_equal(small[4], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_exactly),
	    cmocka_unit_test(test_one_byte_and_large),
	    cmocka_unit_test(test_missing),
	    cmocka_unit_test(test_directory),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_not_regular),
	    cmocka_unit_test(test_fifo_does_not_block),
	    cmocka_unit_test(test_no_fd_leak),
	    cmocka_unit_test(test_small_err_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
