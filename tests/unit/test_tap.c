/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for vmm/vm/tap.c. Without privileges only the error paths run.
 * As root with /dev/net/tun, a forked child moves into a fresh network
 * namespace (unshare(CLONE_NEWNET)), creates its own taps there and checks
 * tap_open, the probed offloads, tap_set_offloads and a frame each way;
 * the namespace and everything in it goes away when the child exits.
 * Nothing touches the host's interfaces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>

#include "vmm/vm/tap.h"

#define SKIP_CODE 77
#define TAP "vmmtest0"

static void test_errors(void **state)
{
	char err[160] = "";
	unsigned off = 99;
	int fd = -1;

	(void)state;
	assert_int_equal(tap_open("vmmnosuch0", &fd, &off, err, sizeof(err)),
			 -ENODEV);
	assert_non_null(strstr(err, "vmmnosuch0"));
	assert_non_null(strstr(err, "ip tuntap add"));
	assert_int_equal(fd, -1);
	assert_int_equal(if_nametoindex("vmmnosuch0"), 0); /* not created */
	assert_int_equal(tap_open("", &fd, &off, err, sizeof(err)), -EINVAL);
	assert_int_equal(tap_open(NULL, &fd, &off, err, sizeof(err)), -EINVAL);
	assert_int_equal(tap_open("a-name-longer-than-15", &fd, &off, err,
				  sizeof(err)),
			 -EINVAL);
	assert_int_equal(tap_open("../x", &fd, &off, NULL, 0), -EINVAL);
	assert_int_equal(tap_set_offloads(-1, 0), -EBADF);
}

/* In the child: report and exit 1 when cond is false. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK(%s) failed: %s\n",       \
				__FILE__, __LINE__, #cond, strerror(errno));   \
			_exit(1);                                              \
		}                                                              \
	} while (0)

/* A persistent tap (or tun) `name` in the current namespace, detached. */
static void make_persistent(const char *name, short type)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	CHECK(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = type | IFF_NO_PI;
	CHECK(ioctl(fd, TUNSETIFF, &ifr) == 0);
	CHECK(ioctl(fd, TUNSETPERSIST, 1) == 0);
	close(fd);
}

/* Give `name` 10.77.0.1/24 and bring it up. */
static void bring_up(const char *name)
{
	struct ifreq ifr;
	struct sockaddr_in *a = (struct sockaddr_in *)&ifr.ifr_addr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	CHECK(s >= 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	a->sin_family = AF_INET;
	CHECK(inet_pton(AF_INET, "10.77.0.1", &a->sin_addr) == 1);
	CHECK(ioctl(s, SIOCSIFADDR, &ifr) == 0);
	CHECK(inet_pton(AF_INET, "255.255.255.0", &a->sin_addr) == 1);
	CHECK(ioctl(s, SIOCSIFNETMASK, &ifr) == 0);
	CHECK(ioctl(s, SIOCGIFFLAGS, &ifr) == 0);
	ifr.ifr_flags |= IFF_UP;
	CHECK(ioctl(s, SIOCSIFFLAGS, &ifr) == 0);
	close(s);
}

static uint16_t ip_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Frames through the tap with their 12-byte vnet header: the kernel's ARP
 * request for 10.77.0.2 comes out; a UDP datagram to 10.77.0.1 goes in. */
static void frames(int fd)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	struct pollfd p = {.fd = fd, .events = POLLIN};
	uint8_t f[2048];
	ssize_t n;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	CHECK(s >= 0);
	CHECK(inet_pton(AF_INET, "10.77.0.2", &to.sin_addr) == 1);
	CHECK(sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1);
	do { /* skip IPv6 noise until the ARP request */
		CHECK(poll(&p, 1, 5000) == 1);
		n = read(fd, f, sizeof(f));
		CHECK(n >= 12 + 14);
	} while (f[12 + 12] != 0x08 || f[12 + 13] != 0x06);
	CHECK(n == 12 + 42);
	CHECK(f[0] == 0 && f[1] == VIRTIO_NET_HDR_GSO_NONE);
	close(s);

	/* 10.77.0.2:7 -> 10.77.0.1:4242, "hello", UDP checksum 0. */
	static const uint8_t ip[20] = {0x45, 0, 0, 33, 0, 0, 0x40, 0, 64, 17,
				       0, 0, 10, 77, 0, 2, 10, 77, 0, 1};
	struct sockaddr_in me = {.sin_family = AF_INET,
				 .sin_port = htons(4242)};
	uint8_t *e = f + 12;
	struct ifreq ifr;
	char got[16];

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&me, sizeof(me)) == 0);
	memset(f, 0, sizeof(f));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", TAP);
	CHECK(ioctl(s, SIOCGIFHWADDR, &ifr) == 0);
	memcpy(e, ifr.ifr_hwaddr.sa_data, 6); /* to the tap's MAC */
	memcpy(e + 6, "\x52\x54\x00\x00\x00\x02\x08\x00", 8);
	memcpy(e + 14, ip, 20);
	r = ip_csum(e + 14, 20);
	e[14 + 10] = (uint8_t)(r >> 8);
	e[14 + 11] = (uint8_t)r;
	memcpy(e + 34, "\x00\x07\x10\x92\x00\x0d\x00\x00hello", 13);
	CHECK(write(fd, f, 12 + 14 + 33) == 12 + 14 + 33);
	p.fd = s;
	CHECK(poll(&p, 1, 5000) == 1);
	CHECK(recv(s, got, sizeof(got), 0) == 5 && !memcmp(got, "hello", 5));
	close(s);
}

static void in_netns(void)
{
	char err[160];
	unsigned off;
	int fd, fd2, v = 0;
	struct ifreq ifr;

	if (unshare(CLONE_NEWNET) != 0)
		_exit(SKIP_CODE);
	make_persistent(TAP, IFF_TAP);
	make_persistent("vmmtun0", IFF_TUN);

	CHECK(tap_open(TAP, &fd, &off, err, sizeof(err)) == 0);
	fprintf(stderr, "%s: offloads %#x\n", TAP, off);
	CHECK(off & TUN_F_CSUM);
	CHECK((off & ~(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) == 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK(ioctl(fd, TUNGETIFF, &ifr) == 0);
	CHECK((ifr.ifr_flags & (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)) ==
	      (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
	CHECK(ioctl(fd, TUNGETVNETHDRSZ, &v) == 0 && v == 12);
	CHECK(tap_set_offloads(fd, off) == 0);
	CHECK(tap_set_offloads(fd, TUN_F_TSO4) == -EINVAL); /* needs CSUM */
	CHECK(tap_set_offloads(fd, 0) == 0);

	/* Attached already (single queue), not a tap, not there. */
	CHECK(tap_open(TAP, &fd2, &off, err, sizeof(err)) == -EBUSY);
	CHECK(strstr(err, TAP) != NULL);
	CHECK(tap_open("vmmtun0", &fd2, &off, err, sizeof(err)) == -EINVAL);
	CHECK(tap_open("lo", &fd2, &off, err, sizeof(err)) == -EINVAL);
	CHECK(tap_open("vmmnope0", &fd2, &off, err, sizeof(err)) == -ENODEV);
	CHECK(if_nametoindex("vmmnope0") == 0);

	bring_up(TAP);
	frames(fd);
	close(fd);
	_exit(0);
}

static void test_netns(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		in_netns();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == SKIP_CODE)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_netns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
