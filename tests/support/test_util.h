/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the cmocka unit tests. */
#ifndef VMM_TESTS_TEST_UTIL_H
#define VMM_TESTS_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/gmem.h"

/* Guest memory laid out as vmm lays out `mib` MiB of RAM: [0, min(mib,
 * 3 GiB)) and the rest from 4 GiB. Fails the test on error. */
void tu_mem_init(struct guest_mem *gm, uint64_t mib);

/* Write `len` bytes to a new file under $TMPDIR and return its path in a
 * static-free caller buffer `path` of `cap` bytes. Fails the test on error. */
void tu_write_temp(const void *data, size_t len, char *path, size_t cap);

/* Fork with the child's stderr going to a new pipe: 0 in the child,
 * the child's pid in the parent, with *errfd the pipe's read end (for
 * tu_read_all). stdio is flushed first. Fails the test on error. */
int tu_fork_stderr(int *errfd);

/* Read fd to its end into buf (NUL-terminated, at most cap - 1 bytes
 * kept), then close it. */
void tu_read_all(int fd, char *buf, size_t cap);

/* `size` zeroed bytes shared with the children this process forks
 * (MAP_SHARED anonymous memory; munmap it). Fails the test on error. */
void *tu_shared(size_t size);

/* End a forked test child with _exit(code), gcov's counters written
 * first in coverage builds (vmm/base/gcov.h): _exit alone loses them. */
_Noreturn void tu_child_exit(int code);

#endif
