/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-vsock's host side on real unix sockets (vmm/vm/vsock_uds.c) and
 * the dialer's protocol (vmm/vm/vsock_dial.c, its server on a thread
 * here): the hybrid handshake, data both ways on connections opened by
 * either side, hang-ups, refusals and bad handshakes; the device driven
 * by vsock_fixture.h's driver.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/unit/vsock_fixture.h"
#include "vmm/vm/vsock_dial.h"
#include "vmm/vm/vsock_uds.h"

struct uf {
	struct vf f; /* its port unused: the device is over uds */
	struct vsock_uds u;
	char dir[64], path[128];
	int listen_fd, dial[2];
	pthread_t dialer;
	bool dialer_on;
};

static void *dialer_main(void *opaque)
{
	struct uf *t = opaque;
	vsock_dial_serve(t->dial[1], t->path);
	return NULL;
}

static int setup(void **state)
{
	struct uf *t = test_calloc(1, sizeof(*t));
	struct vf *f = &t->f;
	snprintf(t->dir, sizeof(t->dir), "/tmp/vmm-vsock-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/v.sock", t->dir);
	t->listen_fd = vsock_uds_listen(t->path);
	if (t->listen_fd < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, t->dial) ||
	    pthread_create(&t->dialer, NULL, dialer_main, t))
		return -1;
	t->dialer_on = true;
	if (vsock_uds_init(&t->u, t->listen_fd, t->dial[0]))
		return -1;
	gm_init(&f->gm);
	if (gm_add_ram(&f->gm, 0, 1 << 20, 0))
		return -1;
	struct virtio_vsock_opts o = {.port = &t->u.port, .guest_cid = VF_CID};
	struct virtio_mmio_host mh = {.raise_irq = vf_irq, .opaque = f};
	if (virtio_vsock_init(&f->v, &f->gm, &o) ||
	    virtio_mmio_init(&f->m, &f->v.dev, &mh) || vf_up(f))
		return -1;
	struct vsock_sink sink;
	virtio_vsock_sink(&f->v, &sink);
	vsock_uds_bind(&t->u, &sink);
	vf_post_rx(f, VF_QSZ, VF_RXBUF);
	*state = t;
	return 0;
}

static void stop_dialer(struct uf *t)
{
	if (!t->dialer_on)
		return;
	shutdown(t->dial[0], SHUT_RDWR);
	pthread_join(t->dialer, NULL);
	t->dialer_on = false;
}

static int teardown(void **state)
{
	struct uf *t = *state;
	stop_dialer(t);
	virtio_mmio_destroy(&t->f.m);
	virtio_vsock_destroy(&t->f.v);
	vsock_uds_destroy(&t->u);
	gm_destroy(&t->f.gm);
	close(t->listen_fd);
	close(t->dial[0]);
	close(t->dial[1]);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	assert_int_equal(system(cmd), 0);
	test_free(t);
	return 0;
}

/* Serve what is ready, a few rounds (each waits up to 200 ms). */
static void pump(struct uf *t)
{
	for (int i = 0; i < 5; i++) {
		struct pollfd p = {.fd = vsock_uds_fd(&t->u), .events = POLLIN};
		if (poll(&p, 1, i ? 20 : 200) <= 0)
			return;
		vsock_uds_serve(&t->u);
	}
}

static int client(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	assert_true(n < sizeof(a.sun_path));
	memcpy(a.sun_path, path, n + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void read_exact(int fd, char *buf, size_t len)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t got = 0;
	while (got < len) {
		assert_int_equal(poll(&p, 1, 5000), 1);
		ssize_t n = read(fd, buf + got, len - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
}

static uint32_t expect_op(struct vf *f, uint16_t op, char *buf, uint32_t cap,
			  uint32_t *len)
{
	struct virtio_vsock_hdr h;
	uint32_t l;
	assert_int_equal(vf_recv_pkt(f, &h, buf, cap, len ? len : &l), 1);
	assert_int_equal(le16toh(h.op), op);
	return le32toh(h.src_port);
}

static void test_host_connects(void **state)
{
	struct uf *t = *state;
	struct vf *f = &t->f;
	int c = client(t->path);
	assert_int_equal(write(c, "CONNECT 52\n", 11), 11);
	pump(t);
	uint32_t local = expect_op(f, VIRTIO_VSOCK_OP_REQUEST, NULL, 0, NULL);
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_RESPONSE, 52, local, NULL, 0), 0);
	char ok[32] = "";
	int n = snprintf(ok, sizeof(ok), "OK %u\n", local);
	char got[32] = "";
	read_exact(c, got, (size_t)n);
	assert_string_equal(got, ok);
	/* host -> guest */
	assert_int_equal(write(c, "ping", 4), 4);
	pump(t);
	char buf[16];
	uint32_t len;
	expect_op(f, VIRTIO_VSOCK_OP_RW, buf, sizeof(buf), &len);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, "ping", 4);
	/* guest -> host */
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_RW, 52, local, "pong!", 5), 0);
	read_exact(c, got, 5);
	assert_memory_equal(got, "pong!", 5);
	/* the host hangs up: the guest hears it sends no more */
	close(c);
	pump(t);
	struct virtio_vsock_hdr h;
	assert_int_equal(vf_recv_pkt(f, &h, NULL, 0, &len), 1);
	assert_int_equal(le16toh(h.op), VIRTIO_VSOCK_OP_SHUTDOWN);
	assert_int_equal(t->u.accepted, 1);
}

static void test_guest_connects(void **state)
{
	struct uf *t = *state;
	struct vf *f = &t->f;
	char svc[160];
	snprintf(svc, sizeof(svc), "%s_1234", t->path);
	int l = vsock_uds_listen(svc);
	assert_true(l >= 0);
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, 1024, 1234, NULL, 0), 0);
	expect_op(f, VIRTIO_VSOCK_OP_RESPONSE, NULL, 0, NULL);
	struct pollfd p = {.fd = l, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 5000), 1);
	int s = accept(l, NULL, NULL);
	assert_true(s >= 0);
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_RW, 1024, 1234, "hello", 5), 0);
	char got[8];
	read_exact(s, got, 5);
	assert_memory_equal(got, "hello", 5);
	assert_int_equal(write(s, "world", 5), 5);
	pump(t);
	char buf[8];
	uint32_t len;
	expect_op(f, VIRTIO_VSOCK_OP_RW, buf, sizeof(buf), &len);
	assert_memory_equal(buf, "world", 5);
	/* no listener for 999: refused */
	assert_int_equal(
	    vf_send_op(f, VIRTIO_VSOCK_OP_REQUEST, 1025, 999, NULL, 0), 0);
	expect_op(f, VIRTIO_VSOCK_OP_RST, NULL, 0, NULL);
	close(s);
	close(l);
}

static void test_bad_handshakes(void **state)
{
	struct uf *t = *state;
	static const char *const bad[] = {
	    "HELLO 52\n",
	    "CONNECT\n",
	    "CONNECT x\n",
	    "CONNECT 4294967296\n",
	    "CONNECT 52 53\n",
	    "CONNECT 5555555555555555555555555555555555555555555555555\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int c = client(t->path);
		assert_int_equal(write(c, bad[i], strlen(bad[i])),
				 (ssize_t)strlen(bad[i]));
		pump(t);
		char b;
		struct pollfd p = {.fd = c, .events = POLLIN};
		assert_int_equal(poll(&p, 1, 5000), 1);
		/* closed on us (reset when it left bytes unread) */
		ssize_t r = read(c, &b, 1);
		assert_true(r == 0 || (r < 0 && errno == ECONNRESET));
		close(c);
		struct virtio_vsock_hdr h;
		uint32_t len;
		if (vf_recv_pkt(&t->f, &h, NULL, 0, &len))
			fail_msg("'%s' made op %u", bad[i], le16toh(h.op));
	}
	assert_int_equal(t->u.refused, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(no_pkt_left(&t->f), 0);
}

static void test_dialer_gone(void **state)
{
	struct uf *t = *state;
	stop_dialer(t);
	assert_int_equal(vsock_dial(t->dial[0], 1), -EPIPE);
	assert_int_equal(
	    vf_send_op(&t->f, VIRTIO_VSOCK_OP_REQUEST, 1024, 1, NULL, 0), 0);
	expect_op(&t->f, VIRTIO_VSOCK_OP_RST, NULL, 0, NULL);
}

/* A file at dir/name of `size` bytes; its path in out. */
static void make_file(struct uf *t, const char *name, off_t size, char *out,
		      size_t cap)
{
	snprintf(out, cap, "%s/%s", t->dir, name);
	int fd = open(out, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
}

/* Whether the file at path is flocked (LOCK_EX cannot be had). */
static bool is_locked(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	bool busy = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

/* The dialer opens drive images as --disk does: the mode asked, a flock,
 * only regular files (or block devices) of a sector or more. */
static void test_dialer_opens(void **state)
{
	struct uf *t = *state;
	char img[200], tiny[200], none[200];
	make_file(t, "d.img", 4096, img, sizeof(img));
	make_file(t, "tiny.img", 100, tiny, sizeof(tiny));
	snprintf(none, sizeof(none), "%s/none.img", t->dir);

	int fd = vsock_dial_open(t->dial[0], img, 0);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_true(is_locked(img));
	/* A writer holds it: a second one (another VM) is refused. */
	assert_int_equal(vsock_dial_open(t->dial[0], img, 0), -EWOULDBLOCK);
	assert_int_equal(vsock_dial_open(t->dial[0], img, VSOCK_DIAL_RO),
			 -EWOULDBLOCK);
	close(fd);
	assert_false(is_locked(img));
	fd = vsock_dial_open(t->dial[0], img, VSOCK_DIAL_RO);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	/* Readers share it. */
	int fd2 = vsock_dial_open(t->dial[0], img, VSOCK_DIAL_RO);
	assert_true(fd2 >= 0);
	close(fd2);
	close(fd);

	assert_int_equal(vsock_dial_open(t->dial[0], none, 0), -ENOENT);
	assert_int_equal(vsock_dial_open(t->dial[0], tiny, 0), -EINVAL);
	assert_int_equal(vsock_dial_open(t->dial[0], t->dir, VSOCK_DIAL_RO),
			 -EINVAL);
	assert_int_equal(vsock_dial_open(t->dial[0], "", 0), -ENAMETOOLONG);
	/* A flag the protocol does not have. */
	assert_int_equal(vsock_dial_open(t->dial[0], img, 0x80), -EINVAL);
	/* Connects still work after opens. */
	assert_int_equal(vsock_dial(t->dial[0], 4321), -ENOENT);
}

/* A dialer without a vsock path refuses connects and still opens. */
static void test_dialer_no_vsock(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	uint32_t port = 5;
	assert_int_equal(write(sv[0], &port, sizeof(port)), sizeof(port));
	shutdown(sv[0], SHUT_WR);
	vsock_dial_serve(sv[1], NULL); /* answers, then sees the end */
	int32_t status = 0;
	assert_int_equal(read(sv[0], &status, sizeof(status)), sizeof(status));
	assert_int_equal(status, ENOENT);
	close(sv[0]);
	close(sv[1]);
}

static void test_listen_refuses_existing(void **state)
{
	struct uf *t = *state;
	assert_int_equal(vsock_uds_listen(t->path), -EADDRINUSE);
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(vsock_uds_listen(longp), -ENAMETOOLONG);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_host_connects),
	    T(test_guest_connects),
	    T(test_bad_handshakes),
	    T(test_dialer_gone),
	    T(test_listen_refuses_existing),
	    T(test_dialer_opens),
	    cmocka_unit_test(test_dialer_no_vsock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
