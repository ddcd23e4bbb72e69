/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-vsock's host side on unix sockets; see vsock_uds.h. */
#include "vmm/vm/vsock_uds.h"

#include "vmm/vm/vsock_dial.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

enum { UDS_FREE, UDS_HANDSHAKE, UDS_WAIT, UDS_LIVE };

#define LISTENER  UINT32_MAX /* the epoll data of the listening socket */
#define BAD_EVENT (EPOLLHUP | EPOLLERR)

static struct vsock_uds *uds_of(struct vsock_port *p)
{
	return (struct vsock_uds *)((char *)p -
				    offsetof(struct vsock_uds, port));
}

int vsock_uds_listen(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	int r,
	    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, VSOCK_PORT_MAX_CONNS) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Set the events of slot h's socket (0: hang-ups only). */
static void uds_poll(struct vsock_uds *u, int h, uint32_t events)
{
	struct vsock_uds_conn *c = &u->c[h];
	if (!c->polled)
		return;
	struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)h};
	if (epoll_ctl(u->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		c->polled = false; /* cannot happen for a valid fd */
}

/* Take fd into a free slot, polled for `events`: the slot, or -EBUSY
 * (no slot) / -errno, fd closed. */
static int uds_take(struct vsock_uds *u, int fd, uint8_t state, uint32_t events)
{
	for (int h = 0; h < VSOCK_PORT_MAX_CONNS; h++) {
		struct vsock_uds_conn *c = &u->c[h];
		if (c->fd >= 0)
			continue;
		struct epoll_event ev = {.events = events,
					 .data.u32 = (uint32_t)h};
		if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			int e = -errno;
			close(fd);
			return e;
		}
		*c = (struct vsock_uds_conn){
		    .fd = fd, .state = state, .polled = true};
		return h;
	}
	close(fd);
	return -EBUSY;
}

static void uds_drop(struct vsock_uds *u, int h)
{
	if (h < 0 || h >= VSOCK_PORT_MAX_CONNS || u->c[h].fd < 0)
		return;
	close(u->c[h].fd); /* leaves the epoll set with it */
	u->c[h] = (struct vsock_uds_conn){.fd = -1};
}

/* ---- the port ---- */

static int uds_connect(struct vsock_port *p, uint32_t port)
{
	struct vsock_uds *u = uds_of(p);
	if (u->dial_fd < 0)
		return -ECONNREFUSED; /* no dialer */
	int fd = vsock_dial(u->dial_fd, port);
	return fd < 0 ? fd : uds_take(u, fd, UDS_LIVE, 0);
}

static void uds_accepted(struct vsock_port *p, int h, uint32_t local)
{
	struct vsock_uds *u = uds_of(p);
	char ok[24];
	int n = snprintf(ok, sizeof(ok), "OK %u\n", local);
	/* A fresh socket's buffer takes 14 bytes; if not, reads see EOF. */
	if (write(u->c[h].fd, ok, (size_t)n) != n)
		shutdown(u->c[h].fd, SHUT_WR);
	u->c[h].state = UDS_LIVE;
}

static ssize_t uds_send(struct vsock_port *p, int h, const struct iovec *iov,
			unsigned n)
{
	ssize_t w = writev(uds_of(p)->c[h].fd, iov, (int)n);
	return w < 0 ? (errno == EWOULDBLOCK ? -EAGAIN : -errno) : w;
}

static ssize_t uds_recv(struct vsock_port *p, int h, const struct iovec *iov,
			unsigned n)
{
	ssize_t r = readv(uds_of(p)->c[h].fd, iov, (int)n);
	return r < 0 ? (errno == EWOULDBLOCK ? -EAGAIN : -errno) : r;
}

static void uds_want(struct vsock_port *p, int h, bool rx, bool tx)
{
	uds_poll(uds_of(p), h, (rx ? EPOLLIN : 0u) | (tx ? EPOLLOUT : 0u));
}

static void uds_shutdown_send(struct vsock_port *p, int h)
{
	shutdown(uds_of(p)->c[h].fd, SHUT_WR);
}

static void uds_close(struct vsock_port *p, int h)
{
	uds_drop(uds_of(p), h);
}

static const struct vsock_port_ops uds_ops = {
    .connect = uds_connect,
    .accepted = uds_accepted,
    .send = uds_send,
    .recv = uds_recv,
    .want = uds_want,
    .shutdown_send = uds_shutdown_send,
    .close = uds_close,
};

/* ---- serving ---- */

/* "CONNECT PORT" (the newline stripped) -> port. */
static bool uds_parse(const char *line, uint32_t *port)
{
	const char *p = line + 8;
	if (strncmp(line, "CONNECT ", 8) || *p < '0' || *p > '9')
		return false;
	uint64_t v = 0;
	for (; *p >= '0' && *p <= '9' && v <= UINT32_MAX; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	*port = (uint32_t)v;
	return !*p && v <= UINT32_MAX;
}

/* Read slot h's handshake line, a byte at a time so that nothing after
 * the newline is taken from the stream. */
static void uds_handshake(struct vsock_uds *u, int h)
{
	struct vsock_uds_conn *c = &u->c[h];
	for (;;) {
		char ch;
		ssize_t r = read(c->fd, &ch, 1);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0 || c->len == VSOCK_UDS_LINE_MAX - 1)
			break;
		if (ch != '\n') {
			c->line[c->len++] = ch;
			continue;
		}
		c->line[c->len] = '\0';
		uint32_t port;
		if (!uds_parse(c->line, &port) ||
		    u->sink.host_connect(u->sink.dev, h, port))
			break;
		c->state = UDS_WAIT;
		uds_poll(u, h, 0);
		u->accepted++;
		return;
	}
	u->refused++;
	uds_drop(u, h);
}

static void uds_accept(struct vsock_uds *u)
{
	for (;;) {
		int fd = accept4(u->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or an aborted connection */
		if (uds_take(u, fd, UDS_HANDSHAKE, EPOLLIN) < 0)
			u->refused++; /* no slot: closed */
	}
}

static void uds_event(struct vsock_uds *u, int h, uint32_t ev)
{
	struct vsock_uds_conn *c = &u->c[h];
	if (c->fd < 0)
		return; /* closed earlier in this batch */
	if (ev & BAD_EVENT && c->polled) {
		/* Told once: out of the set, so it cannot spin. */
		epoll_ctl(u->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		c->polled = false;
	}
	if (c->state == UDS_HANDSHAKE) {
		uds_handshake(u, h);
		return;
	}
	bool bad = ev & BAD_EVENT;
	u->sink.ready(u->sink.dev, h, bad || (ev & (EPOLLIN | EPOLLRDHUP)),
		      bad || (ev & EPOLLOUT));
}

void vsock_uds_serve(struct vsock_uds *u)
{
	struct epoll_event evs[16];
	int n = epoll_wait(u->epfd, evs, 16, 0);
	for (int i = 0; i < n; i++) {
		uint32_t h = evs[i].data.u32;
		if (h == LISTENER)
			uds_accept(u);
		else if (h < VSOCK_PORT_MAX_CONNS)
			uds_event(u, (int)h, evs[i].events);
	}
}

int vsock_uds_init(struct vsock_uds *u, int listen_fd, int dial_fd)
{
	memset(u, 0, sizeof(*u));
	u->port.ops = &uds_ops;
	u->listen_fd = listen_fd;
	u->dial_fd = dial_fd;
	for (unsigned i = 0; i < VSOCK_PORT_MAX_CONNS; i++)
		u->c[i].fd = -1;
	u->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (u->epfd < 0)
		return -errno;
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = LISTENER};
	if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, listen_fd, &ev) < 0) {
		int r = -errno;
		close(u->epfd);
		u->epfd = -1;
		return r;
	}
	return 0;
}

void vsock_uds_bind(struct vsock_uds *u, const struct vsock_sink *sink)
{
	u->sink = *sink;
}

int vsock_uds_fd(const struct vsock_uds *u)
{
	return u->epfd;
}

void vsock_uds_destroy(struct vsock_uds *u)
{
	for (int h = 0; h < VSOCK_PORT_MAX_CONNS; h++)
		uds_drop(u, h);
	if (u->epfd >= 0)
		close(u->epfd);
	u->epfd = -1;
}
