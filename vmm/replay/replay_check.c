/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the devices take and give during a replayed event: the inputs
 * they ask for (time, random bytes) come from the records queued before
 * the event, and what they produce (interrupts, COM1 and console output,
 * tap frames) is collected and then matched against the effect records
 * that follow the event in the trace.
 */
#include "vmm/replay/replay_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/vm/vcpu.h"

#define REPLAY_CONSUMED 0xff /* type of a queued input once used */

/* ---- effects ---- */

void replay_eff_add(struct replay *rp, uint8_t type, uint8_t a, uint16_t b,
		    const void *data, size_t len, bool stream)
{
	if (!rp->in_event || rp->stopped || rp->lenient)
		return; /* lenient: nothing is compared */
	if (len > rp->effcap - rp->efflen) {
		size_t cap = rp->effcap ? rp->effcap : 4096;
		while (cap - rp->efflen < len)
			cap *= 2;
		uint8_t *p = realloc(rp->effdata, cap);
		if (!p) {
			replay_oom(rp);
			return;
		}
		rp->effdata = p;
		rp->effcap = cap;
	}
	if (len)
		memcpy(rp->effdata + rp->efflen, data, len);
	struct replay_eff *last = rp->neff ? &rp->eff[rp->neff - 1] : NULL;
	if (stream && last && last->type == type && last->a == a &&
	    last->off + last->len == rp->efflen) {
		last->len += len;
		rp->efflen += len;
		return;
	}
	if (rp->neff == rp->eff_cap) {
		size_t cap = rp->eff_cap ? rp->eff_cap * 2 : 64;
		struct replay_eff *e = realloc(rp->eff, cap * sizeof(*e));
		if (!e) {
			replay_oom(rp);
			return;
		}
		rp->eff = e;
		rp->eff_cap = cap;
	}
	rp->eff[rp->neff++] = (struct replay_eff){
	    .type = type, .a = a, .b = b, .off = rp->efflen, .len = len};
	rp->efflen += len;
}

void replay_bytes_desc(char *buf, size_t cap, const uint8_t *data, size_t len)
{
	size_t at = (size_t)snprintf(buf, cap, "\"");
	for (size_t i = 0; i < len && i < 24 && at + 6 < cap; i++)
		at += (size_t)snprintf(buf + at, cap - at,
				       data[i] >= 0x20 && data[i] < 0x7f &&
					       data[i] != '"' && data[i] != '\\'
					   ? "%c"
					   : "\\x%02x",
				       data[i]);
	if (at < cap)
		snprintf(buf + at, cap - at, "%s\" (%zu bytes)",
			 len > 24 ? "..." : "", len);
}

/* A short description of an effect for messages. */
static void replay_eff_desc(char *buf, size_t cap, uint8_t type, uint8_t a,
			    uint16_t b, const uint8_t *data, size_t len)
{
	if (type == TRACE_IRQ) {
		snprintf(buf, cap, "irq %u level %u", b, a);
		return;
	}
	if (type == TRACE_TAP_TX) {
		snprintf(buf, cap, "a %zu-byte frame sent on net %u", len, a);
		return;
	}
	if (type == TRACE_VSOCK_OUT) {
		struct trace_rec r = {.type = type,
				      .a = a,
				      .b = b,
				      .len = (uint32_t)len,
				      .data = data};
		replay_vsock_desc(buf, cap, &r);
		return;
	}
	int at = snprintf(buf, cap, "%s output ",
			  type == TRACE_SERIAL_TX ? "COM1" : "console");
	if (at > 0 && (size_t)at < cap)
		replay_bytes_desc(buf + at, cap - (size_t)at, data, len);
}

void replay_event_begin(struct replay *rp, uint64_t index)
{
	rp->neff = rp->eff_pos = rp->eff_byte = 0;
	rp->efflen = 0;
	rp->event_index = index;
	rp->in_event = true;
}

/* One frame net rp->tx_net sent: a TAP_TX effect. */
static void replay_tx_one(void *opaque, const uint8_t *frame, size_t len)
{
	struct replay *rp = opaque;
	replay_eff_add(rp, TRACE_TAP_TX, (uint8_t)rp->tx_net, 0, frame, len,
		       false);
}

void replay_event_end(struct replay *rp)
{
	for (unsigned i = 0; i < rp->nnets; i++) {
		rp->tx_net = i;
		(void)tport_take_tx(&rp->net_port[i], replay_tx_one, rp);
	}
	rp->in_event = false;
	for (size_t i = 0; i < rp->inq_len && !rp->lenient && !rp->stopped;
	     i++) {
		const struct trace_rec *q = &rp->inq[i];
		if (q->type != REPLAY_CONSUMED)
			replay_diverge(
			    rp, q->index,
			    "%s input unused: the devices did not "
			    "ask for it while handling record %" PRIu64,
			    trace_type_name(q->type), rp->event_index);
	}
	rp->inq_len = 0;
	memset(rp->in_next, 0, sizeof(rp->in_next));
}

void replay_effect_match(struct replay *rp, const struct trace_rec *r)
{
	char want[160], got[160];
	if (rp->lenient)
		return;
	replay_eff_desc(want, sizeof(want), r->type, r->a, r->b, r->data,
			r->len);
	if (rp->eff_pos == rp->neff) {
		replay_diverge(rp, r->index,
			       "expected %s, the replay produced "
			       "nothing more for record %" PRIu64,
			       want, rp->event_index);
		return;
	}
	const struct replay_eff *e = &rp->eff[rp->eff_pos];
	const uint8_t *p = rp->effdata + e->off + rp->eff_byte;
	size_t left = e->len - rp->eff_byte;
	replay_eff_desc(got, sizeof(got), e->type, e->a, e->b, p, left);
	bool stream = r->type == TRACE_SERIAL_TX || r->type == TRACE_CONSOLE_TX;
	if (e->type != r->type || e->a != r->a || e->b != r->b ||
	    (!stream &&
	     (e->len != r->len || (r->len && memcmp(p, r->data, r->len))))) {
		replay_diverge(rp, r->index, "expected %s, found %s", want,
			       got);
		return;
	}
	if (!stream) {
		rp->eff_pos++;
		return;
	}
	size_t n = r->len < left ? r->len : left;
	for (size_t i = 0; i < n; i++)
		if (p[i] != r->data[i]) {
			replay_diverge(rp, r->index,
				       "byte %zu of %s: expected "
				       "0x%02x, found 0x%02x",
				       i, want, r->data[i], p[i]);
			return;
		}
	if (r->len > left) {
		replay_diverge(rp, r->index, "expected %s, found only %s", want,
			       got);
		return;
	}
	rp->eff_byte += n;
	if (rp->eff_byte == e->len) {
		rp->eff_pos++;
		rp->eff_byte = 0;
	}
}

void replay_effects_done(struct replay *rp, const struct trace_rec *next)
{
	if (rp->lenient || rp->eff_pos == rp->neff)
		return;
	const struct replay_eff *e = &rp->eff[rp->eff_pos];
	char got[160];
	replay_eff_desc(got, sizeof(got), e->type, e->a, e->b,
			rp->effdata + e->off + rp->eff_byte,
			e->len - rp->eff_byte);
	const char *name = trace_type_name(next->type);
	replay_diverge(rp, next->index,
		       "expected %s, found %s (produced by "
		       "record %" PRIu64 ")",
		       name ? name : "the end", got, rp->event_index);
}

/* ---- inputs ---- */

void replay_input_queue(struct replay *rp, const struct trace_rec *r)
{
	if (rp->lenient && rp->inq_len >= REPLAY_LENIENT_QMAX)
		return;
	if (rp->inq_len == rp->inq_cap) {
		size_t cap = rp->inq_cap ? rp->inq_cap * 2 : 16;
		struct trace_rec *q = realloc(rp->inq, cap * sizeof(*q));
		if (!q) {
			replay_oom(rp);
			return;
		}
		rp->inq = q;
		rp->inq_cap = cap;
	}
	rp->inq[rp->inq_len++] = *r;
}

const struct trace_rec *replay_input_take(struct replay *rp, uint8_t type)
{
	size_t *next = &rp->in_next[type & 0x0f];
	for (; *next < rp->inq_len; (*next)++) {
		struct trace_rec *q = &rp->inq[*next];
		if (q->type == type) {
			q->type = REPLAY_CONSUMED;
			return q;
		}
	}
	return NULL;
}

static int64_t replay_t_rtc_now(void *opaque)
{
	struct replay *rp = opaque;
	const struct trace_rec *q = replay_input_take(rp, TRACE_RTC);
	if (q)
		return tdec_rtc(q);
	if (!rp->lenient)
		replay_diverge(
		    rp, rp->event_index,
		    "the RTC read the time, "
		    "but the trace has no rtc record for this event");
	return 0;
}

static ssize_t replay_t_dev_input(void *opaque, const struct vdev_input *in,
				  void *buf, size_t len)
{
	struct replay *rp = opaque;
	const struct trace_rec *q = replay_input_take(rp, in->trace_type);
	memset(buf, 0, len);
	if (!q) {
		if (!rp->lenient)
			replay_diverge(rp, rp->event_index,
				       "a device asked for %zu bytes of %s "
				       "input, but the trace has no %s "
				       "record for this event",
				       len, in->name, in->name);
		return rp->lenient ? (ssize_t)len : -EIO;
	}
	if (q->len == 0)
		return -EIO; /* the recorded source failed */
	if (q->len != len && !rp->lenient)
		replay_diverge(rp, q->index,
			       "a device asked for %zu bytes of %s input, "
			       "the record has %" PRIu32,
			       len, in->name, q->len);
	memcpy(buf, q->data, q->len < len ? q->len : len);
	return (ssize_t)len;
}

/* ---- outputs ---- */

static void replay_t_irq(void *opaque, uint32_t gsi, int level)
{
	replay_eff_add(opaque, TRACE_IRQ, level ? 1 : 0, (uint16_t)gsi, NULL, 0,
		       false);
}

static void replay_t_serial_tx(void *opaque, uint8_t byte)
{
	replay_eff_add(opaque, TRACE_SERIAL_TX, 0, 0, &byte, 1, true);
}

static void replay_t_console_tx(void *opaque, const uint8_t *buf, size_t len)
{
	replay_eff_add(opaque, TRACE_CONSOLE_TX, 0, 0, buf, len, true);
}

/* The replay never runs vm_run: no vCPU thread, control loop or I/O
 * thread calls these. */
static bool replay_t_exit(void *opaque, struct vcpu *c, struct accel_exit *e)
{
	(void)opaque;
	return vcpu_handle_exit(c, e);
}

static size_t replay_t_console_input(void *opaque, const uint8_t *buf,
				     size_t len)
{
	(void)opaque, (void)buf, (void)len;
	return 0;
}

static void replay_t_net_rx(void *opaque, struct vm_vdev *v)
{
	(void)opaque, (void)v;
}

const struct vm_tracer_ops replay_tracer_ops = {
    .exit = replay_t_exit,
    .console_input = replay_t_console_input,
    .net_rx = replay_t_net_rx,
    .rtc_now = replay_t_rtc_now,
    .dev_input = replay_t_dev_input,
    .irq = replay_t_irq,
    .serial_tx = replay_t_serial_tx,
    .console_tx = replay_t_console_tx,
};

void replay_check_free(struct replay *rp)
{
	free(rp->inq);
	free(rp->eff);
	free(rp->effdata);
	rp->inq = NULL;
	rp->eff = NULL;
	rp->effdata = NULL;
}
