/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vsock while recording (record_int.h, struct rvsock). The device's
 * stream port is a thin layer over the real unix-socket port (vsock_uds.h):
 *  - what a port call returned is a host input, recorded before the event
 *    it belongs to (vsock-in): a dial's handle or error, the bytes a send
 *    took, the bytes a receive read (with the bytes);
 *  - what the device did to the host is an effect (vsock-out): the bytes
 *    the host took, accepted, shutdown and close;
 *  - what the host did is an event (vsock-host): the uds, served on the
 *    VM's I/O thread under the recorder's lock and then the transport
 *    lock (the vCPUs' order), calls the device through our sink, and each
 *    call becomes one event with the answer of host_connect as an effect.
 * want is not recorded: it only says which sockets to poll, and what the
 * polling finds comes back as ready events. Calls outside an event (the
 * device closing its connections when the VM is torn down) are passed on
 * and not recorded, as the replay does not check them either.
 */
#include "vmm/trace/record_int.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

static struct rvsock *rv_of(struct vsock_port *p)
{
	return (struct rvsock *)((char *)p - offsetof(struct rvsock, port));
}

static const struct vsock_port_ops *rv_inner(struct rvsock *t)
{
	return t->uds.port.ops;
}

/* A result as the trace's signed 32-bit y. */
static int32_t rv_y(ssize_t v)
{
	return v > INT32_MAX   ? INT32_MAX
	       : v < INT32_MIN ? INT32_MIN
			       : (int32_t)v;
}

/* A vsock record whose bytes are the first len bytes of iov[0, n). */
static void rv_put_iov(struct tenc *e, uint8_t type, unsigned op, uint32_t x,
		       int32_t y, const struct iovec *iov, unsigned n,
		       size_t len)
{
	if (len > TRACE_VSOCK_DATA_MAX)
		len = TRACE_VSOCK_DATA_MAX;
	uint8_t *p =
	    tenc_rec(e, type, (uint8_t)op, 0, TRACE_VSOCK_HDR + (uint32_t)len);
	if (!p)
		return;
	trace_put32(p, x);
	trace_put32(p + 4, (uint32_t)y);
	p += TRACE_VSOCK_HDR;
	for (unsigned i = 0; i < n && len; i++) {
		size_t k = iov[i].iov_len < len ? iov[i].iov_len : len;
		memcpy(p, iov[i].iov_base, k);
		p += k;
		len -= k;
	}
}

/* ---- the port the device gets ---- */

static int rv_connect(struct vsock_port *p, uint32_t port)
{
	struct rvsock *t = rv_of(p);
	int k = rv_inner(t)->connect(&t->uds.port, port);
	if (record_in_event(t->rec))
		tenc_vsock(&t->rec->out, TRACE_VSOCK_IN, TRACE_VSOCK_DIAL, port,
			   k, NULL, 0);
	return k;
}

/* A vsock-out effect without bytes, when in an event. */
static void rv_effect(struct rvsock *t, unsigned op, int h, int32_t y)
{
	if (record_in_event(t->rec))
		tenc_vsock(&t->rec->eff, TRACE_VSOCK_OUT, op, (uint32_t)h, y,
			   NULL, 0);
}

static void rv_accepted(struct vsock_port *p, int h, uint32_t local_port)
{
	struct rvsock *t = rv_of(p);
	rv_inner(t)->accepted(&t->uds.port, h, local_port);
	rv_effect(t, TRACE_VSOCK_ACCEPTED, h, rv_y(local_port));
}

static ssize_t rv_send(struct vsock_port *p, int h, const struct iovec *iov,
		       unsigned n)
{
	struct rvsock *t = rv_of(p);
	ssize_t w = rv_inner(t)->send(&t->uds.port, h, iov, n);
	if (!record_in_event(t->rec))
		return w;
	tenc_vsock(&t->rec->out, TRACE_VSOCK_IN, TRACE_VSOCK_SENT, (uint32_t)h,
		   rv_y(w), NULL, 0);
	if (w > 0)
		rv_put_iov(&t->rec->eff, TRACE_VSOCK_OUT, TRACE_VSOCK_DATA,
			   (uint32_t)h, 0, iov, n, (size_t)w);
	return w;
}

static ssize_t rv_recv(struct vsock_port *p, int h, const struct iovec *iov,
		       unsigned n)
{
	struct rvsock *t = rv_of(p);
	ssize_t r = rv_inner(t)->recv(&t->uds.port, h, iov, n);
	if (record_in_event(t->rec))
		rv_put_iov(&t->rec->out, TRACE_VSOCK_IN, TRACE_VSOCK_RECV,
			   (uint32_t)h, rv_y(r), iov, n, r > 0 ? (size_t)r : 0);
	return r;
}

static void rv_want(struct vsock_port *p, int h, bool rx, bool tx)
{
	struct rvsock *t = rv_of(p);
	rv_inner(t)->want(&t->uds.port, h, rx, tx);
}

static void rv_shutdown_send(struct vsock_port *p, int h)
{
	struct rvsock *t = rv_of(p);
	rv_inner(t)->shutdown_send(&t->uds.port, h);
	rv_effect(t, TRACE_VSOCK_SHUTDOWN, h, 0);
}

static void rv_close(struct vsock_port *p, int h)
{
	struct rvsock *t = rv_of(p);
	rv_inner(t)->close(&t->uds.port, h);
	rv_effect(t, TRACE_VSOCK_CLOSE, h, 0);
}

static const struct vsock_port_ops rv_ops = {
    .connect = rv_connect,
    .accepted = rv_accepted,
    .send = rv_send,
    .recv = rv_recv,
    .want = rv_want,
    .shutdown_send = rv_shutdown_send,
    .close = rv_close,
};

/* ---- the host's calls into the device: one event each ---- */

static int rv_host_connect(void *opaque, int h, uint32_t guest_port)
{
	struct rvsock *t = opaque;
	const struct vsock_sink *d = t->dev_sink;
	int r = d->host_connect(d->dev, h, guest_port);
	rv_effect(t, TRACE_VSOCK_ANSWER, h, r);
	tenc_vsock(&t->rec->out, TRACE_VSOCK_HOST, TRACE_VSOCK_CONNECT,
		   (uint32_t)h, rv_y(guest_port), NULL, 0);
	record_commit(t->rec);
	return r;
}

static void rv_ready(void *opaque, int h, bool rx, bool tx)
{
	struct rvsock *t = opaque;
	const struct vsock_sink *d = t->dev_sink;
	d->ready(d->dev, h, rx, tx);
	tenc_vsock(
	    &t->rec->out, TRACE_VSOCK_HOST, TRACE_VSOCK_READY, (uint32_t)h,
	    (int32_t)((rx ? TRACE_VSOCK_RX : 0u) | (tx ? TRACE_VSOCK_TX : 0u)),
	    NULL, 0);
	record_commit(t->rec);
}

/* With the transport lock held (vm_virtio_vsock_call). */
static void rv_serve(void *opaque, const struct vsock_sink *dev)
{
	struct rvsock *t = opaque;
	t->dev_sink = dev;
	vsock_uds_serve(&t->uds);
	t->dev_sink = NULL;
}

/* The uds's epoll fd is readable (I/O thread). */
static void rv_io(void *opaque, uint32_t events)
{
	struct rvsock *t = opaque;
	(void)events;
	record_begin(t->rec);
	vm_virtio_vsock_call(t->vdev, rv_serve, t);
	record_release(t->rec);
}

/* ---- lifecycle ---- */

int rvsock_open(struct rvsock *t, struct recorder *rec, struct vm_host *host)
{
	memset(t, 0, sizeof(*t));
	t->rec = rec;
	t->port.ops = &rv_ops;
	int e = vsock_uds_init(&t->uds, host->vsock_fd, host->vsock_dial_fd);
	if (e)
		return e;
	t->uds_ready = true;
	host->vsock_port = &t->port;
	return 0;
}

int rvsock_start(struct rvsock *t, struct vm *vm, struct vm_vdev *v)
{
	t->vdev = v;
	t->sink = (struct vsock_sink){
	    .host_connect = rv_host_connect, .ready = rv_ready, .dev = t};
	vsock_uds_bind(&t->uds, &t->sink);
	return iothread_add(vm_iothread(vm), vsock_uds_fd(&t->uds), EPOLLIN,
			    rv_io, t);
}

void rvsock_close(struct rvsock *t)
{
	if (t->uds_ready)
		vsock_uds_destroy(&t->uds);
	t->uds_ready = false;
}
