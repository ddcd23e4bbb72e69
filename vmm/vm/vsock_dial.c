/* SPDX-License-Identifier: Apache-2.0 */
/* The vsock dialer's protocol, both sides; see vsock_dial.h. */
#include "vmm/vm/vsock_dial.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Send one request and take the reply: the fd it carries, or -errno. */
static int dial_call(int fd, const void *req, size_t len)
{
	if (write(fd, req, len) != (ssize_t)len)
		return -EPIPE;
	int32_t status = 0;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct iovec iov = {.iov_base = &status, .iov_len = sizeof(status)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cm.buf,
			     .msg_controllen = sizeof(cm.buf)};
	ssize_t n;
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(status))
		return -EPIPE;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int sock = -1;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&sock, CMSG_DATA(c), sizeof(int));
	if (status == 0 && sock >= 0)
		return sock;
	if (sock >= 0)
		close(sock);
	return status > 0 ? -status : -EPROTO;
}

int vsock_dial(int fd, uint32_t port)
{
	return dial_call(fd, &port, sizeof(port));
}

/* An open request: magic, flags, path with its NUL. */
struct dial_open_req {
	uint32_t magic;
	uint8_t flags;
	char path[VSOCK_DIAL_PATH_MAX];
} __attribute__((packed));

int vsock_dial_open(int fd, const char *path, unsigned flags)
{
	struct dial_open_req q = {.magic = VSOCK_DIAL_OPEN,
				  .flags = (uint8_t)flags};
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(q.path))
		return -ENAMETOOLONG;
	memcpy(q.path, path, n + 1);
	return dial_call(fd, &q, offsetof(struct dial_open_req, path) + n + 1);
}

/* The image a request names, opened as host.c opens --disk: the fd, or
 * -errno. */
static int dial_open_one(const struct dial_open_req *q, size_t len)
{
	size_t hdr = offsetof(struct dial_open_req, path);
	if (len <= hdr || q->path[len - hdr - 1] != '\0' ||
	    (q->flags &
	     ~(VSOCK_DIAL_RO | VSOCK_DIAL_DIRECT | VSOCK_DIAL_CREATE)))
		return -EINVAL;
	if (q->flags & VSOCK_DIAL_CREATE) {
		if (q->flags != VSOCK_DIAL_CREATE)
			return -EINVAL;
		int fd = open(q->path, VSOCK_DIAL_CREATE_FLAGS, 0600);
		return fd < 0 ? -errno : fd;
	}
	bool ro = q->flags & VSOCK_DIAL_RO;
	int flags = (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK |
		    ((q->flags & VSOCK_DIAL_DIRECT) ? O_DIRECT : 0);
	int fd = open(q->path, flags);
	if (fd < 0)
		return -errno;
	struct stat st;
	int e = 0;
	/* O_NONBLOCK only kept open() from hanging on a FIFO. */
	if (fcntl(fd, F_SETFL, flags & ~O_NONBLOCK & ~O_ACCMODE) < 0 ||
	    fstat(fd, &st) < 0)
		e = -errno;
	else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		e = -EINVAL;
	else if (S_ISREG(st.st_mode) && st.st_size < 512)
		e = -EINVAL;
	else if (flock(fd, (ro ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0)
		e = -errno;
	if (e) {
		close(fd);
		return e;
	}
	return fd;
}

/* A socket connected to path_port: the fd, or -errno. */
static int dial_one(const char *path, uint32_t port)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int len = snprintf(a.sun_path, sizeof(a.sun_path), "%s_%u", path, port);
	if (len < 0 || (size_t)len >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static void dial_reply(int fd, int sock)
{
	int32_t status = sock < 0 ? -sock : 0;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	memset(&cm, 0, sizeof(cm));
	struct iovec iov = {.iov_base = &status, .iov_len = sizeof(status)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (sock >= 0) {
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &sock, sizeof(int));
	}
	ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	(void)n; /* the asker is gone: the next read ends the loop */
	if (sock >= 0)
		close(sock);
}

void vsock_dial_serve(int fd, const char *path)
{
	struct dial_open_req q;
	for (;;) {
		ssize_t n = read(fd, &q, sizeof(q));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == (ssize_t)sizeof(uint32_t) &&
		    q.magic != VSOCK_DIAL_OPEN)
			dial_reply(fd,
				   path ? dial_one(path, q.magic) : -ENOENT);
		else if (n > (ssize_t)sizeof(uint32_t) &&
			 q.magic == VSOCK_DIAL_OPEN)
			dial_reply(fd, dial_open_one(&q, (size_t)n));
		else
			return; /* closed (0), or not the protocol */
	}
}
