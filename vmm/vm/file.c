/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_all(const char *path, size_t max, uint8_t **buf, size_t *len,
		  char *err, size_t errlen)
{
	int r;
	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (the
	 * non-regular file is rejected below); no effect on regular files. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(-r));
		return r;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(-r));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		snprintf(err, errlen, "%s",
			 S_ISDIR(st.st_mode) ? "is a directory"
					     : "is not a regular file");
		goto out;
	}
	if (st.st_size == 0) {
		r = -EINVAL;
		snprintf(err, errlen, "is empty");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = -EFBIG;
		snprintf(err, errlen, "is %lld bytes; the limit is %zu",
			 (long long)st.st_size, max);
		goto out;
	}
	size_t size = (size_t)st.st_size;
	uint8_t *p = malloc(size);
	if (!p) {
		r = -ENOMEM;
		snprintf(err, errlen, "cannot allocate %zu bytes", size);
		goto out;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, p + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "read failed: %s",
				 n < 0 ? strerror(errno)
				       : "file shrank while reading");
			free(p);
			goto out;
		}
		got += (size_t)n;
	}
	*buf = p;
	*len = size;
	r = 0;
out:
	close(fd);
	return r;
}
