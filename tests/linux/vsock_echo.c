/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vsock-echo: the Linux test guest's AF_VSOCK program (built static by
 * tests/linux/build-initramfs.sh, run by tests/linux/init.sh). It uses the
 * guest kernel's own virtio-vsock driver, so the host side is vmm's hybrid
 * vsock (docs/vsock.md).
 *
 *   vsock-echo serve PORT      listen on PORT, print
 *                              "VMMTEST vsock listening PORT", accept one
 *                              connection and echo it until the peer
 *                              closes; then print
 *                              "VMMTEST vsock host-to-guest ok|fail ..."
 *   vsock-echo call PORT MSG   connect to the host (CID 2) at PORT, send
 *                              MSG, shut down the write side, read the
 *                              echo back and print
 *                              "VMMTEST vsock guest-to-host ok|fail ..."
 *
 *
 * The same echo and call on the host's end of vmm's hybrid vsock
 * (Firecracker's protocol over unix sockets), for hosts without Python
 * (tests/arm64/nested_test.sh; tests/linux/vsock_peer.py elsewhere):
 *
 *   vsock-echo uds-serve PATH  listen on the unix socket PATH (the
 *                              --vsock uds path, "_", the port), echo one
 *                              connection; print
 *                              "VMMTEST vsock guest-to-host-echo ok ..."
 *   vsock-echo uds-call UDS PORT MSG
 *                              connect to vmm's socket UDS, "CONNECT
 *                              PORT", expect "OK ", then as call; print
 *                              "VMMTEST vsock host-to-guest-call ok ..."
 *
 * Exit status 0 on ok, 1 on fail, 2 on bad usage. An alarm ends every
 * mode after ALARM_S seconds (a hang guard: guest code may be emulated).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#define ALARM_S	 300
#define HOST_CID 2

static int fail(const char *dir, const char *what)
{
	printf("VMMTEST vsock %s fail %s: %s\n", dir, what, strerror(errno));
	fflush(stdout);
	return 1;
}

static struct sockaddr_vm addr(unsigned cid, unsigned port)
{
	struct sockaddr_vm a;
	memset(&a, 0, sizeof(a));
	a.svm_family = AF_VSOCK;
	a.svm_cid = cid;
	a.svm_port = port;
	return a;
}

/* Write all of buf; 0 or -1 (errno set). */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int echo_one(int s, const char *dir);

static int serve(unsigned port)
{
	const char *dir = "host-to-guest";
	int s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0)
		return fail(dir, "socket");
	struct sockaddr_vm a = addr(VMADDR_CID_ANY, port);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1))
		return fail(dir, "bind/listen");
	printf("VMMTEST vsock listening %u\n", port);
	fflush(stdout);
	return echo_one(s, dir);
}

/* Accept one connection on s and echo it until the peer closes. */
static int echo_one(int s, const char *dir)
{
	int c = accept(s, NULL, NULL);
	if (c < 0)
		return fail(dir, "accept");
	char buf[4096];
	size_t total = 0;
	for (;;) {
		ssize_t n = read(c, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(dir, "read");
		if (n == 0)
			break;
		if (write_all(c, buf, (size_t)n))
			return fail(dir, "write");
		total += (size_t)n;
	}
	close(c);
	close(s);
	printf("VMMTEST vsock %s ok echoed %zu bytes\n", dir, total);
	return 0;
}

static int send_back(int s, const char *dir, const char *msg);

static int call(unsigned port, const char *msg)
{
	const char *dir = "guest-to-host";
	int s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0)
		return fail(dir, "socket");
	struct sockaddr_vm a = addr(HOST_CID, port);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)))
		return fail(dir, "connect");
	return send_back(s, dir, msg);
}

/* Send msg on the connected s, shut down the write side, and check that
 * the same bytes come back. */
static int send_back(int s, const char *dir, const char *msg)
{
	size_t len = strlen(msg);
	if (write_all(s, msg, len) || shutdown(s, SHUT_WR))
		return fail(dir, "write");
	char back[4096];
	size_t got = 0;
	while (got < sizeof(back)) {
		ssize_t n = read(s, back + got, sizeof(back) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(dir, "read");
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(s);
	if (got != len || memcmp(back, msg, len)) {
		printf("VMMTEST vsock %s fail the echo is %zu bytes, "
		       "not the %zu sent\n",
		       dir, got, len);
		return 1;
	}
	printf("VMMTEST vsock %s ok %zu bytes echoed\n", dir, got);
	return 0;
}

/* A unix stream socket bound (listen) or connected to path; -1. */
static int uds(const char *path, int listening)
{
	struct sockaddr_un a;
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(a.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return -1;
	int r = listening
		    ? bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)
		    : connect(s, (struct sockaddr *)&a, sizeof(a));
	if (r) {
		close(s);
		return -1;
	}
	return s;
}

static int uds_serve(const char *path)
{
	const char *dir = "guest-to-host-echo";
	int s = uds(path, 1);
	return s < 0 ? fail(dir, "bind/listen") : echo_one(s, dir);
}

/* The hybrid vsock's handshake: "CONNECT PORT\n", then "OK N\n" back,
 * read a byte at a time so that nothing after it is taken. */
static int uds_call(const char *path, unsigned port, const char *msg)
{
	const char *dir = "host-to-guest-call";
	int s = uds(path, 0);
	if (s < 0)
		return fail(dir, "connect");
	char line[64];
	int n = snprintf(line, sizeof(line), "CONNECT %u\n", port);
	if (write_all(s, line, (size_t)n))
		return fail(dir, "CONNECT");
	size_t got = 0;
	while (got + 1 < sizeof(line)) {
		ssize_t r = read(s, line + got, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return fail(dir, "the handshake's answer");
		if (line[got++] == '\n')
			break;
	}
	line[got] = 0;
	if (strncmp(line, "OK ", 3) != 0) {
		printf("VMMTEST vsock %s fail the handshake answered '%s'\n",
		       dir, line);
		return 1;
	}
	return send_back(s, dir, msg);
}

/* A port number in 1..0xfffffffe; 0 when s is not one. */
static unsigned parse_port(const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v >= 0xffffffffUL)
		return 0;
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	unsigned port = argc >= 3 ? parse_port(argv[2]) : 0;
	alarm(ALARM_S);
	if (argc == 3 && port && !strcmp(argv[1], "serve"))
		return serve(port);
	if (argc == 4 && port && !strcmp(argv[1], "call"))
		return call(port, argv[3]);
	if (argc == 3 && !strcmp(argv[1], "uds-serve"))
		return uds_serve(argv[2]);
	unsigned uport = argc == 5 ? parse_port(argv[3]) : 0;
	if (uport && !strcmp(argv[1], "uds-call"))
		return uds_call(argv[2], uport, argv[4]);
	fprintf(stderr, "usage: vsock-echo serve PORT | call PORT MSG | "
			"uds-serve PATH | uds-call UDS PORT MSG\n");
	return 2;
}
