/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/app/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"

int logfile_redirect(const char *opt, const char *path, char *err,
		     size_t errlen)
{
	int fd = open(path,
		      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK |
			  O_NOCTTY,
		      0600);
	if (fd < 0) {
		int e = errno;
		return errmsg(err, errlen, -e, "%s %s: %s%s", opt, path,
			      strerror(e),
			      e == ENXIO ? " (a FIFO needs a reader)" : "");
	}
	int r = dup2(fd, STDERR_FILENO) < 0 ? -errno : 0;
	close(fd);
	if (r)
		return errmsg(err, errlen, r, "%s %s: %s", opt, path,
			      strerror(-r));
	return 0;
}
