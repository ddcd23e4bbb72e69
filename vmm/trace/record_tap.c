/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Taps while recording. The device gets a trace port (trace_port.h)
 * instead of the tap's port; the recorder keeps the tap's port (net_tap.h,
 * over the real tap) and moves frames between the two:
 *  - tap -> device: the I/O thread reads a frame from the tap and, as one
 *    event (TAP_RX), queues it in the trace port. When the queue is full
 *    the frame is held and the tap no longer polled; after each later
 *    event the recorder tries again (the device may have read meanwhile).
 *    The device takes queued frames in its own events (NET_RX, or a
 *    receiveq notification), so what it gets is in the trace's order. An
 *    eventfd, readable while frames are queued, is what the VM's I/O
 *    thread polls for the device (vm_host.tap_fds) while it wants frames;
 *    its NET_RX events come from there (record_net_rx).
 *  - device -> tap: at the end of each event, the frames the device sent
 *    in it become TAP_TX effects and are written to the tap (a frame the
 *    tap refuses is dropped and counted, as a tap drops it).
 * Offloads are off (the port offers none), so frames need no
 * TUNSETOFFLOAD. The tap is used with readv and writev (through its port)
 * and the eventfd with read and write: what the threads' seccomp filters
 * allow.
 */
#include "vmm/trace/record_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm/base/log.h"

#define RTAP_BUF (TRACE_FRAME_MAX + 4096)

/* Poll the tap (on) or stop (off). */
static void rtap_poll(struct rtap *t, bool on)
{
	int r = iothread_mod(vm_iothread(t->rec->vm), t->tap.fd, on ? EPOLLIN : 0);
	if (r)
		log_warn("record: tap %u: %s", t->index, strerror(-r));
}

/* The tap port's want_rx: never called (the recorder polls the tap). */
static void rtap_tap_want(void *opaque, bool want)
{
	(void)opaque, (void)want;
}

/* The device's want_rx on the trace port: poll the eventfd or stop. */
static void rtap_dev_want(void *opaque, bool want)
{
	struct rtap *t = opaque;
	if (!t->rec->vm)
		return;
	int r = iothread_mod(vm_iothread(t->rec->vm), t->ready_fd, want ? EPOLLIN : 0);
	if (r)
		log_warn("record: net %u: %s", t->index, strerror(-r));
}

int rtap_open(struct rtap *t, struct recorder *rec, unsigned index,
	      int *host_fd, unsigned *offloads, struct net_port **port)
{
	memset(t, 0, sizeof(*t));
	t->rec = rec;
	t->index = index;
	t->ready_fd = -1;
	tport_init(&t->port, 0, rtap_dev_want, t);
	t->port_ready = true;
	t->rx_frame = malloc(RTAP_BUF);
	if (!t->rx_frame)
		return -ENOMEM;
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int e = net_tap_init(&t->tap, *host_fd, 0, rtap_tap_want, t);
	if (e) {
		close(fd);
		return e;
	}
	/* The VM polls the eventfd (host_close closes it); the recorder
	 * keeps the tap. */
	t->ready_fd = fd;
	*host_fd = fd;
	*offloads = 0;
	*port = &t->port.port;
	return 0;
}

/* Make the eventfd readable exactly while frames are queued. */
static void rtap_sync(struct rtap *t)
{
	bool ready = tport_rx_ready(&t->port);
	if (ready == t->signalled)
		return;
	uint64_t v = 1;
	ssize_t n = ready ? write(t->ready_fd, &v, sizeof(v))
			  : read(t->ready_fd, &v, sizeof(v));
	if (n == (ssize_t)sizeof(v))
		t->signalled = ready;
}

/* Queue the held frame for the device as a TAP_RX event (lock held). */
static bool rtap_push(struct rtap *t)
{
	int e = tport_push_rx(&t->port, t->rx_frame, t->rx_len);
	if (e == -ENOBUFS)
		return false;
	if (!e)
		tenc_blob(&t->rec->out, TRACE_TAP_RX, (uint8_t)t->index,
			  t->rx_frame, (uint32_t)t->rx_len);
	t->rx_held = false; /* queued, or refused for good: dropped */
	return true;
}

/* The tap is readable (I/O thread): one frame per call. */
static void rtap_ready(void *opaque, uint32_t events)
{
	struct rtap *t = opaque;
	(void)events;
	record_begin(t->rec);
	ssize_t n = 0;
	if (!t->rx_held) {
		struct iovec iov = {.iov_base = t->rx_frame,
				    .iov_len = RTAP_BUF};
		n = t->tap.port.ops->recv(&t->tap.port, &iov, 1);
	}
	if (n < 0 && n != -EAGAIN) {
		log_warn("record: tap %u: %s; no longer reading it", t->index,
			 strerror((int)-n));
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
	rtap_sync(t);
}

/* One frame the device sent: a TAP_TX effect, then the tap. */
static void rtap_tx_one(void *opaque, const uint8_t *frame, size_t len)
{
	struct rtap *t = opaque;
	tenc_blob(&t->rec->eff, TRACE_TAP_TX, (uint8_t)t->index, frame,
		  (uint32_t)len);
	struct iovec iov = {.iov_base = (void *)frame, .iov_len = len};
	if (t->tap.port.ops->send(&t->tap.port, &iov, 1) != (ssize_t)len)
		t->tx_dropped++;
}

void rtap_drain_tx(struct rtap *t)
{
	(void)tport_take_tx(&t->port, rtap_tx_one, t);
}

int rtap_start(struct rtap *t, struct vm *vm, struct vm_vdev *v)
{
	t->vdev = v;
	return iothread_add(vm_iothread(vm), t->tap.fd, EPOLLIN, rtap_ready, t);
}

void rtap_close(struct rtap *t)
{
	if (t->tap.port.ops && t->tap.fd >= 0)
		close(t->tap.fd);
	t->tap.port.ops = NULL;
	if (t->port_ready)
		tport_destroy(&t->port);
	free(t->rx_frame);
	t->tap.fd = -1;
	t->rx_frame = NULL;
	t->port_ready = false;
}
