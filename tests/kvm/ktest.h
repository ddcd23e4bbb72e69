/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the C programs among the KVM tests share: a CHECK that counts
 * failures and goes on, the /dev/kvm probe (exit 77, CTest's SKIPPED,
 * without it), a millisecond sleep, and stderr (where the backend logs)
 * caught in a buffer. Header only: each test is one file.
 */
#ifndef VMM_TESTS_KVM_KTEST_H
#define VMM_TESTS_KVM_KTEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Failed checks so far (the test's own counter, passed by address). */
#define KT_CHECK(fails, cond, ...)                                             \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			(*(fails))++;                                          \
		}                                                              \
	} while (0)

/* Exit 77 with the reason when /dev/kvm cannot be opened read-write. */
static inline void kt_need_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("SKIPPED: /dev/kvm is missing or not accessible\n");
		exit(77);
	}
	close(fd);
}

static inline void kt_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* Send stderr to a fresh temporary file until kt_capture_end. Returns
 * the saved stderr fd (for kt_capture_end), or -1. */
static inline int kt_capture_begin(void)
{
	char path[] = "/tmp/vmm-ktest-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(fd, STDERR_FILENO) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return saved;
}

/* What was written to stderr since kt_capture_begin, into buf (cap
 * bytes, terminated); stderr restored. */
static inline void kt_capture_end(int saved, char *buf, size_t cap)
{
	fflush(stderr);
	buf[0] = '\0';
	if (saved < 0)
		return;
	ssize_t n = pread(STDERR_FILENO, buf, cap - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	dup2(saved, STDERR_FILENO);
	close(saved);
}

#endif
