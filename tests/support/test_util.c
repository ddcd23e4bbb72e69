/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/support/test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/base/gcov.h"
#include "vmm/base/layout.h"

void *tu_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	return p;
}

int tu_fork_stderr(int *errfd)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], STDERR_FILENO);
		close(p[1]);
		return 0;
	}
	close(p[1]);
	*errfd = p[0];
	return (int)pid;
}

void tu_read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t k;
	while (len + 1 < cap && (k = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)k;
	if (cap)
		buf[len] = '\0';
	close(fd);
}

void tu_mem_init(struct guest_mem *gm, uint64_t mib)
{
	uint64_t bytes = mib << 20;
	uint64_t low = bytes < LAYOUT_MMIO_HOLE ? bytes : LAYOUT_MMIO_HOLE;
	gm_init(gm);
	assert_int_equal(gm_add_ram(gm, 0, low, 0), 0);
	if (bytes > low)
		assert_int_equal(gm_add_ram(gm, LAYOUT_4G, bytes - low, 0), 0);
}

void tu_write_temp(const void *data, size_t len, char *path, size_t cap)
{
	const char *dir = getenv("TMPDIR");
	int n = snprintf(path, cap, "%s/vmm-test-XXXXXX", dir ? dir : "/tmp");
	assert_true(n > 0 && (size_t)n < cap);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

void tu_child_exit(int code)
{
	gcov_write_last();
	_exit(code);
}
