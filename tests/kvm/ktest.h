/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the C programs among the KVM tests share: a CHECK that counts
 * failures and goes on, the /dev/kvm probe (exit 77, CTest's SKIPPED,
 * without it), and a millisecond sleep. Header only: each test is one
 * file.
 */
#ifndef VMM_TESTS_KVM_KTEST_H
#define VMM_TESTS_KVM_KTEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

#endif
