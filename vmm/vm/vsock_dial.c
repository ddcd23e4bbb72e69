/* SPDX-License-Identifier: Apache-2.0 */
/* The vsock dialer's protocol, both sides; see vsock_dial.h. */
#include "vmm/vm/vsock_dial.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int vsock_dial(int fd, uint32_t port)
{
	if (write(fd, &port, sizeof(port)) != (ssize_t)sizeof(port))
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
	for (;;) {
		uint32_t port;
		ssize_t n = read(fd, &port, sizeof(port));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(port))
			return; /* closed (0), or not the protocol */
		dial_reply(fd, dial_one(path, port));
	}
}
