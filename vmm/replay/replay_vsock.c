/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vsock in a replay: the device's stream port answers each call with
 * the vsock-in record the recorder wrote for it (a dial's handle, the
 * bytes a send took, the bytes a receive read), and turns what the device
 * does to the host into vsock-out effects (the bytes the host took,
 * accepted, shutdown, close), matched against the trace like every other
 * effect. vsock-host events call the device as the host side did. A call
 * whose record is missing or is for another op or handle is a divergence
 * (lenient: the call fails, or gets what the record has). The device
 * checks every handle and length a port returns, so a made-up trace
 * cannot take it out of its bounds.
 */
#include "vmm/replay/replay_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static struct replay *rv_rp(struct vsock_port *p)
{
	return ((struct replay_vsock *)((char *)p -
					offsetof(struct replay_vsock, port)))
	    ->rp;
}

void replay_vsock_desc(char *buf, size_t cap, const struct trace_rec *r)
{
	uint32_t x, len;
	int32_t y;
	const uint8_t *data;
	tdec_vsock(r, &x, &y, &data, &len);
	const char *op = trace_vsock_op_name(r->type, r->a);
	int at = trace_vsock_has_data(r->type, r->a)
		     ? snprintf(buf, cap,
				"%s %s on handle %" PRIu32 " (%" PRId32 "): ",
				trace_type_name(r->type), op ? op : "?", x, y)
		     : snprintf(buf, cap,
				"%s %s on handle %" PRIu32 " (%" PRId32 ")",
				trace_type_name(r->type), op ? op : "?", x, y);
	if (trace_vsock_has_data(r->type, r->a) && at > 0 && (size_t)at < cap)
		replay_bytes_desc(buf + at, cap - (size_t)at, data, len);
}

/* The answer a vsock-in record gives one port call. */
struct rv_answer {
	const struct trace_rec *rec;
	int32_t y;
	const uint8_t *data;
	uint32_t len;
};

/* The vsock-in record for this call (op on x), decoded into *a; false
 * when there is none usable (reported when strict). */
static bool rv_take(struct replay *rp, unsigned op, uint32_t x,
		    struct rv_answer *a)
{
	const struct trace_rec *q = replay_input_take(rp, TRACE_VSOCK_IN);
	const char *name = trace_vsock_op_name(TRACE_VSOCK_IN, op);
	if (!q) {
		if (!rp->lenient)
			replay_diverge(rp, rp->event_index,
				       "the vsock device made a port call (%s "
				       "%" PRIu32 ") but the trace has no "
				       "vsock-in record for this event",
				       name, x);
		return false;
	}
	uint32_t qx;
	a->rec = q;
	tdec_vsock(q, &qx, &a->y, &a->data, &a->len);
	if ((q->a != op || qx != x) && !rp->lenient) {
		char want[96];
		replay_vsock_desc(want, sizeof(want), q);
		replay_diverge(rp, q->index,
			       "expected %s, the vsock device made the port "
			       "call %s %" PRIu32,
			       want, name, x);
		return false;
	}
	return true;
}

static size_t rv_iov_len(const struct iovec *iov, unsigned n)
{
	size_t len = 0;
	for (unsigned i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

/* An effect: x the handle, y, and no bytes (bytes may follow, added as
 * a stream onto it). */
static void rv_effect(struct replay *rp, unsigned op, int h, int32_t y)
{
	uint8_t hdr[TRACE_VSOCK_HDR];
	trace_put32(hdr, (uint32_t)h);
	trace_put32(hdr + 4, (uint32_t)y);
	replay_eff_add(rp, TRACE_VSOCK_OUT, (uint8_t)op, 0, hdr, sizeof(hdr),
		       false);
}

static int rv_connect(struct vsock_port *p, uint32_t port)
{
	struct rv_answer a;
	return rv_take(rv_rp(p), TRACE_VSOCK_DIAL, port, &a) ? a.y
							     : -ECONNREFUSED;
}

static ssize_t rv_send(struct vsock_port *p, int h, const struct iovec *iov,
		       unsigned n)
{
	struct replay *rp = rv_rp(p);
	struct rv_answer a;
	if (!rv_take(rp, TRACE_VSOCK_SENT, (uint32_t)h, &a))
		return -EIO;
	size_t have = rv_iov_len(iov, n);
	if (a.y > 0 && (size_t)a.y > have) {
		if (!rp->lenient)
			replay_diverge(rp, a.rec->index,
				       "the host took %" PRId32 " bytes, but "
				       "the vsock device offered %zu",
				       a.y, have);
		return -EIO;
	}
	if (a.y <= 0)
		return a.y;
	rv_effect(rp, TRACE_VSOCK_DATA, h, 0);
	size_t left = (size_t)a.y;
	for (unsigned i = 0; i < n && left; i++) {
		size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;
		replay_eff_add(rp, TRACE_VSOCK_OUT, TRACE_VSOCK_DATA, 0,
			       iov[i].iov_base, k, true);
		left -= k;
	}
	return a.y;
}

static ssize_t rv_recv(struct vsock_port *p, int h, const struct iovec *iov,
		       unsigned n)
{
	struct replay *rp = rv_rp(p);
	struct rv_answer a;
	if (!rv_take(rp, TRACE_VSOCK_RECV, (uint32_t)h, &a))
		return -EIO;
	if (a.y <= 0)
		return a.y;
	size_t have = rv_iov_len(iov, n);
	if (((size_t)a.y != a.len || a.len > have) && !rp->lenient) {
		replay_diverge(rp, a.rec->index,
			       "the host's read returned %" PRId32
			       " with %" PRIu32
			       " bytes recorded, into %zu bytes of buffers",
			       a.y, a.len, have);
		return -EIO;
	}
	size_t done = 0;
	for (unsigned i = 0; i < n && done < a.len; i++) {
		size_t k = iov[i].iov_len < a.len - done ? iov[i].iov_len
							 : a.len - done;
		memcpy(iov[i].iov_base, a.data + done, k);
		done += k;
	}
	return (ssize_t)done;
}

static void rv_accepted(struct vsock_port *p, int h, uint32_t local_port)
{
	rv_effect(rv_rp(p), TRACE_VSOCK_ACCEPTED, h,
		  local_port > INT32_MAX ? INT32_MAX : (int32_t)local_port);
}

static void rv_want(struct vsock_port *p, int h, bool rx, bool tx)
{
	(void)p, (void)h, (void)rx, (void)tx; /* the trace has the answers */
}

static void rv_shutdown_send(struct vsock_port *p, int h)
{
	rv_effect(rv_rp(p), TRACE_VSOCK_SHUTDOWN, h, 0);
}

static void rv_close(struct vsock_port *p, int h)
{
	rv_effect(rv_rp(p), TRACE_VSOCK_CLOSE, h, 0);
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

void replay_vsock_init(struct replay *rp)
{
	rp->vsock = (struct replay_vsock){.port.ops = &rv_ops, .rp = rp};
}

/* ---- events ---- */

struct rv_call {
	struct replay *rp;
	const struct trace_rec *r;
};

/* With the transport lock held (vm_virtio_vsock_call). */
static void rv_dispatch(void *opaque, const struct vsock_sink *s)
{
	const struct rv_call *c = opaque;
	uint32_t x, len;
	int32_t y;
	const uint8_t *data;
	tdec_vsock(c->r, &x, &y, &data, &len);
	int h = x > INT32_MAX ? -1 : (int)x;
	if (c->r->a == TRACE_VSOCK_CONNECT) {
		int res = s->host_connect(s->dev, h, (uint32_t)y);
		rv_effect(c->rp, TRACE_VSOCK_ANSWER, h, res);
	} else {
		s->ready(s->dev, h, (uint32_t)y & TRACE_VSOCK_RX,
			 (uint32_t)y & TRACE_VSOCK_TX);
	}
}

void replay_vsock_event(struct replay *rp, const struct trace_rec *r)
{
	if (!rp->vsock_vdev) {
		if (!rp->lenient)
			replay_bad(rp, r->index,
				   "record %" PRIu64 " (vsock-host): the "
				   "trace's machine has no vsock",
				   r->index);
		return;
	}
	struct rv_call c = {.rp = rp, .r = r};
	replay_event_begin(rp, r->index);
	vm_virtio_vsock_call(rp->vsock_vdev, rv_dispatch, &c);
	replay_event_end(rp);
}
