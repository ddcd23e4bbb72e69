/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Taps while recording. The device gets one end of a SOCK_SEQPACKET pair
 * instead of the tap (frame boundaries and EAGAIN behave the same, and
 * the replay gets the same kind of fd); the recorder keeps the tap and
 * the other end, and moves frames between them:
 *  - tap -> device: the I/O thread reads a frame from the tap and, as one
 *    event (TAP_RX), puts it in the socket. When the socket is full the
 *    frame is held and the tap no longer polled; after each later event
 *    the recorder tries again (the device may have read meanwhile). The
 *    device reads the socket in its own events (NET_RX, or a receiveq
 *    notification), so what it gets is in the trace's order.
 *  - device -> tap: after each event in which the device sent frames
 *    (its tx_frames counter moved), they are read from the socket,
 *    become TAP_TX effects and are written to the tap (a frame the tap
 *    refuses is dropped and counted, as a tap drops it).
 * Offloads are off (the device offers none), so frames need no
 * TUNSETOFFLOAD on the socket. The sockets are non-blocking and used with
 * read and write only (what the vCPU and I/O threads' seccomp filters
 * allow).
 */
#include "vmm/trace/record_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/virtio/net.h"
#include "vmm/log.h"

#define RTAP_BUF     (TRACE_FRAME_MAX + 4096)
#define RTAP_SOCKBUF (4 << 20)

int rtap_open(struct rtap *t, struct recorder *rec, unsigned index,
	      int *host_fd, unsigned *offloads)
{
	int sv[2];
	memset(t, 0, sizeof(*t));
	t->rec = rec;
	t->index = index;
	t->tap_fd = t->dev_fd = t->peer_fd = -1;
	t->rx_frame = malloc(RTAP_BUF);
	t->tx_frame = malloc(RTAP_BUF);
	if (!t->rx_frame || !t->tx_frame)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0, sv) < 0)
		return -errno;
	int sz = RTAP_SOCKBUF;
	for (int i = 0; i < 2; i++) {
		(void)setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		(void)setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	/* The device gets one end, which host_close will close; the
	 * recorder keeps the tap and the other end. */
	t->dev_fd = sv[0];
	t->peer_fd = sv[1];
	t->tap_fd = *host_fd;
	*host_fd = t->dev_fd;
	*offloads = 0;
	return 0;
}

/* Poll the tap (on) or stop (off). */
static void rtap_poll(struct rtap *t, bool on)
{
	int r = iothread_mod(&t->rec->vm->io, t->tap_fd, on ? EPOLLIN : 0);
	if (r)
		log_warn("record: tap %u: %s", t->index, strerror(-r));
}

/* Put the held frame into the socket as a TAP_RX event (lock held). */
static bool rtap_push(struct rtap *t)
{
	ssize_t n = write(t->peer_fd, t->rx_frame, t->rx_len);
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
		return false;
	if (n == (ssize_t)t->rx_len)
		tenc_blob(&t->rec->out, TRACE_TAP_RX, (uint8_t)t->index,
			  t->rx_frame, (uint32_t)t->rx_len);
	t->rx_held = false; /* sent, or refused for good: dropped */
	return true;
}

/* The tap is readable (I/O thread): one frame per call. */
static void rtap_ready(void *opaque, uint32_t events)
{
	struct rtap *t = opaque;
	(void)events;
	record_begin(t->rec);
	ssize_t n = t->rx_held ? 0 : read(t->tap_fd, t->rx_frame, RTAP_BUF);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		log_warn("record: tap %u: %s; no longer reading it", t->index,
			 strerror(errno));
		rtap_poll(t, false);
	}
	/* A frame virtio-net could not take is the tap's loss. */
	if (n > 0 && n <= TRACE_FRAME_MAX) {
		t->rx_len = (size_t)n;
		t->rx_held = true;
		if (!rtap_push(t))
			rtap_poll(t, false);
	}
	record_end(t->rec);
}

void rtap_retry_rx(struct rtap *t)
{
	if (t->rx_held && rtap_push(t))
		rtap_poll(t, true);
}

void rtap_drain_tx(struct rtap *t)
{
	const struct virtio_net *n = t->vdev ? t->vdev->impl : NULL;
	if (!n || n->tx_frames == t->tx_seen)
		return;
	t->tx_seen = n->tx_frames;
	for (;;) {
		ssize_t len = read(t->peer_fd, t->tx_frame, RTAP_BUF);
		if (len < 0)
			return;
		tenc_blob(&t->rec->eff, TRACE_TAP_TX, (uint8_t)t->index,
			  t->tx_frame, (uint32_t)len);
		ssize_t w;
		do {
			w = write(t->tap_fd, t->tx_frame, (size_t)len);
		} while (w < 0 && errno == EINTR);
		if (w != len)
			t->tx_dropped++;
	}
}

int rtap_start(struct rtap *t, struct vm *vm, struct vm_vdev *v)
{
	t->vdev = v;
	return iothread_add(&vm->io, t->tap_fd, EPOLLIN, rtap_ready, t);
}

void rtap_close(struct rtap *t)
{
	if (t->tap_fd >= 0)
		close(t->tap_fd);
	if (t->peer_fd >= 0)
		close(t->peer_fd);
	free(t->rx_frame);
	free(t->tx_frame);
	t->tap_fd = t->peer_fd = -1;
	t->rx_frame = t->tx_frame = NULL;
}
