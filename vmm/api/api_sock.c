/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/api/api_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/sandbox/caps.h"

/* The helper: wait for EOF on rd, then remove path if it is still the
 * socket (dev, ino). Never returns. */
static void api_sock_helper(int rd, const char *path, dev_t dev, ino_t ino)
{
	/* Ctrl-C on the terminal goes to the whole process group: the
	 * helper must outlive vmm's clean stop, not die with it. */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (int fd = 0; fd < 1024; fd++)
		if (fd != rd && fd != STDERR_FILENO)
			close(fd);
	struct sandbox_config none = {0};
	char err[256];
	if (caps_drop_all(&none, err, sizeof(err)) != 0)
		_exit(1);
	char c;
	while (read(rd, &c, 1) < 0 && errno == EINTR)
		;
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == dev &&
	    st.st_ino == ino)
		unlink(path);
	_exit(0);
}

int api_sock_open(const char *path, int *fd, char *err, size_t errlen)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct stat st;
	*fd = -1;
	if (strlen(path) >= sizeof(a.sun_path))
		return errmsg(err, errlen, -ENAMETOOLONG,
			      "--api-sock %s: the path is too long", path);
	memcpy(a.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return errmsg(err, errlen, -EEXIST,
				      "--api-sock %s: exists and is not a "
				      "socket",
				      path);
		if (unlink(path) < 0)
			return errmsg(err, errlen, -errno,
				      "--api-sock %s: removing the old socket: "
				      "%s",
				      path, strerror(errno));
	} else if (errno != ENOENT) {
		return errmsg(err, errlen, -errno, "--api-sock %s: %s", path,
			      strerror(errno));
	}
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errmsg(err, errlen, -errno, "--api-sock %s: socket: %s",
			      path, strerror(errno));
	int r = 0;
	const char *step = "bind";
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		r = -errno;
	} else {
		step = "listen";
		if (listen(s, 16) < 0 || lstat(path, &st) < 0)
			r = -errno;
		int p[2];
		if (!r && pipe2(p, O_CLOEXEC) < 0)
			r = -errno;
		pid_t pid = r ? -1 : fork();
		if (!r && pid == 0) {
			close(p[1]);
			api_sock_helper(p[0], path, st.st_dev, st.st_ino);
		}
		if (!r) {
			/* p[1] stays open, unused, until vmm is gone. */
			close(p[0]);
			if (pid < 0) {
				r = -errno;
				step = "fork";
				close(p[1]);
			}
		}
		if (r)
			unlink(path);
	}
	if (r) {
		close(s);
		return errmsg(err, errlen, r, "--api-sock %s: %s: %s", path,
			      step, strerror(-r));
	}
	*fd = s;
	return 0;
}
