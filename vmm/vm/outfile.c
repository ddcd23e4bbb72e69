/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"

int file_ids_add(struct file_ids *ids, const char *path, int fd,
		 const char *what, ...)
{
	struct stat st;

	if ((path ? stat(path, &st) : fstat(fd, &st)) < 0)
		return 0;
	if (ids->n >= OUTFILE_MAX_IDS)
		return -ENOSPC;
	ids->f[ids->n].dev = st.st_dev;
	ids->f[ids->n].ino = st.st_ino;
	va_list ap;
	va_start(ap, what);
	vsnprintf(ids->f[ids->n].what, sizeof(ids->f[0].what), what, ap);
	va_end(ap);
	ids->n++;
	return 0;
}

static const char *file_ids_find(const struct file_ids *ids,
				 const struct stat *st)
{
	for (unsigned i = 0; i < ids->n; i++)
		if (ids->f[i].dev == st->st_dev && ids->f[i].ino == st->st_ino)
			return ids->f[i].what;
	return NULL;
}

/* The checks on an opened output; 0 or -errno with err set. */
static int outfile_check(const char *opt, const char *path, int fd,
			 struct file_ids *ids, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return errmsg(err, errlen, -errno, "%s%s: %s", opt, path,
			      strerror(errno));
	if (!S_ISREG(st.st_mode))
		return 0; /* a FIFO with a reader, a terminal, /dev/null */
	const char *in = file_ids_find(ids, &st);
	if (in)
		return errmsg(err, errlen, -EEXIST,
			      "%s%s: is the same file as %s; refusing to "
			      "overwrite it",
			      opt, path, in);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errmsg(err, errlen, -errno,
			      "%s%s: %s (another VM is using the file); "
			      "refusing to overwrite it",
			      opt, path, strerror(errno));
	int r = file_ids_add(ids, NULL, fd, "%s%s", opt, path);
	if (r)
		return errmsg(err, errlen, r, "%s%s: too many files", opt,
			      path);
	return 0;
}

int outfile_open(const char *opt, const char *path, struct file_ids *ids,
		 int *fd, char *err, size_t errlen)
{
	/* O_NONBLOCK: a FIFO without a reader fails with ENXIO instead of
	 * blocking; it is cleared below. No O_TRUNC: see outfile_commit. */
	*fd = open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
		   0644);
	if (*fd < 0)
		return errmsg(err, errlen, -errno, "%s%s: %s", opt, path,
			      errno == ENXIO
				  ? "a FIFO with no reader (start the reader "
				    "first)"
				  : strerror(errno));
	int r = outfile_check(opt, path, *fd, ids, err, errlen);
	if (!r && fcntl(*fd, F_SETFL, 0) < 0)
		r = errmsg(err, errlen, -errno, "%s%s: %s", opt, path,
			   strerror(errno));
	if (r) {
		close(*fd);
		*fd = -1;
	}
	return r;
}

int outfile_commit(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return 0;
}
